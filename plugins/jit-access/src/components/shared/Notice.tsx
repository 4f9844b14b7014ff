import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert, { type AlertProps } from '@material-ui/lab/Alert';
import type { ReactNode } from 'react';

/**
 * A notice in a row of its own in a page's or form's grid: its children, or
 * `lines`, one paragraph each (an account and what is wrong with it).
 */
export function Notice({
  lines,
  children,
  ...props
}: AlertProps & { 'data-testid': string; lines?: Array<{ key: string; text: ReactNode }> }) {
  return (
    <Grid item xs={12}>
      <Alert {...props}>
        {children}
        {lines?.map(l => (
          <Typography key={l.key} variant="body2">
            {l.text}
          </Typography>
        ))}
      </Alert>
    </Grid>
  );
}
