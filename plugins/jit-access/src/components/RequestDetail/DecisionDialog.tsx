import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { CustomPolicyBlock } from '../shared/CustomPolicyBlock';

export type Decision = 'approve' | 'reject' | 'revoke' | 'end' | 'cancel' | 'closeReview';

const LABELS: Record<Decision, { title: string; button: string; text: string }> = {
  approve: { title: 'Approve request', button: 'Approve', text: 'Approve this request? Access is granted once every step is approved.' },
  reject: { title: 'Reject request', button: 'Reject', text: 'Reject this request? The requester sees your comment.' },
  revoke: { title: 'Revoke session', button: 'Revoke', text: 'Revoke this session now? The assignment is removed from Identity Center.' },
  end: { title: 'End session', button: 'End session', text: 'End your session now?' },
  cancel: { title: 'Cancel request', button: 'Cancel request', text: 'Cancel this request?' },
  closeReview: {
    title: 'Close break-glass review',
    button: 'Close review',
    text: 'Close the review of this self-approved emergency access? Say what you checked; the requester and auditors see your comment.',
  },
};

/** Decisions that need a comment whatever the settings say. */
const COMMENT_REQUIRED: ReadonlySet<Decision> = new Set(['closeReview']);

function helperText(decision: Decision | undefined, required: boolean) {
  if (required) return 'Required: what you checked and concluded';
  return decision === 'reject' ? 'Tell the requester why' : 'Optional';
}

/**
 * Confirms a decision, with an optional comment. Approving or rejecting a
 * custom request shows its policy, open, above the comment.
 */
export function DecisionDialog(props: {
  decision?: Decision;
  requestId?: string;
  /** The inline policy of the custom request being decided. */
  customPolicy?: string;
  /** In place of the decision's own title and text (one decision on several requests). */
  title?: string;
  text?: string;
  onClose: () => void;
  onConfirm: (comment: string) => Promise<void>;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const d = props.decision ? LABELS[props.decision] : undefined;
  const required = !!props.decision && COMMENT_REQUIRED.has(props.decision);
  return (
    <Dialog open={!!props.decision} onClose={props.onClose} aria-labelledby="jit-decision-title" fullWidth maxWidth="sm">
      <DialogTitle id="jit-decision-title">
        {props.title ?? `${d?.title ?? ''} ${props.requestId ?? ''}`.trim()}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>{props.text ?? d?.text}</DialogContentText>
        {props.customPolicy && props.requestId && (props.decision === 'approve' || props.decision === 'reject') && (
          <CustomPolicyBlock requestId={props.requestId} policy={props.customPolicy} defaultExpanded idSuffix="-decision" />
        )}
        {props.decision !== 'cancel' && (
          <TextField
            fullWidth
            multiline
            minRows={2}
            id="jit-decision-comment"
            label="Comment"
            required={required}
            value={comment}
            onChange={e => setComment(e.target.value)}
            helperText={helperText(props.decision, required)}
          />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Back</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || (required && !comment.trim())}
          onClick={async () => {
            setBusy(true);
            try {
              await props.onConfirm(comment);
              setComment('');
            } finally {
              setBusy(false);
            }
          }}
        >
          {d?.button}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
