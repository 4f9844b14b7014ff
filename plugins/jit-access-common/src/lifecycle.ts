import type { RequestStatus } from './types';

/**
 * What happens to a request: each name moves it along one row of
 * {@link REQUEST_TRANSITIONS}, and its event is stored under that name.
 * @public
 */
export type RequestEventName =
  | 'approve-step'
  | 'approve-final'
  | 'break-glass'
  | 'reject'
  | 'cancel'
  | 'withdraw'
  | 'add-step'
  | 'time-out'
  | 'start-provisioning'
  | 'provisioned'
  | 'provisioning-failed'
  | 'retry'
  | 'expire'
  | 'revoke'
  | 'end-early'
  | 'supersede'
  | 'ended-expired'
  | 'ended-revoked'
  | 'ended-early';

/**
 * What is recorded of a request without moving it: its creation, a closed
 * break-glass review, a repair by the reconciler, live sessions denied.
 * @public
 */
export type RequestNoteName = 'created' | 'review-closed' | 'reconciled' | 'live-sessions-ended';

/** Every event type of a request's timeline. @public */
export type RequestEventType = RequestEventName | RequestNoteName;

/** @public */
export interface RequestTransition {
  from: RequestStatus;
  event: RequestEventName;
  to: RequestStatus;
}

/**
 * The request lifecycle as data: every legal transition, nothing
 * else. `approve-step` keeps a two-level request pending at its next step.
 * @public
 */
export const REQUEST_TRANSITIONS: readonly RequestTransition[] = [
  { from: 'pending', event: 'approve-step', to: 'pending' },
  { from: 'pending', event: 'approve-final', to: 'approved' },
  // The requester's own emergency approval, made as the request is created.
  { from: 'pending', event: 'break-glass', to: 'approved' },
  { from: 'pending', event: 'reject', to: 'rejected' },
  { from: 'pending', event: 'cancel', to: 'cancelled' },
  { from: 'pending', event: 'time-out', to: 'timed_out' },
  // The config of now no longer allows the request, or the session an
  // extension extends is over: it ends before anything is granted.
  { from: 'pending', event: 'withdraw', to: 'cancelled' },
  { from: 'approved', event: 'withdraw', to: 'cancelled' },
  { from: 'provisioning', event: 'withdraw', to: 'cancelled' },
  // The config now requires another approval step.
  { from: 'pending', event: 'add-step', to: 'pending' },
  { from: 'approved', event: 'add-step', to: 'pending' },
  { from: 'provisioning', event: 'add-step', to: 'pending' },
  { from: 'approved', event: 'cancel', to: 'cancelled' },
  { from: 'approved', event: 'start-provisioning', to: 'provisioning' },
  { from: 'provisioning', event: 'provisioned', to: 'active' },
  { from: 'provisioning', event: 'provisioning-failed', to: 'failed' },
  { from: 'failed', event: 'retry', to: 'provisioning' },
  { from: 'active', event: 'expire', to: 'ending' },
  { from: 'active', event: 'revoke', to: 'ending' },
  { from: 'active', event: 'end-early', to: 'ending' },
  // An extension became active and took the session over.
  { from: 'active', event: 'supersede', to: 'ending' },
  { from: 'ending', event: 'ended-expired', to: 'expired' },
  { from: 'ending', event: 'ended-revoked', to: 'revoked' },
  { from: 'ending', event: 'ended-early', to: 'ended' },
];

/** Every status a request can have, in lifecycle order (the API's `status` filter takes these). @public */
export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'provisioning',
  'active',
  'ending',
  'expired',
  'revoked',
  'ended',
  'rejected',
  'cancelled',
  'timed_out',
  'failed',
] as const satisfies readonly RequestStatus[];

// Every RequestStatus is listed: this fails to compile when one is missing.
const _allListed: Exclude<RequestStatus, (typeof REQUEST_STATUSES)[number]> extends never ? true : never = true;
void _allListed;

/** Thrown for a transition the lifecycle does not have. @public */
export class IllegalTransitionError extends Error {
  readonly name = 'IllegalTransitionError';
  /** @param attempted - the event, or `become <status>` */
  constructor(readonly from: RequestStatus, readonly attempted: string) {
    super(`A ${from} request cannot ${attempted}`);
  }
}

/** The status after `event`; throws {@link IllegalTransitionError} if illegal. @public */
export function nextStatus(from: RequestStatus, event: RequestEventName): RequestStatus {
  const t = REQUEST_TRANSITIONS.find(x => x.from === from && x.event === event);
  if (!t) throw new IllegalTransitionError(from, event);
  return t.to;
}

/**
 * Throws {@link IllegalTransitionError} unless some event moves `from` to
 * `to`; the store checks every state change with it.
 * @public
 */
export function assertTransition(from: RequestStatus, to: RequestStatus): void {
  if (!REQUEST_TRANSITIONS.some(x => x.from === from && x.to === to)) {
    throw new IllegalTransitionError(from, `become ${to}`);
  }
}

/** @public */
export function canTransition(from: RequestStatus, event: RequestEventName): boolean {
  return REQUEST_TRANSITIONS.some(x => x.from === from && x.event === event);
}

const TERMINAL: ReadonlySet<RequestStatus> = new Set([
  'expired', 'revoked', 'ended', 'rejected', 'cancelled', 'timed_out',
]);

/** No transition leaves these (failed can be retried, so it is not). @public */
export function isTerminal(status: RequestStatus): boolean {
  return TERMINAL.has(status);
}
