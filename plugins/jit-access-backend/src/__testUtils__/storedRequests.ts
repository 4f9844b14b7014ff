/*
 * A request as the store takes it (NewRequest), for store-level tests: alice
 * asks for ReadOnlyAccess on sandbox, pending at step 1 of 1.
 */
import type { ApprovalStep } from '@jit-access/plugin-jit-access-common';
import type { StoredRequest } from '../database/JitStore';

export function newRequest(
  id: string,
  createdAt: number,
  over: Partial<StoredRequest> = {},
) {
  const request: StoredRequest = {
    id,
    requester: 'user:default/alice',
    accountId: '111111111111',
    accountName: 'sandbox',
    kind: 'standard',
    permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-ro',
    permissionSetName: 'ReadOnlyAccess',
    requestedDurationMinutes: 30,
    effectiveDurationMinutes: 30,
    durationCause: 'requested',
    reason: 'debugging',
    status: 'pending',
    currentStep: 1,
    requiredSteps: 1,
    createdAt: new Date(createdAt).toISOString(),
    updatedAt: new Date(createdAt).toISOString(),
    attempts: 0,
    ...over,
  };
  const steps: ApprovalStep[] = [
    { step: 1, approverKind: 'owner-or-admin', status: 'pending' },
  ];
  return { request, steps, actor: request.requester };
}
