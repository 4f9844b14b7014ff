/*
 * Who is notified of what, end to end: the JIT Access plugin and Backstage's
 * real notifications backend in one test backend (the demo catalog in the
 * catalog service mock, Identity Center emulator); each user reads their own
 * notifications through the notifications API, as the app's notifications
 * page does.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  demoSeed,
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import request from 'supertest';
import { demoUserInfo, ENTITIES } from '../__testUtils__/demoCatalog';
import { jitAccessPlugin } from '../plugin';

jest.setTimeout(120_000);

const POLICY = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}';

describe('notifications through the real notifications backend', () => {
  let emulator: IdentityCenterEmulator;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  const as = (user: string) => ({
    get: (path: string) => request(server).get(path).set('Authorization', mockCredentials.user.header(`user:default/${user}`)),
    post: (path: string, body: object = {}) =>
      request(server).post(path).set('Authorization', mockCredentials.user.header(`user:default/${user}`)).send(body),
  });

  /** The titles of a user's notifications about one request. */
  async function titles(user: string, requestId: string): Promise<string[]> {
    const res = await as(user).get('/api/notifications/notifications');
    expect(res.status).toBe(200);
    return res.body.notifications
      .map((n: { payload: { title: string; link?: string } }) => n.payload)
      .filter((p: { title: string }) => p.title.includes(requestId))
      .map((p: { title: string; link?: string }) => `${p.title} → ${p.link}`);
  }

  async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    let last = await fn();
    for (let i = 0; i < 100 && !ok(last); i++) {
      await new Promise(r => setTimeout(r, 100));
      last = await fn();
    }
    return last;
  }

  beforeAll(async () => {
    const seed = demoSeed();
    emulator = await startIdentityCenterEmulator({ seed, timing: { assignmentDelayMs: 50 } });
    ({ server } = await startTestBackend({
      features: [
        jitAccessPlugin,
        notificationsPlugin,
        catalogServiceMock.factory({ entities: ENTITIES }),
        // permission.enabled is on (JIT Access refuses to start otherwise); every check allowed, as before.
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        createServiceFactory({ service: coreServices.userInfo, deps: {}, factory: () => demoUserInfo }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            permission: { enabled: true },
            jitAccess: {
              identityCenter: { region: 'us-east-1', instanceArn: seed.instanceArn, identityStoreId: seed.identityStoreId, endpoint: emulator.url },
              roles: {
                approverGroups: ['group:default/approvers'],
                adminGroups: ['group:default/platform-admins'],
                ssoAdminGroups: ['group:default/sso-admins'],
              },
              accounts: [
                { accountId: '111111111111', name: 'sandbox', permissionSets: ['ReadOnlyAccess'], customPolicyAllowed: true },
                { accountId: '222222222222', name: 'production', permissionSets: ['ReadOnlyAccess'] },
              ],
              lifecycleFrequency: { milliseconds: 200 },
            },
          },
        }),
      ],
    }));
    // Permission sets sync and accounts are onboarded at startup.
    await eventually(
      () => as('alice').get('/api/jit-access/accounts'),
      res => res.body.items?.length === 2,
    );
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it('a standard request goes to the owners and the admins; approval and activation to the requester', async () => {
    const accounts = (await as('alice').get('/api/jit-access/accounts')).body.items;
    const sandbox = accounts.find((a: { name: string }) => a.name === 'sandbox');
    const created = await as('alice').post('/api/jit-access/requests', {
      accountId: sandbox.accountId,
      permissionSetArn: sandbox.permissionSets[0].arn,
      durationMinutes: 30,
      reason: 'notifications test',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const link = `/jit-access/requests/${id}`;
    const asked = [`${id}: Alice requests ReadOnlyAccess on sandbox → ${link}`];
    expect(await eventually(() => titles('bob', id), t => t.length > 0)).toEqual(asked);
    expect(await titles('carol', id)).toEqual(asked);
    expect(await titles('dave', id)).toEqual(asked);
    for (const nobody of ['alice', 'frank', 'erin']) expect(await titles(nobody, id)).toEqual([]);

    expect((await as('bob').post(`/api/jit-access/requests/${id}/approve`, {})).status).toBe(200);
    expect(await eventually(() => titles('alice', id), t => t.some(x => x.includes('is active')))).toEqual([
      `${id}: your access to ReadOnlyAccess on sandbox is active → ${link}`,
    ]);
  });

  it('custom requests are step-aware: step 1 to the owners only, step 2 to the admins only', async () => {
    const created = await as('alice').post('/api/jit-access/requests', {
      accountId: '111111111111',
      customPolicy: POLICY,
      durationMinutes: 30,
      reason: 'notifications test',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(await eventually(() => titles('bob', id), t => t.length > 0)).toHaveLength(1);
    expect(await titles('carol', id)).toEqual([]);
    expect(await titles('dave', id)).toEqual([]);

    expect((await as('bob').post(`/api/jit-access/requests/${id}/approve`, {})).status).toBe(200);
    expect(await eventually(() => titles('carol', id), t => t.length > 0)).toHaveLength(1);
    expect(await titles('dave', id)).toHaveLength(1);
    expect(await titles('bob', id)).toHaveLength(1); // not again for step 2
  });

  it('a rejection reaches the requester with who rejected and the comment', async () => {
    const created = await as('alice').post('/api/jit-access/requests', {
      accountId: '111111111111',
      customPolicy: POLICY,
      durationMinutes: 30,
      reason: 'notifications test',
    });
    const id = created.body.id;
    expect((await as('bob').post(`/api/jit-access/requests/${id}/reject`, { comment: 'use ReadOnlyAccess instead' })).status).toBe(200);
    const res = await eventually(
      () => as('alice').get('/api/notifications/notifications'),
      r => r.body.notifications.some((n: { payload: { title: string } }) => n.payload.title.includes(id)),
    );
    const rejected = res.body.notifications.find((n: { payload: { title: string } }) => n.payload.title.includes(id)).payload;
    expect(rejected).toMatchObject({ title: `${id} was rejected by Bob`, description: '“use ReadOnlyAccess instead”' });
  });
});
