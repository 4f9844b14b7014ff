/*
 * Decisions and grants follow the config of now: the authorization matrix's
 * config dimension. Each config change an admin can make (offboard the
 * account, disable the permission set, turn custom policies off, mark the
 * permission set two-level, remove the owners) × each moment of a request
 * that is not granted yet (pending step 1, pending step 2, approved and
 * waiting for its start time, provisioning) × standard and custom requests
 * → the outcome, through the real router, store, engine and emulator; and
 * nothing the config of now forbids is granted in Identity Center.
 *
 * The account is `orphan` (333333333333), configured afresh for each cell:
 * onboarded, ReadOnlyAccess enabled, custom policies allowed, erin its
 * assigned (and only) owner. alice requests; erin approves step 1, carol
 * (Admin) step 2.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(300_000);

const ACCOUNT = '333333333333';
const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}';

type Kind = 'standard' | 'custom';
type Moment = 'pending step 1' | 'pending step 2' | 'approved, waiting for its start' | 'provisioning';
type Change = 'offboard' | 'disable the set' | 'custom policies off' | 'one → two levels' | 'owners removed';
/** withdrawn: cancelled with the reason, nothing granted; step added: pending at the admin step; unchanged: goes on and is granted. */
type Outcome = 'withdrawn' | 'step added' | 'unchanged';

const MOMENTS: Moment[] = ['pending step 1', 'pending step 2', 'approved, waiting for its start', 'provisioning'];
const CHANGES: Change[] = ['offboard', 'disable the set', 'custom policies off', 'one → two levels', 'owners removed'];

function expected(kind: Kind, moment: Moment, change: Change): Outcome {
  if (change === 'offboard') return 'withdrawn';
  if (kind === 'standard') {
    if (change === 'disable the set') return 'withdrawn';
    if (change === 'one → two levels') return 'step added';
    return 'unchanged'; // custom policies off; owners removed (the Admins approve a standard request)
  }
  if (change === 'custom policies off') return 'withdrawn';
  // step 1 of a custom request needs an owner; later moments no longer do
  if (change === 'owners removed' && moment === 'pending step 1') return 'withdrawn';
  return 'unchanged';
}

