import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { formatMinutes, type AccessRequest } from '@jit-access/plugin-jit-access-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { requestPath } from '../shared/paths';

/**
 * Asks for more time on an active session: an extension request that follows
 * the same approval rules and duration limits, and continues the session
 * where it ends once approved.
 */
export function ExtendDialog(props: { open: boolean; request: AccessRequest; onClose: () => void }) {
  const api = useApi(jitAccessApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const [minutes, setMinutes] = useState('60');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const r = props.request;
  const submit = async () => {
    setBusy(true);
    try {
      const created = await api.createRequest({
        accountId: r.accountId,
        permissionSetArn: r.permissionSetArn,
        extendsRequestId: r.id,
        durationMinutes: Number(minutes),
        reason: reason.trim(),
      });
      alertApi.post({ message: `Extension ${created.id} submitted`, severity: 'success', display: 'transient' });
      props.onClose();
      navigate(requestPath(created.id));
    } catch (e) {
      alertApi.post({ message: `Could not request an extension: ${(e as Error).message}`, severity: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={props.open} onClose={props.onClose} aria-labelledby="jit-extend-title" fullWidth maxWidth="sm">
      <DialogTitle id="jit-extend-title">Extend {r.id}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          An extension is a new request for {r.permissionSetName} on {r.accountName}: it needs the same approval, is
          capped by the same session limit ({formatMinutes(r.effectiveDurationMinutes)} was granted this time), and once
          approved continues your session from {r.expiresAt ? new Date(r.expiresAt).toLocaleTimeString() : 'its end'}.
        </DialogContentText>
        <TextField
          fullWidth
          type="number"
          id="jit-extend-minutes"
          label="Extra time (minutes)"
          value={minutes}
          onChange={e => setMinutes(e.target.value)}
          margin="dense"
        />
        <TextField
          fullWidth
          required
          id="jit-extend-reason"
          label="Reason for the extension"
          value={reason}
          onChange={e => setReason(e.target.value)}
          margin="dense"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Back</Button>
        <Button color="primary" variant="contained" disabled={busy || !reason.trim() || !(Number(minutes) >= 15)} onClick={submit}>
          Request extension
        </Button>
      </DialogActions>
    </Dialog>
  );
}
