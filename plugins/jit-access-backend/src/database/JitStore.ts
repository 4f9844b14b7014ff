import type {
  AccessRequest,
  ApprovalStep,
  ConfigChangeKind,
  JitSettings,
  RequestEvent,
  RequestStatus,
} from '@jit-access/plugin-jit-access-common';

/** An account row as the backend uses it. */
export interface StoredAccount {
  accountId: string;
  name: string;
  entityRef?: string;
  onboarded: boolean;
  customPolicyAllowed: boolean;
  breakGlassAllowed: boolean;
  assignedOwners: string[];
  enabledPermissionSetArns: string[];
}

/** A permission set row. */
export interface StoredPermissionSet {
  arn: string;
  name: string;
  description?: string;
  sessionDuration: string;
  requiresTwoLevels: boolean;
  source: 'identity-center' | 'config';
  syncedAt?: string;
}

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
  to: RequestStatus;
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
  event: { actor: string; type: string; comment?: string };
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

/** Raw counts behind an account's activity (`JitStore.accountActivity`). */
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

/** A change an admin made to an account or a permission set. */
export type ConfigChangeName =
  | ConfigChangeKind
  | 'onboarded'
  | 'permission-set-enabled'
  | 'custom-policies-allowed'
  | 'two-levels-dropped'
  | 'break-glass-allowed'
  | 'break-glass-disallowed';

export interface ConfigChange {
  change: ConfigChangeName;
  actor: string;
  accountId?: string;
  permissionSetArn?: string;
}

/** Persistence of JIT Access. One knex implementation: DatabaseJitStore. */
export interface JitStore {
  // accounts and permission sets
  listAccounts(): Promise<StoredAccount[]>;
  getAccount(accountId: string): Promise<StoredAccount | undefined>;
  upsertAccount(
    account: Omit<StoredAccount, 'enabledPermissionSetArns'> & {
      enabledPermissionSetArns?: string[];
    },
    options?: { onlyIfMissing?: boolean },
  ): Promise<void>;
  listPermissionSets(): Promise<StoredPermissionSet[]>;
  upsertPermissionSets(sets: StoredPermissionSet[]): Promise<void>;
  setPermissionSetRequiresTwoLevels(arn: string, value: boolean): Promise<boolean>;
  getSettings(defaults: JitSettings): Promise<JitSettings>;
  putSettings(settings: JitSettings): Promise<void>;
  /** Appends config changes to their log (append-only). */
  recordConfigChanges(changes: ConfigChange[], now: number): Promise<void>;
  /**
   * The latest change of each kind that touched this account, or this
   * permission set (on this account or as a whole), with its author;
   * `seq` orders changes (later is larger).
   */
  latestConfigChanges(args: {
    accountId: string;
    permissionSetArn?: string;
  }): Promise<Partial<Record<ConfigChangeName, { actor: string; at: number; seq: number }>>>;

  // requests
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
  appendEvent(requestId: string, event: { actor: string; type: string; comment?: string }, now: number): Promise<void>;
  /** Requests extending `sessionId` that are in one of these statuses. */
  listExtensionsOf(sessionId: string, statuses: RequestStatus[]): Promise<StoredRequest[]>;
  /** Requests in these statuses, oldest first (for the reconciler). */
  listByStatus(
    statuses: RequestStatus[],
    /** `provisioned`: only requests whose Identity Center user was resolved (the engine began a grant). */
    options?: { endedAfter?: number; limit?: number; provisioned?: boolean },
  ): Promise<StoredRequest[]>;

  /**
   * Active requests ending before `before` that were not warned yet; marks
   * them warned in the same statement, so one replica warns once.
   */
  claimExpiryWarnings(before: number, now: number): Promise<StoredRequest[]>;

  /** Activity of one account since `from` (epoch ms), computed in SQL. */
  accountActivity(args: { accountId: string; from: number; topRequesters: number }): Promise<AccountActivityCounts>;

  // lifecycle
  /** Ids of requests with lifecycle work due at `now`. */
  findDueRequests(
    now: number,
    limit: number,
    pendingCreatedBefore?: number,
  ): Promise<StoredRequest[]>;
  /** Takes a lease on a request and returns it as it is; undefined when another worker holds it. */
  acquireLease(id: string, owner: string, now: number, leaseMs: number): Promise<StoredRequest | undefined>;
  releaseLease(id: string, owner: string): Promise<void>;
  /** Extends a lease this worker holds; false when it was lost. */
  renewLease(id: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  /**
   * Takes a named lock (a lease: free again after `leaseMs` unless renewed);
   * false when someone else holds it. `owner` must be unique per holder.
   */
  acquireLock(key: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  renewLock(key: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  releaseLock(key: string, owner: string): Promise<void>;
  /**
   * The other grants of one assignment (principal, account, permission set)
   * that are provisioning, active or ending: see `assignmentClaims.ts` for
   * what they mean for creating and deleting it.
   */
  listGrantsOfAssignment(args: {
    excludeRequestId: string;
    principalId: string;
    accountId: string;
    permissionSetArn: string;
  }): Promise<StoredRequest[]>;
}

/**
 * `createRequest` found the request's id taken: ids are short and random
 * (30 bits, `formatRequestId`), so at a million stored requests about one
 * new id in a thousand is; the caller draws another. Nothing was written.
 */
export class RequestIdTakenError extends Error {
  constructor(readonly requestId: string) {
    super(`Request id ${requestId} is taken`);
    this.name = 'RequestIdTakenError';
  }
}
