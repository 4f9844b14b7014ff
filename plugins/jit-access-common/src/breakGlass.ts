import type { BreakGlassReview, RequestKind } from './types';

/**
 * Break-glass: self-approved emergency access, where an admin
 * allowed it for the account, with a mandatory reason; announced at once to
 * every owner and admin and queued for review after. The rules live here so
 * that the form and the backend say the same thing.
 */

/** Shortest reason a break-glass request accepts, in characters. @public */
export const BREAK_GLASS_MIN_REASON_LENGTH = 10;

/** Why a break-glass request is refused. @public */
export type BreakGlassRefusalCode =
  | 'not-allowed'
  | 'custom-policy'
  | 'extension'
  | 'start-time'
  | 'reason-too-short';

/** @public */
export interface BreakGlassRefusal {
  code: BreakGlassRefusalCode;
  /** The request field the refusal is about. */
  field: 'breakGlass' | 'customPolicy' | 'extendsRequestId' | 'startAt' | 'reason';
  message: string;
}

/**
 * Whether a break-glass request may be made, and if not, why, naming the
 * field. Only standard permission sets, only where the account allows it,
 * starting at once, with a reason of at least
 * {@link BREAK_GLASS_MIN_REASON_LENGTH} characters. Durations follow the
 * usual rules (`effectiveDuration`).
 * @public
 */
export function checkBreakGlass(input: {
  account: { accountId: string; name: string; breakGlassAllowed: boolean };
  kind: RequestKind;
  reason: string;
  extendsRequestId?: string;
  startAt?: string;
}): BreakGlassRefusal | undefined {
  const { account } = input;
  if (!account.breakGlassAllowed) {
    return {
      code: 'not-allowed',
      field: 'breakGlass',
      message: `break-glass access is not allowed on account ${account.name} (${account.accountId}); request it for approval instead, or ask a JIT Access admin to allow break-glass for the account`,
    };
  }
  if (input.kind === 'custom') {
    return {
      code: 'custom-policy',
      field: 'customPolicy',
      message: 'break-glass access is for existing permission sets only, not custom policies',
    };
  }
  if (input.extendsRequestId) {
    return {
      code: 'extension',
      field: 'extendsRequestId',
      message: 'a break-glass request cannot extend a session; make a new break-glass request instead',
    };
  }
  if (input.startAt) {
    return {
      code: 'start-time',
      field: 'startAt',
      message: 'break-glass access starts at once; leave the start time empty',
    };
  }
  const length = input.reason.trim().length;
  if (length < BREAK_GLASS_MIN_REASON_LENGTH) {
    return {
      code: 'reason-too-short',
      field: 'reason',
      message: `a break-glass request needs a reason of at least ${BREAK_GLASS_MIN_REASON_LENGTH} characters (${length} given): say what the emergency is`,
    };
  }
  return undefined;
}

/** Why somebody may not close a break-glass review. @public */
export type ReviewDenial = 'not-break-glass' | 'closed' | 'own-request' | 'not-owner-or-admin';

/** @public */
export type ReviewVerdict = { allowed: true } | { allowed: false; code: ReviewDenial; reason: string };

/**
 * Whether `actor` may close the review of a break-glass request, and if not,
 * why, in the words the UI shows: an owner of the account or an Admin/SSO
 * Admin, never the requester, once.
 * @public
 */
export function decideReviewClose(facts: {
  request: { requester: string; accountName: string; breakGlass?: boolean; review?: BreakGlassReview };
  actor: { userEntityRef: string; isOwner: boolean; isAdmin: boolean };
}): ReviewVerdict {
  const { request, actor } = facts;
  if (!request.breakGlass || !request.review) {
    return { allowed: false, code: 'not-break-glass', reason: 'Only break-glass requests are reviewed.' };
  }
  if (request.review.status === 'closed') {
    return { allowed: false, code: 'closed', reason: 'The break-glass review is already closed.' };
  }
  if (request.requester === actor.userEntityRef) {
    return { allowed: false, code: 'own-request', reason: 'You cannot review your own break-glass access.' };
  }
  if (!actor.isOwner && !actor.isAdmin) {
    return {
      allowed: false,
      code: 'not-owner-or-admin',
      reason: `Only an owner of ${request.accountName} or an Admin/SSO Admin can close this break-glass review.`,
    };
  }
  return { allowed: true };
}
