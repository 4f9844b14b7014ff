/*
 * GET /accounts/:accountId/activity through the real router, on SQLite and
 * PostgreSQL: the window of UTC days and its edge, every day present, sessions
 * by permission set, top requesters, the median time to approve (odd and even
 * counts, final step only), outcomes, who may see it, and bad input.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { seedRequest } from '../__testUtils__/activity';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const H = 3_600_000;
/** The clock of the service: 2026-11-20 15:00 UTC. */
const NOW = Date.UTC(2026, 10, 20, 15);
/** Start of a 7-day window: 2026-11-14 00:00 UTC. */
const FROM = Date.UTC(2026, 10, 14);
const day = (d: number, hour: number) => Date.UTC(2026, 10, d, hour);
const SANDBOX = '111111111111';
const PRODUCTION = '222222222222';
const u = (name: string) => `user:default/${name}`;

describe.each(databases.eachSupportedId())('account activity (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id), { now: () => NOW });
    const seed = (r: Parameters<typeof seedRequest>[1]) => seedRequest(h.knex, r);
    // sandbox (owned by team-alpha: bob)
    await seed({ id: 'JIT-SB0001', requester: u('alice'), accountId: SANDBOX, createdAt: FROM - 2 * H, activatedAt: FROM - 1, status: 'expired', permissionSetName: 'ReadOnlyAccess' });
    await seed({ id: 'JIT-SB0002', requester: u('alice'), accountId: SANDBOX, createdAt: FROM, activatedAt: FROM, status: 'expired', permissionSetName: 'ReadOnlyAccess' });
    await seed({ id: 'JIT-SB0003', requester: u('alice'), accountId: SANDBOX, createdAt: day(18, 9), activatedAt: day(18, 10), status: 'expired', permissionSetName: 'PowerUserAccess' });
    await seed({ id: 'JIT-SB0004', requester: u('erin'), accountId: SANDBOX, createdAt: day(18, 11), activatedAt: day(18, 12), status: 'ended', permissionSetName: 'ReadOnlyAccess' });
    await seed({ id: 'JIT-SB0005', requester: u('erin'), accountId: SANDBOX, createdAt: day(20, 8), activatedAt: day(20, 9), status: 'active', permissionSetName: null });
    await seed({ id: 'JIT-SB0006', requester: u('frank'), accountId: SANDBOX, createdAt: day(19, 8), status: 'rejected', permissionSetName: 'ReadOnlyAccess' });
    await seed({ id: 'JIT-SB0007', requester: u('frank'), accountId: SANDBOX, createdAt: day(20, 14), status: 'pending', permissionSetName: 'ReadOnlyAccess' });
    await seed({ id: 'JIT-SB0008', requester: u('frank'), accountId: SANDBOX, createdAt: day(19, 9), status: 'cancelled', permissionSetName: 'ReadOnlyAccess' });

    // production (owned by team-beta: frank): approvals for the median
    await seed({ id: 'JIT-PR0001', requester: u('bob'), accountId: PRODUCTION, createdAt: day(15, 8), activatedAt: day(18, 10), status: 'expired', permissionSetName: 'ReadOnlyAccess', stepsAfterMinutes: [10] });
    await seed({ id: 'JIT-PR0002', requester: u('bob'), accountId: PRODUCTION, createdAt: day(16, 8), status: 'expired', permissionSetName: 'ReadOnlyAccess', stepsAfterMinutes: [30] });
    // Two steps: the time to the final approval (20), not to step 1 (5).
    await seed({ id: 'JIT-PR0003', requester: u('bob'), accountId: PRODUCTION, createdAt: day(17, 8), status: 'expired', permissionSetName: null, stepsAfterMinutes: [5, 20] });
    // Left out: break-glass (self-approved at once), a rejection, an approval decided before the window.
    await seed({ id: 'JIT-PR0004', requester: u('bob'), accountId: PRODUCTION, createdAt: day(17, 9), status: 'expired', permissionSetName: 'ReadOnlyAccess', stepsAfterMinutes: [0], breakGlass: true });
    await seed({ id: 'JIT-PR0005', requester: u('bob'), accountId: PRODUCTION, createdAt: day(17, 10), status: 'rejected', permissionSetName: 'ReadOnlyAccess', stepsAfterMinutes: [1], lastStep: 'rejected' });
    await seed({ id: 'JIT-PR0006', requester: u('bob'), accountId: PRODUCTION, createdAt: FROM - 2 * H, status: 'expired', permissionSetName: 'ReadOnlyAccess', stepsAfterMinutes: [119] });
  });
  afterAll(async () => h.close());

  it('counts sessions per UTC day, every day present, and leaves out a session 1 ms before the window', async () => {
    const res = await h.as('bob').get(`/accounts/${SANDBOX}/activity?days=7`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accountId: SANDBOX,
      accountName: 'sandbox',
      days: 7,
      from: '2026-11-14T00:00:00.000Z',
      to: '2026-11-20T15:00:00.000Z',
      totalSessions: 4,
    });
    expect(res.body.perDay.map((d: any) => [d.date, d.sessions])).toEqual([
      ['2026-11-14', 1], // activated at 00:00:00.000 exactly; JIT-SB0001 one millisecond earlier is not counted
      ['2026-11-15', 0],
      ['2026-11-16', 0],
      ['2026-11-17', 0],
      ['2026-11-18', 2],
      ['2026-11-19', 0],
      ['2026-11-20', 1],
    ]);
    expect(res.body.perDay[4].byPermissionSet).toEqual([
      { permissionSetName: 'PowerUserAccess', sessions: 1 },
      { permissionSetName: 'ReadOnlyAccess', sessions: 1 },
    ]);
    expect(res.body.perDay[6].byPermissionSet).toEqual([{ permissionSetName: null, sessions: 1 }]);

    // A window one day longer takes in the 13th, with JIT-SB0001.
    const longer = await h.as('bob').get(`/accounts/${SANDBOX}/activity?days=8`);
    expect(longer.body.perDay[0]).toEqual({
      date: '2026-11-13',
      sessions: 1,
      byPermissionSet: [{ permissionSetName: 'ReadOnlyAccess', sessions: 1 }],
    });
    expect(longer.body.totalSessions).toBe(5);
  });

  it('sums sessions by permission set, most first, custom policies as null', async () => {
    const res = await h.as('bob').get(`/accounts/${SANDBOX}/activity?days=7`);
    expect(res.body.byPermissionSet).toEqual([
      { permissionSetName: 'ReadOnlyAccess', sessions: 2 },
      { permissionSetName: null, sessions: 1 },
      { permissionSetName: 'PowerUserAccess', sessions: 1 },
    ]);
  });

  it('ranks top requesters by requests created in the window, ties by ref, with names', async () => {
    const res = await h.as('bob').get(`/accounts/${SANDBOX}/activity?days=7`);
    expect(res.body.topRequesters).toEqual([
      { requester: u('frank'), name: 'Frank', requests: 3 },
      { requester: u('alice'), name: 'Alice', requests: 2 }, // JIT-SB0001 was created before the window
      { requester: u('erin'), name: 'Erin', requests: 2 },
    ]);
  });

  it('counts requests by outcome, every outcome present', async () => {
    const res = await h.as('bob').get(`/accounts/${SANDBOX}/activity?days=7`);
    expect(res.body.outcomes).toEqual({ pending: 1, granted: 4, rejected: 1, cancelled: 1, timed_out: 0, failed: 0 });
    expect(res.body.medianMinutesToApprove).toBeNull();
    expect(res.body.approvedRequests).toBe(0);
  });

  it('takes the median time to the final approval: the middle one of an odd count, the mean of the middle two of an even one', async () => {
    const odd = await h.as('frank').get(`/accounts/${PRODUCTION}/activity?days=7`);
    expect(odd.status).toBe(200);
    expect(odd.body.approvedRequests).toBe(3);
    expect(odd.body.medianMinutesToApprove).toBe(20); // of 10, 20, 30

    await seedRequest(h.knex, { id: 'JIT-PR0007', requester: u('bob'), accountId: PRODUCTION, createdAt: day(19, 8), status: 'approved', permissionSetName: 'ReadOnlyAccess', stepsAfterMinutes: [50] });
    const even = await h.as('carol').get(`/accounts/${PRODUCTION}/activity?days=7`);
    expect(even.body.approvedRequests).toBe(4);
    expect(even.body.medianMinutesToApprove).toBe(25); // of 10, 20, 30, 50
  });

  it('defaults to 30 days', async () => {
    const res = await h.as('carol').get(`/accounts/${SANDBOX}/activity`);
    expect(res.status).toBe(200);
    expect(res.body.days).toBe(30);
    expect(res.body.perDay).toHaveLength(30);
    expect(res.body.perDay[0].date).toBe('2026-10-22');
    expect(res.body.perDay[29].date).toBe('2026-11-20');
    expect(res.body.totalSessions).toBe(5);
  });

  it('is shown to owners, Admins and SSO Admins; others get 403 with the reason', async () => {
    for (const name of ['bob', 'carol', 'dave']) {
      expect([name, (await h.as(name).get(`/accounts/${SANDBOX}/activity`)).status]).toEqual([name, 200]);
    }
    for (const name of ['alice', 'erin', 'frank']) {
      const res = await h.as(name).get(`/accounts/${SANDBOX}/activity`);
      expect([name, res.status]).toEqual([name, 403]);
      expect(res.body.error.message).toBe(
        'The activity of account sandbox (111111111111) is shown to its owners (group:default/team-alpha) and to Admins and SSO Admins; you are neither',
      );
    }
    expect((await h.as('frank').get(`/accounts/${PRODUCTION}/activity`)).status).toBe(200);
  });

  it('answers 404 for an unknown account and 400 naming the field for bad input', async () => {
    const unknown = await h.as('carol').get('/accounts/999999999999/activity');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe("AWS account '999999999999' is not known to JIT Access");
    for (const days of ['0', '91', '1.5', '-3', 'abc', '']) {
      const res = await h.as('carol').get(`/accounts/${SANDBOX}/activity?days=${days}`);
      expect([days, res.status]).toEqual([days, 400]);
      expect(res.body.error.message).toMatch(/^days: /);
    }
    const twice = await h.as('carol').get(`/accounts/${SANDBOX}/activity?days=7&days=8`);
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toMatch(/^days: /);
    const badId = await h.as('carol').get('/accounts/12345/activity');
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toBe('accountId: must be a 12-digit AWS account id');
  });
});

