/*
 * Does Identity Center hold exactly what the database says? Used by the
 * crash test and the soak: an assignment for every active grant and for
 * standing access, nothing else; a temporary permission set for every active
 * custom grant, nothing else; each request activated and ended at most once.
 */
import type {
  EmulatorAssignment,
  IdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import { JIT_MANAGED_TAG_KEY } from '@jit-access/plugin-jit-access-common';
import type { JitStore, StoredRequest } from '../../../plugins/jit-access-backend/src/database';

export const assignmentKey = (a: {
  accountId: string;
  permissionSetArn: string;
  principalId: string;
}) => `${a.accountId}|${a.permissionSetArn}|${a.principalId}`;

export interface Convergence {
  /** Requests at rest with access: active, or ended one way or another. */
  atRest: StoredRequest[];
  active: StoredRequest[];
  failed: string[];
  /** Assignments the database says should exist but Identity Center lacks. */
  missing: string[];
  /** Assignments in Identity Center that no active grant or standing access explains. */
  orphans: string[];
  /** Temporary permission sets that should not exist, or are missing. */
  strayPermissionSets: string[];
  missingPermissionSets: string[];
  /** Requests with more than one `activated` or `ended` event. */
  duplicateTransitions: string[];
}

export async function compareWithIdentityCenter(
  store: JitStore,
  emulator: IdentityCenterEmulator,
  standing: EmulatorAssignment[],
): Promise<Convergence> {
  const atRest = await store.listByStatus([
    'active',
    'expired',
    'revoked',
    'ended',
    'failed',
  ]);
  const active = atRest.filter(r => r.status === 'active');
  const state = emulator.getState();

  const expected = new Set([
    ...standing.map(assignmentKey),
    ...active.map(r =>
      assignmentKey({
        accountId: r.accountId,
        permissionSetArn: (r.tempPermissionSetArn ?? r.permissionSetArn)!,
        principalId: r.principalId!,
      }),
    ),
  ]);
  const actual = new Set(state.assignments.map(assignmentKey));

  const ours = new Set(
    state.permissionSets
      .filter(p => p.tags.some(t => t.key === JIT_MANAGED_TAG_KEY))
      .map(p => p.arn),
  );
  const wanted = new Set(
    active.filter(r => r.kind === 'custom').map(r => r.tempPermissionSetArn!),
  );

  const duplicateTransitions: string[] = [];
  for (const r of atRest) {
    const types = (await store.getEvents(r.id)).map(e => e.type);
    for (const t of ['provisioned', 'ended-expired', 'ended-revoked', 'ended-early']) {
      const count = types.filter(x => x === t).length;
      if (count > 1) duplicateTransitions.push(`${r.id}: ${count} × ${t}`);
    }
  }
  return {
    atRest,
    active,
    failed: atRest
      .filter(r => r.status === 'failed')
      .map(r => `${r.id}: ${r.statusReason}`),
    missing: [...expected].filter(k => !actual.has(k)),
    orphans: [...actual].filter(k => !expected.has(k)),
    strayPermissionSets: [...ours].filter(a => !wanted.has(a)),
    missingPermissionSets: [...wanted].filter(a => !ours.has(a)),
    duplicateTransitions,
  };
}

/** Requests with work in flight or due (approved, provisioning, ending, active past their end). */
export async function unsettledRequests(store: JitStore): Promise<string[]> {
  const busy = await store.listByStatus(['approved', 'provisioning', 'ending']);
  const expired = (await store.listByStatus(['active'])).filter(
    r => r.expiresAt && Date.parse(r.expiresAt) <= Date.now(),
  );
  return [...busy, ...expired].map(
    r => `${r.id}: ${r.status} ${r.statusReason ?? ''}`,
  );
}
