import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { AccountConfig, ConfigImpact, JitSettings, PermissionSetConfig } from '@jit-access/plugin-jit-access-common';
import { describeCatalogConflict, formatMinutes } from '@jit-access/plugin-jit-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import Switch from '@material-ui/core/Switch';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { useNotify } from '../shared/useNotify';
import { Field } from '../shared/Field';
import { Notice } from '../shared/Notice';
import { ownerNamesOf } from '../shared/ownerNames';

/** The admin config page: accounts, owners, permission sets, settings, roles. */
export function ConfigPage() {
  const api = useApi(jitAccessApiRef);
  const notify = useNotify();
  const data = useAsyncRetry(async () => {
    const [accounts, permissionSets, settings, roles] = await Promise.all([
      api.listAccountConfigs(),
      api.listPermissionSets(),
      api.getSettings(),
      api.getRoles(),
    ]);
    return { accounts, permissionSets, settings, roles };
  }, [api]);

  const act = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      notify.success(what);
      data.retry();
    } catch (e) {
      notify.error(`${what} failed: ${(e as Error).message}`);
    }
  };
  // A change that affects open requests says how many, and is saved only when confirmed.
  const [pending, setPending] = useState<{ what: string; impact: ConfigImpact; save: () => Promise<unknown> }>();
  const change: Change = async (what, preview, save) => {
    let impact: ConfigImpact;
    try {
      impact = await preview();
    } catch (e) {
      notify.error(`${what} failed: ${(e as Error).message}`);
      return;
    }
    if (!impact.message) await act(what, save);
    else setPending({ what, impact, save });
  };

  if (data.loading && !data.value) return <Progress />;
  if (data.error) return <ResponseErrorPanel error={data.error} />;
  const { accounts, permissionSets, settings, roles } = data.value!;
  const flagged = accounts.filter(a => a.onboarded && !a.hasApprover);
  const ownerless = accounts.filter(a => a.onboarded && a.hasApprover && a.ownerless);
  // Accounts that take no new requests, each with why: one claimed by two catalog entities, or gone from the catalog.
  const claimedTwice = accounts
    .filter(a => a.catalogConflict)
    .map(a => ({ key: a.accountId, text: a.unavailableReason ?? describeCatalogConflict(a.accountId, a.catalogConflict!) }));
  const unavailable = accounts
    .filter(a => a.unavailableReason && !a.catalogConflict)
    .map(a => ({ key: a.accountId, text: <><strong>{a.name}:</strong> {a.unavailableReason}</> }));

  return (
    <Grid container spacing={3}>
      <Dialog open={!!pending} onClose={() => setPending(undefined)} aria-labelledby="jit-config-impact-title">
        <DialogTitle id="jit-config-impact-title">{pending?.what}: this affects open requests</DialogTitle>
        <DialogContent>
          <DialogContentText data-testid="config-impact">{pending?.impact.message}</DialogContentText>
          <DialogContentText>
            Requests the change no longer allows end at once, and their requesters are told why; nothing is granted
            for them. Requests that now need another approval step gain it.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setPending(undefined)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            onClick={() => {
              const p = pending!;
              setPending(undefined);
              act(p.what, p.save);
            }}
          >
            Save the change
          </Button>
        </DialogActions>
      </Dialog>
      {claimedTwice.length > 0 && <Notice severity="error" data-testid="catalog-conflict-flag" lines={claimedTwice} />}
      {unavailable.length > 0 && <Notice severity="warning" data-testid="unavailable-flag" lines={unavailable} />}
      {ownerless.length > 0 && (
        <Notice severity="info" data-testid="ownerless-flag">
          No owners: {ownerless.map(a => a.name).join(', ')}. Standard requests there go to the Admins and SSO
          Admins; custom policies and two-approval permission sets cannot be requested until you assign owners below.
        </Notice>
      )}
      {flagged.length > 0 && (
        <Notice severity="warning" data-testid="no-approver-flag">
          Nobody can approve requests for: {flagged.map(a => a.name).join(', ')}. Assign owners below.
        </Notice>
      )}
      <Grid item xs={12}>
        <InfoCard title="AWS accounts" subheader="Onboard accounts from the catalog, enable permission sets, manage owners">
          {/* At narrow widths the table scrolls inside its card instead of squeezing its cells */}
          <Box overflow="auto">
            <Table size="small" style={{ minWidth: 960 }}>
              <TableHead>
                <TableRow>
                  <TableCell>Account</TableCell>
                  <TableCell>Onboarded</TableCell>
                  <TableCell>Permission sets</TableCell>
                  <TableCell>Custom policies</TableCell>
                  <TableCell>Break-glass</TableCell>
                  <TableCell>Owners</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {accounts.map(a => (
                  <AccountRow key={a.accountId} account={a} permissionSets={permissionSets} change={change} />
                ))}
              </TableBody>
            </Table>
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={7}>
        <InfoCard
          title="Permission sets"
          action={
            <Button variant="outlined" onClick={() => act('Permission sets synced', () => api.syncPermissionSets())}>
              Sync from Identity Center
            </Button>
          }
        >
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Session duration</TableCell>
                <TableCell>Needs two levels</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {permissionSets.map(p => (
                <TableRow key={p.arn}>
                  <TableCell>
                    {p.name}
                    <Typography variant="caption" display="block" color="textSecondary">
                      {p.description}
                    </Typography>
                  </TableCell>
                  <TableCell>{formatMinutes(p.sessionDurationMinutes)}</TableCell>
                  <TableCell>
                    <Switch
                      checked={!!p.requiresTwoLevels}
                      inputProps={{ 'aria-label': `${p.name} needs two levels` }}
                      onChange={e => {
                        const twoLevels = e.target.checked;
                        change(
                          `${p.name} ${twoLevels ? 'needs two approvals' : 'needs one approval'}`,
                          () => api.previewPermissionSetTwoLevels(p.arn, twoLevels),
                          () => api.setPermissionSetTwoLevels(p.arn, twoLevels),
                        );
                      }}
                    />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <SettingsCard settings={settings} onSave={s => act('Settings saved', () => api.putSettings(s))} />
        <Box mt={3}>
          <InfoCard title="Roles (default policy, from app-config jitAccess.roles)">
            <Typography variant="body2">Approver groups: {roles.approverGroups.join(', ') || 'none'}</Typography>
            <Typography variant="body2">Admin groups: {roles.adminGroups.join(', ') || 'none'}</Typography>
            <Typography variant="body2">SSO Admin groups: {roles.ssoAdminGroups.join(', ') || 'none'}</Typography>
            <Typography variant="caption" color="textSecondary">
              Owners of onboarded accounts are Approvers for their accounts through ownership.
            </Typography>
          </InfoCard>
        </Box>
      </Grid>
    </Grid>
  );
}

/** Saves a config change after its preview; asks first when it affects open requests. */
type Change = (what: string, preview: () => Promise<ConfigImpact>, save: () => Promise<unknown>) => Promise<void>;

function AccountRow(props: { account: AccountConfig; permissionSets: PermissionSetConfig[]; change: Change }) {
  const api = useApi(jitAccessApiRef);
  const { account: a, change } = props;
  const [owners, setOwners] = useState(a.assignedOwners.join(', '));
  useEffect(() => setOwners(a.assignedOwners.join(', ')), [a.assignedOwners]);
  const update = (what: string, u: Parameters<typeof api.updateAccountConfig>[1]) =>
    change(
      `${a.name}: ${what}`,
      () => api.previewAccountConfig(a.accountId, u),
      () => api.updateAccountConfig(a.accountId, u),
    );
  return (
    <TableRow>
      <TableCell style={{ whiteSpace: 'nowrap' }}>
        <strong>{a.name}</strong>
        <Typography variant="caption" display="block">
          {a.accountId}
        </Typography>
        {a.onboarded && !a.hasApprover && (
          <Typography variant="caption" color="error" display="block">
            No possible approver
          </Typography>
        )}
        {a.catalogConflict && (
          <Typography variant="caption" color="error" display="block" data-testid={`catalog-conflict-${a.accountId}`}>
            Claimed by {a.catalogConflict.entityRefs.join(' and ')}: no catalog owner
          </Typography>
        )}
        {a.unavailableReason && !a.catalogConflict && (
          <Typography variant="caption" color="error" display="block">
            Not in the catalog any more: no new requests
          </Typography>
        )}
        {a.onboarded && a.hasApprover && a.ownerless && (
          <Typography variant="caption" color="textSecondary" display="block" data-testid={`ownerless-${a.accountId}`}>
            No owners: Admins approve
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <Switch
          checked={a.onboarded}
          inputProps={{ 'aria-label': `Onboard ${a.name}` }}
          onChange={e => update(e.target.checked ? 'onboarded' : 'offboarded', { onboarded: e.target.checked })}
        />
      </TableCell>
      <TableCell style={{ minWidth: 200 }}>
        {props.permissionSets.map(p => (
          <FormControlLabel
            key={p.arn}
            label={p.name}
            control={
              <Checkbox
                size="small"
                checked={a.enabledPermissionSetArns.includes(p.arn)}
                onChange={e =>
                  update(`${p.name} ${e.target.checked ? 'enabled' : 'disabled'}`, {
                    enabledPermissionSetArns: e.target.checked
                      ? [...a.enabledPermissionSetArns, p.arn]
                      : a.enabledPermissionSetArns.filter(x => x !== p.arn),
                  })
                }
              />
            }
          />
        ))}
      </TableCell>
      <TableCell>
        <Switch
          checked={a.customPolicyAllowed}
          inputProps={{ 'aria-label': `Custom policies on ${a.name}` }}
          onChange={e => update('custom policies', { customPolicyAllowed: e.target.checked })}
        />
      </TableCell>
      <TableCell>
        <Switch
          checked={a.breakGlassAllowed}
          inputProps={{ 'aria-label': `Break-glass on ${a.name}` }}
          onChange={e =>
            update(`break-glass ${e.target.checked ? 'allowed' : 'not allowed'}`, {
              breakGlassAllowed: e.target.checked,
            })
          }
        />
      </TableCell>
      <TableCell style={{ minWidth: 260 }}>
        <Typography variant="caption" display="block">
          Catalog: {ownerNamesOf(a.catalogOwners, a.ownerNames) || 'none'}
        </Typography>
        {a.assignedOwners.length > 0 && (
          <Typography variant="caption" display="block">
            Assigned: {ownerNamesOf(a.assignedOwners, a.ownerNames)}
          </Typography>
        )}
        <Typography variant="caption" display="block">
          Can approve: {a.approverNames.join(', ') || 'nobody'}
        </Typography>
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <Field
            fullWidth={false}
            size="small"
            id={`assigned-owners-${a.accountId}`}
            label="Assigned owners"
            value={owners}
            onChange={setOwners}
            helperText="user:default/name or group:default/name, comma separated"
          />
          <Button
            size="small"
            onClick={() =>
              update('owners saved', {
                assignedOwners: owners.split(',').map(s => s.trim()).filter(Boolean),
              })
            }
          >
            Save
          </Button>
        </Box>
      </TableCell>
    </TableRow>
  );
}

/** The settings that are a number of minutes, as the settings card edits them. */
const MINUTE_SETTINGS: Array<{ key: 'pendingTimeoutMinutes' | 'customMaxDurationMinutes'; id: string; label: string }> = [
  { key: 'pendingTimeoutMinutes', id: 'jit-settings-pending-timeout', label: 'Pending timeout (minutes)' },
  { key: 'customMaxDurationMinutes', id: 'jit-settings-custom-max-duration', label: 'Custom policy maximum duration (minutes)' },
];

function SettingsCard(props: { settings: JitSettings; onSave: (s: JitSettings) => void }) {
  const [s, setS] = useState(props.settings);
  return (
    <InfoCard title="Settings">
      <FormControlLabel
        control={<Switch checked={s.requireRejectionComment} onChange={e => setS({ ...s, requireRejectionComment: e.target.checked })} />}
        label="Rejections need a comment"
      />
      <FormControlLabel
        control={
          <Switch checked={s.allowRequestsWithoutApprover} onChange={e => setS({ ...s, allowRequestsWithoutApprover: e.target.checked })} />
        }
        label="Accept requests nobody can approve (with a warning)"
      />
      {MINUTE_SETTINGS.map(({ key, id, label }) => (
        <Field
          key={key}
          type="number"
          margin="dense"
          id={id}
          label={label}
          value={s[key]}
          onChange={v => setS({ ...s, [key]: Number(v) })}
        />
      ))}
      <Box mt={1}>
        <Button variant="contained" color="primary" onClick={() => props.onSave(s)}>
          Save settings
        </Button>
      </Box>
    </InfoCard>
  );
}
