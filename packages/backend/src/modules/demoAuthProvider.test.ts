/*
 * The demo sign-in stays on the machine: it answers only calls carrying
 * X-Requested-With (as Backstage's auth refresh requires), and the backend
 * refuses to start it on an address other machines can reach unless
 * auth.providers.demo.allowRemoteSignIn says so.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import { assertDemoStaysLocal, demoAuthProviderModule } from './demoAuthProvider';

jest.setTimeout(60_000);

const alice = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'alice', namespace: 'default' },
  spec: { memberOf: [] },
};

describe('demo sign-in', () => {
  async function start(listen: object) {
    const { server } = await startTestBackend({
      features: [
        authPlugin,
        demoAuthProviderModule,
        catalogServiceMock.factory({ entities: [alice] }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007', listen },
            auth: { providers: { demo: {} } },
          },
        }),
      ],
    });
    return server;
  }

  it('refreshes only with X-Requested-With: XMLHttpRequest', async () => {
    const server = await start({ host: '127.0.0.1' });
    const without = await request(server).get('/api/auth/demo/refresh?user=alice');
    expect(without.status).toBe(401);
    expect(JSON.stringify(without.body)).toContain('X-Requested-With: XMLHttpRequest');
    expect(without.body.backstageIdentity).toBeUndefined();
    const withHeader = await request(server)
      .get('/api/auth/demo/refresh?user=alice')
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(withHeader.status).toBe(200);
    expect(withHeader.body.backstageIdentity.identity.userEntityRef).toBe('user:default/alice');
  });

  it('refuses to start on an address other machines can reach', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toThrow(
      /demo sign-in provider .* listens on '0\.0\.0\.0'.*allowRemoteSignIn/,
    );
  });

  it.each([
    [{ backend: { listen: { port: 7007 } } }, /every interface/],
    [{ backend: { listen: ':7007' } }, /every interface/],
    [{ backend: { listen: '0.0.0.0:7007' } }, /'0\.0\.0\.0'/],
    [{ backend: { listen: { host: '10.0.0.5' } } }, /'10\.0\.0\.5'/],
  ])('refuses %j', (config, message) => {
    expect(() => assertDemoStaysLocal(new ConfigReader({ auth: { providers: { demo: {} } }, ...config }))).toThrow(message);
  });

  it.each([
    { backend: { listen: { host: '127.0.0.1' } }, auth: { providers: { demo: {} } } },
    { backend: { listen: 'localhost:7007' }, auth: { providers: { demo: {} } } },
    { backend: { listen: { host: '::1' } }, auth: { providers: { demo: {} } } },
    { backend: { listen: { host: '0.0.0.0' } }, auth: { providers: { demo: { allowRemoteSignIn: true } } } },
    // no demo provider configured: nothing to guard
    { backend: { listen: { host: '0.0.0.0' } } },
  ])('accepts %j', config => {
    expect(() => assertDemoStaysLocal(new ConfigReader(config))).not.toThrow();
  });
});
