/*
 * The authorization matrix (who may see, request, decide, revoke and configure what), run against the real router:
 * every decision endpoint × every kind of user × every approval step.
 * Each cell starts from a fresh request in the given state.
 *
 *   alice  the requester            frank  a viewer who owns another account
 *   bob    owner of sandbox         erin   Approver role, owns nothing
 *   carol  Admin                    dave   SSO Admin
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(120_000);

type Actor = 'alice' | 'frank' | 'bob' | 'erin' | 'carol' | 'dave';
type Row = Record<Actor, number>;
const ACTORS: Actor[] = ['alice', 'frank', 'bob', 'erin', 'carol', 'dave'];

//                       alice frank  bob  erin carol  dave
const row = (...s: number[]): Row => Object.fromEntries(ACTORS.map((a, i) => [a, s[i]])) as Row;

const MATRIX: Record<'standard' | 'custom step 1' | 'custom step 2', Record<string, Row>> = {
  standard: {
    'GET /requests/:id': row(200, 404, 200, 200, 200, 200),
    'POST approve': row(403, 404, 200, 403, 200, 200),
    'POST reject': row(403, 404, 200, 403, 200, 200),
    'POST cancel': row(200, 404, 403, 403, 403, 403),
  },
  'custom step 1': {
    'GET /requests/:id': row(200, 404, 200, 200, 200, 200),
    'POST approve': row(403, 404, 200, 403, 403, 403),
    'POST reject': row(403, 404, 200, 403, 403, 403),
    'POST cancel': row(200, 404, 403, 403, 403, 403),
  },
  'custom step 2': {
    'GET /requests/:id': row(200, 404, 200, 200, 200, 200),
    'POST approve': row(403, 404, 403, 403, 200, 200),
    'POST reject': row(403, 404, 403, 403, 200, 200),
    'POST cancel': row(200, 404, 403, 403, 403, 403),
  },
};

const CELLS = (Object.entries(MATRIX) as Array<[keyof typeof MATRIX, Record<string, Row>]>).flatMap(
  ([scenario, endpoints]) => Object.entries(endpoints).map(([endpoint, expected]) => [scenario, endpoint, expected] as const),
);

//                        alice frank  bob  erin carol  dave
const REVOKE_ACTIVE = row(200, 404, 200, 403, 200, 200);

const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('authorization matrix (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => {
    await h.close();
  });

  /** The approval already started the grant in the background: wait for it. */
  async function waitForStatus(reqId: string, status: string | string[]): Promise<string> {
    const wanted = Array.isArray(status) ? status : [status];
    for (let i = 0; i < 200; i++) {
      const r = await h.store.getRequest(reqId);
      if (r && wanted.includes(r.status)) return r.status;
      await h.jit.engine.process(reqId); // no-op while the background run holds the lease
      await new Promise(res => setTimeout(res, 25));
    }
    throw new Error(`${reqId} never became ${status}`);
  }

  async function newRequest(scenario: keyof typeof MATRIX): Promise<string> {
    const body =
      scenario === 'standard'
        ? { accountId: '111111111111', permissionSetArn: await h.arnOf('ReadOnlyAccess'), durationMinutes: 30, reason: 'matrix' }
        : { accountId: '111111111111', customPolicy: POLICY, durationMinutes: 30, reason: 'matrix' };
    const res = await h.as('alice').post('/requests', body);
    expect(res.status).toBe(201);
    if (scenario === 'custom step 2') {
      expect((await h.as('bob').post(`/requests/${res.body.id}/approve`)).status).toBe(200);
    }
    return res.body.id;
  }

  it.each(CELLS)('%s: %s', async (scenario, endpoint, expected) => {
    const actual: Partial<Row> = {};
    const unexplained: string[] = [];
    for (const actor of ACTORS) {
      const reqId = await newRequest(scenario);
      const res =
        endpoint === 'GET /requests/:id'
          ? await h.as(actor).get(`/requests/${reqId}`)
          : await h.as(actor).post(`/requests/${reqId}/${endpoint.split(' ')[1]}`, {});
      actual[actor] = res.status;
      // every refusal says why, in Backstage's error body
      if (res.status >= 400 && typeof res.body?.error?.message !== 'string') unexplained.push(actor);
    }
    expect(actual).toEqual(expected);
    expect(unexplained).toEqual([]);
  });

  it('active session: POST /sessions/:id/revoke', async () => {
    const actual: Partial<Row> = {};
    const ended: Partial<Record<Actor, string>> = {};
    for (const actor of ACTORS) {
      const reqId = await newRequest('standard');
      expect((await h.as('bob').post(`/requests/${reqId}/approve`)).status).toBe(200);
      expect(await waitForStatus(reqId, 'active')).toBe('active');
      const res = await h.as(actor).post(`/sessions/${reqId}/revoke`, {});
      actual[actor] = res.status;
      if (res.status === 200) ended[actor] = await waitForStatus(reqId, ['ended', 'revoked']);
    }
    expect(actual).toEqual(REVOKE_ACTIVE);
    // the requester ends early; everybody else revokes
    expect(ended).toEqual({ alice: 'ended', bob: 'revoked', carol: 'revoked', dave: 'revoked' });
  });

  it('actions in GET /requests/:id say why each denied action is denied', async () => {
    const reqId = await newRequest('custom step 2');
    const reasons = async (actor: Actor) =>
      Object.fromEntries(
        ((await h.as(actor).get(`/requests/${reqId}`)).body.actions as Array<{ action: string; allowed: boolean; reason?: string }>)
          .filter(a => a.action === 'approve')
          .map(a => [a.action, a.allowed ? 'allowed' : a.reason]),
      );
    expect(await reasons('alice')).toEqual({ approve: 'You cannot approve your own request.' });
    expect(await reasons('bob')).toEqual({ approve: 'You approved step 1; step 2 needs a different person.' });
    expect(await reasons('erin')).toEqual({ approve: 'Step 2 needs an Admin or SSO Admin; the owner step is already approved.' });
    expect(await reasons('dave')).toEqual({ approve: 'allowed' });
  });

  it("getResources gives the permission backend each request with its account's owners, undefined for unknown ids", async () => {
    const reqId = await newRequest('standard');
    expect(await h.jit.getResources([reqId, 'JIT-NOPE', reqId])).toEqual([
      { id: reqId, requester: 'user:default/alice', accountId: '111111111111', accountOwners: ['group:default/team-alpha'] },
      undefined,
      { id: reqId, requester: 'user:default/alice', accountId: '111111111111', accountOwners: ['group:default/team-alpha'] },
    ]);
  });
});
