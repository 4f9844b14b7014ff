import { recheckConfig, type RecheckFacts } from './configRecheck';
import type { ApprovalStep } from './types';

const ARN = 'arn:aws:sso:::permissionSet/ssoins-1/ps-admin';
const account = { onboarded: true, enabledPermissionSetArns: [ARN], customPolicyAllowed: true };
const oneStep = (status: ApprovalStep['status'] = 'pending'): ApprovalStep[] => [
  { step: 1, approverKind: 'owner-or-admin', status, ...(status === 'approved' ? { decidedBy: 'user:default/frank' } : {}) },
];
const twoSteps = (first: ApprovalStep['status']): ApprovalStep[] => [
  { step: 1, approverKind: 'owner', status: first, ...(first === 'approved' ? { decidedBy: 'user:default/frank' } : {}) },
  { step: 2, approverKind: 'admin', status: first === 'approved' ? 'pending' : 'waiting' },
];

function facts(over: Partial<RecheckFacts> & { status?: RecheckFacts['request']['status']; kind?: 'standard' | 'custom'; currentStep?: number }): RecheckFacts {
  const kind = over.kind ?? 'standard';
  return {
    request: {
      kind,
      accountName: 'production',
      permissionSetArn: kind === 'standard' ? ARN : undefined,
      permissionSetName: kind === 'standard' ? 'AdministratorAccess' : undefined,
      status: over.status ?? 'pending',
      currentStep: over.currentStep ?? (over.status && over.status !== 'pending' ? undefined : 1),
      requiredSteps: over.steps?.length ?? 1,
    },
    steps: over.steps ?? oneStep(),
    account: 'account' in over ? over.account : account,
    permissionSet: 'permissionSet' in over ? over.permissionSet : { requiresTwoLevels: false },
    hasOwnerApprover: over.hasOwnerApprover ?? true,
    changes: over.changes,
    extendedSession: over.extendedSession,
  };
}

const carol = { actorName: 'Carol Chen', at: '2026-12-04T18:03:12.000Z' };

