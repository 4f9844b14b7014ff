import { ApprovalFacts, decideApproval, describeStep, stepsFor } from './approval';
import type { ApprovalStep } from './types';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

function facts(over: {
  kind?: 'standard' | 'custom';
  currentStep?: number;
  steps?: ApprovalStep[];
  actor?: Partial<ApprovalFacts['actor']>;
  status?: ApprovalFacts['request']['status'];
}): ApprovalFacts {
  const custom = over.kind === 'custom';
  return {
    request: {
      requester: ALICE,
      accountName: 'sandbox',
      status: over.status ?? 'pending',
      currentStep: over.currentStep ?? 1,
      requiredSteps: custom ? 2 : 1,
      steps:
        over.steps ??
        (custom
          ? [
              { step: 1, approverKind: 'owner', status: 'pending' },
              { step: 2, approverKind: 'admin', status: 'waiting' },
            ]
          : [{ step: 1, approverKind: 'owner-or-admin', status: 'pending' }]),
    },
    actor: { userEntityRef: BOB, isOwner: false, isAdmin: false, ...over.actor },
    action: 'approve',
  };
}

describe('approval rules', () => {
  it('standard requests need one step, custom and risk-tiered two', () => {
    expect(stepsFor({ kind: 'standard' })).toEqual(['owner-or-admin']);
    expect(stepsFor({ kind: 'custom' })).toEqual(['owner', 'admin']);
    expect(stepsFor({ kind: 'standard', permissionSetRequiresTwoLevels: true })).toEqual(['owner', 'admin']);
  });

  it('standard: an owner or an admin approves', () => {
    expect(decideApproval(facts({ actor: { isOwner: true } }))).toEqual({ allowed: true });
    expect(decideApproval(facts({ actor: { isAdmin: true } }))).toEqual({ allowed: true });
    expect(decideApproval(facts({}))).toMatchObject({ allowed: false, code: 'not-owner-or-admin' });
  });

  it('nobody approves their own request, even an admin owner', () => {
    const f = facts({ actor: { userEntityRef: ALICE, isOwner: true, isAdmin: true } });
    expect(decideApproval(f)).toEqual({ allowed: false, code: 'own-request', reason: 'You cannot approve your own request.' });
  });

  it('custom step 1: owners only, admins are not enough', () => {
    expect(decideApproval(facts({ kind: 'custom', actor: { isAdmin: true } }))).toMatchObject({ allowed: false, code: 'not-owner' });
    expect(decideApproval(facts({ kind: 'custom', actor: { isOwner: true } }))).toEqual({ allowed: true });
  });

  it('custom step 2: Admin or SSO Admin only, and not the step-1 approver', () => {
    const steps: ApprovalStep[] = [
      { step: 1, approverKind: 'owner', status: 'approved', decidedBy: BOB },
      { step: 2, approverKind: 'admin', status: 'pending' },
    ];
    expect(decideApproval(facts({ kind: 'custom', currentStep: 2, steps, actor: { isOwner: true } }))).toMatchObject({
      allowed: false,
      code: 'approved-other-step',
      reason: 'You approved step 1; step 2 needs a different person.',
    });
    expect(
      decideApproval(facts({ kind: 'custom', currentStep: 2, steps, actor: { userEntityRef: 'user:default/frank', isOwner: true } })),
    ).toMatchObject({ allowed: false, code: 'needs-admin' });
    expect(
      decideApproval(facts({ kind: 'custom', currentStep: 2, steps, actor: { userEntityRef: 'user:default/dave', isAdmin: true } })),
    ).toEqual({ allowed: true });
  });

  it('nothing to decide once the request moved on', () => {
    expect(decideApproval(facts({ status: 'approved', actor: { isOwner: true } }))).toMatchObject({ code: 'not-pending' });
  });

  it('describes steps in words', () => {
    expect(describeStep({ step: 1, approverKind: 'owner', status: 'pending' }, 'sandbox', 2)).toBe('Step 1 of 2: an owner of sandbox');
  });
});
