import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { AccessRequest, RequestDetail } from '@jit-access/plugin-jit-access-common';
import Box from '@material-ui/core/Box';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { RequestActions } from '../RequestDetail/RequestActions';
import { REQUEST_PAGE_SIZE } from '../shared/pageSize';
import { RequestTable } from '../shared/RequestTable';
import { approveEach } from './approveEach';
import { BulkApprove, BulkState } from './BulkApprove';
import { LoadedDetail, useRequestDetails } from './useRequestDetails';

const QUERY = { view: 'approvals', limit: REQUEST_PAGE_SIZE } as const;

/**
 * Why a row cannot be approved, from its detail's verdict: the same reason
 * the request's own page gives. A row whose detail is still loading can be
 * selected: the list holds only requests the caller could approve when it
 * was read, and the server has the last word.
 */
function whyNotApprovable(detail: LoadedDetail | undefined): string | undefined {
  if (!detail) return undefined;
  if (detail instanceof Error) return `Could not read the request: ${detail.message}`;
  const approve = detail.actions.find(a => a.action === 'approve');
  if (!approve) return 'This request cannot be approved.';
  return approve.allowed ? undefined : approve.reason ?? 'You cannot approve this request.';
}

/**
 * The requests waiting for the caller's decision: each row approves or
 * rejects through the dialogs of the request's page, with the same verdicts
 * (disabled, and why, when the caller may not decide); rows can be selected
 * and approved together with one comment.
 */
export function PendingApprovals() {
  const api = useApi(jitAccessApiRef);
  const list = useAsyncRetry(() => api.listRequests(QUERY), [api]);
  const [rows, setRows] = useState<AccessRequest[]>([]);
  // Rows of the approvals list carry their verdicts; others (an older
  // backend) are read one by one.
  const unjudged = useMemo(() => rows.filter(r => !r.actions), [rows]);
  const fetched = useRequestDetails(api, list.value, unjudged);
  const details = {
    get: (id: string): LoadedDetail | undefined => {
      const row = rows.find(r => r.id === id);
      return row?.actions ? { ...row, actions: row.actions } : fetched.get(id);
    },
  };
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulk, setBulk] = useState<BulkState>();
  const { retry } = list;
  const refresh = useCallback(() => retry(), [retry]);
  // A row decided leaves the list with its buttons: the focus goes to what
  // came of it, not to the page's start.
  const [decided, setDecided] = useState<RequestDetail>();
  const decidedStatus = useRef<HTMLElement>(null);
  useEffect(() => {
    if (decided) decidedStatus.current?.focus();
  }, [decided]);
  const onDecided = useCallback(
    (r: RequestDetail) => {
      setDecided(r);
      retry();
    },
    [retry],
  );

  // The list keeps showing while it reloads, so focus and place stay.
  if (!list.value && list.error) return <ResponseErrorPanel error={list.error} />;
  if (!list.value) return <Progress />;

  const approvable = rows.filter(r => !whyNotApprovable(details.get(r.id)));
  const chosen = approvable.filter(r => selected.has(r.id)).map(r => r.id);
  const toggle = (r: AccessRequest) =>
    setSelected(prev => {
      const next = new Set(prev);
      if (!next.delete(r.id)) next.add(r.id);
      return next;
    });
  const approveSelected = async (comment: string | undefined) => {
    setBulk({ running: chosen.length });
    const outcome = await approveEach(api, chosen, comment);
    setSelected(new Set());
    setBulk({ outcome });
    refresh();
  };

  return (
    <>
      {list.error && <ResponseErrorPanel error={list.error} />}
      <BulkApprove
        selected={chosen}
        selectable={approvable.length}
        onSelectAll={all => setSelected(new Set(all ? approvable.map(r => r.id) : []))}
        onApprove={approveSelected}
        state={bulk}
      />
      <Typography variant="body2" role="status" tabIndex={-1} ref={decidedStatus} data-testid="row-result">
        {decided && `Decided ${decided.id}: now ${decided.status.replace('_', ' ')}.`}
      </Typography>
      <RequestTable
        title="Waiting for your decision"
        requests={list.value.items}
        nextCursor={list.value.nextCursor}
        loadMore={cursor => api.listRequests({ ...QUERY, cursor })}
        onRowsShown={setRows}
        showRequester
        // Every request on this list is pending.
        hideStatus
        selection={{
          isSelected: r => selected.has(r.id),
          toggle,
          unavailable: r => whyNotApprovable(details.get(r.id)),
        }}
        actions={r => <RowDecision request={r} detail={details.get(r.id)} onChanged={onDecided} />}
        emptyContent={<Box p={2}>Nothing is waiting for you: no pending request whose current step you can decide.</Box>}
      />
    </>
  );
}

/** A row's Approve and Reject, as on the request's page, once its detail (with the verdicts) is read. */
function RowDecision(props: { request: AccessRequest; detail?: LoadedDetail; onChanged: (r: RequestDetail) => void }) {
  const { request, detail } = props;
  if (!detail) {
    return <CircularProgress size={16} aria-label={`Loading the actions of ${request.id}`} />;
  }
  if (detail instanceof Error) {
    return (
      <Typography variant="caption" color="textSecondary" data-testid="action-reason">
        Could not read the request: {detail.message}
      </Typography>
    );
  }
  return <RequestActions request={detail} onChanged={props.onChanged} hideIrrelevant only={['approve', 'reject']} />;
}
