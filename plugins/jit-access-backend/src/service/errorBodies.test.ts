/*
 * Error bodies in production never carry a stack trace: the plugin throws
 * @backstage/errors classes and leaves rendering to Backstage's error
 * handler, which includes stacks only when NODE_ENV is development (the
 * demo). Shown through the real router and Backstage's own handler.
 */
import { mockCredentials, mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import express from 'express';
import request from 'supertest';
import { createHarness, demoUserInfo } from '../__testUtils__/harness';
import { createRouter } from './router';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('error bodies', () => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  const env = process.env.NODE_ENV;
  beforeAll(async () => {
    h = await createHarness(await databases.init('SQLITE_3'));
  });
  afterAll(async () => {
    process.env.NODE_ENV = env;
    await h.close();
  });

  async function app() {
    return express()
      .use(
        await createRouter({
          httpAuth: mockServices.httpAuth(),
          userInfo: demoUserInfo,
          service: h.jit.service,
          configService: h.jit.configService,
        }),
      )
      .use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger: mockServices.rootLogger() }).error());
  }
  const as = (server: express.Express, path: string) =>
    request(server).get(path).set('Authorization', mockCredentials.user.header('user:default/alice'));

  it.each(['production', 'test'])('with NODE_ENV=%s: no stack in a 400, a 404 or a 500', async nodeEnv => {
    process.env.NODE_ENV = nodeEnv;
    const server = await app();
    const bad = await as(server, '/requests?limit=0');
    const missing = await as(server, '/requests/JIT-ZZZZZZ');
    jest.spyOn(h.jit.service, 'me').mockRejectedValueOnce(new Error('database unreachable'));
    const broken = await as(server, '/me');
    expect([bad.status, missing.status, broken.status]).toEqual([400, 404, 500]);
    for (const res of [bad, missing, broken]) {
      expect(res.body.error.stack).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toMatch(/\.ts:\d+|at \w+ \(/);
    }
  });

  it('the demo (NODE_ENV=development) is where stacks show, so the check above can fail', async () => {
    process.env.NODE_ENV = 'development';
    const server = await app();
    jest.spyOn(h.jit.service, 'me').mockRejectedValueOnce(new Error('database unreachable'));
    const broken = await as(server, '/me');
    expect(broken.status).toBe(500);
    expect(broken.body.error.stack).toMatch(/database unreachable/);
  });

  it("the store's own errors answer as before: a forged cursor is a 400 InputError naming the cursor", async () => {
    process.env.NODE_ENV = 'production';
    const server = await app();
    const res = await as(server, '/requests?view=mine&cursor=not-a-cursor');
    expect({ status: res.status, name: res.body.error?.name, message: res.body.error?.message }).toEqual({
      status: 400,
      name: 'InputError',
      message: 'cursor: is not a cursor returned by this API',
    });
  });
});
