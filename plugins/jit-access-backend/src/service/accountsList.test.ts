/*
 * GET /accounts: the list is built once while the config and catalog reads
 * it comes from are unchanged, and served as the same bytes (ETag, gzip
 * made once), yet what is personal stays personal and a config change shows
 * at once. On SQLite and PostgreSQL.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

type Account = { accountId: string; hasApprover: boolean; ownerless?: { adminNames: string[] } };
const ORPHAN = '333333333333';

describe.each(databases.eachSupportedId())('GET /accounts (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => {
    await h.close();
  });

  const get = (user: string, headers: Record<string, string> = {}) => {
    const r = request(h.app)
      .get('/accounts')
      .set('Authorization', mockCredentials.user.header(`user:default/${user}`));
    for (const [k, v] of Object.entries(headers)) r.set(k, v);
    return r;
  };
  const orphanOf = (body: { items: Account[] }) => body.items.find(a => a.accountId === ORPHAN)!;

  it('is built once and served to everyone as the same bytes, gzipped once, revalidated with 304', async () => {
    const peopleOf = jest.spyOn(h.jit.directory, 'peopleOf');
    const alice = await get('alice', { 'Accept-Encoding': 'identity' });
    expect(alice.status).toBe(200);
    expect(alice.headers['content-encoding']).toBeUndefined();
    const built = peopleOf.mock.calls.length;
    expect(built).toBeGreaterThan(0);

    const erin = await get('erin', { 'Accept-Encoding': 'identity' });
    expect(erin.text).toBe(alice.text);
    expect(erin.headers.etag).toBe(alice.headers.etag);
    expect(alice.headers.etag).toMatch(/^W\/"/); // weak: gzipped and plain bodies differ in bytes
    expect(peopleOf.mock.calls.length).toBe(built); // not built again

    const gz = await get('erin', { 'Accept-Encoding': 'gzip' }).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/);
    expect(gz.body.toString()).toBe(alice.text); // superagent unzipped it

    const again = await get('alice', { 'If-None-Match': alice.headers.etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    peopleOf.mockRestore();
  });

  it('says canManageConfig per caller over the same accounts', async () => {
    const alice = await get('alice');
    const carol = await get('carol');
    expect(alice.body.canManageConfig).toBe(false);
    expect(carol.body.canManageConfig).toBe(true);
    expect(carol.body.items).toEqual(alice.body.items);
  });

  it('flags an account without owners (its standard requests go to the Admins), and shows a config change at once', async () => {
    const sandbox = (body: { items: Account[] }) => body.items.find(a => a.accountId === '111111111111')!;
    // bob is all of team-alpha, the owner of sandbox: the Admins can still approve his standard requests
    expect(sandbox((await get('bob')).body)).toMatchObject({ hasApprover: true });
    expect(sandbox((await get('bob')).body).ownerless).toBeUndefined();
    expect(orphanOf((await get('alice')).body)).toMatchObject({ hasApprover: true, ownerless: { adminNames: ['Carol', 'Dave'] } });
    const assigned = await h.as('carol').put(`/config/accounts/${ORPHAN}`, { assignedOwners: ['user:default/erin'] });
    expect(assigned.status).toBe(200);
    // At once, not after a cache's time: the config change invalidated the list.
    expect(orphanOf((await get('alice')).body).ownerless).toBeUndefined();
    const erin = (await get('erin')).body;
    // Everything erin sees is what everyone sees.
    const alice = (await get('alice')).body;
    expect(erin.items).toEqual(alice.items);
  });
});
