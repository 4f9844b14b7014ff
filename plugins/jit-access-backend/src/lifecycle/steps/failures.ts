import type { StoredRequest } from '../../database';
import { IdentityCenterError } from '../../identity-center';
import { SYSTEM_ACTOR } from '../../service/types';
import type { StepContext } from '../context';

/** Transient failures are retried this many times before the request fails. */
export const MAX_ATTEMPTS = 8;
/** When an assignment is locked by other work, look again this soon. */
const LOCKED_RETRY_MS = 1_000;

/** The assignment is locked by other work: look again soon, no attempt spent. */
export async function retryWhenUnlocked(ctx: StepContext, r: StoredRequest, status: 'provisioning' | 'ending') {
  await ctx.deps.store.patchRequest(r.id, status, { nextAttemptAt: ctx.now() + LOCKED_RETRY_MS });
}

/**
 * Transient errors are retried with capped exponential backoff; permanent
 * ones fail a grant with the AWS message kept. Removing access is never
 * given up: an `ending` request stays due until Identity Center agrees.
 */
export async function recordFailure(ctx: StepContext, r: StoredRequest, status: 'provisioning' | 'ending', e: unknown) {
  const { store, logger, notifier } = ctx.deps;
  const message = e instanceof Error ? e.message : String(e);
  const transient = e instanceof IdentityCenterError ? e.transient : true;
  const attempts = r.attempts + 1;
  if (status === 'provisioning' && (!transient || attempts >= MAX_ATTEMPTS)) {
    logger.warn(`Request ${r.id} failed: ${message}`);
    await store.transition({
      requestId: r.id,
      from: 'provisioning',
      patch: { statusReason: message, attempts, nextAttemptAt: undefined },
      event: { name: 'provisioning-failed', actor: SYSTEM_ACTOR, comment: message },
      now: ctx.now(),
    });
    notifier?.notify(r.id, 'provisioning-failed');
    return;
  }
  const delay = Math.min(5 * 60_000, 2_000 * 2 ** Math.min(attempts, 8));
  logger.info(`Request ${r.id}: ${status} will be retried (attempt ${attempts}): ${message}`);
  await store.patchRequest(r.id, status, {
    attempts,
    nextAttemptAt: ctx.now() + delay,
    statusReason: `Retrying after an Identity Center error: ${message}`,
  });
}
