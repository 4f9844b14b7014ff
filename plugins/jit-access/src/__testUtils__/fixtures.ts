import type { AccountActivity, AccountsResponse, CallerInfo, RequestDetail } from '@jit-access/plugin-jit-access-common';
import type { JitAccessApi } from '../api/JitAccessApi';

export const RO = 'arn:aws:sso:::permissionSet/ssoins-1/ps-ro';

export const accounts: AccountsResponse = {
  items: [
    {
      accountId: '111111111111',
      name: 'sandbox',
      permissionSets: [
        { arn: RO, name: 'ReadOnlyAccess', sessionDuration: 'PT1H', sessionDurationMinutes: 60 },
      ],
      customPolicyAllowed: true,
      customMaxDurationMinutes: 120,
      owners: ['group:default/team-alpha'],
      hasApprover: true,
      breakGlassAllowed: true,
    },
    {
      accountId: '222222222222',
      name: 'production',
      permissionSets: [
        { arn: RO, name: 'ReadOnlyAccess', sessionDuration: 'PT1H', sessionDurationMinutes: 60 },
      ],
      customPolicyAllowed: false,
      customMaxDurationMinutes: 120,
      owners: ['group:default/team-beta'],
      hasApprover: true,
      breakGlassAllowed: false,
    },
  ],
};

export const viewer: CallerInfo = {
  userEntityRef: 'user:default/alice',
  name: 'Alice',
  roles: ['viewer'],
  ownedAccountIds: [],
  features: { pendingApprovals: false, requestHistory: false, manageSessions: false, ownedAccounts: false, config: false },
  missingFeaturesHint: 'Pending approvals appear when you own an onboarded AWS account.',
};

export const owner: CallerInfo = {
  ...viewer,
  userEntityRef: 'user:default/bob',
  roles: ['viewer', 'approver'],
  ownedAccountIds: ['111111111111'],
  features: { pendingApprovals: true, requestHistory: true, manageSessions: true, ownedAccounts: true, config: false },
  missingFeaturesHint: undefined,
};

export function pendingRequest(over: Partial<RequestDetail> = {}): RequestDetail {
  return {
    id: 'JIT-7K3F9Q',
    requester: 'user:default/alice',
    requesterName: 'Alice Anders',
    accountId: '111111111111',
    accountName: 'sandbox',
    kind: 'standard',
    permissionSetArn: RO,
    permissionSetName: 'ReadOnlyAccess',
    requestedDurationMinutes: 30,
    effectiveDurationMinutes: 30,
    durationCause: 'requested',
    reason: 'debugging',
    status: 'pending',
    currentStep: 1,
    requiredSteps: 1,
    createdAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    steps: [{ step: 1, approverKind: 'owner-or-admin', status: 'pending' }],
    approvers: [{ entityRef: 'user:default/bob', name: 'Bob Brown', via: 'owner through group:default/team-alpha' }],
    actions: [
      { action: 'approve', allowed: true },
      { action: 'reject', allowed: true },
      { action: 'cancel', allowed: false, reason: 'Only the requester can cancel a request.' },
      { action: 'revoke', allowed: false, reason: 'The request is pending; only active sessions can be revoked.' },
      { action: 'end', allowed: false, reason: 'Only the requester can end their own session early; others revoke it.' },
    ],
    events: [],
    ...over,
  };
}

/** A JitAccessApi whose every method fails unless a test provides it. */
export function fakeApi(overrides: Partial<JitAccessApi>): JitAccessApi {
  return new Proxy(overrides as JitAccessApi, {
    get(target, prop: string) {
      if (prop in target) return (target as any)[prop];
      return () => Promise.reject(new Error(`unexpected call ${prop}`));
    },
  });
}

/** Sandbox's activity over 30 days: 2026-10-26 .. 2026-11-24, sessions on three days. */
export function accountActivity(over: Partial<AccountActivity> = {}): AccountActivity {
  const perDay = Array.from({ length: 30 }, (_, i) => ({
    date: new Date(Date.UTC(2026, 9, 26 + i)).toISOString().slice(0, 10),
    sessions: 0,
    byPermissionSet: [] as AccountActivity['byPermissionSet'],
  }));
  perDay[27] = { ...perDay[27], sessions: 3, byPermissionSet: [{ permissionSetName: 'ReadOnlyAccess', sessions: 2 }, { permissionSetName: null, sessions: 1 }] };
  perDay[29] = { ...perDay[29], sessions: 2, byPermissionSet: [{ permissionSetName: 'PowerUserAccess', sessions: 2 }] };
  perDay[3] = { ...perDay[3], sessions: 2, byPermissionSet: [{ permissionSetName: 'ReadOnlyAccess', sessions: 2 }] };
  return {
    accountId: '111111111111',
    accountName: 'sandbox',
    days: 30,
    from: '2026-10-26T00:00:00.000Z',
    to: '2026-11-24T12:00:00.000Z',
    totalSessions: 7,
    perDay,
    byPermissionSet: [
      { permissionSetName: 'ReadOnlyAccess', sessions: 4 },
      { permissionSetName: 'PowerUserAccess', sessions: 2 },
      { permissionSetName: null, sessions: 1 },
    ],
    topRequesters: [
      { requester: 'user:default/frank', name: 'Frank Fischer', requests: 5 },
      { requester: 'user:default/alice', name: 'Alice Anders', requests: 3 },
      { requester: 'user:default/ghost', requests: 1 },
    ],
    medianMinutesToApprove: 25,
    approvedRequests: 4,
    outcomes: { pending: 1, granted: 7, rejected: 1, cancelled: 0, timed_out: 0, failed: 0 },
    ...over,
  };
}
