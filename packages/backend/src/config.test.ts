/*
 * Production inherits nothing of the demo: app-config.yaml and
 * app-config.production.yaml, loaded and merged the way a Backstage backend
 * loads `--config app-config.yaml --config app-config.production.yaml`
 * (ConfigSources.default, as the root config service does), hold no
 * emulator endpoint, demo catalog, demo sign-in, localhost CORS or demo
 * database, and keep the permission framework on. The demo layer alone
 * brings those in.
 */
import { ConfigSources } from '@backstage/config-loader';
import { Config } from '@backstage/config';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

const PRODUCTION_ENV: Record<string, string> = {
  APP_BASE_URL: 'https://backstage.example.com',
  BACKEND_BASE_URL: 'https://backstage.example.com',
  POSTGRES_HOST: 'db.internal',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'secret',
  JIT_IC_REGION: 'eu-west-1',
  JIT_IC_INSTANCE_ARN: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
  JIT_IC_IDENTITY_STORE_ID: 'd-0123456789',
};

async function load(...files: string[]): Promise<Config> {
  const source = ConfigSources.default({
    argv: files.flatMap(f => ['--config', resolve(root, f)]),
    rootDir: root,
    env: {},
    substitutionFunc: async name => PRODUCTION_ENV[name],
  });
  const config = await ConfigSources.toConfig(source);
  config.close();
  return config;
}

describe('the merged production config', () => {
  let prod: Config;
  let demo: Config;
  beforeAll(async () => {
    prod = await load('app-config.yaml', 'app-config.production.yaml');
    demo = await load('app-config.yaml', 'app-config.demo.yaml');
  });

  it('has no Identity Center endpoint override (the emulator), and the real instance', () => {
    expect(prod.getOptionalString('jitAccess.identityCenter.endpoint')).toBeUndefined();
    expect(prod.getString('jitAccess.identityCenter.instanceArn')).toBe(PRODUCTION_ENV.JIT_IC_INSTANCE_ARN);
    expect(prod.getOptionalBoolean('identityCenterEmulator.enabled') ?? false).toBe(false);
  });

  it('has no demo catalog locations, no demo sign-in provider and no demo accounts', () => {
    const locations = prod.getOptionalConfigArray('catalog.locations') ?? [];
    expect(locations.map(l => l.getString('target')).filter(t => t.includes('examples/'))).toEqual([]);
    expect(prod.has('auth.providers.demo')).toBe(false);
    expect(prod.getOptionalConfigArray('jitAccess.accounts') ?? []).toEqual([]);
  });

  it('has no localhost CORS, base URL or SQLite file, and listens for the deployment', () => {
    const text = JSON.stringify(prod.get());
    expect(text).not.toMatch(/localhost|127\.0\.0\.1/);
    expect(prod.getString('backend.cors.origin')).toBe(PRODUCTION_ENV.APP_BASE_URL);
    expect(prod.getString('backend.database.client')).toBe('pg');
    expect(prod.getOptional('backend.database.connection.directory')).toBeUndefined();
  });

  it('keeps the permission framework on (JIT Access refuses to start without it)', () => {
    expect(prod.getBoolean('permission.enabled')).toBe(true);
  });

  it('the demo layer is what brings the demo in, on loopback only', () => {
    expect(demo.getString('jitAccess.identityCenter.endpoint')).toBe('http://127.0.0.1:7311');
    expect(demo.has('auth.providers.demo')).toBe(true);
    expect(demo.getString('backend.listen.host')).toBe('127.0.0.1');
    expect(demo.getString('app.listen.host')).toBe('127.0.0.1');
    expect(demo.getBoolean('permission.enabled')).toBe(true);
  });
});
