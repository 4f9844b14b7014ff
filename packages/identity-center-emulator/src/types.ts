/*
 * Public types of the emulator: what it is seeded with, how it is configured,
 * and what `getState()` / `GET /_emulator/state` report.
 */

/**
 * A user of the emulated Identity Store.
 * @public
 */
export interface EmulatorUser {
  /** Identity Store user id (a UUID in AWS). */
  userId: string;
  /** Unique user name; JIT Access matches it with the Backstage user's email. */
  userName: string;
  displayName?: string;
  /** Email addresses, matched by `GetUserId` on `emails.value`. */
  emails: string[];
}

/**
 * A tag on a permission set.
 * @public
 */
export interface EmulatorTag {
  key: string;
  value: string;
}

/**
 * A permission set of the emulated instance.
 * @public
 */
export interface EmulatorPermissionSet {
  arn: string;
  name: string;
  description?: string;
  /** ISO-8601 duration, PT1H to PT12H. */
  sessionDuration: string;
  /** The inline IAM policy, if one was put. */
  inlinePolicy?: string;
  tags: EmulatorTag[];
  /** Creation time, epoch seconds (what the AWS JSON protocol sends). */
  createdAt: number;
}

/**
 * An account assignment: a principal may use a permission set in an account.
 * @public
 */
export interface EmulatorAssignment {
  accountId: string;
  permissionSetArn: string;
  principalId: string;
  principalType: 'USER' | 'GROUP';
}

/**
 * Where a permission set is provisioned, and whether the latest version of it
 * is (a change to the set leaves provisioned accounts outdated until
 * `ProvisionPermissionSet`).
 * @public
 */
export interface EmulatorProvisioning {
  permissionSetArn: string;
  accountId: string;
  status:
    | 'LATEST_PERMISSION_SET_PROVISIONED'
    | 'LATEST_PERMISSION_SET_NOT_PROVISIONED';
}

/**
 * One asynchronous operation (assignment creation or deletion, permission set
 * provisioning) as the emulator tracks it.
 * @public
 */
export interface EmulatorOperation {
  requestId: string;
  kind:
    | 'CreateAccountAssignment'
    | 'DeleteAccountAssignment'
    | 'ProvisionPermissionSet';
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  failureReason?: string;
  permissionSetArn: string;
  /** The target account; absent for a provisioning to ALL_PROVISIONED_ACCOUNTS. */
  accountId?: string;
  principalId?: string;
  principalType?: 'USER' | 'GROUP';
  /** Epoch seconds. */
  createdAt: number;
}

/**
 * What the emulator starts with, and returns to on reset.
 * @public
 */
export interface EmulatorSeed {
  instanceArn: string;
  identityStoreId: string;
  /** Users; a missing `userId` gets a random UUID. */
  users: Array<Omit<EmulatorUser, 'userId'> & { userId?: string }>;
  permissionSets: Array<
    Omit<EmulatorPermissionSet, 'tags' | 'createdAt'> & {
      tags?: EmulatorTag[];
    }
  >;
  /** AWS account ids of the organization; assignments elsewhere fail. */
  accounts: string[];
  /** Assignments that exist from the start (standing access). */
  assignments?: EmulatorAssignment[];
  /**
   * What ListInstances answers; by default the emulated instance alone.
   * `[]` is an account that sees no instance, and extra entries are other
   * instances the credentials can see (only `instanceArn` is served; calls
   * naming another instance are refused as unknown).
   */
  listedInstances?: Array<{ instanceArn: string; identityStoreId: string }>;
}

/**
 * Injected faults. They can be set at start and changed at any time
 * (`setFaults()`, `POST /_emulator/faults`); changes merge into the current
 * faults. Rates are fractions of calls, 0 to 1.
 * @public
 */
