/*
 * Fails closed at start: no permission framework, no JIT Access (Backstage
 * would allow every check, making every user an Admin); an Identity Center
 * endpoint override only over HTTPS or loopback, and in production only
 * when explicitly allowed.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { demoSeed, startIdentityCenterEmulator } from '@jit-access/identity-center-emulator';
import { ENTITIES } from '../__testUtils__/demoCatalog';
import { SdkIdentityCenterGateway } from '../identity-center';
import { jitAccessPlugin } from '../plugin';
import { assertPermissionFramework, checkIdentityCenterEndpoint } from './config';

jest.setTimeout(60_000);

describe('no permission framework, no JIT Access', () => {
  it.each([{}, { permission: {} }, { permission: { enabled: false } }])('refuses %j, naming the key', config => {
    expect(() => assertPermissionFramework(new ConfigReader(config))).toThrow(
      /set `permission\.enabled: true` in app-config.*every signed-in user could approve any request/,
    );
  });

  it('starts with permission.enabled: true', () => {
    expect(() => assertPermissionFramework(new ConfigReader({ permission: { enabled: true } }))).not.toThrow();
  });

  it('a backend without the key does not start the plugin', async () => {
    const seed = demoSeed();
    const emulator = await startIdentityCenterEmulator({ seed });
    try {
      await expect(
        startTestBackend({
          features: [
            jitAccessPlugin,
            catalogServiceMock.factory({ entities: ENTITIES }),
            mockServices.rootConfig.factory({
              data: {
                jitAccess: {
                  identityCenter: { region: 'us-east-1', instanceArn: seed.instanceArn, identityStoreId: seed.identityStoreId, endpoint: emulator.url },
                },
              },
            }),
          ],
        }),
      ).rejects.toThrow(/Plugin 'jit-access' startup failed.*permission\.enabled: true/s);
    } finally {
      await emulator.close();
    }
  });
});

describe('the Identity Center endpoint override', () => {
  it.each([
    ['http://127.0.0.1:7311', 'development'],
    ['http://localhost:7311', 'development'],
    ['http://[::1]:7311', 'test'],
    ['https://sso.vpce-0123.eu-west-1.vpce.amazonaws.com', 'development'],
  ])('takes %s (NODE_ENV %s)', (endpoint, nodeEnv) => {
    expect(() => checkIdentityCenterEndpoint(endpoint, { nodeEnv })).not.toThrow();
  });

  it.each([
    ['http://10.0.0.8:7311', /plain HTTP to a host that is not this machine/],
    ['http://emulator.internal', /plain HTTP/],
    ['ftp://127.0.0.1', /must be an https:\/\/ URL/],
    ['not a url', /is not a URL/],
  ])('refuses %s', (endpoint, message) => {
    expect(() => checkIdentityCenterEndpoint(endpoint, { nodeEnv: 'development' })).toThrow(message);
  });

  it('in production, refuses any override unless allowEndpointInProduction', () => {
    expect(() => checkIdentityCenterEndpoint('http://127.0.0.1:7311', { nodeEnv: 'production' })).toThrow(
      /NODE_ENV is production.*allowEndpointInProduction: true/,
    );
    expect(() =>
      checkIdentityCenterEndpoint('https://sso.vpce.example.com', { nodeEnv: 'production', allowInProduction: true }),
    ).not.toThrow();
    expect(() => checkIdentityCenterEndpoint(undefined, { nodeEnv: 'production' })).not.toThrow();
  });

  it('the gateway built from config applies it', () => {
    const config = (endpoint: string) =>
      new ConfigReader({
        jitAccess: { identityCenter: { region: 'us-east-1', instanceArn: 'arn:aws:sso:::instance/ssoins-1', identityStoreId: 'd-1', endpoint } },
      });
    expect(() => SdkIdentityCenterGateway.fromConfig(config('http://203.0.113.9'), { logger: mockServices.logger.mock() })).toThrow(/plain HTTP/);
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => SdkIdentityCenterGateway.fromConfig(config('http://127.0.0.1:7311'), { logger: mockServices.logger.mock() })).toThrow(
        /allowEndpointInProduction/,
      );
    } finally {
      process.env.NODE_ENV = env;
    }
  });
});
