import { InfoCard, Progress, ResponseErrorPanel, StructuredMetadataTable } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  describeStep,
  formatMinutes,
  type ApprovalStep,
  type RequestDetail,
  type RequestEvent,
  type RequestEventType,
} from '@jit-access/plugin-jit-access-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Step from '@material-ui/core/Step';
import StepContent from '@material-ui/core/StepContent';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import { withStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { readableColor } from '../shared/readableColor';
import { StatusChip } from '../shared/StatusChip';
import { RequestActions } from './RequestActions';

// A rejected step's label, readable: MUI draws it in error.main (3.7:1 on white).
const StepLabelReadable = withStyles(theme => ({
  label: { '&$error': { color: readableColor(theme, theme.palette.error.main) } },
  error: {},
}))(StepLabel);

const DURATION_CAUSE: Record<string, string> = {
  requested: 'as requested',
  'permission-set-session': "capped by the permission set's session duration",
  'custom-cap': 'capped by the maximum for custom policies',
};

/** Every event of the timeline, in words (the approvals say which step: see `eventLabels`). */
const EVENT_LABELS: Record<Exclude<RequestEventType, 'approve-step' | 'approve-final'>, string> = {
  created: 'Requested',
  reject: 'Rejected',
  cancel: 'Cancelled',
  'start-provisioning': 'Granting in Identity Center',
  provisioned: 'Access active (Identity Center confirmed the assignment)',
  'provisioning-failed': 'Grant failed',
  retry: 'Grant retried',
  expire: 'Expired: removing access',
  revoke: 'Revoked: removing access',
  'end-early': 'Ended early: removing access',
  supersede: 'Taken over by its extension',
  'ended-expired': 'Access removed from Identity Center',
  'ended-revoked': 'Access removed from Identity Center',
  'ended-early': 'Access removed from Identity Center',
  reconciled: 'Repaired by the reconciler',
  'live-sessions-ended': 'Live sessions denied everything',
  'time-out': 'Timed out without a decision',
  'break-glass': 'Break-glass: self-approved by the requester, announced to owners and admins',
  'review-closed': 'Break-glass review closed',
  withdraw: 'Ended: the config no longer allows it',
  'add-step': 'Approval step added by a config change',
};

/**
 * The timeline's labels, oldest first. Steps are approved in order and each
 * once (a step a config change adds comes after the decided ones), so the
 * n-th approval is step n's.
 */
function eventLabels(events: RequestEvent[]): string[] {
  let approvals = 0;
  return events.map(e =>
    e.type === 'approve-step' || e.type === 'approve-final'
      ? `Step ${++approvals} approved`
      : EVENT_LABELS[e.type] ?? e.type,
  );
}

/** Who acted, by name: "JIT Access" for the system; the entity ref's name when the catalog has no user for it. */
function actorOf(e: RequestEvent): string {
  return e.actorName ?? e.actor.replace(/^user:default\//, '');
}

function since(iso: string, now: number) {
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  return minutes < 1 ? 'less than a minute' : formatMinutes(minutes);
}

/** Loads and shows one request; refreshes while it is moving. */
export function RequestDetailView({ id }: { id: string }) {
  const api = useApi(jitAccessApiRef);
  const [override, setOverride] = useState<RequestDetail>();
  const { value, loading, error, retry } = useAsyncRetry(() => api.getRequest(id), [api, id]);
  const request = override && override.updatedAt >= (value?.updatedAt ?? '') ? override : value;

  // Provisioning and ending take a moment: poll until the state settles.
  const moving = request && ['approved', 'provisioning', 'ending'].includes(request.status);
  useEffect(() => {
    if (!moving) return undefined;
    const t = setInterval(() => {
      setOverride(undefined);
      retry();
    }, 2000);
    return () => clearInterval(t);
  }, [moving, retry]);

  if (!request && loading) return <Progress />;
  if (error && !request) {
    if (error.name === 'NotFoundError' || (error as { statusCode?: number }).statusCode === 404) {
      return <NotVisible id={id} />;
    }
    return <ResponseErrorPanel error={error} />;
  }
  if (!request) return null;
  return <RequestDetailCard request={request} onChanged={r => setOverride(r)} />;
}

export function RequestDetailCard(props: { request: RequestDetail; onChanged: (r: RequestDetail) => void }) {
  const r = props.request;
  const labels = eventLabels(r.events);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  const rejected = r.steps.find(s => s.status === 'rejected');
  const activeStep = r.status === 'pending' ? (r.currentStep ?? 1) - 1 : r.steps.length;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={7}>
        <InfoCard
          title={
            <Box display="flex" alignItems="center" style={{ gap: 12 }}>
              <span>{r.id}</span>
              <StatusChip status={r.status} />
              {r.breakGlass && (
                <Chip size="small" color="secondary" label="Break-glass" data-testid="break-glass-badge" />
              )}
            </Box>
          }
          subheader={`${r.permissionSetName ?? 'Custom policy'} on ${r.accountName} (${r.accountId})`}
        >
          {r.status === 'active' && r.expiresAt && (
            <Alert severity="success" style={{ marginBottom: 16 }} data-testid="time-left">
              Active until {new Date(r.expiresAt).toLocaleString()} ({formatMinutes(Math.max(0, Math.round((Date.parse(r.expiresAt) - now) / 60_000)))} left).
            </Alert>
          )}
          {r.review && <BreakGlassReviewState request={r} />}
          {rejected && (
            <Alert severity="error" style={{ marginBottom: 16 }}>
              Rejected by {rejected.decidedByName ?? rejected.decidedBy}
              {rejected.comment ? `: “${rejected.comment}”` : ' without a comment.'}
            </Alert>
          )}
          {r.status === 'failed' && (
            <Alert severity="error" style={{ marginBottom: 16 }}>
              Identity Center could not grant access: {r.statusReason}
            </Alert>
          )}
          {r.statusReason && !['failed', 'rejected'].includes(r.status) && (
            <Alert severity="warning" style={{ marginBottom: 16 }}>
              {r.statusReason}
            </Alert>
          )}
          <StructuredMetadataTable
            metadata={{
              Requester: r.requesterName ?? r.requester,
              Account: `${r.accountName} (${r.accountId})`,
              Access: r.permissionSetName ?? 'Custom policy',
              'Effective duration': `${formatMinutes(r.effectiveDurationMinutes)} (${DURATION_CAUSE[r.durationCause]}; requested ${formatMinutes(r.requestedDurationMinutes)})`,
              Reason: r.reason,
              ...(r.ticket ? { Ticket: r.ticket } : {}),
              ...(r.extendsRequestId ? { Extends: r.extendsRequestId } : {}),
              ...(r.startAt ? { 'Starts at': new Date(r.startAt).toLocaleString() } : {}),
              Created: new Date(r.createdAt).toLocaleString(),
              ...(r.activatedAt ? { Activated: new Date(r.activatedAt).toLocaleString() } : {}),
              ...(r.endedAt ? { Ended: new Date(r.endedAt).toLocaleString() } : {}),
            }}
          />
          {r.customPolicy && (
            <Box mt={2}>
              <Typography variant="subtitle2">Custom policy</Typography>
              <pre style={{ whiteSpace: 'pre-wrap', fontSize: 12 }}>{r.customPolicy}</pre>
            </Box>
          )}
          <Box mt={2}>
            <RequestActions request={r} onChanged={props.onChanged} hideIrrelevant />
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard title="Approval">
          <Stepper activeStep={activeStep} orientation="vertical">
            {r.steps.map((s: ApprovalStep) => (
              <Step key={s.step} completed={s.status === 'approved'} expanded>
                <StepLabelReadable error={s.status === 'rejected'}>
                  {describeStep(s, r.accountName, r.steps.length)}
                </StepLabelReadable>
                <StepContent>
                  {s.addedReason && (
                    <Typography variant="body2" color="textSecondary" data-testid="step-added-reason">
                      Added after the request was made: {s.addedReason}
                    </Typography>
                  )}
                  <StepText request={r} step={s} now={now} />
                </StepContent>
              </Step>
            ))}
          </Stepper>
        </InfoCard>
        <Box mt={3}>
          <InfoCard title="Timeline">
            <List dense>
              {r.events.map((e, i) => (
                <ListItem key={e.id} disableGutters>
                  <ListItemText
                    style={{ minWidth: 0 }}
                    secondaryTypographyProps={{ style: { whiteSpace: 'normal', overflowWrap: 'anywhere' } }}
                    primary={labels[i]}
                    secondary={`${new Date(e.at).toLocaleString()} · ${actorOf(e)}${e.toStatus && e.toStatus !== e.fromStatus ? ` · now ${e.toStatus.replace('_', ' ')}` : ''}${e.comment ? ` · “${e.comment}”` : ''}`}
                  />
                </ListItem>
              ))}
            </List>
          </InfoCard>
        </Box>
      </Grid>
    </Grid>
  );
}

/**
 * A request that does not exist or that the caller may not see: the API
 * answers both with the same 404, so this says what could be the case.
 */
function NotVisible({ id }: { id: string }) {
  return (
    <InfoCard title={`Request ${id}`}>
      <Alert severity="info" data-testid="request-not-visible">
        <Typography variant="body1" gutterBottom>
          <strong>This request was not found, or it is not visible to you.</strong>
        </Typography>
        <Typography variant="body2">
          A request is visible to its requester, the owners of its AWS account, approvers, and JIT Access admins. If
          you followed a link to it, ask the requester or an owner of the account; if you should approve such
          requests, ask a JIT Access admin to assign you as an owner of the account.
        </Typography>
      </Alert>
    </InfoCard>
  );
}

/** Where the review of a break-glass request stands, and who closes it. */
function BreakGlassReviewState({ request }: { request: RequestDetail }) {
  const review = request.review!;
  if (review.status === 'open') {
    return (
      <Alert severity="warning" style={{ marginBottom: 16 }} data-testid="break-glass-review">
        Break-glass: self-approved emergency access, announced to every owner of {request.accountName} and every
        Admin/SSO Admin. Review open: an owner of {request.accountName} or an Admin/SSO Admin (not the requester)
        closes it with a comment.
      </Alert>
    );
  }
  return (
    <Alert severity="info" style={{ marginBottom: 16 }} data-testid="break-glass-review">
      Break-glass review closed by {review.closedByName ?? review.closedBy}
      {review.closedAt ? ` on ${new Date(review.closedAt).toLocaleString()}` : ''}: “{review.comment}”
    </Alert>
  );
}

function StepText({ request, step, now }: { request: RequestDetail; step: ApprovalStep; now: number }) {
  if (step.status === 'approved' || step.status === 'rejected') {
    return (
      <Typography variant="body2">
        {step.status === 'approved' ? 'Approved' : 'Rejected'} by {step.decidedByName ?? step.decidedBy}
        {step.decidedAt ? ` on ${new Date(step.decidedAt).toLocaleString()}` : ''}
        {step.comment ? ` — “${step.comment}”` : ''}
      </Typography>
    );
  }
  if (step.status === 'pending' && request.status === 'pending') {
    const previous = request.steps.find(s => s.step === step.step - 1);
    const waitingSince = previous?.decidedAt ?? request.createdAt;
    return (
      <Box>
        <Typography variant="body2">Waiting for {since(waitingSince, now)}.</Typography>
        <Typography variant="body2" data-testid="current-approvers">
          {request.approvers.length
            ? `Can approve: ${request.approvers.map(a => a.name).join(', ')}`
            : 'Nobody can approve this step. Ask a JIT Access admin to assign owners to the account.'}
        </Typography>
      </Box>
    );
  }
  return (
    <Typography variant="body2" color="textSecondary">
      {request.status === 'pending' ? 'Starts after the previous step is approved.' : 'Not needed.'}
    </Typography>
  );
}
