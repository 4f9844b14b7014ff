/*
 * Break-glass, the whole path through the real router on SQLite and
 * PostgreSQL: self-approved emergency access provisioned at once, announced
 * to every owner and admin, queued for review, and the review closed by an
 * owner with a comment. In the harness, only sandbox allows break-glass.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
const REASON = 'INC-4711: database failover stuck, need to promote the replica';

describe.each(databases.eachSupportedId())('break-glass (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => h.close());

  const counts = async () => ({
    requests: Number((await h.knex('jit_requests').count({ n: '*' }))[0].n),
    events: Number((await h.knex('jit_request_events').count({ n: '*' }))[0].n),
  });

  /** Polls the store only: nobody calls the lifecycle engine for the request. */
  async function statusBecomes(reqId: string, status: string) {
    for (let i = 0; i < 300; i++) {
      const r = await h.store.getRequest(reqId);
      if (r?.status === status) return r;
      await new Promise(res => setTimeout(res, 20));
    }
    throw new Error(`${reqId} never became ${status}`);
  }

  async function notifications(count: number) {
    for (let i = 0; i < 150 && h.sent.length < count; i++) await new Promise(r => setTimeout(r, 20));
    return h.sent.splice(0, h.sent.length);
  }

  it('the whole path: self-approved, active at once, announced, reviewed by an owner, closed once', async () => {
    h.sent.length = 0;
    h.audits.length = 0;
    const powerUser = await h.arnOf('PowerUserAccess');
    const created = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      permissionSetArn: powerUser,
      durationMinutes: 600,
      reason: REASON,
      breakGlass: true,
    });
    expect(created.status).toBe(201);
    const reqId = created.body.id as string;
    expect(created.body).toMatchObject({
      breakGlass: true,
      review: { status: 'open' },
      requiredSteps: 1,
      effectiveDurationMinutes: 240, // capped by PowerUserAccess's PT4H like any request
      durationCause: 'permission-set-session',
      steps: [{ step: 1, approverKind: 'break-glass', status: 'approved', decidedBy: 'user:default/alice', decidedByName: 'Alice' }],
    });
    expect(['approved', 'provisioning', 'active']).toContain(created.body.status);

    // Provisioned at once: nobody else approves, nobody runs the scheduler.
    const active = await statusBecomes(reqId, 'active');
    expect(h.emulator.getState().assignments).toContainEqual({
      accountId: '111111111111',
      permissionSetArn: powerUser,
      principalId: active.principalId,
      principalType: 'USER',
    });
    expect((await h.store.getEvents(reqId)).map(e => [e.type, e.actor, e.toStatus ?? null])).toEqual([
      ['created', 'user:default/alice', 'pending'],
      ['break-glass', 'user:default/alice', 'approved'],
      ['start-provisioning', 'system:jit-access', 'provisioning'],
      ['provisioned', 'system:jit-access', 'active'],
    ]);
    expect((await h.store.getEvents(reqId))[1].comment).toBe(REASON);

    // Announced at once to every owner (team-alpha) and the Admin and SSO Admin groups.
    const sent = await notifications(2);
    const announcement = sent.find(n => n.payload.title.includes('break-glass'));
    expect(announcement).toMatchObject({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/team-alpha', 'group:default/platform-admins', 'group:default/sso-admins'],
        excludeEntityRef: ['user:default/alice'],
      },
      payload: {
        title: `${reqId}: break-glass, Alice took PowerUserAccess on sandbox without approval`,
        severity: 'high',
        link: `/jit-access/requests/${reqId}`,
      },
    });
    expect(announcement!.payload.description).toContain(`Reason: ${REASON}.`);
    expect(sent.map(n => n.payload.title).filter(t => t.includes('requests'))).toEqual([]); // no "please approve"
    expect(h.audits[0]).toMatchObject({ eventId: 'request-break-glass', severityLevel: 'high', outcome: 'success' });

    // The review queue: owners of the account and admins, never the requester.
    const queue = async (who: string) => {
      const res = await h.as(who).get('/requests?view=reviews');
      return res.status === 200 ? res.body.items.map((r: { id: string }) => r.id) : res.status;
    };
    expect(await queue('bob')).toContain(reqId);
    expect(await queue('carol')).toContain(reqId);
    expect(await queue('dave')).toContain(reqId);
    expect(await queue('frank')).not.toContain(reqId); // owns production, not sandbox
    expect(await queue('erin')).not.toContain(reqId); // Approver role, but neither owner nor admin
    expect(await queue('alice')).toBe(403);

    // Alice cannot close her own review; the action says why.
    const mine = (await h.as('alice').get(`/requests/${reqId}`)).body;
    expect(mine.actions.find((a: { action: string }) => a.action === 'closeReview')).toEqual({
      action: 'closeReview',
      allowed: false,
      reason: 'You cannot review your own break-glass access.',
    });
    const own = await h.as('alice').post(`/requests/${reqId}/review`, { comment: 'all fine, trust me' });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toBe('You cannot review your own break-glass access.');
    expect((await h.as('frank').post(`/requests/${reqId}/review`, { comment: 'looks ok' })).status).toBe(404); // cannot see it
    expect((await h.as('erin').post(`/requests/${reqId}/review`, { comment: 'looks ok' })).body.error.message).toBe(
      'Only an owner of sandbox or an Admin/SSO Admin can close this break-glass review.',
    );

    // Bob closes it with a comment (required).
    const bobsView = (await h.as('bob').get(`/requests/${reqId}`)).body;
    expect(bobsView.actions.find((a: { action: string }) => a.action === 'closeReview')).toEqual({ action: 'closeReview', allowed: true });
    const empty = await h.as('bob').post(`/requests/${reqId}/review`, { comment: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe('comment: is required to close a break-glass review');
    h.sent.length = 0;
    const closed = await h.as('bob').post(`/requests/${reqId}/review`, { comment: 'Checked INC-4711, failover was needed' });
    expect(closed.status).toBe(200);
    expect(closed.body.review).toMatchObject({
      status: 'closed',
      closedBy: 'user:default/bob',
      closedByName: 'Bob',
      comment: 'Checked INC-4711, failover was needed',
    });
    expect(closed.body.status).toBe('active'); // the review does not touch the session
    const reviewEvent = (await h.store.getEvents(reqId)).find(e => e.type === 'review-closed');
    expect(reviewEvent).toMatchObject({ actor: 'user:default/bob', comment: 'Checked INC-4711, failover was needed' });
    const [told] = await notifications(1);
    expect(told).toMatchObject({
      recipients: { entityRef: ['user:default/alice'] },
      payload: { title: `${reqId}: Bob closed the review of your break-glass access` },
    });

    // A second close is a conflict, and the queue is empty of it.
    const again = await h.as('carol').post(`/requests/${reqId}/review`, { comment: 'me too' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('The break-glass review is already closed.');
    expect(await queue('carol')).not.toContain(reqId);
    expect(h.audits.filter(a => a.eventId === 'break-glass-review').map(a => a.outcome)).toEqual([
      'fail', // alice
      'fail', // frank
      'fail', // erin
      'success', // bob (the empty comment never reached the service)
      'fail', // carol, 409
    ]);
  });

  it.each([
    {
      what: 'on an account that does not allow it (production)',
      body: { accountId: '222222222222', arn: 'ReadOnlyAccess', reason: REASON },
      status: 403,
      message:
        'breakGlass: break-glass access is not allowed on account production (222222222222); request it for approval instead, or ask a JIT Access admin to allow break-glass for the account',
    },
    {
      what: 'with a custom policy',
      body: { accountId: '111111111111', customPolicy: POLICY, reason: REASON },
      status: 400,
      message: 'customPolicy: break-glass access is for existing permission sets only, not custom policies',
    },
    {
      what: 'with a reason that is too short',
      body: { accountId: '111111111111', arn: 'ReadOnlyAccess', reason: 'urgent' },
      status: 400,
      message: 'reason: a break-glass request needs a reason of at least 10 characters (6 given): say what the emergency is',
    },
    {
      what: 'with a start time',
      body: { accountId: '111111111111', arn: 'ReadOnlyAccess', reason: REASON, startAt: '2099-01-01T00:00:00Z' },
      status: 400,
      message: 'startAt: break-glass access starts at once; leave the start time empty',
    },
  ])('is refused $what, and nothing is written or sent', async ({ body, status, message }) => {
    const { arn, ...rest }: { arn?: string } = body;
    const before = await counts();
    h.sent.length = 0;
    const res = await h.as('alice').post('/requests', {
      ...rest,
      ...(arn ? { permissionSetArn: await h.arnOf(arn) } : {}),
      durationMinutes: 30,
      breakGlass: true,
    });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toBe(message);
    expect(await counts()).toEqual(before);
    await new Promise(r => setTimeout(r, 50));
    expect(h.sent).toEqual([]);
  });

  it('admins allow it per account on the config page; requesters see it on the account', async () => {
    const allowed = async () =>
      Object.fromEntries(
        (await h.as('alice').get('/accounts')).body.items.map((a: { name: string; breakGlassAllowed: boolean }) => [
          a.name,
          a.breakGlassAllowed,
        ]),
      );
    expect(await allowed()).toEqual({ sandbox: true, production: false, orphan: false });
    expect((await h.as('erin').put('/config/accounts/222222222222', { breakGlassAllowed: true })).status).toBe(403);
    const res = await h.as('carol').put('/config/accounts/222222222222', { breakGlassAllowed: true });
    expect(res.status).toBe(200);
    expect(res.body.breakGlassAllowed).toBe(true);
    try {
      expect(await allowed()).toEqual({ sandbox: true, production: true, orphan: false });
    } finally {
      await h.as('carol').put('/config/accounts/222222222222', { breakGlassAllowed: false });
    }
  });
});
