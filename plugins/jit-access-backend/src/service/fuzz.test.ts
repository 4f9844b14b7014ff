/*
 * Every endpoint under hostile input (fast-check). Whatever comes
 * in: never a 5xx; a refusal is a 4xx whose message says what is wrong (the
 * field, for a body field of the wrong type); and a refused call writes
 * nothing. On SQLite and PostgreSQL.
 *
 * JIT_FUZZ_RUNS (default 25 per property) and JIT_FUZZ_SEED replay or widen
 * a run: JIT_FUZZ_RUNS=1000 JIT_FUZZ_SEED=42 yarn backstage-cli package test fuzz
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Knex } from 'knex';
import request from 'supertest';
import { createHarness } from '../__testUtils__/harness';
import { mockCredentials } from '@backstage/backend-test-utils';

jest.setTimeout(180_000);

const RUNS = Number(process.env.JIT_FUZZ_RUNS ?? 25);
const SEED = process.env.JIT_FUZZ_SEED ? Number(process.env.JIT_FUZZ_SEED) : Date.now() % 1_000_000;
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };
// eslint-disable-next-line no-console
console.log(`fuzz: JIT_FUZZ_SEED=${SEED} JIT_FUZZ_RUNS=${RUNS}`);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const TABLES = [
  'jit_requests',
  'jit_approval_steps',
  'jit_request_events',
  'jit_accounts',
  'jit_account_permission_sets',
  'jit_permission_sets',
  'jit_settings',
];

/** Everything a call could write, as one comparable value. */
async function snapshot(knex: Knex): Promise<string> {
  const parts: unknown[] = [];
  for (const t of TABLES) parts.push(t, await knex(t).select());
  return JSON.stringify(parts);
}

const NASTY = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Egnp.exe',
  '💥🔥',
  'ｆｕｌｌｗｉｄｔｈ',
  "'; DROP TABLE jit_requests; --",
  "' OR '1'='1",
  '" OR ""="',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://x/a}',
  '../../../etc/passwd',
  '%00',
  '%E0%A4%A',
  '=HYPERLINK("http://x")',
  'JIT-AAAAAA',
  'JIT-ZZZZZZZZZZZZZZZZ',
  '111111111111',
  '1111111111111',
  'arn:aws:sso:::permissionSet/ssoins-1/ps-ro',
  '2026-13-45T99:99:99Z',
  'NaN',
  '-1',
  '1e309',
  'x'.repeat(70_000),
];

const hostileString = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
);

/** A body: known fields, each valid, absent or hostile, plus stray fields. */
function bodyOf(valid: Record<string, unknown>) {
  const fields = Object.keys(valid);
  return fc
    .tuple(
      fc.record(
        Object.fromEntries(
          fields.map(f => [f, fc.oneof(fc.constant(valid[f]), fc.constant(undefined), hostileValue)]),
        ),
      ),
      fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'status', 'requester')), hostileValue, {
        maxKeys: 2,
      }),
    )
    .map(([known, extra]) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(known)) if (v !== undefined) out[k] = v;
      for (const [k, v] of Object.entries(extra)) out[k] = v;
      return out;
    });
}

const queryOf = (keys: string[]) =>
  fc.dictionary(fc.oneof(fc.constantFrom(...keys), hostileString), fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 })), {
    maxKeys: 5,
  });

