import Chip from '@material-ui/core/Chip';
import type { RequestStatus } from '@jit-access/plugin-jit-access-common';

const COLORS: Partial<Record<RequestStatus, 'primary' | 'secondary' | 'default'>> = {
  pending: 'secondary',
  approved: 'primary',
  provisioning: 'primary',
  active: 'primary',
};

/** The status of a request, in words. */
export function StatusChip({ status }: { status: RequestStatus }) {
  return (
    <Chip
      size="small"
      label={status.replace('_', ' ')}
      color={COLORS[status] ?? 'default'}
      variant={status === 'active' ? 'default' : 'outlined'}
      data-testid="request-status"
    />
  );
}
