/*
 * For harnesses that store requests directly (crash test, many sessions,
 * lifecycle benchmark): the config a grant needs, as an admin would have
 * set it. The engine checks the config of now right before every grant; a
 * request on an account JIT Access does not know, or for a permission set
 * not enabled there, is withdrawn, not granted.
 */
import type { EmulatorSeed } from '@jit-access/identity-center-emulator';
import type { JitStore } from '../database';

export async function onboardForGrants(
  store: JitStore,
  seed: Pick<EmulatorSeed, 'permissionSets'>,
  accounts: Array<{ accountId: string; name?: string }>,
  options: { customPolicyAllowed?: boolean } = {},
): Promise<void> {
  await store.upsertPermissionSets(
    seed.permissionSets.map(p => ({
      arn: p.arn,
      name: p.name,
      description: p.description,
      sessionDuration: p.sessionDuration,
      requiresTwoLevels: false,
      source: 'identity-center' as const,
    })),
  );
  for (const a of accounts) {
    await store.upsertAccount({
      accountId: a.accountId,
      name: a.name ?? a.accountId,
      onboarded: true,
      customPolicyAllowed: options.customPolicyAllowed ?? false,
      breakGlassAllowed: false,
      assignedOwners: [],
      enabledPermissionSetArns: seed.permissionSets.map(p => p.arn),
    });
  }
}
