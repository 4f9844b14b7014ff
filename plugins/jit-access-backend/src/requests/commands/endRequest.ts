import { ConflictError } from '@backstage/errors';
import { type RequestDetail, decideCancel, decideEnd, decideRevoke } from '@jit-access/plugin-jit-access-common';
import type { Transition } from '../../database';
import type { Caller } from '../../service/types';
import { enforce } from '../access';
import type { RequestsContext } from '../context';
import { afterTransition, requestDetail } from '../detail';

/** The requester withdraws their pending (or approved, not yet active) request. */
export async function cancelRequest(ctx: RequestsContext, caller: Caller, id: string, comment?: string): Promise<RequestDetail> {
  const loaded = await ctx.access.visibleRequest(caller, id);
  const { request } = loaded;
  enforce(decideCancel({ request, actor: { userEntityRef: caller.userEntityRef } }));
  const transition: Transition = {
    requestId: id,
    from: request.status,
    patch: { currentStep: undefined, endedAt: ctx.now() },
    event: { name: 'cancel', actor: caller.userEntityRef, comment },
    now: ctx.now(),
  };
  const result = await ctx.deps.store.transition(transition);
  if (!result) throw new ConflictError(`Request '${id}' changed while you cancelled it`);
  return requestDetail(ctx, caller, afterTransition(loaded, transition, result));
}

/**
 * Ends an active session before its time: revoked by an owner or admin, or
 * ended early by its requester. The engine removes the access; extensions
 * waiting on the session end with it.
 */
export async function endSession(ctx: RequestsContext, caller: Caller, id: string, comment?: string): Promise<RequestDetail> {
  const { deps, access } = ctx;
  const loaded = await access.visibleRequest(caller, id);
  const { request } = loaded;
  const actor = await access.actorContext(caller, request);
  const mine = request.requester === caller.userEntityRef;
  const facts = { request, actor: { userEntityRef: caller.userEntityRef, ...actor } };
  enforce(mine ? decideEnd(facts) : decideRevoke(facts));
  const transition: Transition = {
    requestId: id,
    from: 'active',
    patch: { endReason: mine ? 'end-early' : 'revoke', nextAttemptAt: ctx.now(), attempts: 0 },
    event: { name: mine ? 'end-early' : 'revoke', actor: caller.userEntityRef, comment },
    now: ctx.now(),
  };
  const result = await deps.store.transition(transition);
  if (!result) throw new ConflictError(`Request '${id}' changed while you revoked it`);
  const by = (await deps.directory.user(caller.userEntityRef))?.name ?? caller.userEntityRef;
  await deps.recheck.endExtensionsOf(request, mine ? `was ended early by ${by}` : `was revoked by ${by}`);
  deps.triggerWork(id);
  return requestDetail(ctx, caller, afterTransition(loaded, transition, result), actor);
}
