import { NotFoundError } from '@backstage/errors';
import { IdentityCenterEmulator } from '@jit-access/identity-center-emulator';
import { IdentityCenterError } from './IdentityCenterError';
import { SdkIdentityCenterGateway } from './SdkIdentityCenterGateway';
import {
  ALICE,
  BOB,
  rejection,
  startGatewayEmulator,
  stopGatewayEmulator,
} from './__testUtils__/gatewayEmulator';

jest.setTimeout(60_000);

describe('SdkIdentityCenterGateway against the Identity Center emulator: principals', () => {
  let emulator: IdentityCenterEmulator;
  let gateway: SdkIdentityCenterGateway;
  const start = async (...args: Parameters<typeof startGatewayEmulator>) => {
    ({ emulator, gateway } = await startGatewayEmulator(...args));
  };
  afterEach(() => stopGatewayEmulator(gateway, emulator));

  it('resolves userName once, then from the cache; concurrent lookups share one call', async () => {
    await start();
    const ids = await Promise.all([
      gateway.resolvePrincipalId('bob@example.com'),
      gateway.resolvePrincipalId('bob@example.com'),
    ]);
    expect(ids).toEqual([BOB, BOB]);
    expect(await gateway.resolvePrincipalId('bob@example.com')).toBe(BOB);
    expect(emulator.getState().calls.GetUserId).toBe(1);
  });

  it('re-resolves after the cache TTL', async () => {
    await start({}, { principalCacheTtlMs: 1 });
    await gateway.resolvePrincipalId('bob@example.com');
    await new Promise(r => setTimeout(r, 5));
    await gateway.resolvePrincipalId('bob@example.com');
    expect(emulator.getState().calls.GetUserId).toBe(2);
  });

  it('an unknown user is a NotFoundError, and a permanent IdentityCenterError', async () => {
    await start();
    const err = await rejection(
      gateway.resolvePrincipalId('mallory@example.com'),
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toBeInstanceOf(IdentityCenterError);
    expect(err).toMatchObject({
      name: 'NotFoundError',
      transient: false,
      code: 'UserNotFound',
    });
    expect(err.message).toContain("has userName 'mallory@example.com'");
  });

  it('matches emails.value when configured', async () => {
    await start({}, { principalAttribute: 'emails.value' });
    expect(await gateway.resolvePrincipalId('alice@example.com')).toBe(ALICE);
  });

  it('a wrong identity store id is a permanent configuration error, not a missing user', async () => {
    await start({}, { identityStoreId: 'd-0000000000' });
    const err = await rejection(
      gateway.resolvePrincipalId('alice@example.com'),
    );
    expect(err).not.toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({
      transient: false,
      code: 'ResourceNotFoundException',
    });
  });
});
