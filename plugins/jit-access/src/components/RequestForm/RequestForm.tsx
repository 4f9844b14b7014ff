import { EmptyState, InfoCard, Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  BREAK_GLASS_MIN_REASON_LENGTH,
  checkBreakGlass,
  describeCatalogConflict,
  effectiveDuration,
  formatMinutes,
  MAX_REQUEST_MINUTES,
  MIN_REQUEST_MINUTES,
  validatePolicy,
  validateRequestedDuration,
  type AccountsResponse,
  type CallerInfo,
  type IdentityCenterUserCheck,
  type RequestableAccount,
} from '@jit-access/plugin-jit-access-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Alert from '@material-ui/lab/Alert';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { configRouteRef } from '../../routes';
import { Field } from '../shared/Field';
import { Notice } from '../shared/Notice';
import { useSubmitRequest } from '../shared/useSubmitRequest';
import { PolicyField } from './PolicyField';

const CUSTOM = '__custom__';

/**
 * The request form: everything it shows is decided before submission,
 * including whether the caller has an Identity Center user (from `me`,
 * once it has loaded).
 */
export function RequestForm({ me }: { me?: CallerInfo }) {
  const api = useApi(jitAccessApiRef);
  const { value, loading, error } = useAsync(() => api.getAccounts(), [api]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return <RequestFormBody accounts={value!} identityCenterUser={me?.identityCenterUser} />;
}

export function RequestFormBody({
  accounts,
  identityCenterUser,
}: {
  accounts: AccountsResponse;
  /** Whether the caller has an Identity Center user; a missing one disables Submit. */
  identityCenterUser?: IdentityCenterUserCheck;
}) {
  const configLink = useRouteRef(configRouteRef);
  const [accountId, setAccountId] = useState('');
  const [access, setAccess] = useState('');
  const [duration, setDuration] = useState('60');
  const [reason, setReason] = useState('');
  const [ticket, setTicket] = useState('');
  const [startAt, setStartAt] = useState('');
  const [policy, setPolicy] = useState('');
  const [breakGlassChosen, setBreakGlass] = useState(false);

  const account: RequestableAccount | undefined = accounts.items.find(a => a.accountId === accountId);
  const permissionSet = account?.permissionSets.find(p => p.arn === access);
  const custom = access === CUSTOM;
  const minutes = Number(duration);
  const durationError = duration ? validateRequestedDuration(minutes) : 'Duration is required';
  const effective = useMemo(() => {
    if (!account || (!permissionSet && !custom) || durationError) return undefined;
    return effectiveDuration({
      kind: custom ? 'custom' : 'standard',
      requestedMinutes: minutes,
      sessionDurationMinutes: permissionSet?.sessionDurationMinutes,
      customCapMinutes: account.customMaxDurationMinutes,
      permissionSetName: permissionSet?.name,
    });
  }, [account, permissionSet, custom, minutes, durationError]);
  const validation = useMemo(() => (custom ? validatePolicy(policy) : undefined), [custom, policy]);
  // Offered only where the account allows it, and never for custom policies.
  const breakGlassOffered = !!account?.breakGlassAllowed && !custom;
  const breakGlass = breakGlassOffered && breakGlassChosen;
  const breakGlassRefusal =
    breakGlass && account ? checkBreakGlass({ account, kind: 'standard', reason }) : undefined;
  const chooseAccount = (id: string) => {
    setAccountId(id);
    setAccess('');
    setBreakGlass(false);
  };
  const { submit: submitRequest, submitting } = useSubmitRequest({
    created: r =>
      breakGlass
        ? `Break-glass access ${r.id}: granting now; owners and admins have been notified`
        : `Request ${r.id} submitted`,
    failed: 'Could not submit the request',
  });

  if (!accounts.items.length) {
    return (
      <EmptyState
        missing="data"
        title="No accounts available"
        description={accounts.reason ?? 'No AWS account can be requested right now.'}
        action={
          accounts.canManageConfig ? (
            <Button variant="contained" color="primary" component={Link as any} to={configLink()}>
              Open the JIT Access config page
            </Button>
          ) : undefined
        }
      />
    );
  }

  const canSubmit =
    !!account &&
    (!!permissionSet || (custom && validation?.valid)) &&
    !durationError &&
    reason.trim().length > 0 &&
    !breakGlassRefusal &&
    identityCenterUser?.status !== 'missing' &&
    !submitting;

  const submit = () =>
    submitRequest({
      accountId,
      permissionSetArn: custom ? undefined : access,
      customPolicy: custom ? policy : undefined,
      durationMinutes: minutes,
      reason: reason.trim(),
      ticket: ticket.trim() || undefined,
      startAt: startAt && !breakGlass ? new Date(startAt).toISOString() : undefined,
      breakGlass: breakGlass || undefined,
    });

  return (
    <InfoCard title="Request access to an AWS account">
      <Grid container spacing={2}>
        {identityCenterUser && identityCenterUser.status !== 'found' && (
          <Notice severity={identityCenterUser.status === 'missing' ? 'error' : 'warning'} data-testid="identity-center-user">
            {identityCenterUser.status === 'missing' && <strong>You cannot request access yet. </strong>}
            {identityCenterUser.reason}
          </Notice>
        )}
        <Grid item xs={12} md={6}>
          <Field
            select
            id="jit-account"
            label="Account"
            value={accountId}
            onChange={chooseAccount}
            helperText={
              account && !account.hasApprover
                ? 'Nobody else can approve requests for this account. Ask a JIT Access admin to assign owners.'
                : 'Accounts onboarded to JIT Access'
            }
            error={!!account && !account.hasApprover}
          >
            {accounts.items.map(a => (
              <MenuItem key={a.accountId} value={a.accountId}>
                {a.name} ({a.accountId})
              </MenuItem>
            ))}
            {(accounts.unavailable ?? []).map(a => (
              <MenuItem key={a.accountId} value="" disabled>
                {a.name} ({a.accountId}) · takes no new requests now
              </MenuItem>
            ))}
          </Field>
        </Grid>
        {account?.catalogConflict && (
          <Notice severity="warning" data-testid="catalog-conflict">
            {describeCatalogConflict(account.accountId, account.catalogConflict)}
          </Notice>
        )}
        {!!accounts.unavailable?.length && !account && (
          <Notice
            severity="info"
            data-testid="unavailable-accounts"
            lines={accounts.unavailable.map(a => ({
              key: a.accountId,
              text: (
                <>
                  <strong>{`${a.name} (${a.accountId}):`}</strong> {a.reason}
                </>
              ),
            }))}
          />
        )}
        <Grid item xs={12} md={6}>
          <Field select id="jit-permission-set" label="Permission set" value={access} disabled={!account} onChange={setAccess}
            helperText={permissionSet?.description ?? (custom ? 'An inline IAM policy; needs an owner and an admin to approve' : ' ')}
          >
            {(account?.permissionSets ?? []).map(p => (
              <MenuItem key={p.arn} value={p.arn}>
                {p.name} ({formatMinutes(p.sessionDurationMinutes)}){p.requiresTwoLevels ? ' · two approvals' : ''}
              </MenuItem>
            ))}
            {account?.customPolicyAllowed && (
              <MenuItem value={CUSTOM} disabled={!!account.ownerless}>
                Custom policy (max {formatMinutes(account.customMaxDurationMinutes ?? 120)}) · two approvals
                {account.ownerless ? ' · needs an owner, and this account has none' : ''}
              </MenuItem>
            )}
            {account?.permissionSets
              .filter(p => p.requiresTwoLevels && account.ownerless)
              .map(p => (
                <MenuItem key={`${p.arn}-why`} disabled value="">
                  {p.name} needs an owner to approve step 1, and this account has none
                </MenuItem>
              ))}
          </Field>
        </Grid>
        {account?.ownerless && (
          <Notice severity="info" data-testid="ownerless-notice">
            {account.name} has no owners, so your request goes to the Admins and SSO Admins
            {account.ownerless.adminNames.length ? ` (${account.ownerless.adminNames.join(', ')})` : ''}, who approve
            standard requests on any account. Custom policies and two-approval permission sets need an owner for
            step 1, so they cannot be requested here until a JIT Access admin assigns owners.
          </Notice>
        )}
        <Grid item xs={12} md={4}>
          <Field
            id="jit-duration"
            label="Duration (minutes)"
            type="number"
            value={duration}
            onChange={setDuration}
            error={!!durationError}
            helperText={durationError ?? formatMinutes(minutes)}
            inputProps={{ min: MIN_REQUEST_MINUTES, max: MAX_REQUEST_MINUTES, step: 15 }}
          />
        </Grid>
        <Grid item xs={12} md={8}>
          {effective && (
            <Alert severity={effective.cause === 'requested' ? 'info' : 'warning'} data-testid="effective-duration">
              <strong>Effective duration: {formatMinutes(effective.minutes)}.</strong> {effective.explanation}
            </Alert>
          )}
        </Grid>
        <Grid item xs={12}>
          <Field
            required
            multiline
            minRows={2}
            id="jit-reason"
            label="Reason"
            value={reason}
            onChange={setReason}
            error={!!reason && breakGlassRefusal?.field === 'reason'}
            helperText={
              breakGlass
                ? breakGlassRefusal?.message ?? 'Owners and admins see this in the announcement and the review'
                : 'Why you need access; approvers see this'
            }
          />
        </Grid>
        {breakGlassOffered && (
          <Grid item xs={12}>
            <FormControlLabel
              control={
                <Checkbox
                  id="jit-break-glass"
                  checked={breakGlass}
                  onChange={e => setBreakGlass(e.target.checked)}
                />
              }
              label="Break-glass (emergency)"
            />
            <Alert severity={breakGlass ? 'warning' : 'info'} data-testid="break-glass-explanation">
              Break-glass is for emergencies: you approve your own request and access is granted at once. Every
              owner of {account!.name} and every Admin/SSO Admin is notified immediately, and an owner or admin
              reviews it afterwards and closes the review with a comment. The reason must say what the emergency
              is (at least {BREAK_GLASS_MIN_REASON_LENGTH} characters).
            </Alert>
          </Grid>
        )}
        <Grid item xs={12} md={6}>
          <Field id="jit-ticket" label="Ticket" value={ticket} onChange={setTicket} helperText="Optional, e.g. INC-1234" />
        </Grid>
        <Grid item xs={12} md={6}>
          <Field
            type="datetime-local"
            InputLabelProps={{ shrink: true }}
            id="jit-start"
            label="Start time"
            value={breakGlass ? '' : startAt}
            disabled={breakGlass}
            onChange={setStartAt}
            helperText={
              breakGlass
                ? 'Break-glass access starts at once'
                : 'Optional; access starts as soon as it is approved otherwise'
            }
          />
        </Grid>
        {custom && validation && (
          <Grid item xs={12}>
            <PolicyField value={policy} onChange={setPolicy} validation={validation} />
          </Grid>
        )}
        <Grid item xs={12}>
          <Button variant="contained" color="primary" disabled={!canSubmit} onClick={submit}>
            {breakGlass ? 'Get break-glass access now' : 'Submit request'}
          </Button>
        </Grid>
      </Grid>
    </InfoCard>
  );
}
