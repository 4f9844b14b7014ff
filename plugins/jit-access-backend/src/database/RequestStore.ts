import type {
  AccessRequest,
  ApprovalStep,
  RequestEvent,
  RequestEventName,
  RequestNoteName,
  RequestStatus,
} from '@jit-access/plugin-jit-access-common';

/** Why an active session is ending. */
export type EndReason = 'expire' | 'revoke' | 'end-early';

/** A request with the engine's bookkeeping, which the API does not show. */
export interface StoredRequest extends AccessRequest {
  endReason?: EndReason;
  principalId?: string;
  /** Whether an assignment existed before ours: then we never delete it. */
  assignmentPreexisting?: boolean;
  tempPermissionSetArn?: string;
  attempts: number;
  nextAttemptAt?: number;
  /** When the ending-soon warning went out (epoch ms). */
  warnedAt?: number;
}

/** What a new request is stored with. */
export interface NewRequest {
  request: Omit<StoredRequest, 'attempts' | 'updatedAt'>;
  steps: ApprovalStep[];
  actor: string;
  /**
   * A transition applied in the same transaction as the insert, so the
   * request is never seen in its initial state (break-glass: pending, then
   * approved by the requester at once).
   */
  then?: Omit<Transition, 'requestId' | 'now'>;
}

export interface RequestListFilter {
  requester?: string;
  accountIds?: string[];
  statuses?: RequestStatus[];
  /** Leave out the requests of this user. */
  excludeRequester?: string;
  /** Only break-glass requests whose review is in this state. */
  reviewStatus?: 'open' | 'closed';
  /** Created at or after this time (epoch ms). */
  createdAfter?: number;
  /** Created before this time (epoch ms). */
  createdBefore?: number;
  limit: number;
  /** Opaque keyset cursor from a previous page. */
  cursor?: string;
  /** Also return the page's approval steps (in the same query where the database allows). */
  withSteps?: boolean;
}

/** Fields a transition may set besides the status. */
export type RequestPatch = Partial<
  Pick<
    StoredRequest,
    | 'currentStep'
    | 'statusReason'
    | 'endReason'
    | 'principalId'
    | 'assignmentPreexisting'
    | 'tempPermissionSetArn'
    | 'attempts'
    | 'nextAttemptAt'
    | 'requiredSteps'
  >
> & {
  decidedAt?: number;
  activatedAt?: number;
  expiresAt?: number;
  endedAt?: number;
};

/** A guarded state change: applied only if the request is still as expected. */
export interface Transition {
  requestId: string;
  /** The update applies only while the status is this one. */
  from: RequestStatus;
  /** ... and, when set, the current step is this one. */
  fromStep?: number;
  patch?: RequestPatch;
  /** Step to mark decided in the same transaction. */
  decideStep?: {
    step: number;
    status: 'approved' | 'rejected';
    decidedBy: string;
    comment?: string;
  };
  /** Step that becomes pending in the same transaction. */
  openStep?: number;
  /**
   * Steps to write as given, in the same transaction (the config now
   * requires another step): undecided steps are rewritten, missing ones
   * added; decided steps are left as they are.
   */
  setSteps?: ApprovalStep[];
  /**
   * What happens: the lifecycle table of -common gives the status it leads
   * to from `from` (a move it does not have is refused), and the event is
   * stored under this name.
   */
  event: { name: RequestEventName; actor: string; comment?: string };
  now: number;
}

/** A request with its approval steps (by step) and its events (oldest first). */
export interface LoadedRequest {
  request: StoredRequest;
  steps: ApprovalStep[];
  events: RequestEvent[];
}

/** What a transition left: the request as it is now, and the event it appended. */
export interface TransitionResult {
  request: StoredRequest;
  event: RequestEvent;
}

/** Raw counts behind an account's activity (`RequestStore.accountActivity`). */
export interface AccountActivityCounts {
  /** Sessions activated since `from`, per UTC day (epoch day number) and permission set (null: custom). */
  sessions: Array<{ day: number; permissionSetName: string | null; sessions: number }>;
  /** Requests created since `from` per requester, most first (then by ref), at most `topRequesters`. */
  topRequesters: Array<{ requester: string; requests: number }>;
  /** Requests created since `from` per status. */
  statuses: Array<{ status: RequestStatus; requests: number }>;
  /** Median ms from creation to the final approval, over non-break-glass requests finally approved since `from`. */
  medianMsToApprove: number | null;
  approvedRequests: number;
}

/**
 * What the request API (JitAccessService, PendingPages, RequestRecheck,
 * JitNotifier) reads and writes: requests with their approval steps and
 * events, guarded transitions, lists, and an account's activity.
 */
export interface RequestStore {
  /**
   * Stores a new request with its steps and events; returns them as stored.
   * Throws RequestIdTakenError, having written nothing, when its id is taken.
   */
  createRequest(input: NewRequest): Promise<LoadedRequest>;
  getRequest(id: string): Promise<StoredRequest | undefined>;
  /** A request with its steps and events, in one round trip where the database allows. */
  loadRequest(id: string): Promise<LoadedRequest | undefined>;
  /** Several requests in one query (a page's, a permission check's); missing ids are left out. */
  getRequests(ids: string[]): Promise<StoredRequest[]>;
  getSteps(id: string): Promise<ApprovalStep[]>;
  /** The steps of several requests in one query, by request id. */
  getStepsOf(ids: string[]): Promise<Map<string, ApprovalStep[]>>;
  getEvents(id: string): Promise<RequestEvent[]>;
  listRequests(
    filter: RequestListFilter,
  ): Promise<{ items: StoredRequest[]; nextCursor?: string; steps?: Map<string, ApprovalStep[]> }>;
  /**
   * The version of the pending requests: it changes (when the writer
   * commits) with every write that creates a pending request, changes a
   * pending request or its steps, or takes one out of pending, on whichever
   * replica. A page of pending requests listed after reading version V is
   * still exact while the version is V (PendingPages).
   */
  pendingVersion(): Promise<string>;
  /**
   * Applies a guarded transition with its step changes and event, atomically;
   * undefined when the request moved on (nothing is written then).
   */
  transition(t: Transition): Promise<TransitionResult | undefined>;
  /** Updates bookkeeping without a status change, guarded by status. */
  patchRequest(id: string, status: RequestStatus, patch: RequestPatch): Promise<boolean>;

  /**
   * Closes the open review of a break-glass request, with the event, in one
   * guarded update; false when it is not open (any more).
   */
  closeReview(args: { requestId: string; closedBy: string; comment: string; now: number }): Promise<boolean>;

  /** Appends an event without a status change (e.g. a reconciler repair). */
  appendEvent(requestId: string, event: { actor: string; type: RequestNoteName; comment?: string }, now: number): Promise<void>;
  /** Requests extending `sessionId` that are in one of these statuses. */
  listExtensionsOf(sessionId: string, statuses: RequestStatus[]): Promise<StoredRequest[]>;
  /** Activity of one account since `from` (epoch ms), computed in SQL. */
  accountActivity(args: { accountId: string; from: number; topRequesters: number }): Promise<AccountActivityCounts>;
}
