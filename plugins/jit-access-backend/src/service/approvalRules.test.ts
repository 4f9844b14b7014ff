/*
 * The rules of the seed page, each a named test, through the real router on
 * SQLite and PostgreSQL (see __testUtils__/harness.ts).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('approval rules (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => {
    await h.close();
  });

  const standard = async (over: object = {}) => {
    const res = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: 'rules',
      ...over,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const count = async () => Number((await h.knex('jit_requests').count({ n: '*' }))[0].n);

  it('two approvers at the same moment: exactly one transition, the other gets 409', async () => {
    const reqId = await standard();
    const [a, b] = await Promise.all([
      h.as('bob').post(`/requests/${reqId}/approve`, {}),
      h.as('carol').post(`/requests/${reqId}/approve`, {}),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const events = (await h.store.getEvents(reqId)).filter(e => e.type.startsWith('approve-'));
    expect(events).toHaveLength(1);
    const [step] = await h.store.getSteps(reqId);
    expect(step.decidedBy).toBe(events[0].actor);
  });

  it('approve and cancel at the same moment: one wins, the other gets 409', async () => {
    const reqId = await standard();
    // Both commands have read the pending request before either writes: on a
    // loaded machine one HTTP call could otherwise end before the other
    // starts, and cancelling an approved request is allowed.
    const transition = h.store.transition.bind(h.store);
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothArrived = new Promise<void>(resolve => (release = resolve));
    const barrier = jest.spyOn(h.store, 'transition').mockImplementation(async t => {
      if (++arrived === 2) release();
      await bothArrived;
      return transition(t);
    });
    let approve;
    let cancel;
    try {
      [approve, cancel] = await Promise.all([
        h.as('bob').post(`/requests/${reqId}/approve`, {}),
        h.as('alice').post(`/requests/${reqId}/cancel`, {}),
      ]);
    } finally {
      barrier.mockRestore();
    }
    expect(arrived).toBeGreaterThanOrEqual(2); // then the engine may start provisioning
    expect([approve.status, cancel.status].sort()).toEqual([200, 409]);
    const decisive = (await h.store.getEvents(reqId)).filter(e => e.type !== 'created' && e.fromStatus === 'pending');
    expect(decisive).toHaveLength(1);
  });

  it('effective duration = min(requested, permission set session duration)', async () => {
    const reqId = await standard({ durationMinutes: 240 });
    const r = (await h.as('alice').get(`/requests/${reqId}`)).body;
    expect(r).toMatchObject({ requestedDurationMinutes: 240, effectiveDurationMinutes: 60, durationCause: 'permission-set-session' });
  });

  it('a standard request on an account without owners goes to the Admins, says so, and notifies them', async () => {
    const sent = h.sent.length;
    const res = await h.as('alice').post('/requests', {
      accountId: '333333333333',
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: 'ownerless',
    });
    expect(res.status).toBe(201);
    expect(res.body.statusReason).toBe(
      'orphan has no owner who can approve (its owners (group:default/legacy) have no members), so this request goes to the Admins and SSO Admins: Carol, Dave. Ask a JIT Access admin to assign owners (config page → Manage owners).',
    );
    expect(res.body.approvers.map((a: { name: string }) => a.name)).toEqual(['Carol', 'Dave']);
    await h.eventually(() => {
      const notice = h.sent.slice(sent).find(n => n.payload.title.startsWith(res.body.id));
      expect(notice?.recipients).toMatchObject({
        entityRef: ['group:default/legacy', 'group:default/platform-admins', 'group:default/sso-admins'],
        excludeEntityRef: ['user:default/alice'],
      });
    });
    // and carol decides it
    expect((await h.as('carol').post(`/requests/${res.body.id}/approve`, {})).status).toBe(200);
  });

  it('a custom policy on an account without owners is refused with the reason (step 1 needs an owner), and nothing is written', async () => {
    await h.as('carol').put('/config/accounts/333333333333', { customPolicyAllowed: true });
    try {
      const before = await count();
      const res = await h.as('alice').post('/requests', {
        accountId: '333333333333',
        customPolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
        durationMinutes: 30,
        reason: 'x',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'accountId: Nobody can approve this request for account orphan (333333333333): its owners (group:default/legacy) have no members; step 1 of this request needs an owner. Ask a JIT Access admin to assign owners (config page → Manage owners).',
      );
      expect(await count()).toBe(before);
    } finally {
      await h.as('carol').put('/config/accounts/333333333333', { customPolicyAllowed: false });
    }
  });

  it('a request the caller may not see is the same 404 as a missing one, saying who can see requests', async () => {
    const reqId = await standard({ accountId: '222222222222' });
    const hidden = await h.as('bob').get(`/requests/${reqId}`);
    const missing = await h.as('bob').get('/requests/JIT-ZZZZZZ');
    expect([hidden.status, missing.status]).toEqual([404, 404]);
    const says = (requestId: string) =>
      `Request '${requestId}' was not found, or it is not visible to you: a request is visible to its requester, the owners of its account, approvers, and JIT Access admins. If you followed a link, ask the requester or an owner of the account.`;
    expect(hidden.body.error).toEqual({ name: 'NotFoundError', message: says(reqId) });
    expect(missing.body.error).toEqual({ name: 'NotFoundError', message: says('JIT-ZZZZZZ') });
    // deciding it answers the same
    expect((await h.as('bob').post(`/requests/${reqId}/approve`, {})).body.error.message).toBe(says(reqId));
  });

  it('the rejection comment and who rejected reach the requester', async () => {
    const reqId = await standard();
    expect((await h.as('bob').post(`/requests/${reqId}/reject`, { comment: 'Use ReadOnly on staging' })).status).toBe(200);
    const r = (await h.as('alice').get(`/requests/${reqId}`)).body;
    expect(r.status).toBe('rejected');
    expect(r.steps[0]).toMatchObject({ status: 'rejected', decidedBy: 'user:default/bob', decidedByName: 'Bob', comment: 'Use ReadOnly on staging' });
  });

  it('a rejection comment is required when configured', async () => {
    const settings = (await h.as('carol').get('/config/settings')).body;
    expect((await h.as('carol').put('/config/settings', { ...settings, requireRejectionComment: true })).status).toBe(200);
    try {
      const reqId = await standard();
      const res = await h.as('bob').post(`/requests/${reqId}/reject`, {});
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('comment: a rejection comment is required');
      expect((await h.store.getRequest(reqId))!.status).toBe('pending');
    } finally {
      await h.as('carol').put('/config/settings', settings);
    }
  });

  it('the requester can cancel a pending request', async () => {
    const reqId = await standard();
    const res = await h.as('alice').post(`/requests/${reqId}/cancel`, {});
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(['created', 'cancel']);
  });

  it('pending requests time out after the configured period', async () => {
    const reqId = await standard();
    await h.knex('jit_requests').where({ id: reqId }).update({ created_at: Date.now() - 4 * 24 * 3600_000 });
    await h.jit.engine.runDue();
    const r = await h.store.getRequest(reqId);
    expect(r!.status).toBe('timed_out');
    expect(r!.statusReason).toBe('No decision within 4320 minutes');
  });

  it('risk-tiered permission sets need the same two levels as custom policies', async () => {
    const admin = await h.arnOf('AdministratorAccess');
    expect((await h.as('erin').put(`/config/permission-sets/${encodeURIComponent(admin)}`, { requiresTwoLevels: true })).status).toBe(403);
    expect((await h.as('carol').put(`/config/permission-sets/${encodeURIComponent(admin)}`, { requiresTwoLevels: true })).status).toBe(200);
    const created = await h.as('alice').post('/requests', {
      accountId: '222222222222',
      permissionSetArn: admin,
      durationMinutes: 60,
      reason: 'incident',
    });
    expect(created.body.requiredSteps).toBe(2);
    expect(created.body.steps.map((s: { approverKind: string }) => s.approverKind)).toEqual(['owner', 'admin']);
    expect((await h.as('carol').post(`/requests/${created.body.id}/approve`, {})).status).toBe(403); // step 1 is the owner's
    expect((await h.as('frank').post(`/requests/${created.body.id}/approve`, {})).status).toBe(200);
    const final = await h.as('dave').post(`/requests/${created.body.id}/approve`, {});
    expect(final.status).toBe(200);
    expect(final.body.steps.map((s: { decidedBy: string }) => s.decidedBy)).toEqual(['user:default/frank', 'user:default/dave']);
  });

  it('config endpoints: 403 for non-admins, 400 naming the field, nothing written', async () => {
    expect((await h.as('erin').get('/config/accounts')).status).toBe(403);
    const bad = await h.as('carol').put('/config/accounts/111111111111', { assignedOwners: ['bob'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^assignedOwners\.0: must be user:<ns>\/<name> or group:<ns>\/<name>/);
    expect((await h.store.getAccount('111111111111'))!.assignedOwners).toEqual([]);
  });

  it('an admin assigning an owner makes the orphan account approvable and flags disappear', async () => {
    const flagged = (await h.as('carol').get('/config/accounts')).body.items.find((a: { accountId: string }) => a.accountId === '333333333333');
    // Standard requests there go to the Admins; the account is flagged as ownerless.
    expect(flagged).toMatchObject({ hasApprover: true, ownerless: true, approverNames: ['Carol', 'Dave'] });
    const res = await h.as('carol').put('/config/accounts/333333333333', { assignedOwners: ['user:default/erin'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ hasApprover: true, ownerless: false, approverNames: ['Erin'] });
    expect((await h.as('alice').post('/requests', {
      accountId: '333333333333',
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: 'now approvable',
    })).status).toBe(201);
  });
});

describe.each(databases.eachSupportedId())('extensions and expiry warnings (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => h.close());

  const waitFor = (reqId: string, status: string) => h.processUntil(reqId, status);

  const activeGrant = () => h.activeGrant();

  it('an extension follows the same approval rules and continues the session where it ends', async () => {
    const original = await activeGrant();
    const ext = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      extendsRequestId: original.id,
      durationMinutes: 240,
      reason: 'need more time',
    });
    expect(ext.status).toBe(201);
    expect(ext.body).toMatchObject({
      status: 'pending',
      extendsRequestId: original.id,
      permissionSetName: 'ReadOnlyAccess',
      effectiveDurationMinutes: 60, // capped like any request by the session duration
    });
    expect((await h.as('alice').post(`/requests/${ext.body.id}/approve`, {})).status).toBe(403); // no self-approval
    expect((await h.as('bob').post(`/requests/${ext.body.id}/approve`, {})).status).toBe(200);
    await waitFor(ext.body.id, 'active');
    await waitFor(original.id, 'ended');
    const extended = (await h.store.getRequest(ext.body.id))!;
    expect(Date.parse(extended.expiresAt!)).toBe(Date.parse(original.expiresAt!) + 60 * 60_000);
    expect((await h.store.getEvents(original.id)).map(e => e.type)).toContain('supersede');
    // the assignment stayed: the extension holds it now
    expect(h.emulator.getState().assignments).toContainEqual({
      accountId: '111111111111',
      permissionSetArn: original.permissionSetArn,
      principalId: original.principalId,
      principalType: 'USER',
    });
  });

  it('only your own active standard session can be extended', async () => {
    const original = await activeGrant();
    const byBob = await h.as('bob').post('/requests', {
      accountId: '111111111111',
      extendsRequestId: original.id,
      durationMinutes: 30,
      reason: 'x',
    });
    expect(byBob.status).toBe(400);
    expect(byBob.body.error.message).toBe(`extendsRequestId: '${original.id}' is not a session of yours`);
    const actions = (await h.as('alice').get(`/requests/${original.id}`)).body.actions;
    expect(actions.find((a: { action: string }) => a.action === 'extend')).toEqual({ action: 'extend', allowed: true });
  });

  it('the requester is warned once before the session ends', async () => {
    const grant = await activeGrant();
    await h.knex('jit_requests').where({ id: grant.id }).update({ expires_at: Date.now() + 5 * 60_000 });
    h.sent.length = 0;
    await h.jit.engine.runDue();
    await h.jit.engine.runDue();
    for (let i = 0; i < 50 && !h.sent.length; i++) await new Promise(r => setTimeout(r, 20));
    const warnings = h.sent.filter(n => n.payload.title.includes('ends in'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].recipients).toMatchObject({ entityRef: ['user:default/alice'] });
    expect(warnings[0].payload.title).toMatch(new RegExp(`^${grant.id}: your access to ReadOnlyAccess on sandbox ends in [45] min$`));
  });
});
