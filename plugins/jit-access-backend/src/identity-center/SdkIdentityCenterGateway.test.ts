import {
  demoSeed,
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import { IdentityCenterError } from './IdentityCenterError';
import { SdkIdentityCenterGateway } from './SdkIdentityCenterGateway';

jest.setTimeout(60_000);

const seed = demoSeed();
const RO = seed.permissionSets[0].arn;

describe('SdkIdentityCenterGateway against the emulator', () => {
  let emulator: IdentityCenterEmulator;
  let gateway: SdkIdentityCenterGateway;

  beforeEach(async () => {
    emulator = await startIdentityCenterEmulator({ timing: { assignmentDelayMs: 100 } });
    gateway = new SdkIdentityCenterGateway({
      region: 'us-east-1',
      instanceArn: seed.instanceArn,
      identityStoreId: seed.identityStoreId,
      endpoint: emulator.url,
      credentials: async () => ({ accessKeyId: 'x', secretAccessKey: 'x' }),
      pollIntervalMs: 50,
      maxAttempts: 10,
    });
  });
  afterEach(async () => {
    gateway.destroy();
    await emulator.close();
  });

  it('grants: resolves the principal, creates the assignment and returns only once it SUCCEEDED', async () => {
    const principalId = await gateway.resolvePrincipalId('alice@example.com');
    await gateway.createAssignment({ accountId: '111111111111', permissionSetArn: RO, principalId });
    expect(emulator.getState().assignments).toEqual([
      { accountId: '111111111111', permissionSetArn: RO, principalId, principalType: 'USER' },
    ]);
    expect(await gateway.listAssignments('111111111111', RO)).toEqual([{ principalId, principalType: 'USER' }]);
    await gateway.deleteAssignment({ accountId: '111111111111', permissionSetArn: RO, principalId });
    expect(emulator.getState().assignments).toEqual([]);
  });

  it('a FAILED operation is a permanent error carrying the FailureReason', async () => {
    const err = await gateway
      .createAssignment({ accountId: '999999999999', permissionSetArn: RO, principalId: seed.users[0].userId! })
      .catch(e => e);
    expect(err).toBeInstanceOf(IdentityCenterError);
    expect(err).toMatchObject({ transient: false });
    expect(err.message).toContain('Account 999999999999 is not part of the organization');
  });

  it('an unknown user is a permanent UserNotFound error', async () => {
    await expect(gateway.resolvePrincipalId('mallory@example.com')).rejects.toMatchObject({
      code: 'UserNotFound',
      transient: false,
    });
  });

  it('with 50% throttling and 10% 5xx, every grant completes exactly once and the quota holds', async () => {
    emulator.setFaults({ throttleRate: 0.5, errorRate: 0.1 });
    const users = seed.users.map(u => u.userId!);
    const accounts = ['111111111111', '222222222222'];
    const started = Date.now();
    await Promise.all(
      accounts.flatMap(accountId =>
        users.map(principalId => gateway.createAssignment({ accountId, permissionSetArn: RO, principalId })),
      ),
    );
    const state = emulator.getState();
    expect(state.assignments).toHaveLength(users.length * accounts.length);
    expect(state.throttled).toBeGreaterThan(0);
    // The limiter spaces calls at 20/s; the emulator's own bucket never had to
    // refuse for the rate: every throttle seen was injected.
    const calls = Object.values(state.calls).reduce((a, b) => a + b, 0);
    const seconds = (Date.now() - started) / 1000;
    expect(calls / seconds).toBeLessThanOrEqual(21);
  });

  it('lists permission sets with session durations and tags, and finds its own by tag', async () => {
    const arn = await gateway.createPermissionSet({
      name: 'JIT-TEST01',
      sessionDuration: 'PT1H',
      tags: { 'jit-access:managed': 'true', 'jit-access:request': 'JIT-TEST01' },
    });
    await gateway.putInlinePolicy(arn, '{"Version":"2012-10-17","Statement":[]}');
    const sets = await gateway.listPermissionSets();
    expect(sets.map(s => s.name).sort()).toEqual(['AdministratorAccess', 'JIT-TEST01', 'PowerUserAccess', 'ReadOnlyAccess']);
    expect(sets.find(s => s.name === 'ReadOnlyAccess')?.sessionDuration).toBe('PT1H');
    expect(await gateway.listPermissionSetsByTag('jit-access:request', 'JIT-TEST01')).toEqual([{ arn, name: 'JIT-TEST01' }]);
    await gateway.deletePermissionSet(arn);
    await gateway.deletePermissionSet(arn); // already gone: fine
    expect(emulator.getState().permissionSets).toHaveLength(3);
  });
});
