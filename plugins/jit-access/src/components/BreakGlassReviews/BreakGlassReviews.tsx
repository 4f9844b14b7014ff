import { useApi } from '@backstage/core-plugin-api';
import type { AccessRequest } from '@jit-access/plugin-jit-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useState } from 'react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { useNotify } from '../shared/useNotify';
import { DecisionDialog } from '../RequestDetail/DecisionDialog';
import { PagedRequests } from '../shared/PagedRequests';
import { REQUEST_PAGE_SIZE } from '../shared/pageSize';

/**
 * The review queue of break-glass access: self-approved emergency requests
 * whose review the caller may close (an owner of the account or an
 * Admin/SSO Admin, never the requester), each closed with a comment.
 */
export function BreakGlassReviews() {
  const api = useApi(jitAccessApiRef);
  const notify = useNotify();
  const [reviewing, setReviewing] = useState<AccessRequest>();
  // Bumped when a review is closed: the list loads anew.
  const [closed, setClosed] = useState(0);

  const close = async (comment: string) => {
    const id = reviewing!.id;
    try {
      await api.closeReview(id, comment.trim());
      notify.success(`${id}: break-glass review closed`);
      setReviewing(undefined);
      setClosed(n => n + 1);
    } catch (e) {
      notify.error(`${id}: ${(e as Error).message}`);
    }
  };

  return (
    <>
      <PagedRequests
        title="Break-glass access waiting for review"
        load={cursor => api.listRequests({ view: 'reviews', limit: REQUEST_PAGE_SIZE, cursor })}
        reload={closed}
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
