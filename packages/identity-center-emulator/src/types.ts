/** A user of the emulated Identity Store. @public */
export interface EmulatorUser {
  userId: string;
  userName: string;
  displayName?: string;
  emails: string[];
}

/** A permission set of the emulated instance. @public */
export interface EmulatorPermissionSet {
  arn: string;
  name: string;
  description?: string;
  sessionDuration: string;
  inlinePolicy?: string;
  tags: Array<{ key: string; value: string }>;
  createdAt: number;
}

/** An account assignment. @public */
export interface EmulatorAssignment {
  accountId: string;
  permissionSetArn: string;
  principalId: string;
  principalType: 'USER' | 'GROUP';
}

/** What the emulator starts with. @public */
export interface EmulatorSeed {
  instanceArn: string;
  identityStoreId: string;
  users: Array<Omit<EmulatorUser, 'userId'> & { userId?: string }>;
  permissionSets: Array<Omit<EmulatorPermissionSet, 'tags' | 'createdAt'> & { tags?: EmulatorPermissionSet['tags'] }>;
  accounts: string[];
  assignments?: EmulatorAssignment[];
}

/** Injected faults; rates are fractions of calls (0..1). @public */
export interface EmulatorFaults {
  /** Fraction answered with a 500 InternalServerException. */
  errorRate?: number;
  /** Extra fraction answered with a ThrottlingException. */
  throttleRate?: number;
  /** Added to every call. */
  latencyMs?: number;
  /** Fraction never answered (the client times out). */
  hangRate?: number;
}

/** Identity Center's quotas, which AWS does not raise. @public */
export interface EmulatorQuotas {
  /** SSO Admin calls per second, all operations together. Default 20. */
  callsPerSecond?: number;
  /** CreateAccountAssignment operations IN_PROGRESS at once. Default 10. */
  maxCreatesInFlight?: number;
}

/** @public */
export interface EmulatorOptions {
  host?: string;
  port?: number;
  seed?: EmulatorSeed;
  quotas?: EmulatorQuotas;
  timing?: {
    /** Time an assignment create or delete stays IN_PROGRESS. Default 300 ms. */
    assignmentDelayMs?: number;
  };
  faults?: EmulatorFaults;
}

/** What `GET /_emulator/state` returns. @public */
export interface EmulatorState {
  instanceArn: string;
  identityStoreId: string;
  users: EmulatorUser[];
  permissionSets: EmulatorPermissionSet[];
  accounts: string[];
  assignments: EmulatorAssignment[];
  inFlight: { creates: number; deletes: number };
  calls: Record<string, number>;
  throttled: number;
  faults: EmulatorFaults;
}
