import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import type { RequestDetail } from '@jit-access/plugin-jit-access-common';
import type { LoadedRequest, Transition } from '../../database';
import type { Caller } from '../../service/types';
import type { ActorContext } from '../access';
import type { RequestsContext } from '../context';
import { afterTransition, requestDetail } from '../detail';

const changedWhileDeciding = (id: string) =>
  new ConflictError(`Request '${id}' changed while you decided it; reload to see its current state`);

/**
 * Approves or rejects the current step of a request, if the caller may
 * (the verdict the detail view shows): a denial because of the request's
 * state is a 409 saying why it ended, one because of who the caller is a
 * 403. A final approval hands the request to the engine at once.
 */
export async function decideRequest(
  ctx: RequestsContext,
  caller: Caller,
  id: string,
  action: 'approve' | 'reject',
  comment?: string,
): Promise<RequestDetail> {
  const { deps, access } = ctx;
  let loaded = await access.visibleRequest(caller, id);
  const actor = await access.actorContext(caller, loaded.request);
  if (action === 'approve' && loaded.request.status === 'pending') {
    loaded = await followConfigOfNow(ctx, caller, loaded, actor);
  }
  const { request, steps } = loaded;
  const verdict = access.decisionAction(caller, request, steps, actor, action);
  if (!verdict.allowed) {
    if (request.status !== 'pending') {
      // Withdrawn or timed out: say why it ended, not only that it did.
      const why = ['cancelled', 'timed_out'].includes(request.status) && request.statusReason;
      throw new ConflictError(why ? `${verdict.reason} ${why}` : verdict.reason);
    }
    throw new NotAllowedError(verdict.reason);
  }
  if (action === 'reject' && !comment?.trim() && (await ctx.config.settings()).requireRejectionComment) {
    throw new InputError('comment: a rejection comment is required');
  }
  const step = request.currentStep!;
  const now = ctx.now();
  const last = step >= request.requiredSteps;
  let event: 'reject' | 'approve-final' | 'approve-step' = 'approve-step';
  if (action === 'reject') event = 'reject';
  else if (last) event = 'approve-final';
  const finished = event !== 'approve-step';
  const trimmed = comment?.trim() || undefined;
  const transition: Transition = {
    requestId: id,
    from: 'pending',
    fromStep: step,
    patch: finished
      ? { decidedAt: now, currentStep: undefined, statusReason: action === 'reject' ? trimmed : undefined }
      : { currentStep: step + 1 },
    decideStep: {
      step,
      status: action === 'approve' ? 'approved' : 'rejected',
      decidedBy: caller.userEntityRef,
      comment: trimmed,
    },
    openStep: finished ? undefined : step + 1,
    event: { name: event, actor: caller.userEntityRef, comment: trimmed },
    now,
  };
  const result = await deps.store.transition(transition);
  if (!result) throw changedWhileDeciding(id);
  // A final approval tells nobody yet: the requester hears when access is active.
  if (event === 'approve-final') deps.triggerWork(id);
  else deps.notifier?.notify(id, event);
  return requestDetail(ctx, caller, afterTransition(loaded, transition, result), actor);
}

/**
 * Before an approval: the config of now (not the config when the request
 * was made) decides whether the request may go on. A request it no longer
 * allows ends here (409, saying why); one that now needs another step
 * gains it, and the approval goes on if the caller may still decide the
 * current step.
 */
async function followConfigOfNow(
  { deps, access }: RequestsContext,
  caller: Caller,
  loaded: LoadedRequest,
  actor: ActorContext,
): Promise<LoadedRequest> {
  const { verdict, applied } = await deps.recheck.enforce(loaded);
  if (verdict.outcome === 'allowed') return loaded;
  if (!applied) throw changedWhileDeciding(loaded.request.id);
  const after = afterTransition(loaded, applied.transition, applied.result);
  if (verdict.outcome === 'withdraw') {
    throw new ConflictError(`${loaded.request.id} can no longer be approved and has ended: ${verdict.reason}`);
  }
  const still = access.decisionAction(caller, after.request, after.steps, actor, 'approve');
  if (!still.allowed) throw new ConflictError(`${verdict.reason} ${still.reason}`);
  return after;
}

/** Closes the open review of a break-glass request, with a comment. */
export async function closeReview(ctx: RequestsContext, caller: Caller, id: string, comment: string): Promise<RequestDetail> {
  const { deps, access } = ctx;
  const loaded = await access.visibleRequest(caller, id);
  const { request } = loaded;
  const actor = await access.actorContext(caller, request);
  const verdict = access.reviewAction(caller, request, actor);
  if (!verdict.allowed) {
    if (request.review?.status === 'closed') throw new ConflictError(verdict.reason);
    throw new NotAllowedError(verdict.reason);
  }
  const trimmed = comment.trim();
  if (!trimmed) throw new InputError('comment: a comment is required to close a break-glass review');
  const ok = await deps.store.closeReview({
    requestId: id,
    closedBy: caller.userEntityRef,
    comment: trimmed,
    now: ctx.now(),
  });
  if (!ok) {
    throw new ConflictError(`The break-glass review of '${id}' was closed while you reviewed it; reload to see who closed it`);
  }
  deps.notifier?.notify(id, 'review-closed');
  return requestDetail(ctx, caller, await access.visibleRequest(caller, id), actor);
}
