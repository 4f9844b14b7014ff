import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useRef, useState } from 'react';
import { DecisionDialog } from '../RequestDetail/DecisionDialog';
import { ApprovalsOutcome, describeOutcome } from './approveEach';

/** Where approving the selected requests stands: running, or what it came to. */
export type BulkState = { running: number } | { outcome: ApprovalsOutcome };

/**
 * "Select all" and "Approve selected" above the pending approvals, the dialog
 * that asks once for a comment, and the outcome: how many went through, and
 * each refused request with the server's reason. The outcome is a status
 * region (read out as it changes) and takes the focus when it arrives.
 */
export function BulkApprove(props: {
  /** Ids of the selected requests the caller may approve, in the list's order. */
  selected: string[];
  /** How many rows could be selected. */
  selectable: number;
  onSelectAll: (all: boolean) => void;
  onApprove: (comment: string | undefined) => Promise<void>;
  state?: BulkState;
}) {
  const [confirming, setConfirming] = useState(false);
  const result = useRef<HTMLDivElement>(null);
  const { selected, selectable, state } = props;
  const n = selected.length;
  const outcome = state && 'outcome' in state ? state.outcome : undefined;
  useEffect(() => {
    if (outcome) result.current?.focus();
  }, [outcome]);
  const running = state && 'running' in state ? state.running : undefined;
  const plural = n === 1 ? '' : 's';
  return (
    <Box mb={1}>
      <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 16 }}>
        <FormControlLabel
          label="Select all"
          control={
            <Checkbox
              checked={selectable > 0 && n === selectable}
              indeterminate={n > 0 && n < selectable}
              disabled={selectable === 0}
              onChange={e => props.onSelectAll(e.target.checked)}
              inputProps={{ 'aria-label': 'Select all requests you can approve' }}
            />
          }
        />
        <Button
          variant="contained"
          // Looks disabled (grey) when it does nothing, but is never disabled,
          // which would drop the focus; says why it does nothing instead.
          color={n && running === undefined ? 'primary' : 'default'}
          aria-disabled={!n || running !== undefined}
          aria-describedby={!n ? 'jit-bulk-hint' : undefined}
          onClick={() => n && running === undefined && setConfirming(true)}
        >
          {running !== undefined ? 'Approving…' : `Approve selected (${n})`}
        </Button>
        {!n && (
          // Body text colour: the secondary grey is 4.3:1 on the page's background (axe: color-contrast).
          <Typography id="jit-bulk-hint" variant="caption">
            Select requests to approve several at once.
          </Typography>
        )}
      </Box>
      <div role="status" tabIndex={-1} ref={result} data-testid="bulk-result" style={{ marginTop: 8 }}>
        {running !== undefined && <Typography variant="body2">{`Approving ${running} request${running === 1 ? '' : 's'}…`}</Typography>}
        {outcome && !outcome.refused.length && <Typography variant="body2">{describeOutcome(outcome)}</Typography>}
        {outcome && outcome.refused.length > 0 && (
          // Read out by the status region around it, not a second time as an alert.
          <Alert severity="warning" role="none" data-testid="bulk-refused">
            <span>{describeOutcome(outcome)}</span>
            <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
              {outcome.refused.map(r => (
                <li key={r.id} data-testid={`bulk-refused-${r.id}`}>
                  {r.id}: {r.reason}
                </li>
              ))}
            </ul>
          </Alert>
        )}
      </div>
      <DecisionDialog
        decision={confirming ? 'approve' : undefined}
        title={`Approve ${n} selected request${plural}`}
        text={`Approve ${selected.join(', ')}? Each is approved in turn with this comment; a request JIT Access refuses is listed with its reason, and the others go through.`}
        onClose={() => setConfirming(false)}
        onConfirm={async comment => {
          setConfirming(false);
          await props.onApprove(comment.trim() || undefined);
        }}
      />
    </Box>
  );
}
