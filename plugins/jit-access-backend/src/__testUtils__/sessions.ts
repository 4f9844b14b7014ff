/*
 * Many active sessions at once, for the replica test and the lifecycle
 * benchmark: one Identity Store user per session, spread over the accounts
 * and permission sets of an emulator seed (no two sessions share an
 * assignment), each assignment already made, and the matching active
 * requests in the database.
 */
import type {
  EmulatorAssignment,
  EmulatorSeed,
} from '@jit-access/identity-center-emulator';
import type { JitStore, StoredRequest } from '../database';
import { SYSTEM_ACTOR } from '../service/types';
import { onboardForGrants } from './onboard';

/** Adds `count` users with one assignment each to the seed; returns the assignments. */
export function addSessionUsers(
  seed: EmulatorSeed,
  count: number,
): EmulatorAssignment[] {
  const assignments: EmulatorAssignment[] = Array.from(
    { length: count },
    (_, i) => ({
      principalId: `u-${String(i).padStart(5, '0')}`,
      accountId: seed.accounts[i % seed.accounts.length],
      permissionSetArn:
        seed.permissionSets[
          Math.floor(i / seed.accounts.length) % seed.permissionSets.length
        ].arn,
      principalType: 'USER',
    }),
  );
  seed.users.push(
    ...assignments.map(a => ({
      userId: a.principalId,
      userName: `${a.principalId}@example.com`,
      displayName: a.principalId,
      emails: [`${a.principalId}@example.com`],
    })),
  );
  seed.assignments = [...(seed.assignments ?? []), ...assignments];
  return assignments;
}

/**
 * Stores a request per assignment: an active session (approved, provisioned,
 * activated at `now`, ending at `expiresAt(i)`), or, without `expiresAt`, an
 * approved request waiting to be provisioned.
 */
export async function createSessions(
  store: JitStore,
  seed: EmulatorSeed,
  assignments: EmulatorAssignment[],
  expiresAt?: (index: number) => number,
  now = Date.now(),
): Promise<string[]> {
  await onboardForGrants(
    store,
    seed,
    [...new Set(assignments.map(a => a.accountId))].map(accountId => ({ accountId })),
  );
  const ids: string[] = [];
  for (const [i, a] of assignments.entries()) {
    const created = new Date(now).toISOString();
    const request: StoredRequest = {
      id: `JIT-S${String(i).padStart(5, '0')}`,
      requester: `user:default/${a.principalId}`,
      accountId: a.accountId,
      accountName: a.accountId,
      kind: 'standard',
      permissionSetArn: a.permissionSetArn,
      permissionSetName: seed.permissionSets.find(
        p => p.arn === a.permissionSetArn,
      )?.name,
      requestedDurationMinutes: 60,
      effectiveDurationMinutes: 60,
      durationCause: 'requested',
      reason: 'many sessions',
      status: 'approved',
      requiredSteps: 1,
      createdAt: created,
      updatedAt: created,
      attempts: 0,
    };
    await store.createRequest({
      request,
      steps: [
        {
          step: 1,
          approverKind: 'owner-or-admin',
          status: 'approved',
          decidedBy: 'user:default/carol',
        },
      ],
      actor: request.requester,
    });
    ids.push(request.id);
    if (!expiresAt) continue;
    const endsAt = expiresAt(i);
    await store.transition({
      requestId: request.id,
      from: 'approved',
      event: { name: 'start-provisioning', actor: SYSTEM_ACTOR },
      now,
    });
    await store.transition({
      requestId: request.id,
      from: 'provisioning',
      patch: {
        principalId: a.principalId,
        assignmentPreexisting: false,
        activatedAt: now,
        expiresAt: endsAt,
      },
      event: { name: 'provisioned', actor: SYSTEM_ACTOR },
      now,
    });
  }
  return ids;
}