describe.each(databases.eachSupportedId())('hostile input (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  let readOnlyArn: string;
  let pendingId: string;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
    readOnlyArn = await h.arnOf('ReadOnlyAccess');
    const created = await h
      .as('alice')
      .post('/requests', { accountId: '111111111111', permissionSetArn: readOnlyArn, durationMinutes: 30, reason: 'fuzz' });
    if (created.status !== 201) throw new Error(`setup: ${created.status} ${JSON.stringify(created.body)}`);
    pendingId = created.body.id;
  });
  afterAll(async () => h.close());

  const auth = (user: string) => mockCredentials.user.header(`user:default/${user}`);

  /** Sends a call; checks the invariants; returns the response. */
  async function check(send: () => Promise<request.Response>) {
    const before = await snapshot(h.knex);
    const res = await send();
    if (res.status >= 500) {
      throw new Error(`${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
    }
    if (res.status >= 400) {
      const message = res.body?.error?.message;
      // 431 (a URL over Node's 16 kB header limit) is Node's answer, before any handler
      if (res.status !== 431 && (typeof message !== 'string' || message.length < 5)) {
        throw new Error(`a ${res.status} without a message: ${JSON.stringify(res.body).slice(0, 300)}`);
      }
      const after = await snapshot(h.knex);
      if (after !== before) throw new Error(`a refused call (${res.status} ${message}) changed the database`);
    }
    return res;
  }

  const pathParam = fc.oneof(hostileString, fc.constantFrom('JIT-AAAAAA', 'JIT-', '%', '%E0%A4%A', '..%2F..', '%00'));
  /** A path segment: as given when it is already (broken) percent-encoding; lone surrogates as invalid UTF-8. */
  const enc = (s: string) => {
    if (/^%|%[0-9A-F]?$/i.test(s)) return s;
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80';
    }
  };

  it('POST /requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodyOf({
          accountId: '111111111111',
          permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-ro',
          customPolicy: '{"Version":"2012-10-17","Statement":[]}',
          durationMinutes: 30,
          reason: 'fuzz',
          ticket: 'INC-1',
          startAt: '2030-01-01T00:00:00Z',
          extendsRequestId: 'JIT-AAAAAA',
          breakGlass: false,
        }),
        async body => {
          await check(() => request(h.app).post('/requests').set('Authorization', auth('alice')).send(body));
        },
      ),
      params,
    );
  });

  it('a body field of the wrong type is named in the 400, and nothing is written', async () => {
    const valid: Record<string, unknown> = {
      accountId: '111111111111',
      permissionSetArn: readOnlyArn,
      durationMinutes: 30,
      reason: 'fuzz',
    };
    const wrongFor: Record<string, fc.Arbitrary<unknown>> = {
      accountId: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('12345', 'a\u0000b', '11111111111x')),
      permissionSetArn: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant(''), fc.constant({})),
      durationMinutes: fc.oneof(fc.string(), fc.double({ noInteger: true }), fc.constant(null), fc.integer({ min: 721 }), fc.integer({ max: 14 })),
      reason: fc.oneof(fc.integer(), fc.constant(null), fc.constantFrom('', '   ', 'x'.repeat(2001)), fc.array(fc.string())),
      ticket: fc.oneof(fc.integer(), fc.constant(null), fc.constant('x'.repeat(201))),
      startAt: fc.oneof(fc.integer(), fc.constantFrom('tomorrow', '2026-13-45T99:99:99Z', '')),
      breakGlass: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(wrongFor)).chain(field => fc.tuple(fc.constant(field), wrongFor[field])),
        async ([field, value]) => {
          const res = await check(() =>
            request(h.app).post('/requests').set('Authorization', auth('alice')).send({ ...valid, [field]: value }),
          );
          expect(res.status).toBe(400);
          expect(res.body.error.message).toMatch(new RegExp(`^${field}: `));
        },
      ),
      params,
    );
  });

  it('GET /requests, /requests/export.csv and /sessions with any query', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/requests', '/requests/export.csv', '/sessions'),
        queryOf(['view', 'status', 'accountId', 'createdAfter', 'createdBefore', 'cursor', 'limit']),
        fc.constantFrom('alice', 'bob', 'carol'),
        async (path, query, user) => {
          await check(() => request(h.app).get(path).query(query).set('Authorization', auth(user)));
        },
      ),
      params,
    );
  });

  it('forged pagination cursors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileString,
          fc.base64String({ maxLength: 200 }),
          fc.json().map(j => Buffer.from(j).toString('base64url')),
          fc.tuple(hostileString, hostileString).map(t => Buffer.from(JSON.stringify(t)).toString('base64url')),
          fc
            .tuple(fc.oneof(fc.double(), fc.integer(), fc.constant(1e300)), fc.oneof(hostileString, fc.constant('JIT-AAAAAA')))
            .map(t => Buffer.from(JSON.stringify(t)).toString('base64url')),
          fc.record({ t: hostileValue, id: hostileValue, createdAt: hostileValue }).map(o => Buffer.from(JSON.stringify(o)).toString('base64url')),
        ),
        fc.constantFrom('/requests', '/sessions'),
        async (cursor, path) => {
          await check(() => request(h.app).get(path).query({ cursor, view: path === '/requests' ? 'history' : 'managed' }).set('Authorization', auth('carol')));
        },
      ),
      params,
    );
  });

  it('request actions with any id and any body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(pathParam, fc.constant(pendingId)),
        fc.constantFrom('approve', 'reject', 'extend', 'end', 'cancel', 'review'),
        bodyOf({ comment: 'ok', durationMinutes: 30 }),
        fc.constantFrom('alice', 'bob', 'erin', 'carol'),
        async (rid, action, body, user) => {
          // the pending request itself is only sent bodies that must be refused
          const send = rid === pendingId ? { ...body, comment: 1 } : body;
          await check(() => request(h.app).post(`/requests/${enc(rid)}/${action}`).set('Authorization', auth(user)).send(send));
          await check(() => request(h.app).get(`/requests/${enc(rid)}`).set('Authorization', auth(user)));
        },
      ),
      params,
    );
  });

  it('sessions, activity and policy validation', async () => {
    await fc.assert(
      fc.asyncProperty(
        pathParam,
        queryOf(['days']),
        fc.oneof(hostileValue, fc.constant(undefined)),
        async (param, query, policy) => {
          await check(() => request(h.app).post(`/sessions/${enc(param)}/revoke`).set('Authorization', auth('carol')).send({ comment: 1 }));
          await check(() => request(h.app).get(`/accounts/${enc(param)}/activity`).query(query).set('Authorization', auth('carol')));
          await check(() => request(h.app).get('/accounts/111111111111/activity').query(query).set('Authorization', auth('bob')));
          await check(() => request(h.app).post('/policies/validate').set('Authorization', auth('alice')).send({ policy }));
        },
      ),
      params,
    );
  });

  it('config changes with any body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(pathParam, fc.constant('111111111111')),
        bodyOf({ onboarded: true, enabledPermissionSetArns: [readOnlyArn], customPolicyAllowed: true, breakGlassAllowed: true, assignedOwners: ['group:default/team-alpha'] }),
        bodyOf({ requireRejectionComment: true, pendingTimeoutMinutes: 60, customMaxDurationMinutes: 120, allowRequestsWithoutApprover: false }),
        fc.constantFrom('alice', 'carol'),
        async (param, accountBody, settingsBody, user) => {
          // sandbox itself only gets bodies that must be refused, to keep the demo intact
          const body = param === '111111111111' ? { ...accountBody, onboarded: 'yes' } : accountBody;
          await check(() => request(h.app).put(`/config/accounts/${enc(param)}`).set('Authorization', auth(user)).send(body));
          await check(() => request(h.app).put(`/config/permission-sets/${enc(param)}`).set('Authorization', auth(user)).send(accountBody));
          await check(() => request(h.app).put('/config/settings').set('Authorization', auth(user)).send({ ...settingsBody, pendingTimeoutMinutes: 'x' }));
        },
      ),
      params,
    );
  });

  it('raw bodies: not JSON, deeply nested, huge, wrong content type', async () => {
    const raws = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('{', '{"a":', 'nul', '\u0000', '[1,2,', '{"accountId":"1\u0000"}'),
      fc.integer({ min: 1_000, max: 200_000 }).map(n => '['.repeat(n) + ']'.repeat(n)),
      fc.integer({ min: 1_000, max: 50_000 }).map(n => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
      fc.constant(JSON.stringify({ reason: 'x'.repeat(400_000) })),
    );
    await fc.assert(
      fc.asyncProperty(
        raws,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16'),
        fc.constantFrom('/requests', '/policies/validate', '/requests/JIT-AAAAAA/approve'),
        async (raw, type, path) => {
          await check(() => request(h.app).post(path).set('Authorization', auth('alice')).set('Content-Type', type).send(raw));
        },
      ),
      params,
    );
  });

  it('custom policies: huge, deeply nested, any JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json({ maxDepth: 4 }),
          fc.integer({ min: 1_000, max: 60_000 }).map(n => '['.repeat(n) + ']'.repeat(n)),
          fc.integer({ min: 1_000, max: 20_000 }).map(n => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
          fc.constant(JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 2000 }, () => ({ Effect: 'Allow', Action: '*', Resource: '*' })) })),
        ),
        async policy => {
          await check(() => request(h.app).post('/policies/validate').set('Authorization', auth('alice')).send({ policy }));
          await check(() =>
            request(h.app)
              .post('/requests')
              .set('Authorization', auth('alice'))
              .send({ accountId: '111111111111', customPolicy: policy, durationMinutes: 30, reason: 'fuzz' }),
          );
        },
      ),
      params,
    );
  });
});
