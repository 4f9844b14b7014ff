import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult, type PolicyDecision } from '@backstage/plugin-permission-common';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  jitAccessRequestApproveFinalPermission,
  jitAccessRequestApprovePermission,
} from '@jit-access/plugin-jit-access-common';
import { createJitRequestConditionalDecision, jitRequestConditions } from '../permissions/rules';
import { JitAuthorizer } from './JitAuthorizer';

const caller = {
  userEntityRef: 'user:default/bob',
  ownershipEntityRefs: ['user:default/bob', 'group:default/team-alpha'],
  credentials: mockCredentials.user('user:default/bob'),
};
const requests = [
  { id: 'JIT-1', requester: 'user:default/alice', accountId: '111111111111', accountOwners: ['group:default/team-alpha'] },
  { id: 'JIT-2', requester: 'user:default/alice', accountId: '222222222222', accountOwners: ['group:default/team-beta'] },
  { id: 'JIT-3', requester: 'user:default/bob', accountId: '111111111111', accountOwners: ['group:default/team-alpha'] },
];

describe('JitAuthorizer.forRequestList', () => {
  function authorizer(decisions: PolicyDecision[]) {
    const permissions = {
      authorize: jest.fn(),
      authorizeConditional: jest.fn(async () => decisions),
    };
    return {
      permissions,
      authorizer: new JitAuthorizer(permissions as unknown as PermissionsService, {
        approverGroups: [],
        adminGroups: [],
        ssoAdminGroups: [],
      }),
    };
  }

  it("asks the policy once per permission and applies a conditional decision to each request in memory", async () => {
    // An organisation's policy: approve where you own the account and did not ask; approve-final never.
    const { permissions, authorizer: a } = authorizer([
      createJitRequestConditionalDecision(jitAccessRequestApprovePermission, {
        allOf: [
          jitRequestConditions.isAccountOwner({ claims: caller.ownershipEntityRefs }),
          { not: jitRequestConditions.isRequester({ claims: [caller.userEntityRef] }) },
        ],
      }),
      { result: AuthorizeResult.DENY },
    ]);
    const d = await a.forRequestList(caller, requests, [
      jitAccessRequestApprovePermission,
      jitAccessRequestApproveFinalPermission,
    ]);
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
    expect(permissions.authorizeConditional).toHaveBeenCalledWith(
      [{ permission: jitAccessRequestApprovePermission }, { permission: jitAccessRequestApproveFinalPermission }],
      { credentials: caller.credentials },
    );
    expect(permissions.authorize).not.toHaveBeenCalled(); // no call back per request
    const approve = (id: string) => d.get(id)!.get(jitAccessRequestApprovePermission.name);
    const final = (id: string) => d.get(id)!.get(jitAccessRequestApproveFinalPermission.name);
    expect([approve('JIT-1'), approve('JIT-2'), approve('JIT-3')]).toEqual([true, false, false]);
    expect([final('JIT-1'), final('JIT-2'), final('JIT-3')]).toEqual([false, false, false]);
  });

  it('takes ALLOW and DENY as they are, and asks nothing for an empty page', async () => {
    const { permissions, authorizer: a } = authorizer([{ result: AuthorizeResult.ALLOW }, { result: AuthorizeResult.DENY }]);
    const d = await a.forRequestList(caller, requests, [
      jitAccessRequestApprovePermission,
      jitAccessRequestApproveFinalPermission,
    ]);
    expect([...d.values()].map(m => [...m.values()])).toEqual([
      [true, false],
      [true, false],
      [true, false],
    ]);
    expect(await a.forRequestList(caller, [], [jitAccessRequestApprovePermission])).toEqual(new Map());
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
  });
});