export interface EmulatorFaults {
  /** Fraction answered with a 500 InternalServerException. */
  errorRate?: number;
  /** Fraction answered with a ThrottlingException, on top of the real quota. */
  throttleRate?: number;
  /** Milliseconds added before every AWS call is answered. */
  latencyMs?: number;
  /** Fraction never answered (the client has to time out). */
  hangRate?: number;
  /** How long assignment and provisioning operations stay IN_PROGRESS. */
  assignmentDelayMs?: number;
  /** Operations (e.g. `DeletePermissionSet`) answered with AccessDeniedException. */
  accessDenied?: string[];
  /**
   * When set, the rate-based faults (errorRate, throttleRate, hangRate,
   * latencyMs) apply only to these operations, e.g. `['CreateAccountAssignment']`.
   */
  operations?: string[];
}

/**
 * Identity Center's quotas, which AWS does not raise (here they are options).
 * @public
 */
export interface EmulatorQuotas {
  /**
   * SSO Admin calls per second, all operations together (a token bucket of
   * this size refilled at this rate). Default 20.
   */
  callsPerSecond?: number;
  /** CreateAccountAssignment operations IN_PROGRESS at once. Default 10. */
  maxCreatesInFlight?: number;
}

/**
 * Options of {@link startIdentityCenterEmulator}.
 * @public
 */
export interface EmulatorOptions {
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** Port; 0 (the default) picks a free one, see `port` on the result. */
  port?: number;
  /** Initial data. Default {@link demoSeed}. */
  seed?: EmulatorSeed;
  quotas?: EmulatorQuotas;
  timing?: {
    /** How long an assignment create/delete stays IN_PROGRESS. Default 300 ms. */
    assignmentDelayMs?: number;
    /** How long a ProvisionPermissionSet stays IN_PROGRESS. Default: assignmentDelayMs. */
    provisioningDelayMs?: number;
  };
  /** Faults from the start; see {@link EmulatorFaults}. */
  faults?: EmulatorFaults;
  /** Largest page a List operation returns, whatever MaxResults asks. Default 100. */
  maxPageSize?: number;
  /** Random source of the fault injection (`0 ≤ x < 1`), for reproducible runs. */
  random?: () => number;
  /** Called with one line per AWS request (operation, status, error type). */
  log?: (line: string) => void;
}

/**
 * Counters of what the emulator did, since start or the last reset.
 * @public
 */
export interface EmulatorStats {
  /** AWS requests received, all operations. */
  requests: number;
  /** Refused by the calls-per-second token bucket. */
  throttledByRate: number;
  /** CreateAccountAssignment refused because too many were in progress. */
  throttledByCreatesInFlight: number;
  /** ThrottlingExceptions injected by `throttleRate`. */
  throttledInjected: number;
  /** InternalServerExceptions injected by `errorRate`. */
  errorsInjected: number;
  /** Requests left unanswered by `hangRate`. */
  hung: number;
  /** Most SSO Admin requests received within any one second. */
  peakCallsPerSecond: number;
  /** Most CreateAccountAssignment operations IN_PROGRESS at one time. */
  peakCreatesInFlight: number;
}

/**
 * What `getState()` and `GET /_emulator/state` return (a copy).
 * @public
 */
export interface EmulatorState {
  instanceArn: string;
  identityStoreId: string;
  users: EmulatorUser[];
  permissionSets: EmulatorPermissionSet[];
  accounts: string[];
  assignments: EmulatorAssignment[];
  provisioned: EmulatorProvisioning[];
  /** Every asynchronous operation since the last reset, oldest first. */
  operations: EmulatorOperation[];
  /** Operations IN_PROGRESS now, by kind. */
  inFlight: { creates: number; deletes: number; provisionings: number };
  /** AWS requests received per operation name (including refused ones). */
  calls: Record<string, number>;
  /** All ThrottlingExceptions answered (rate, creates in flight, injected). */
  throttled: number;
  stats: EmulatorStats;
  quotas: Required<EmulatorQuotas>;
  faults: EmulatorFaults;
}
