import type { StoredRequest } from '../../database';
import { SYSTEM_ACTOR } from '../../service/types';
import type { StepContext } from '../context';

/** A pending request nobody decided within the pending timeout ends as timed out. */
export async function timeOut(ctx: StepContext, r: StoredRequest) {
  const timeout = await ctx.deps.pendingTimeoutMinutes();
  if (Date.parse(r.createdAt) + timeout * 60_000 > ctx.now()) return;
  await ctx.deps.store.transition({
    requestId: r.id,
    from: 'pending',
    patch: { currentStep: undefined, endedAt: ctx.now(), statusReason: `No decision within ${timeout} minutes` },
    event: { name: 'time-out', actor: SYSTEM_ACTOR },
    now: ctx.now(),
  });
}
