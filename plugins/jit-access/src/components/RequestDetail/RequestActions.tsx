import { useApi } from '@backstage/core-plugin-api';
import type { AccessRequest, RequestAction, RequestDetail } from '@jit-access/plugin-jit-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { useNotify } from '../shared/useNotify';
import { Decision, DecisionDialog } from './DecisionDialog';
import { ExtendDialog } from './ExtendDialog';

const LABEL: Record<RequestAction['action'], string> = {
  approve: 'Approve',
  reject: 'Reject',
  cancel: 'Cancel request',
  revoke: 'Revoke',
  end: 'End session',
  extend: 'Extend session',
  closeReview: 'Close review',
};

/**
 * The action buttons of a request, as the backend decided them: a denied
 * action is shown disabled with the backend's reason, as a tooltip and as
 * text, so nobody has to guess why they cannot approve.
 */
export function RequestActions(props: {
  /** A request with the caller's verdicts: its detail, or a Pending approvals row. */
  request: AccessRequest & { actions: RequestAction[] };
  onChanged: (r: RequestDetail) => void;
  only?: Array<RequestAction['action']>;
  hideIrrelevant?: boolean;
}) {
  const api = useApi(jitAccessApiRef);
  const notify = useNotify();
  const [decision, setDecision] = useState<Decision>();
  const [extending, setExtending] = useState(false);
  const { request } = props;
  const relevant = props.request.actions.filter(a => {
    if (props.only && !props.only.includes(a.action)) return false;
    if (!props.hideIrrelevant) return true;
    // Hide what cannot apply to this state at all, keep what the user cannot do.
    const pending = request.status === 'pending';
    const live = request.status === 'active';
    if (a.action === 'closeReview') return request.review?.status === 'open';
    if (a.action === 'approve' || a.action === 'reject') return pending;
    if (a.action === 'cancel') return pending || request.status === 'approved';
    if (a.action === 'extend') return live && request.kind === 'standard';
    return live;
  });
  const denied = relevant.filter(a => !a.allowed && a.reason);
  const reasons = [...new Set(denied.map(a => a.reason!))];

  const run = async (comment: string) => {
    const id = request.id;
    const c = comment.trim() || undefined;
    try {
      let updated: RequestDetail;
      switch (decision) {
        case 'approve':
          updated = await api.approve(id, c);
          break;
        case 'reject':
          updated = await api.reject(id, c);
          break;
        case 'cancel':
          updated = await api.cancel(id);
          break;
        case 'closeReview':
          updated = await api.closeReview(id, comment.trim());
          break;
        default:
          updated = await api.revoke(id, c);
      }
      setDecision(undefined);
      const outcome = decision === 'closeReview' ? 'break-glass review closed' : updated.status;
      notify.success(`${id}: ${outcome}`);
      props.onChanged(updated);
    } catch (e) {
      notify.error(`${id}: ${(e as Error).message}`);
    }
  };

  if (!relevant.length) return null;
  return (
    <Box>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        {relevant.map(a => (
          <Tooltip key={a.action} title={a.allowed ? '' : a.reason ?? ''}>
            <span>
              <Button
                variant={a.action === 'approve' ? 'contained' : 'outlined'}
                color={a.action === 'approve' ? 'primary' : 'default'}
                disabled={!a.allowed}
                onClick={() => (a.action === 'extend' ? setExtending(true) : setDecision(a.action as Decision))}
                aria-label={`${LABEL[a.action]} ${request.id}`}
              >
                {LABEL[a.action]}
              </Button>
            </span>
          </Tooltip>
        ))}
      </Box>
      {reasons.map(r => (
        <Typography key={r} variant="caption" color="textSecondary" display="block" data-testid="action-reason">
          {r}
        </Typography>
      ))}
      <DecisionDialog
        decision={decision}
        requestId={request.id}
        customPolicy={request.customPolicy}
        onClose={() => setDecision(undefined)}
        onConfirm={run}
      />
      <ExtendDialog open={extending} request={request} onClose={() => setExtending(false)} />
    </Box>
  );
}
