/*
 * What fuzzing found (fuzz.test.ts), one regression test each: bodies that
 * are too large, compressed bombs, not JSON or nested without end; unknown
 * endpoints. Each is a clear 4xx and writes nothing. On SQLite and PostgreSQL.
 */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('API input (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id), { jitAccess: { requestBodyLimit: '4kb' } });
  });
  afterAll(async () => h.close());

  const alice = mockCredentials.user.header('user:default/alice');
  const rows = async () => Number((await h.knex('jit_requests').count({ n: '*' }))[0].n);
  const validBody = async () => ({
    accountId: '111111111111',
    permissionSetArn: await h.arnOf('ReadOnlyAccess'),
    durationMinutes: 30,
    reason: 'regression',
  });

  it('a body over jitAccess.requestBodyLimit is a 413 that names the limit, and nothing is written', async () => {
    const before = await rows();
    const res = await request(h.app)
      .post('/requests')
      .set('Authorization', alice)
      .send({ ...(await validBody()), reason: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toBe('The request body is larger than 4kb, the limit (jitAccess.requestBodyLimit)');
    expect(await rows()).toBe(before);
    // under the limit the same request is accepted
    expect((await request(h.app).post('/requests').set('Authorization', alice).send(await validBody())).status).toBe(201);
  });

  it('a gzip bomb is refused at the limit, not inflated', async () => {
    const before = await rows();
    const bomb = gzipSync(Buffer.from(`{"reason":"${'0'.repeat(50 * 1024 * 1024)}"}`));
    expect(bomb.length).toBeLessThan(100_000);
    const res = await request(h.app)
      .post('/requests')
      .set('Authorization', alice)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(b => b)
      .send(bomb);
    expect({ status: res.status, message: res.body.error?.message }).toEqual({
      status: 413,
      message: 'The request body is larger than 4kb, the limit (jitAccess.requestBodyLimit)',
    });
    expect(await rows()).toBe(before);
    // a body that claims gzip but is not
    const notGzip = await request(h.app)
      .post('/requests')
      .set('Authorization', alice)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('{}');
    expect({ status: notGzip.status, message: notGzip.body.error?.message }).toEqual({
      status: 400,
      message: expect.stringMatching(/^The request body could not be read: /),
    });
  });

  it('a body that is not JSON is a 415, invalid JSON a 400 that says so', async () => {
    const before = await rows();
    const text = await request(h.app).post('/requests').set('Authorization', alice).set('Content-Type', 'text/plain').send('accountId=1');
    expect(text.status).toBe(415);
    expect(text.body.error.message).toBe('The request body must be JSON (Content-Type: application/json), not text/plain');
    const broken = await request(h.app).post('/requests').set('Authorization', alice).set('Content-Type', 'application/json').send('{"accountId":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/^The request body is not valid JSON: /);
    expect(await rows()).toBe(before);
  });

  it('a policy nested 1,000 levels deep is judged, not a stack overflow', async () => {
    const before = await rows();
    const policy = `${'['.repeat(1000)}${']'.repeat(1000)}`;
    const validated = await request(h.app).post('/policies/validate').set('Authorization', alice).send({ policy });
    expect(validated.status).toBe(200);
    expect(validated.body.errors[0]).toMatchObject({ rule: 'invalid-json', message: 'Invalid JSON: Objects and arrays nest deeper than 64 levels' });
    const created = await request(h.app)
      .post('/requests')
      .set('Authorization', alice)
      .send({ accountId: '111111111111', customPolicy: policy, durationMinutes: 30, reason: 'deep' });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toMatch(/customPolicy/);
    expect(await rows()).toBe(before);
  });

  it('a NUL character in a string field is 400 naming the field, nothing written', async () => {
    const before = await rows();
    const res = await request(h.app)
      .post('/requests')
      .set('Authorization', alice)
      .send({ ...(await validBody()), reason: 'needs\u0000access' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('reason: must not contain NUL characters');
    expect(await rows()).toBe(before);
    const put = await h.as('carol').put('/config/permission-sets/arn%00x', { requiresTwoLevels: true });
    expect(put.status).toBe(400);
    expect(put.body.error.message).toBe('arn: must not contain NUL characters');
  });

  it('a forged or garbled pagination cursor is 400 naming the cursor', async () => {
    const forged = [
      Buffer.from(JSON.stringify([1.5, 'JIT-AAAAAA'])).toString('base64url'),
      Buffer.from(JSON.stringify([1e300, 'JIT-AAAAAA'])).toString('base64url'),
      Buffer.from(JSON.stringify([1, 'x\u0000'])).toString('base64url'),
      '%%%garbled',
    ];
    for (const cursor of forged) {
      const res = await h.as('alice').get(`/requests?view=mine&cursor=${encodeURIComponent(cursor)}`);
      expect({ cursor, status: res.status, message: res.body.error?.message }).toEqual({
        cursor,
        status: 400,
        message: 'cursor: is not a cursor returned by this API',
      });
    }
  });

  it('a bad path parameter is a 400 naming the parameter, not the body', async () => {
    const approve = await h.as('bob').post('/requests/undefined/approve', {});
    expect({ status: approve.status, message: approve.body.error?.message }).toEqual({
      status: 400,
      message: 'request id: is not a request id',
    });
    const before = await h.knex('jit_accounts').select();
    const account = await h.as('carol').put('/config/accounts/12345', { enabled: true });
    expect({ status: account.status, message: account.body.error?.message }).toEqual({
      status: 400,
      message: 'accountId: must be a 12-digit AWS account id',
    });
    expect(await h.knex('jit_accounts').select()).toEqual(before);
  });

  it('a path that is not valid percent-encoding is a 400 that says so', async () => {
    const res = await request(h.app).get('/requests/%E0%A4%A').set('Authorization', alice);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/percent-encoding|decode/);
  });

  it('an unknown endpoint, or an empty path parameter, is a 404 that says which', async () => {
    const res = await request(h.app).post('/requests/JIT-AAAAAA/extend').set('Authorization', alice).send({});
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('No such JIT Access endpoint: POST /requests/JIT-AAAAAA/extend');
    const empty = await request(h.app).post('/sessions//revoke').set('Authorization', alice).send({});
    expect(empty.status).toBe(404);
    expect(empty.body.error.message).toMatch(/^No such JIT Access endpoint: POST /);
  });
});
