/*
 * Fail at the form, not after approval: GET /me says whether the caller has
 * an Identity Center user (by the rule grants use) and what to fix when not;
 * POST /requests refuses such a caller with the same words before anything
 * is written; when Identity Center cannot be asked, /me says so and requests
 * are taken. Against the emulator, on SQLite and PostgreSQL.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';
import { IdentityCenterUsers, identityCenterUserIdOf, NoIdentityCenterUserError } from './identityCenterUsers';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('Identity Center user of the caller (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => {
    await h.close();
  });

  const standard = async () => ({
    accountId: '111111111111',
    permissionSetArn: await h.arnOf('ReadOnlyAccess'),
    durationMinutes: 30,
    reason: 'check',
  });
  const requestsBy = async (user: string) =>
    (await h.knex('jit_requests').where({ requester: `user:default/${user}` }).count({ n: '*' }))[0].n;

  it('is found for a user whose catalog email is in the identity store', async () => {
    const me = await h.as('alice').get('/me');
    expect(me.status).toBe(200);
    expect(me.body.identityCenterUser).toEqual({ status: 'found' });
  });

  it('tells a user without a catalog email what to fix, and refuses their request before writing it', async () => {
    const me = await h.as('guest').get('/me');
    expect(me.status).toBe(200);
    expect(me.body.identityCenterUser).toEqual({
      status: 'missing',
      reason: expect.stringContaining('ask your catalog admin to add spec.profile.email to user:default/guest'),
    });
    const created = await h.as('guest').post('/requests', await standard());
    expect(created.status).toBe(400);
    expect(created.body.error.message).toContain(me.body.identityCenterUser.reason);
    expect(Number(await requestsBy('guest'))).toBe(0);
  });

  it('tells a user whose email is not in the identity store, and refuses break-glass too', async () => {
    const me = await h.as('mallory').get('/me');
    expect(me.body.identityCenterUser.status).toBe('missing');
    expect(me.body.identityCenterUser.reason).toMatch(/^No Identity Center user has the email mallory@example\.com .*ask your AWS admin/);
    const created = await h.as('mallory').post('/requests', { ...(await standard()), breakGlass: true, reason: 'prod is down' });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toContain('No Identity Center user has the email mallory@example.com');
    expect(Number(await requestsBy('mallory'))).toBe(0);
  });

  it('tells a user who is not in the catalog', async () => {
    const me = await h.as('nobody').get('/me');
    expect(me.body.identityCenterUser).toEqual({
      status: 'missing',
      reason: expect.stringContaining('Your Backstage user user:default/nobody is not in the catalog'),
    });
  });

  it('says when Identity Center could not be asked, and takes the request', async () => {
    h.emulator.setFaults({ accessDenied: ['GetUserId'] });
    try {
      // erin was never looked up in this harness: nothing cached.
      const me = await h.as('erin').get('/me');
      expect(me.status).toBe(200);
      expect(me.body.identityCenterUser).toEqual({
        status: 'unchecked',
        reason: expect.stringContaining('Your Identity Center user could not be checked just now'),
      });
      const created = await h.as('erin').post('/requests', await standard());
      expect(created.status).toBe(201);
    } finally {
      h.emulator.setFaults({ accessDenied: [] });
    }
    // Not kept: asked again once Identity Center answers.
    expect((await h.as('erin').get('/me')).body.identityCenterUser).toEqual({ status: 'found' });
  });

  it('is the rule grants use: the engine fails a grant with the same cause', async () => {
    const deps = { directory: h.jit.directory, gateway: h.jit.gateway };
    await expect(identityCenterUserIdOf(deps, 'user:default/alice')).resolves.toBe('9067a1b2c3-0000-4000-8000-000000000001');
    const err = await identityCenterUserIdOf(deps, 'user:default/guest').catch(e => e);
    expect(err).toBeInstanceOf(NoIdentityCenterUserError);
    expect(err).toMatchObject({ transient: false, reason: 'no-email' });
    expect(err.message).toBe(
      'The Backstage user user:default/guest has no email in the catalog, so no Identity Center user can be found',
    );
  });
});

describe('IdentityCenterUsers', () => {
  const user = (email?: string) => ({ entityRef: 'user:default/u', name: 'U', email });

  it('keeps a found answer 10 minutes and a missing one 15 s, and waits at most waitMs', async () => {
    let now = 0;
    const emails: Record<string, string | undefined> = { 'user:default/u': undefined };
    const directory = { user: jest.fn(async (ref: string) => user(emails[ref])) };
    let answer: Promise<string> = Promise.resolve('id-1');
    const gateway = { resolvePrincipalId: jest.fn(() => answer) };
    const users = new IdentityCenterUsers({ directory, gateway, now: () => now, waitMs: 50 });

    expect((await users.check('user:default/u')).status).toBe('missing');
    emails['user:default/u'] = 'u@example.com';
    now += 14_000;
    expect((await users.check('user:default/u')).status).toBe('missing'); // kept
    now += 2_000;
    expect((await users.check('user:default/u')).status).toBe('found');
    now += 599_000;
    expect((await users.check('user:default/u')).status).toBe('found');
    expect(gateway.resolvePrincipalId).toHaveBeenCalledTimes(1);

    now += 2_000;
    let answerNow: (id: string) => void = () => undefined;
    answer = new Promise(resolve => (answerNow = resolve));
    const slow = await users.check('user:default/u');
    expect(slow).toEqual({ status: 'unchecked', reason: expect.stringContaining('did not answer within 0.05 s') });
    answerNow('id-1');
    await answer;
    expect((await users.check('user:default/u')).status).toBe('found'); // the late answer was kept
    expect(gateway.resolvePrincipalId).toHaveBeenCalledTimes(2);
  });

  it('drops expired answers once many users are kept', async () => {
    let now = 0;
    const users = new IdentityCenterUsers({
      directory: { user: async (ref: string) => ({ entityRef: ref, name: ref, email: `${ref}@example.com` }) },
      gateway: { resolvePrincipalId: async () => 'id' },
      now: () => now,
    });
    for (let i = 0; i < 1_000; i++) await users.check(`user:default/u${i}`);
    expect(users.size).toBe(1_000);
    now += 10 * 60_000 + 1;
    await users.check('user:default/late');
    expect(users.size).toBe(1);
  });

  it('refuses a request by a user known to be missing with a 400 that says why', async () => {
    const users = new IdentityCenterUsers({
      directory: { user: async () => user(undefined) },
      gateway: { resolvePrincipalId: async () => 'x' },
    });
    await expect(users.assertGrantable('user:default/u')).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('add spec.profile.email to user:default/u'),
    });
  });
});
