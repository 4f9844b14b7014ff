import { NotFoundError } from '@backstage/errors';
import { IdentityCenterEmulator } from '@jit-access/identity-center-emulator';
import { IdentityCenterError } from './IdentityCenterError';
import { RateLimiter } from './RateLimiter';
import { SdkIdentityCenterGateway } from './SdkIdentityCenterGateway';
import {
  ALICE,
  BOB,
  rejection,
  RO,
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

  it('user lookups are paced by the Identity Store limiter, never taking a turn of the SSO Admin one', async () => {
    const ssoAdmin = new RateLimiter({
      callsPerSecond: 1000,
      maxCreatesInFlight: 10,
    });
    const identityStore = new RateLimiter({
      callsPerSecond: 1000,
      maxCreatesInFlight: 1,
    });
    const ssoTurns = jest.spyOn(ssoAdmin, 'acquire');
    const storeTurns = jest.spyOn(identityStore, 'acquire');
    await start({}, { limiter: ssoAdmin, identityStoreLimiter: identityStore });
    await gateway.resolvePrincipalId('alice@example.com');
    await gateway.resolvePrincipalId('bob@example.com');
    expect(storeTurns).toHaveBeenCalledTimes(2);
    expect(ssoTurns).not.toHaveBeenCalled();
    await gateway.listAssignments('111111111111', RO);
    expect(ssoTurns).toHaveBeenCalledTimes(1);
    expect(storeTurns).toHaveBeenCalledTimes(2);
  });

  it('a lookup does not wait behind a queue of admin calls', async () => {
    // one admin call a second: four queued admin calls take three seconds
    await start({}, { limits: { callsPerSecond: 1 } });
    const admin = Promise.all(
      [1, 2, 3, 4].map(() => gateway.listAssignments('111111111111', RO)),
    );
    let adminDone = false;
    void admin.then(() => {
      adminDone = true;
    });
    expect(await gateway.resolvePrincipalId('bob@example.com')).toBe(BOB);
    expect(adminDone).toBe(false);
    await admin;
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
