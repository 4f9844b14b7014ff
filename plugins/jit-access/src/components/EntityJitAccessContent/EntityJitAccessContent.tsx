import { InfoCard, Link, MissingAnnotationEmptyState, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  AWS_ACCOUNT_ID_ANNOTATION,
  describeCatalogConflict,
  formatMinutes,
  type RequestDetail,
} from '@jit-access/plugin-jit-access-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { jitAccessApiRef, RequestListQuery } from '../../api/JitAccessApi';
// Lazy: the chart (recharts) and the table (material-table) load beside the
// pending requests, which wait for neither.
import { AccountActivity, RequestTable } from '../lazyComponents';
import { RequestActions } from '../RequestDetail/RequestActions';
import { CustomPolicyBlock } from '../shared/CustomPolicyBlock';
import { ownerNamesOf } from '../shared/ownerNames';
import { StatusChip } from '../shared/StatusChip';
import { RequestLink } from '../shared/RequestLink';
import { rootRouteRef } from '../../routes';

/** The JIT Access tab of an AWS account entity page. @public */
export function EntityJitAccessContent() {
  const { entity } = useEntity();
  const accountId = entity.metadata.annotations?.[AWS_ACCOUNT_ID_ANNOTATION];
  if (!accountId) return <MissingAnnotationEmptyState annotation={AWS_ACCOUNT_ID_ANNOTATION} />;
  return <AccountJitAccess accountId={accountId} />;
}

export function AccountJitAccess({ accountId }: { accountId: string }) {
  const api = useApi(jitAccessApiRef);
  const jitAccessLink = useRouteRef(rootRouteRef);
  const data = useAsyncRetry(async () => {
    const me = await api.getMe();
    const approver = me.features.pendingApprovals;
    const [pending, sessions, history, accounts] = await Promise.all([
      approver ? api.listRequests({ view: 'approvals', accountId }) : Promise.resolve({ items: [] }),
      approver ? api.listSessions({ view: 'managed', accountId }) : Promise.resolve({ items: [] }),
      api.listRequests(historyQuery(approver, accountId)),
      api.getAccounts(),
    ]);
    // Decisions need each request's actions (with the reasons when denied).
    const pendingDetails = await Promise.all(pending.items.map(r => api.getRequest(r.id)));
    const sessionDetails = await Promise.all(sessions.items.map(r => api.getRequest(r.id)));
    return {
      me,
      pending: pendingDetails,
      sessions: sessionDetails,
      history,
      account: accounts.items.find(a => a.accountId === accountId),
      unavailable: accounts.unavailable?.find(a => a.accountId === accountId),
    };
  }, [api, accountId]);

  if (data.loading && !data.value) return <Progress />;
  if (data.error) return <ResponseErrorPanel error={data.error} />;
  const { me, pending, sessions, history, account, unavailable } = data.value!;
  const conflict = account?.catalogConflict ?? unavailable?.catalogConflict;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="JIT Access" subheader={`AWS account ${accountId}`}>
          {account ? (
            <Typography variant="body2">
              Onboarded. Permission sets: {account.permissionSets.map(p => `${p.name} (${formatMinutes(p.sessionDurationMinutes)})`).join(', ') || 'none'}
              {account.customPolicyAllowed ? '; custom policies allowed' : ''}. Owners: {ownerNamesOf(account.owners, account.ownerNames) || 'none'}.{' '}
              {me.ownedAccountIds.includes(accountId) && 'You are an owner of this account. '}
              {!account.hasApprover && !me.ownedAccountIds.includes(accountId) && 'Nobody can approve requests for this account: ask a JIT Access admin to assign owners. '}
              <Link to={jitAccessLink()} underline="always">
                Request access
              </Link>
            </Typography>
          ) : (
            <Typography variant="body2" data-testid={unavailable ? 'account-unavailable' : undefined}>
              {unavailable
                ? `Onboarded, but takes no new requests now. ${conflict ? '' : unavailable.reason}`
                : 'This account is not onboarded to JIT Access (or has nothing requestable).'}
            </Typography>
          )}
          {conflict && (
            <Box mt={1}>
              <Alert severity="warning" data-testid="catalog-conflict">
                {unavailable?.reason ?? describeCatalogConflict(accountId, conflict)}
              </Alert>
            </Box>
          )}
        </InfoCard>
      </Grid>
      {me.features.pendingApprovals && (
        <Grid item xs={12}>
          <InfoCard title={`Pending requests (${pending.length})`}>
            {pending.length === 0 && <Typography variant="body2">No request for this account is waiting for your decision.</Typography>}
            {pending.map(r => (
              <DecisionRow key={r.id} request={r} onChanged={data.retry} />
            ))}
          </InfoCard>
        </Grid>
      )}
      {me.features.manageSessions && (
        <Grid item xs={12}>
          <InfoCard title={`Active sessions (${sessions.length})`}>
            {sessions.length === 0 && <Typography variant="body2">No active session on this account.</Typography>}
            {sessions.map(r => (
              <DecisionRow key={r.id} request={r} onChanged={data.retry} />
            ))}
          </InfoCard>
        </Grid>
      )}
      {(me.ownedAccountIds.includes(accountId) || me.features.config) && (
        <Grid item xs={12}>
          <AccountActivity accountId={accountId} />
        </Grid>
      )}
      <Grid item xs={12}>
        <RequestTable
          title={me.features.requestHistory ? 'Recent requests' : 'Your recent requests'}
          requests={history.items}
          nextCursor={history.nextCursor}
          loadMore={cursor => api.listRequests({ ...historyQuery(me.features.pendingApprovals, accountId), cursor })}
          showRequester={me.features.requestHistory}
          emptyContent={<Box p={2}>No requests for this account yet.</Box>}
        />
      </Grid>
    </Grid>
  );
}

/** The account's recent requests: all of them for approvers, the caller's own for others; 10 a page. */
function historyQuery(approver: boolean, accountId: string): RequestListQuery {
  return { view: approver ? 'history' : 'mine', accountId, limit: 10 };
}

function DecisionRow({ request: r, onChanged }: { request: RequestDetail; onChanged: () => void }) {
  return (
    <Box py={1.5} borderBottom="1px solid rgba(0,0,0,0.12)" data-testid={`decision-row-${r.id}`}>
      <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 12 }}>
        <RequestLink id={r.id} />
        <StatusChip status={r.status} />
        <Typography variant="body2">
          <strong>{r.requesterName ?? r.requester}</strong> · {r.permissionSetName ?? 'Custom policy'} ·{' '}
          {formatMinutes(r.effectiveDurationMinutes)}
          {r.status === 'active' && r.expiresAt ? ` · until ${new Date(r.expiresAt).toLocaleTimeString()}` : ''}
        </Typography>
      </Box>
      <Typography variant="body2" color="textSecondary">
        Reason: {r.reason}
        {r.requiredSteps > 1 && r.status === 'pending' ? ` · step ${r.currentStep} of ${r.requiredSteps}` : ''}
      </Typography>
      {/* What a custom request grants, for the owner to read before deciding. */}
      {r.customPolicy && <CustomPolicyBlock requestId={r.id} policy={r.customPolicy} />}
      <Box mt={1}>
        <RequestActions request={r} onChanged={onChanged} hideIrrelevant only={['approve', 'reject', 'revoke']} />
      </Box>
    </Box>
  );
}