describe('recheckConfig: decisions and grants follow the config of now', () => {
  it.each(['pending', 'approved', 'provisioning'] as const)('an unchanged config lets a %s request go on', status => {
    expect(recheckConfig(facts({ status, steps: oneStep(status === 'pending' ? 'pending' : 'approved') }))).toEqual({ outcome: 'allowed' });
  });

  it('an offboarded account ends the request, naming who offboarded it and when', () => {
    const v = recheckConfig(facts({ account: { ...account, onboarded: false }, changes: { offboarded: carol } }));
    expect(v).toEqual({
      outcome: 'withdraw',
      code: 'offboarded',
      reason: 'production was offboarded from JIT Access by Carol Chen at 2026-12-04 18:03 UTC; nothing was granted.',
    });
  });

  it('an account JIT Access no longer knows counts as offboarded', () => {
    expect(recheckConfig(facts({ account: undefined }))).toMatchObject({ outcome: 'withdraw', code: 'offboarded' });
  });

  it('a permission set disabled for the account ends standard requests for it', () => {
    const v = recheckConfig(
      facts({ status: 'approved', steps: oneStep('approved'), account: { ...account, enabledPermissionSetArns: [] }, changes: { 'permission-set-disabled': carol } }),
    );
    expect(v).toMatchObject({ outcome: 'withdraw', code: 'permission-set-disabled' });
    expect(v.outcome === 'withdraw' && v.reason).toBe(
      'AdministratorAccess was disabled for production by Carol Chen at 2026-12-04 18:03 UTC; nothing was granted.',
    );
  });

  it('a permission set gone from Identity Center ends standard requests for it', () => {
    expect(recheckConfig(facts({ permissionSet: undefined }))).toMatchObject({ outcome: 'withdraw', code: 'permission-set-disabled' });
  });

  it('custom policies turned off end custom requests at either step, not standard ones', () => {
    const off = { ...account, customPolicyAllowed: false };
    for (const steps of [twoSteps('pending'), twoSteps('approved')]) {
      const v = recheckConfig(facts({ kind: 'custom', steps, currentStep: steps[0].status === 'pending' ? 1 : 2, account: off }));
      expect(v).toMatchObject({ outcome: 'withdraw', code: 'custom-policies-disallowed' });
    }
    expect(recheckConfig(facts({ account: off }))).toEqual({ outcome: 'allowed' });
  });

  it('a permission set now two-level gives a pending one-step request a second step, by an Admin, and step 1 to an owner', () => {
    const v = recheckConfig(facts({ permissionSet: { requiresTwoLevels: true }, changes: { 'two-levels-required': carol } }));
    expect(v.outcome).toBe('add-step');
    if (v.outcome !== 'add-step') return;
    expect(v.reason).toBe(
      'AdministratorAccess was marked as needing two approvals by Carol Chen at 2026-12-04 18:03 UTC: this request now needs an Admin or SSO Admin as well.',
    );
    expect(v.steps).toEqual([
      { step: 1, approverKind: 'owner', status: 'pending' },
      { step: 2, approverKind: 'admin', status: 'waiting', addedReason: v.reason },
    ]);
  });

  it('an approved one-step request (waiting for its start, or provisioning) gains the step and keeps its decision', () => {
    for (const status of ['approved', 'provisioning'] as const) {
      const v = recheckConfig(facts({ status, steps: oneStep('approved'), permissionSet: { requiresTwoLevels: true } }));
      expect(v.outcome).toBe('add-step');
      if (v.outcome !== 'add-step') return;
      expect(v.steps[0]).toEqual(oneStep('approved')[0]);
      expect(v.steps[1]).toMatchObject({ step: 2, approverKind: 'admin', status: 'waiting' });
    }
  });

  it('two levels dropped: a request keeps the steps it has', () => {
    const steps = twoSteps('approved');
    expect(recheckConfig(facts({ steps, currentStep: 2, permissionSet: { requiresTwoLevels: false } }))).toEqual({ outcome: 'allowed' });
  });

  it('owners removed: an owner step nobody can take ends the request; a step admins can take goes on', () => {
    const custom1 = recheckConfig(facts({ kind: 'custom', steps: twoSteps('pending'), hasOwnerApprover: false, changes: { 'owners-changed': carol } }));
    expect(custom1).toMatchObject({ outcome: 'withdraw', code: 'owners-changed' });
    expect(custom1.outcome === 'withdraw' && custom1.reason).toBe(
      'Nobody can approve step 1: it needs an owner of production, and the account has no owner who could approve (owners last changed by Carol Chen at 2026-12-04 18:03 UTC); nothing was granted.',
    );
    // step 2 is an Admin's; a standard step is an owner's or an Admin's
    expect(recheckConfig(facts({ kind: 'custom', steps: twoSteps('approved'), currentStep: 2, hasOwnerApprover: false }))).toEqual({ outcome: 'allowed' });
    expect(recheckConfig(facts({ hasOwnerApprover: false }))).toEqual({ outcome: 'allowed' });
    // approved already: owners no longer matter
    expect(recheckConfig(facts({ kind: 'custom', status: 'approved', steps: twoSteps('approved'), hasOwnerApprover: false }))).toEqual({ outcome: 'allowed' });
  });

  it('a step added that needs an owner, on an account without one, ends the request and says both', () => {
    const v = recheckConfig(facts({ permissionSet: { requiresTwoLevels: true }, hasOwnerApprover: false }));
    expect(v).toMatchObject({ outcome: 'withdraw', code: 'owners-changed' });
    expect(v.outcome === 'withdraw' && v.reason).toContain('was marked as needing two approvals');
  });

  it('an extension whose session is no longer active ends, whatever the moment', () => {
    for (const status of ['pending', 'approved', 'provisioning'] as const) {
      for (const session of ['ending', 'revoked', 'expired', 'ended'] as const) {
        const v = recheckConfig(facts({ status, steps: oneStep(status === 'pending' ? 'pending' : 'approved'), extendedSession: { id: 'JIT-AAAAAA', status: session } }));
        expect(v).toEqual({
          outcome: 'withdraw',
          code: 'session-ended',
          reason: `The session it extends, JIT-AAAAAA, is ${session}: an extension needs an active session; nothing was granted.`,
        });
      }
    }
    expect(recheckConfig(facts({ extendedSession: { id: 'JIT-AAAAAA', status: 'active' } }))).toEqual({ outcome: 'allowed' });
  });

  it('granted or ended requests are not rechecked', () => {
    for (const status of ['active', 'ending', 'expired', 'cancelled', 'rejected'] as const) {
      expect(recheckConfig(facts({ status, account: undefined }))).toEqual({ outcome: 'allowed' });
    }
  });

  it('a change without a recorded author still names the change', () => {
    const v = recheckConfig(facts({ account: { ...account, onboarded: false } }));
    expect(v.outcome === 'withdraw' && v.reason).toBe('production was offboarded from JIT Access; nothing was granted.');
  });
});
