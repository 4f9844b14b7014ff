import type { EmulatorSeed } from './types';

const INSTANCE = 'arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6';
const ps = (id: string) => `arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-${id}`;

/**
 * The demo data of JIT Access (SPEC §6): six users whose userName is their
 * email, three permission sets, four accounts, no assignments.
 * @public
 */
export function demoSeed(): EmulatorSeed {
  const users = ['alice', 'bob', 'frank', 'erin', 'carol', 'dave'];
  return {
    instanceArn: INSTANCE,
    identityStoreId: 'd-9067a1b2c3',
    users: users.map((name, i) => ({
      userId: `9067a1b2c3-0000-4000-8000-00000000000${i + 1}`,
      userName: `${name}@example.com`,
      displayName: name,
      emails: [`${name}@example.com`],
    })),
    permissionSets: [
      { arn: ps('1a2b3c4d5e6f7a8b'), name: 'ReadOnlyAccess', description: 'Read-only access to AWS services', sessionDuration: 'PT1H' },
      { arn: ps('2b3c4d5e6f7a8b9c'), name: 'PowerUserAccess', description: 'Full access except IAM and Organizations', sessionDuration: 'PT4H' },
      { arn: ps('3c4d5e6f7a8b9c0d'), name: 'AdministratorAccess', description: 'Full access', sessionDuration: 'PT8H' },
    ],
    accounts: ['111111111111', '222222222222', '333333333333', '444444444444'],
    assignments: [],
  };
}
