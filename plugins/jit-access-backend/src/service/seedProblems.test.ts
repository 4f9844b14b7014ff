/*
 * Each problem of the troubleshooting page of the system JIT Access replaces, answered by the
 * API where the person meets it. One test per problem.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('the product explains itself (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => h.close());

  const create = async (body: object) => {
    const res = await h.as('alice').post('/requests', { accountId: '111111111111', durationMinutes: 30, reason: 'seed', ...body });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('Request stuck in pending: the current step and who can approve it, by name', async () => {
    const r = await create({ permissionSetArn: await h.arnOf('ReadOnlyAccess') });
    expect(r.currentStep).toBe(1);
    expect(r.steps).toEqual([expect.objectContaining({ step: 1, approverKind: 'owner-or-admin', status: 'pending' })]);
    expect(r.approvers).toEqual([
      { entityRef: 'user:default/bob', name: 'Bob', via: 'owner through group:default/team-alpha' },
      { entityRef: 'user:default/carol', name: 'Carol', via: 'admin through group:default/platform-admins' },
      { entityRef: 'user:default/dave', name: 'Dave', via: 'admin through group:default/sso-admins' },
    ]);
  });

  it('No accounts available: why, and the config page for admins', async () => {
    const accounts = (await h.as('carol').get('/config/accounts')).body.items;
    const onboarded = accounts.filter((a: { onboarded: boolean }) => a.onboarded);
    try {
      for (const a of onboarded) await h.as('carol').put(`/config/accounts/${a.accountId}`, { onboarded: false });
      const none = (await h.as('alice').get('/accounts')).body;
      expect(none).toEqual({
        items: [],
        reason: 'No AWS accounts are onboarded to JIT Access yet. An admin onboards accounts on the JIT Access config page.',
        canManageConfig: false,
      });
      expect((await h.as('carol').get('/accounts')).body.canManageConfig).toBe(true);

      await h.as('carol').put('/config/accounts/111111111111', { onboarded: true, enabledPermissionSetArns: [], customPolicyAllowed: false });
      expect((await h.as('alice').get('/accounts')).body.reason).toBe(
        '1 account(s) are onboarded, but none has a permission set enabled or custom policies allowed. An admin enables permission sets per account on the JIT Access config page.',
      );
    } finally {
      for (const a of onboarded) {
        const { enabledPermissionSetArns, customPolicyAllowed, assignedOwners } = a;
        await h.as('carol').put(`/config/accounts/${a.accountId}`, { onboarded: true, enabledPermissionSetArns, customPolicyAllowed, assignedOwners });
      }
    }
    expect((await h.as('alice').get('/accounts')).body.items).toHaveLength(3);
  });

  it('Custom permission set validation fails: line, column and rule, and the size against the limit', async () => {
    const res = await h.as('alice').post('/policies/validate', {
      policy: '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]\n}',
    });
    expect(res.body).toMatchObject({ valid: false, limit: 10240, size: 81 });
    expect(res.body.errors).toEqual([
      { rule: 'missing-resource', message: 'Statement[0]: missing "Resource" (or "NotResource")', path: 'Statement[0]', line: 3, column: 17 },
    ]);
  });

  it('Session expired unexpectedly: the effective duration and its cause, then the end time', async () => {
    const r = await create({ permissionSetArn: await h.arnOf('ReadOnlyAccess'), durationMinutes: 240 });
    expect(r).toMatchObject({ requestedDurationMinutes: 240, effectiveDurationMinutes: 60, durationCause: 'permission-set-session' });
    const accounts = (await h.as('alice').get('/accounts')).body.items;
    expect(accounts.find((a: { name: string }) => a.name === 'sandbox').permissionSets[0]).toMatchObject({ sessionDurationMinutes: 60 });
  });

  it('Cannot approve: each denied action carries its reason', async () => {
    const r = await create({ permissionSetArn: await h.arnOf('ReadOnlyAccess') });
    const approveFor = async (who: string) =>
      (await h.as(who).get(`/requests/${r.id}`)).body.actions.find((a: { action: string }) => a.action === 'approve');
    expect(await approveFor('alice')).toEqual({ action: 'approve', allowed: false, reason: 'You cannot approve your own request.' });
    expect(await approveFor('erin')).toEqual({
      action: 'approve',
      allowed: false,
      reason: 'Only an owner of sandbox or an Admin/SSO Admin can approve this request.',
    });
    expect(await approveFor('bob')).toEqual({ action: 'approve', allowed: true });
  });

  it('Multi-level approval not progressing: both steps, who approved step 1, who can approve step 2', async () => {
    const r = await create({
      customPolicy: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}',
    });
    await h.as('bob').post(`/requests/${r.id}/approve`, { comment: 'owner ok' });
    const after = (await h.as('alice').get(`/requests/${r.id}`)).body;
    expect(after.status).toBe('pending');
    expect(after.steps).toEqual([
      expect.objectContaining({ step: 1, status: 'approved', decidedBy: 'user:default/bob', decidedByName: 'Bob', comment: 'owner ok' }),
      expect.objectContaining({ step: 2, approverKind: 'admin', status: 'pending' }),
    ]);
    expect(after.approvers.map((a: { name: string }) => a.name)).toEqual(['Carol', 'Dave']);
  });

  it('Request rejected without explanation: the comment and who rejected', async () => {
    const r = await create({ permissionSetArn: await h.arnOf('ReadOnlyAccess') });
    await h.as('carol').post(`/requests/${r.id}/reject`, { comment: 'Use the staging account' });
    const after = (await h.as('alice').get(`/requests/${r.id}`)).body;
    expect(after.steps[0]).toMatchObject({ status: 'rejected', decidedByName: 'Carol', comment: 'Use the staging account' });
    expect(after.statusReason).toBe('Use the staging account');
  });

  it('Cannot see approver features: your role, and what would give you the missing tabs', async () => {
    const alice = (await h.as('alice').get('/me')).body;
    expect(alice.roles).toEqual(['viewer']);
    expect(alice.features).toEqual({ pendingApprovals: false, requestHistory: false, manageSessions: false, ownedAccounts: false, config: false });
    expect(alice.missingFeaturesHint).toMatch(/appear when you own an onboarded AWS account .* or belong to an approver group \(group:default\/approvers\)/);
    const bob = (await h.as('bob').get('/me')).body; // through ownership
    expect(bob).toMatchObject({ roles: ['viewer', 'approver'], ownedAccountIds: ['111111111111'] });
    expect(bob.features.pendingApprovals).toBe(true);
    expect((await h.as('erin').get('/me')).body.features).toMatchObject({ pendingApprovals: true, config: false }); // through her role
    expect((await h.as('carol').get('/me')).body.features.config).toBe(true);
    expect((await h.as('alice').get('/requests?view=approvals')).status).toBe(403);
  });
});
