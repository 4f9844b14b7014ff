import { ConflictError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  type ActionVerdict,
  type ApprovalStep,
  type RequestAction,
  type RequestActionName,
  decideApproval,
  decideCancel,
  decideEnd,
  decideExtend,
  decideReviewClose,
  decideRevoke,
  jitAccessRequestApproveFinalPermission,
  jitAccessRequestApprovePermission,
  jitAccessRequestReadPermission,
  jitAccessSessionRevokePermission,
} from '@jit-access/plugin-jit-access-common';
import type { LoadedRequest, RequestStore, StoredRequest } from '../database';
import type { JitAuthorizer } from '../service/JitAuthorizer';
import { type Caller, ownsAccount } from '../service/types';
import type { AccountListView } from './accountList';

/** Who the caller is to a request: owner of its account, and what the permission policy allows. */
export interface ActorContext {
  owners: string[];
  isOwner: boolean;
  mayApprove: boolean;
  isAdmin: boolean;
  mayRevoke: boolean;
}

/** What deciding needs to know of the caller. */
export type DeciderContext = Pick<ActorContext, 'isOwner' | 'isAdmin' | 'mayApprove'>;

/**
 * Who may see a request and what they may do with it. Each verdict comes
 * from the rules in -common (the ones the UI shows), and the commands
 * enforce the verdict the caller was shown.
 */
export class RequestAccess {
  constructor(
    private readonly deps: { store: RequestStore; authorizer: JitAuthorizer; accounts: AccountListView },
  ) {}

  /**
   * Loads a request the caller may see, with its steps and events; 404
   * otherwise. A request the caller may not see is "not found" exactly like
   * one that does not exist, so the answer tells nothing about it; the
   * message says who can see requests.
   */
  async visibleRequest(caller: Caller, id: string): Promise<LoadedRequest> {
    const loaded = await this.deps.store.loadRequest(id);
    if (!loaded) throw new NotFoundError(notVisible(id));
    const { request } = loaded;
    if (request.requester === caller.userEntityRef) return loaded;
    const d = await this.deps.authorizer.forRequest(caller, await this.deps.accounts.resource(request), [
      jitAccessRequestReadPermission,
    ]);
    if (!d.get(jitAccessRequestReadPermission.name)) throw new NotFoundError(notVisible(id));
    return loaded;
  }

  async actorContext(caller: Caller, request: StoredRequest): Promise<ActorContext> {
    const resource = await this.deps.accounts.resource(request);
    const owners = resource.accountOwners;
    const decisions = await this.deps.authorizer.forRequest(caller, resource, [
      jitAccessRequestApprovePermission,
      jitAccessRequestApproveFinalPermission,
      jitAccessSessionRevokePermission,
    ]);
    return {
      owners,
      isOwner: ownsAccount(caller, owners),
      mayApprove: decisions.get(jitAccessRequestApprovePermission.name)!,
      isAdmin: decisions.get(jitAccessRequestApproveFinalPermission.name)!,
      mayRevoke: decisions.get(jitAccessSessionRevokePermission.name)!,
    };
  }

  /** Every action on the request, allowed or not and why, as the detail view shows them. */
  actionsFor(caller: Caller, request: StoredRequest, steps: ApprovalStep[], ctx: Omit<ActorContext, 'owners'>): RequestAction[] {
    const facts = { request, actor: { userEntityRef: caller.userEntityRef, ...ctx } };
    const shown = (action: RequestActionName, v: ActionVerdict): RequestAction =>
      v.allowed ? { action, allowed: true } : { action, allowed: false, reason: v.reason };
    return [
      this.decisionAction(caller, request, steps, ctx, 'approve'),
      this.decisionAction(caller, request, steps, ctx, 'reject'),
      shown('cancel', decideCancel(facts)),
      shown('revoke', decideRevoke(facts)),
      shown('end', decideEnd(facts)),
      shown('extend', decideExtend(facts)),
      this.reviewAction(caller, request, ctx),
    ];
  }

  /** Whether the caller may approve or reject the request's current step, and why not. */
  decisionAction(
    caller: Caller,
    request: StoredRequest,
    steps: ApprovalStep[],
    ctx: DeciderContext,
    action: 'approve' | 'reject',
  ): RequestAction {
    const forbidden = policyForbidsDeciding(caller, request, ctx, request.status === 'pending');
    if (forbidden) return { action, allowed: false, reason: forbidden };
    const d = decideApproval({
      request: { ...request, steps },
      actor: { userEntityRef: caller.userEntityRef, isOwner: ctx.isOwner, isAdmin: ctx.isAdmin },
      action,
    });
    return d.allowed ? { action, allowed: true } : { action, allowed: false, reason: d.reason };
  }

  /** Whether the caller may close the open review of a break-glass request, and why not. */
  reviewAction(caller: Caller, request: StoredRequest, ctx: DeciderContext): RequestAction {
    const action = 'closeReview';
    const forbidden = policyForbidsDeciding(caller, request, ctx, request.review?.status === 'open');
    if (forbidden) return { action, allowed: false, reason: forbidden };
    const d = decideReviewClose({
      request,
      actor: { userEntityRef: caller.userEntityRef, isOwner: ctx.isOwner, isAdmin: ctx.isAdmin },
    });
    return d.allowed ? { action, allowed: true } : { action, allowed: false, reason: d.reason };
  }
}

/**
 * An action verdict as the API enforces it: a denial because of the request's
 * state is a 409, one because of who the caller is a 403.
 */
export function enforce(v: ActionVerdict): void {
  if (v.allowed) return;
  throw v.conflict ? new ConflictError(v.reason) : new NotAllowedError(v.reason);
}

/**
 * Why the caller may not decide (approve, reject, close a review) at all,
 * whatever the approval rules say: the organisation's permission policy
 * grants neither approve nor approve-final. Only said of something still open
 * to a decision, and never to its requester (whose own reason comes first).
 */
function policyForbidsDeciding(
  caller: Caller,
  request: StoredRequest,
  ctx: { mayApprove: boolean; isAdmin: boolean },
  open: boolean,
): string | undefined {
  if (!open || ctx.mayApprove || ctx.isAdmin || request.requester === caller.userEntityRef) return undefined;
  return "Your organisation's permission policy does not allow you to decide JIT requests.";
}

/** The 404 of a request that does not exist or that the caller may not see: the same words for both. */
export function notVisible(id: string): string {
  return (
    `Request '${id}' was not found, or it is not visible to you: a request is visible to its requester, ` +
    "the owners of its account, approvers, and JIT Access admins. If you followed a link, ask the requester or an owner of the account."
  );
}
