import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import type { RequestStatus } from '@jit-access/plugin-jit-access-common';
import { readableColor } from './readableColor';

const COLORS: Partial<Record<RequestStatus, 'primary' | 'secondary' | 'default'>> = {
  pending: 'secondary',
  approved: 'primary',
  provisioning: 'primary',
  active: 'primary',
};

// Pending is outlined in the secondary colour, made readable for the chip's 12 px text.
const useStyles = makeStyles(theme => {
  const shade = readableColor(theme, theme.palette.secondary.main);
  return { pending: { color: shade, borderColor: shade } };
});

/** The status of a request, in words. */
export function StatusChip({ status }: { status: RequestStatus }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={status.replace('_', ' ')}
      color={COLORS[status] ?? 'default'}
      variant={status === 'active' ? 'default' : 'outlined'}
      className={status === 'pending' ? classes.pending : undefined}
      data-testid="request-status"
    />
  );
}