describe.each(databases.eachSupportedId())('account activity of real requests (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => h.close());

  /** Polls the store until the lifecycle engine (triggered by the approval) has activated it. */
  async function statusBecomes(reqId: string, status: string) {
    for (let i = 0; i < 300; i++) {
      if ((await h.store.getRequest(reqId))?.status === status) return;
      await new Promise(res => setTimeout(res, 20));
    }
    throw new Error(`${reqId} never became ${status}`);
  }

  it('counts what the router and the lifecycle engine wrote: today’s session, its requester, its approval', async () => {
    const ro = await h.arnOf('ReadOnlyAccess');
    const created = await h.as('alice').post('/requests', { accountId: PRODUCTION, permissionSetArn: ro, durationMinutes: 30, reason: 'activity' });
    const rejected = await h.as('alice').post('/requests', { accountId: PRODUCTION, permissionSetArn: ro, durationMinutes: 30, reason: 'activity, again' });
    expect((await h.as('frank').post(`/requests/${created.body.id}/approve`)).status).toBe(200);
    expect((await h.as('frank').post(`/requests/${rejected.body.id}/reject`, { comment: 'one is enough' })).status).toBe(200);
    await statusBecomes(created.body.id, 'active');

    // Two days, so a run across midnight UTC still finds today's session.
    const res = await h.as('frank').get(`/accounts/${PRODUCTION}/activity?days=2`);
    expect(res.status).toBe(200);
    expect(res.body.perDay).toHaveLength(2);
    expect(res.body.totalSessions).toBe(1);
    expect(res.body.byPermissionSet).toEqual([{ permissionSetName: 'ReadOnlyAccess', sessions: 1 }]);
    expect(res.body.topRequesters).toEqual([{ requester: u('alice'), name: 'Alice', requests: 2 }]);
    expect(res.body.approvedRequests).toBe(1);
    expect(res.body.medianMinutesToApprove).toBeGreaterThanOrEqual(0);
    expect(res.body.outcomes).toMatchObject({ granted: 1, rejected: 1, pending: 0 });
  });
});
