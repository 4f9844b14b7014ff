import type { EmulatorSeed } from './types';

const INSTANCE_ID = 'ssoins-7223a1b2c3d4e5f6';
const permissionSetArn = (id: string) =>
  `arn:aws:sso:::permissionSet/${INSTANCE_ID}/ps-${id}`;

/**
 * The JIT Access demo data, fresh on every call: instance
 * `arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6`, identity store
 * `d-9067a1b2c3`; users alice, bob, frank, erin, carol and dave whose
 * `userName` (and email) is `<name>@example.com`, with stable user ids;
 * permission sets ReadOnlyAccess (PT1H), PowerUserAccess (PT4H) and
 * AdministratorAccess (PT8H) with stable ARNs; accounts 111111111111,
 * 222222222222, 333333333333 and 444444444444; no assignments.
 * @public
 */
export function demoSeed(): EmulatorSeed {
  const users = ['alice', 'bob', 'frank', 'erin', 'carol', 'dave'];
  return {
    instanceArn: `arn:aws:sso:::instance/${INSTANCE_ID}`,
    identityStoreId: 'd-9067a1b2c3',
    users: users.map((name, i) => ({
      userId: `9067a1b2c3-0000-4000-8000-00000000000${i + 1}`,
      userName: `${name}@example.com`,
      displayName: name.charAt(0).toUpperCase() + name.slice(1),
      emails: [`${name}@example.com`],
    })),
    permissionSets: [
      {
        arn: permissionSetArn('1a2b3c4d5e6f7a8b'),
        name: 'ReadOnlyAccess',
        description: 'Read-only access to AWS services',
        sessionDuration: 'PT1H',
      },
      {
        arn: permissionSetArn('2b3c4d5e6f7a8b9c'),
        name: 'PowerUserAccess',
        description: 'Full access except IAM and Organizations',
        sessionDuration: 'PT4H',
      },
      {
        arn: permissionSetArn('3c4d5e6f7a8b9c0d'),
        name: 'AdministratorAccess',
        description: 'Full access to AWS services and resources',
        sessionDuration: 'PT8H',
      },
    ],
    accounts: ['111111111111', '222222222222', '333333333333', '444444444444'],
    assignments: [],
  };
}
