import { randomUUID } from 'node:crypto';
import type { StoredRequest, WorkStore } from '../database';

/**
 * One Identity Center assignment (user, account, permission set) can be
 * needed by several grants at once, and by standing access an administrator
 * gave outside this plugin. These rules decide, in one place, whether an
 * assignment is standing access and whether ending a grant may delete it.
 * They hold only when every decision about an assignment is taken under its
 * lock ({@link withAssignmentLock}): then no other grant of it is half-way
 * through a create or a delete while the rules look at the others.
 *
 * `siblings` are the other grants of the same assignment that are
 * provisioning, active or ending (`WorkStore.listGrantsOfAssignment`).
 */

/**
 * A sibling has a claim on the assignment once it holds it or may have
 * created it: active or ending, or provisioning with its standing-access
 * decision stored (it may have called CreateAccountAssignment before a
 * crash). A provisioning sibling without that decision has done nothing yet.
 */
function hasClaim(s: StoredRequest): boolean {
  return s.status !== 'provisioning' || s.assignmentPreexisting !== undefined;
}

/**
 * Whether an assignment found present before our create is standing access:
 * it is, unless one of our grants holds it (then it is as standing as that
 * grant's was).
 */
export function isStandingAccess(
  present: boolean,
  siblings: StoredRequest[],
): boolean {
  if (!present) return false;
  const claims = siblings.filter(hasClaim);
  return (
    claims.length === 0 || claims.some(s => s.assignmentPreexisting === true)
  );
}

/**
 * Why ending `grant` must leave its assignment in place, or undefined when
 * it may delete it: standing access is never removed, and neither is an
 * assignment another active (or already provisioning) grant needs. Ending
 * siblings do not keep it: whichever ends first deletes it.
 */
export function reasonToKeepAssignment(
  grant: Pick<StoredRequest, 'assignmentPreexisting'>,
  siblings: StoredRequest[],
): string | undefined {
  if (grant.assignmentPreexisting) {
    return 'the assignment is standing access, which existed before this grant';
  }
  const needing = siblings.filter(s => s.status !== 'ending' && hasClaim(s));
  if (needing.length) {
    return `the assignment is still needed by ${needing
      .map(s => s.id)
      .join(', ')}`;
  }
  return undefined;
}

/** The lock key of one assignment. */
export function assignmentLockKey(t: {
  accountId: string;
  permissionSetArn: string;
  principalId: string;
}): string {
  return `assignment:${t.accountId}:${t.permissionSetArn}:${t.principalId}`;
}

/**
 * Runs `fn` holding the lock of one assignment, renewed while `fn` runs.
 * Returns `{ locked: false }` at once when another worker holds it.
 */
export async function withAssignmentLock<T>(
  store: WorkStore,
  target: { accountId: string; permissionSetArn: string; principalId: string },
  fn: () => Promise<T>,
  options: { leaseMs: number; now: () => number },
): Promise<{ locked: true; value: T } | { locked: false }> {
  const key = assignmentLockKey(target);
  // Unique per acquisition: two requests of one process exclude each other too.
  const owner = randomUUID();
  if (!(await store.acquireLock(key, owner, options.now(), options.leaseMs))) {
    return { locked: false };
  }
  const renew = setInterval(() => {
    store
      .renewLock(key, owner, options.now(), options.leaseMs)
      .catch(() => undefined);
  }, Math.max(50, options.leaseMs / 3));
  try {
    return { locked: true, value: await fn() };
  } finally {
    clearInterval(renew);
    await store.releaseLock(key, owner);
  }
}
