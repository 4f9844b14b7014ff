import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useState } from 'react';

/** A policy document indented two spaces a level; text that is not JSON as it came. */
export function prettyPolicy(policy: string): string {
  try {
    return JSON.stringify(JSON.parse(policy), null, 2);
  } catch {
    return policy;
  }
}

/**
 * The inline policy of a custom request, pretty-printed, behind a button that
 * shows and hides it: an owner reads what they grant before approving it.
 */
export function CustomPolicyBlock(props: {
  requestId: string;
  policy: string;
  /** Shown open at first. */
  defaultExpanded?: boolean;
  /** Keeps the block's element id unique when one request's policy shows twice on a page. */
  idSuffix?: string;
}) {
  const [open, setOpen] = useState(!!props.defaultExpanded);
  const id = `jit-custom-policy-${props.requestId}${props.idSuffix ?? ''}`;
  return (
    <Box mt={1}>
      <Button
        size="small"
        aria-expanded={open}
        aria-controls={id}
        // The visible words begin the name (axe: label-content-name-mismatch); the id tells rows apart.
        aria-label={`${open ? 'Hide' : 'Show'} custom policy of ${props.requestId}`}
        onClick={() => setOpen(!open)}
      >
        {open ? 'Hide custom policy' : 'Show custom policy'}
      </Button>
      <Box id={id} hidden={!open}>
        {/* Wrapped, never scrolled: every line is read without a scrollbar to reach. */}
        <pre
          data-testid="custom-policy"
          style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: 12, margin: '8px 0' }}
        >
          {prettyPolicy(props.policy)}
        </pre>
      </Box>
    </Box>
  );
}
