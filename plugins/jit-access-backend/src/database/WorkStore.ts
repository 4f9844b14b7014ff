import type { RequestStatus } from '@jit-access/plugin-jit-access-common';
import type { StoredRequest } from './RequestStore';

/**
 * What the lifecycle engine and the reconciler need besides requests: the
 * work that is due, leases on requests, named locks (assignment claims), and
 * the other grants of an assignment.
 */
export interface WorkStore {
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
}
