import type { ApprovalStep, ApproverKind, RequestKind, RequestStatus } from './types';

/**
 * The approval steps of a request: standard requests need one approval by an
 * owner or an Admin/SSO Admin; custom and risk-tiered ones two, in order: an
 * owner, then an Admin/SSO Admin. A break-glass request has one step, the
 * requester's own emergency approval (see `checkBreakGlass`).
 * @public
 */
export function stepsFor(input: {
  kind: RequestKind;
  permissionSetRequiresTwoLevels?: boolean;
  breakGlass?: boolean;
}): ApproverKind[] {
  if (input.breakGlass) return ['break-glass'];
  if (input.kind === 'custom' || input.permissionSetRequiresTwoLevels) {
    return ['owner', 'admin'];
  }
  return ['owner-or-admin'];
}

/** Why somebody may not decide a request. @public */
export type ApprovalDenial =
  | 'not-pending'
  | 'own-request'
  | 'approved-other-step'
  | 'not-owner'
  | 'needs-admin'
  | 'not-owner-or-admin';

/** @public */
export type ApprovalVerdict =
  | { allowed: true }
  | { allowed: false; code: ApprovalDenial; reason: string };

/** @public */
export interface ApprovalFacts {
  request: {
    requester: string;
    accountName: string;
    status: RequestStatus;
    currentStep?: number;
    requiredSteps: number;
    steps: ApprovalStep[];
  };
  actor: {
    userEntityRef: string;
    /** Owner of the request's account (through the user or a group). */
    isOwner: boolean;
    /** Admin or SSO Admin (the `approve-final` permission). */
    isAdmin: boolean;
  };
  action: 'approve' | 'reject';
}

/**
 * Whether `actor` may approve or reject the current step, and if not, why, in
 * the words the UI shows. Rejecting needs the same standing as approving.
 * The rules hold whatever the permission policy says.
 * @public
 */
export function decideApproval({ request, actor, action }: ApprovalFacts): ApprovalVerdict {
  const verb = action === 'approve' ? 'approve' : 'reject';
  if (request.status !== 'pending' || request.currentStep === undefined) {
    return {
      allowed: false,
      code: 'not-pending',
      reason: `This request is ${request.status.replace('_', ' ')}; there is nothing left to ${verb}.`,
    };
  }
  if (request.requester === actor.userEntityRef) {
    return { allowed: false, code: 'own-request', reason: `You cannot ${verb} your own request.` };
  }
  const step = request.steps.find(s => s.step === request.currentStep);
  const decidedOther = request.steps.some(
    s => s.step !== request.currentStep && s.status === 'approved' && s.decidedBy === actor.userEntityRef,
  );
  if (decidedOther) {
    const other = request.steps.find(s => s.decidedBy === actor.userEntityRef)!;
    return {
      allowed: false,
      code: 'approved-other-step',
      reason: `You approved step ${other.step}; step ${request.currentStep} needs a different person.`,
    };
  }
  switch (step?.approverKind) {
    case 'owner':
      return actor.isOwner
        ? { allowed: true }
        : {
            allowed: false,
            code: 'not-owner',
            reason: `Only an owner of ${request.accountName} can ${verb} step ${step.step} of this request${
              actor.isAdmin ? '; Admins decide step 2 after the owner' : ''
            }.`,
          };
    case 'admin':
      return actor.isAdmin
        ? { allowed: true }
        : {
            allowed: false,
            code: 'needs-admin',
            reason: `Step ${step.step} needs an Admin or SSO Admin${
              request.steps.some(s => s.status === 'approved') ? '; the owner step is already approved' : ''
            }.`,
          };
    default:
      return actor.isOwner || actor.isAdmin
        ? { allowed: true }
        : {
            allowed: false,
            code: 'not-owner-or-admin',
            reason: `Only an owner of ${request.accountName} or an Admin/SSO Admin can ${verb} this request.`,
          };
  }
}

/** "an owner of sandbox", "an Admin or SSO Admin", ... @public */
export function approverKindLabel(kind: ApproverKind, accountName: string): string {
  switch (kind) {
    case 'owner':
      return `an owner of ${accountName}`;
    case 'admin':
      return 'an Admin or SSO Admin';
    case 'break-glass':
      return 'the requester (break-glass, self-approved; reviewed afterwards)';
    default:
      return `an owner of ${accountName} or an Admin/SSO Admin`;
  }
}

/** "Step 1 of 2: an owner of sandbox" @public */
export function describeStep(step: ApprovalStep, accountName: string, totalSteps = 1): string {
  const prefix = totalSteps > 1 ? `Step ${step.step} of ${totalSteps}: ` : '';
  return `${prefix}${approverKindLabel(step.approverKind, accountName)}`;
}
