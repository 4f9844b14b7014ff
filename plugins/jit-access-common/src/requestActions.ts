import type { RequestKind, RequestStatus } from './types';

/**
 * Whether somebody may take an action on a request, and if not, why, in the
 * words the UI shows. `conflict`: the request's state is why (an API call
 * answers 409), not who the caller is (403).
 * @public
 */
export type ActionVerdict =
  | { allowed: true }
  | { allowed: false; reason: string; conflict: boolean };

/** What the verdicts of this file look at. @public */
export interface ActionFacts {
  request: { requester: string; status: RequestStatus; kind: RequestKind };
  actor: {
    userEntityRef: string;
    /** Owner of the request's account (through the user or a group). */
    isOwner?: boolean;
    /** Admin or SSO Admin. */
    isAdmin?: boolean;
    /** The permission policy allows `jit-access.session.revoke` on this request. */
    mayRevoke?: boolean;
  };
}

const ALLOW: ActionVerdict = { allowed: true };
const deny = (reason: string, conflict = false): ActionVerdict => ({ allowed: false, reason, conflict });
const state = (s: RequestStatus) => s.replace('_', ' ');

/** The requester calls off a request that is not granted yet. @public */
export function decideCancel({ request, actor }: ActionFacts): ActionVerdict {
  if (request.requester !== actor.userEntityRef) return deny('Only the requester can cancel a request.');
  if (request.status !== 'pending' && request.status !== 'approved') {
    return deny(`The request is ${state(request.status)}; only pending or approved requests can be cancelled.`, true);
  }
  return ALLOW;
}

/** The requester ends their own active session early. @public */
export function decideEnd({ request, actor }: ActionFacts): ActionVerdict {
  if (request.requester !== actor.userEntityRef) {
    return deny('Only the requester can end their own session early; others revoke it.');
  }
  if (request.status !== 'active') {
    return deny(`The request is ${state(request.status)}; only active sessions can be ended.`, true);
  }
  return ALLOW;
}

/** An owner of the account or an Admin/SSO Admin revokes somebody else's active session. @public */
export function decideRevoke({ request, actor }: ActionFacts): ActionVerdict {
  if (request.status !== 'active') {
    return deny(`The request is ${state(request.status)}; only active sessions can be revoked.`, true);
  }
  if (request.requester === actor.userEntityRef) return deny('This is your own session: end it early instead.');
  if (!(actor.mayRevoke && (actor.isOwner || actor.isAdmin))) {
    return deny('Only an owner of the account or an Admin/SSO Admin can revoke this session.');
  }
  return ALLOW;
}

/** The requester asks to extend their active session (standard permission sets only). @public */
export function decideExtend({ request, actor }: ActionFacts): ActionVerdict {
  if (request.requester !== actor.userEntityRef) return deny('Only the requester can ask to extend their session.');
  if (request.status !== 'active') {
    return deny(`The request is ${state(request.status)}; only active sessions can be extended.`, true);
  }
  if (request.kind !== 'standard') {
    return deny('Sessions with a custom policy cannot be extended; request a new one.');
  }
  return ALLOW;
}
