import { formatMinutes, type AccessRequest } from '@jit-access/plugin-jit-access-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { useState } from 'react';
import { Field } from '../shared/Field';
import { useSubmitRequest } from '../shared/useSubmitRequest';

/**
 * Asks for more time on an active session: an extension request that follows
 * the same approval rules and duration limits, and continues the session
 * where it ends once approved.
 */
export function ExtendDialog(props: { open: boolean; request: AccessRequest; onClose: () => void }) {
  const [minutes, setMinutes] = useState('60');
  const [reason, setReason] = useState('');
  const r = props.request;
  const { submit: submitRequest, submitting } = useSubmitRequest({
    created: created => `Extension ${created.id} submitted`,
    failed: 'Could not request an extension',
    onCreated: props.onClose,
  });
  const submit = () =>
    submitRequest({
      accountId: r.accountId,
      permissionSetArn: r.permissionSetArn,
      extendsRequestId: r.id,
      durationMinutes: Number(minutes),
      reason: reason.trim(),
    });
  return (
    <Dialog open={props.open} onClose={props.onClose} aria-labelledby="jit-extend-title" fullWidth maxWidth="sm">
      <DialogTitle id="jit-extend-title">Extend {r.id}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          An extension is a new request for {r.permissionSetName} on {r.accountName}: it needs the same approval, is
          capped by the same session limit ({formatMinutes(r.effectiveDurationMinutes)} was granted this time), and once
          approved continues your session from {r.expiresAt ? new Date(r.expiresAt).toLocaleTimeString() : 'its end'}.
        </DialogContentText>
        <Field type="number" margin="dense" id="jit-extend-minutes" label="Extra time (minutes)" value={minutes} onChange={setMinutes} />
        <Field required margin="dense" id="jit-extend-reason" label="Reason for the extension" value={reason} onChange={setReason} />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Back</Button>
        <Button color="primary" variant="contained" disabled={submitting || !reason.trim() || !(Number(minutes) >= 15)} onClick={submit}>
          Request extension
        </Button>
      </DialogActions>
    </Dialog>
  );
}