const CELLS = (['standard', 'custom'] as Kind[]).flatMap(kind =>
  MOMENTS.filter(m => !(kind === 'standard' && m === 'pending step 2')).flatMap(moment =>
    CHANGES.map(change => [kind, moment, change, expected(kind, moment, change)] as const),
  ),
);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('decisions and grants follow the config of now (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  let readOnly: string;
  let alicePrincipal: string;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
    readOnly = await h.arnOf('ReadOnlyAccess');
    alicePrincipal = await h.jit.gateway.resolvePrincipalId('alice@example.com');
  });
  afterAll(async () => h.close());

  async function configure() {
    expect((await h.as('carol').put(`/config/permission-sets/${encodeURIComponent(readOnly)}`, { requiresTwoLevels: false })).status).toBe(200);
    const res = await h.as('carol').put(`/config/accounts/${ACCOUNT}`, {
      onboarded: true,
      enabledPermissionSetArns: [readOnly],
      customPolicyAllowed: true,
      assignedOwners: ['user:default/erin'],
    });
    expect(res.status).toBe(200);
  }

  async function change(c: Change) {
    const put = (body: object) => h.as('carol').put(`/config/accounts/${ACCOUNT}`, body);
    let res;
    if (c === 'offboard') res = await put({ onboarded: false });
    else if (c === 'disable the set') res = await put({ enabledPermissionSetArns: [] });
    else if (c === 'custom policies off') res = await put({ customPolicyAllowed: false });
    else if (c === 'owners removed') res = await put({ assignedOwners: [] });
    else res = await h.as('carol').put(`/config/permission-sets/${encodeURIComponent(readOnly)}`, { requiresTwoLevels: true });
    expect(res.status).toBe(200);
  }

  /** A request of `kind` brought to `moment`. */
  async function requestAt(kind: Kind, moment: Moment): Promise<string> {
    const waiting = moment === 'approved, waiting for its start' || moment === 'provisioning';
    const res = await h.as('alice').post('/requests', {
      accountId: ACCOUNT,
      ...(kind === 'standard' ? { permissionSetArn: readOnly } : { customPolicy: POLICY }),
      durationMinutes: 30,
      reason: `${kind} at ${moment}`,
      ...(waiting ? { startAt: '2099-01-01T00:00:00Z' } : {}),
    });
    expect(res.status).toBe(201);
    const reqId: string = res.body.id;
    if (moment === 'pending step 1') return reqId;
    expect((await h.as('erin').post(`/requests/${reqId}/approve`, {})).status).toBe(200);
    if (kind === 'custom' && moment !== 'pending step 2') {
      expect((await h.as('carol').post(`/requests/${reqId}/approve`, {})).status).toBe(200);
    }
    if (moment === 'provisioning') {
      // The approval triggered the engine, which found a start time ahead; on
      // a loaded machine its turn can come late, after the move below, and
      // it would then go on with the grant.
      await h.jit.engine.settled();
      // As the engine leaves it when it has started a grant and not yet acted in Identity Center.
      const moved = await h.store.transition({
        requestId: reqId,
        from: 'approved',
        event: { name: 'start-provisioning', actor: 'system:jit-access' },
        now: Date.now(),
      });
      expect(moved).toBeDefined();
    }
    return reqId;
  }

  /** Lets the engine do what it would (a start time reached, a grant begun). */
  async function runEngine(reqId: string) {
    await h.store.patchRequest(reqId, 'approved', { nextAttemptAt: 0 });
    await h.knex('jit_requests').where({ id: reqId }).update({ start_at: null });
    // Time-bound, not round-bound: on a loaded machine the harness's own
    // engine may hold the request's lease for a while.
    for (const until = Date.now() + 15_000; Date.now() < until; ) {
      await h.jit.engine.process(reqId);
      const r = await h.store.getRequest(reqId);
      if (!r || !['approved', 'provisioning'].includes(r.status)) return;
      await new Promise(res => setTimeout(res, 20));
    }
  }

  async function aliceHasAssignment(arn: string | undefined) {
    if (!arn) return false;
    return (await h.jit.gateway.listAssignments(ACCOUNT, arn)).some(a => a.principalId === alicePrincipal);
  }

  /** Ends an active grant so the next cell starts with nothing assigned. */
  async function cleanUp(reqId: string) {
    const r = await h.store.getRequest(reqId);
    if (r?.status === 'active') {
      expect((await h.as('carol').post(`/sessions/${reqId}/revoke`, {})).status).toBe(200);
      for (let i = 0; i < 100 && (await h.store.getRequest(reqId))?.status !== 'revoked'; i++) {
        await h.jit.engine.process(reqId);
        await new Promise(res => setTimeout(res, 20));
      }
    } else if (r && ['pending', 'approved'].includes(r.status)) {
      await h.as('alice').post(`/requests/${reqId}/cancel`, {});
    }
  }

  /** withdrawn: cancelled with a reason naming the change and its author, the requester told, nothing granted. */
  async function expectWithdrawn(reqId: string, moment: Moment, c: Change) {
    // Provisioning requests are the engine's: it withdraws them right before it would grant.
    if (moment === 'provisioning') await runEngine(reqId);
    const r = (await h.as('alice').get(`/requests/${reqId}`)).body;
    expect(r.status).toBe('cancelled');
    const named: Record<Change, RegExp> = {
      offboard: /^orphan was offboarded from JIT Access by Carol at \d{4}-\d\d-\d\d \d\d:\d\d UTC; nothing was granted\.$/,
      'custom policies off': /^Custom policies were turned off for orphan by Carol at .* UTC; nothing was granted\.$/,
      'disable the set': /^ReadOnlyAccess was disabled for orphan by Carol at .* UTC; nothing was granted\.$/,
      'owners removed': /^Nobody can approve step 1: it needs an owner of orphan.*owners last changed by Carol at .*; nothing was granted\.$/,
      'one → two levels': /^$/,
    };
    expect(r.statusReason).toMatch(named[c]);
    expect(r.events.at(-1)).toMatchObject({ type: 'withdraw', actor: 'system:jit-access', comment: r.statusReason });
    // The requester hears of it.
    await h.eventually(() => {
      expect(h.sent.some(n => n.payload.title === `${reqId} has ended before any access was granted` && n.payload.description === r.statusReason)).toBe(true);
    });
    // Nothing was or will be granted.
    await runEngine(reqId);
    const stored = (await h.store.getRequest(reqId))!;
    expect(stored.status).toBe('cancelled');
    expect(stored.activatedAt).toBeUndefined();
    if (stored.tempPermissionSetArn) {
      // The engine had begun the grant (made the temporary permission set)
      // before the change reached it: the withdrawal deletes the set (best
      // effort), and the reconciler any that is left.
      expect(moment).toBe('provisioning');
      await h.jit.reconciler.run();
      expect(h.emulator.getState().permissionSets.map(p => p.arn)).not.toContain(stored.tempPermissionSetArn);
    }
    expect(await aliceHasAssignment(readOnly)).toBe(false);
    expect(await aliceHasAssignment(stored.tempPermissionSetArn)).toBe(false);
  }

  /** step added: pending at the Admin step the config now requires, saying why; nothing granted meanwhile. */
  async function expectStepAdded(reqId: string, moment: Moment) {
    if (moment === 'provisioning') await runEngine(reqId);
    const r = (await h.as('alice').get(`/requests/${reqId}`)).body;
    expect(r).toMatchObject({ status: 'pending', requiredSteps: 2 });
    expect(r.steps).toHaveLength(2);
    expect(r.steps[1]).toMatchObject({
      step: 2,
      approverKind: 'admin',
      addedReason: expect.stringMatching(/^ReadOnlyAccess was marked as needing two approvals by Carol at .*: this request now needs an Admin or SSO Admin as well\.$/),
    });
    expect(await aliceHasAssignment(readOnly)).toBe(false);
    await runEngine(reqId);
    expect((await h.store.getRequest(reqId))!.status).toBe('pending');
  }

  it.each(CELLS)('%s request, %s, %s → %s', async (kind, moment, c, outcome) => {
    await configure();
    const reqId = await requestAt(kind, moment);
    const before = (await h.as('alice').get(`/requests/${reqId}`)).body;
    await change(c);
    const afterChange = (await h.as('alice').get(`/requests/${reqId}`)).body;
    const expectations: Record<Outcome, () => Promise<void>> = {
      withdrawn: () => expectWithdrawn(reqId, moment, c),
      'step added': () => expectStepAdded(reqId, moment),
      unchanged: async () => {
        // where it was, and it goes on to be granted
        expect({ status: afterChange.status, currentStep: afterChange.currentStep, steps: afterChange.steps.length }).toEqual({
          status: before.status,
          currentStep: before.currentStep,
          steps: before.steps.length,
        });
        await approveToTheEnd(reqId, kind, moment, c);
        await runEngine(reqId);
        expect((await h.store.getRequest(reqId))!.status).toBe('active');
      },
    };
    await expectations[outcome]();
    await cleanUp(reqId);
  });

  /** The approvals a request still needs at `moment` (erin is no owner once owners are removed: carol, an Admin, decides). */
  async function approveToTheEnd(reqId: string, kind: Kind, moment: Moment, c: Change) {
    const approve = async (who: string) => expect((await h.as(who).post(`/requests/${reqId}/approve`, {})).status).toBe(200);
    if (moment === 'pending step 1') {
      await approve(c === 'owners removed' ? 'carol' : 'erin');
      if (kind === 'custom') await approve('carol');
    } else if (moment === 'pending step 2') {
      await approve('carol');
    }
  }

  it('a pending request that gained a step: step 1 is now an owner\'s, and its approval no longer grants', async () => {
    await configure();
    const reqId = await requestAt('standard', 'pending step 1');
    await change('one → two levels');
    const r = (await h.as('alice').get(`/requests/${reqId}`)).body;
    expect(r).toMatchObject({ currentStep: 1 });
    expect(r.steps[0]).toMatchObject({ approverKind: 'owner', status: 'pending' });
    // carol, an Admin but no owner, may not take step 1 now
    expect((await h.as('carol').post(`/requests/${reqId}/approve`, {})).status).toBe(403);
    const afterErin = (await h.as('erin').post(`/requests/${reqId}/approve`, {})).body;
    expect(afterErin).toMatchObject({ status: 'pending', currentStep: 2 });
    expect(afterErin.approvers.map((a: { name: string }) => a.name)).toEqual(['Carol', 'Dave']);
    await cleanUp(reqId);
  });

  it('an approval checks the config of now even when the change reached no request yet (another replica, a cache)', async () => {
    await configure();
    const reqId = await requestAt('standard', 'pending step 1');
    // Offboarded in the database, as another replica would, without touching open requests here.
    await h.knex('jit_accounts').where({ account_id: ACCOUNT }).update({ onboarded: false });
    await h.store.recordConfigChanges([{ change: 'offboarded', actor: 'user:default/dave', accountId: ACCOUNT }], Date.now());
    const res = await h.as('erin').post(`/requests/${reqId}/approve`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      new RegExp(`^${reqId} can no longer be approved and has ended: orphan was offboarded from JIT Access by Dave at .* UTC; nothing was granted\\.$`),
    );
    expect((await h.store.getRequest(reqId))!.status).toBe('cancelled');
  });

  it('the engine checks again right before it grants: a change between approval and grant grants nothing', async () => {
    await configure();
    const reqId = await requestAt('standard', 'approved, waiting for its start');
    await h.knex('jit_account_permission_sets').where({ account_id: ACCOUNT }).delete();
    await runEngine(reqId);
    const r = (await h.store.getRequest(reqId))!;
    expect(r.status).toBe('cancelled');
    expect(r.statusReason).toBe('ReadOnlyAccess was disabled for orphan; nothing was granted.');
    expect(await aliceHasAssignment(readOnly)).toBe(false);
  });

  it('the config page is told how many open requests a change affects before it is saved, and nothing is written', async () => {
    await configure();
    const a = await requestAt('standard', 'pending step 1');
    const b = await requestAt('custom', 'pending step 2');
    const events = Number((await h.knex('jit_request_events').count({ n: '*' }))[0].n);
    const offboard = await h.as('carol').post(`/config/accounts/${ACCOUNT}/impact`, { onboarded: false });
    expect(offboard.status).toBe(200);
    expect(offboard.body).toEqual({
      withdrawn: expect.arrayContaining([a, b]),
      stepAdded: [],
      message: expect.stringMatching(/^Ends \d+ open requests \(.*\): the config no longer allows them\.$/),
    });
    const twoLevels = await h.as('carol').post(`/config/permission-sets/${encodeURIComponent(readOnly)}/impact`, { requiresTwoLevels: true });
    expect(twoLevels.body.stepAdded).toContain(a);
    expect(twoLevels.body.stepAdded).not.toContain(b);
    expect(twoLevels.body.message).toMatch(/^Adds an approval step to \d+ open requests? \(/);
    // A preview changes nothing.
    expect((await h.store.getRequest(a))!.status).toBe('pending');
    expect(Number((await h.knex('jit_request_events').count({ n: '*' }))[0].n)).toBe(events);
    // The save says what it did.
    const saved = await h.as('carol').put(`/config/accounts/${ACCOUNT}`, { onboarded: false });
    expect(saved.body.impact.withdrawn).toEqual(expect.arrayContaining([a, b]));
    expect(saved.body.impact.message).toMatch(/^Ended /);
    // Only admins may ask.
    expect((await h.as('alice').post(`/config/accounts/${ACCOUNT}/impact`, { onboarded: true })).status).toBe(403);
  });
});
