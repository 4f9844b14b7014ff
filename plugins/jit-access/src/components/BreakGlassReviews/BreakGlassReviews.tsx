import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import type { AccessRequest } from '@jit-access/plugin-jit-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { DecisionDialog } from '../RequestDetail/DecisionDialog';
import { REQUEST_PAGE_SIZE, RequestTable } from '../shared/RequestTable';

/**
 * The review queue of break-glass access: self-approved emergency requests
 * whose review the caller may close (an owner of the account or an
 * Admin/SSO Admin, never the requester), each closed with a comment.
 */
export function BreakGlassReviews() {
  const api = useApi(jitAccessApiRef);
  const alertApi = useApi(alertApiRef);
  const [reviewing, setReviewing] = useState<AccessRequest>();
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listRequests({ view: 'reviews', limit: REQUEST_PAGE_SIZE }),
    [api],
  );

  const close = async (comment: string) => {
    const id = reviewing!.id;
    try {
      await api.closeReview(id, comment.trim());
      alertApi.post({ message: `${id}: break-glass review closed`, severity: 'success', display: 'transient' });
      setReviewing(undefined);
      retry();
    } catch (e) {
      alertApi.post({ message: `${id}: ${(e as Error).message}`, severity: 'error' });
    }
  };

  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <>
      <RequestTable
        title="Break-glass access waiting for review"
        requests={value!.items}
        nextCursor={value!.nextCursor}
        loadMore={cursor => api.listRequests({ view: 'reviews', limit: REQUEST_PAGE_SIZE, cursor })}
        showRequester
        showReason
        emptyContent={
          <Box p={2}>
            No break-glass access waits for your review. Owners of the account and Admins/SSO Admins review
            self-approved emergency access here.
          </Box>
        }
        actions={r => (
          <Button size="small" variant="outlined" aria-label={`Close review ${r.id}`} onClick={() => setReviewing(r)}>
            Close review
          </Button>
        )}
      />
      <DecisionDialog
        decision={reviewing ? 'closeReview' : undefined}
        requestId={reviewing?.id}
        onClose={() => setReviewing(undefined)}
        onConfirm={close}
      />
    </>
  );
}
