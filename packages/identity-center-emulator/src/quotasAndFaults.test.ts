import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DeletePermissionSetCommand,
  ListPermissionSetsCommand,
} from '@aws-sdk/client-sso-admin';
import { GetUserIdCommand } from '@aws-sdk/client-identitystore';
import {
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from './emulator';
import {
  ALICE,
  errorOf,
  INSTANCE,
  RO,
  SANDBOX,
  sdkClients,
  seed,
  settle,
  sleep,
  STORE,
} from './__testUtils__/sdk';

const list = (c: ReturnType<typeof sdkClients>) =>
  c.sso.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE }));

const create = (
  c: ReturnType<typeof sdkClients>,
  PrincipalId: string,
  TargetId = SANDBOX,
) =>
  c.sso.send(
    new CreateAccountAssignmentCommand({
      InstanceArn: INSTANCE,
      TargetId,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: RO,
      PrincipalType: 'USER',
      PrincipalId,
    }),
  );

/** 18 distinct (account, user) pairs of the demo data. */
const pairs = ['111111111111', '222222222222', '333333333333'].flatMap(
  account => seed.users.map(u => [account, u.userId!] as const),
);

/**
 * Stops Date (only Date: timers and I/O run) until the test ends or moves
 * it (jest.setSystemTime): the calls-per-second bucket then refills only
 * when a test says so. Calls sent "at once" take tens of ms to arrive on a
 * busy machine, in which a real clock refills the bucket (CI once saw 22 of
 * 40 let through a bucket of 20).
 */
function freezeClock() {
  jest.useFakeTimers({
    now: Date.now(),
    doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'],
  });
}

describe('quotas', () => {
  let emulator: IdentityCenterEmulator;
  let c: ReturnType<typeof sdkClients>;
  afterEach(async () => {
    jest.useRealTimers();
    c.destroy();
    await emulator.close();
  });

  it('throttles SSO Admin calls beyond 20 per second (40 at once, SDK retries off)', async () => {
    freezeClock(); // so exactly the bucket's 20 pass
    emulator = await startIdentityCenterEmulator();
    c = sdkClients(emulator.url);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => list(c)),
    );
    const rejected = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    expect(rejected).toHaveLength(20);
    for (const r of rejected) {
      expect(r.reason).toMatchObject({
        name: 'ThrottlingException',
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      });
    }
    const state = emulator.getState();
    expect(state.stats.throttledByRate).toBe(rejected.length);
    expect(state.throttled).toBe(rejected.length);
    expect(state.calls.ListPermissionSets).toBe(40);
    expect(state.stats.peakCallsPerSecond).toBe(40);

    // the bucket refills at the quota's rate: one call's worth in 50 ms
    await expect(list(c)).rejects.toMatchObject({ name: 'ThrottlingException' });
    jest.setSystemTime(Date.now() + 50);
    await expect(list(c)).resolves.toBeDefined();
    await expect(list(c)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('the rate is configurable, and applies to SSO Admin only', async () => {
    freezeClock();
    emulator = await startIdentityCenterEmulator({
      quotas: { callsPerSecond: 5 },
    });
    c = sdkClients(emulator.url);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => list(c)),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(5);
    const lookups = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        c.ids.send(
          new GetUserIdCommand({
            IdentityStoreId: STORE,
            AlternateIdentifier: {
              UniqueAttribute: {
                AttributePath: 'userName',
                AttributeValue: 'bob@example.com',
              },
            },
          }),
        ),
      ),
    );
    expect(lookups.every(r => r.status === 'fulfilled')).toBe(true);
  });

  it('at most 10 CreateAccountAssignment operations IN_PROGRESS; deletes are not counted', async () => {
    emulator = await startIdentityCenterEmulator({
      timing: { assignmentDelayMs: 400 },
      quotas: { callsPerSecond: 1000 },
    });
    c = sdkClients(emulator.url);
    const results = await Promise.allSettled(
      pairs.map(([account, user]) => create(c, user, account)),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(10);
    const refused = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    expect(refused.map(r => r.reason.name)).toEqual(
      Array(8).fill('ThrottlingException'),
    );
    let state = emulator.getState();
    expect(state.inFlight.creates).toBe(10);
    expect(state.stats.throttledByCreatesInFlight).toBe(8);
    expect(state.stats.peakCreatesInFlight).toBe(10);

    // a deletion still starts while 10 creations are in progress
    const del = await c.sso.send(
      new DeleteAccountAssignmentCommand({
        InstanceArn: INSTANCE,
        TargetId: '444444444444',
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: RO,
        PrincipalType: 'USER',
        PrincipalId: ALICE,
      }),
    );
    expect(del.AccountAssignmentDeletionStatus!.Status).toBe('IN_PROGRESS');

    // once they finished, creations are accepted again
    await sleep(500);
    state = emulator.getState();
    expect(state.inFlight.creates).toBe(0);
    expect(state.assignments).toHaveLength(10);
    await expect(create(c, pairs[17][1], pairs[17][0])).resolves.toBeDefined();
  });

  it('the creations-in-flight quota is configurable at start and at runtime', async () => {
    emulator = await startIdentityCenterEmulator({
      timing: { assignmentDelayMs: 300 },
      quotas: { callsPerSecond: 1000, maxCreatesInFlight: 2 },
    });
    c = sdkClients(emulator.url);
    let results = await Promise.allSettled(
      pairs.slice(0, 4).map(([a, u]) => create(c, u, a)),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(2);
    await sleep(350);
    emulator.setQuotas({ maxCreatesInFlight: 3 });
    results = await Promise.allSettled(
      pairs.slice(4, 8).map(([a, u]) => create(c, u, a)),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(3);
  });
});

describe('fault injection', () => {
  let emulator: IdentityCenterEmulator;
  let c: ReturnType<typeof sdkClients>;
  beforeEach(async () => {
    emulator = await startIdentityCenterEmulator({
      timing: { assignmentDelayMs: 50 },
      quotas: { callsPerSecond: 1000 },
    });
    c = sdkClients(emulator.url, 300);
  });
  afterEach(async () => {
    c.destroy();
    await emulator.close();
  });

  it('errorRate answers 500 InternalServerException; throttleRate ThrottlingException', async () => {
    emulator.setFaults({ errorRate: 1 });
    expect(await errorOf(list(c))).toMatchObject({
      name: 'InternalServerException',
      $metadata: { httpStatusCode: 500 },
    });
    emulator.setFaults({ errorRate: 0, throttleRate: 1 });
    expect(await errorOf(list(c))).toMatchObject({
      name: 'ThrottlingException',
    });
    emulator.clearFaults();
    await expect(list(c)).resolves.toBeDefined();
    expect(emulator.getState().stats).toMatchObject({
      errorsInjected: 1,
      throttledInjected: 1,
    });
  });

  it('fractional rates hit that fraction of calls', async () => {
    await emulator.close();
    let i = 0;
    // a deterministic "random": 0.0, 0.1, ... 0.9, 0.0, ...
    emulator = await startIdentityCenterEmulator({
      random: () => (i++ % 10) / 10,
      faults: { errorRate: 0.3 },
      quotas: { callsPerSecond: 1000 },
    });
    c.destroy();
    c = sdkClients(emulator.url);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => list(c)),
    );
    expect(results.filter(r => r.status === 'rejected')).toHaveLength(6);
  });

  it('latencyMs delays every answer', async () => {
    emulator.setFaults({ latencyMs: 150 });
    const started = Date.now();
    await list(c);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hangRate leaves calls unanswered until the client times out', async () => {
    emulator.setFaults({ hangRate: 1 });
    const err = await errorOf(list(c));
    expect(err.name).toBe('TimeoutError');
    expect(emulator.getState().stats.hung).toBe(1);
    emulator.setFaults({ hangRate: 0 });
    await expect(list(c)).resolves.toBeDefined();
  });

  it('accessDenied answers AccessDeniedException for the listed operations', async () => {
    emulator.setFaults({ accessDenied: ['DeletePermissionSet'] });
    expect(
      await errorOf(
        c.sso.send(
          new DeletePermissionSetCommand({
            InstanceArn: INSTANCE,
            PermissionSetArn: RO,
          }),
        ),
      ),
    ).toMatchObject({ name: 'AccessDeniedException' });
    await expect(list(c)).resolves.toBeDefined();
  });

  it('operations restricts the rate-based faults to some operations', async () => {
    emulator.setFaults({
      throttleRate: 1,
      operations: ['CreateAccountAssignment'],
    });
    await expect(list(c)).resolves.toBeDefined();
    expect(await errorOf(create(c, ALICE))).toMatchObject({
      name: 'ThrottlingException',
    });
  });

  it('assignmentDelayMs can be changed at runtime', async () => {
    emulator.setFaults({ assignmentDelayMs: 400 });
    const out = await create(c, ALICE);
    await sleep(150);
    expect(emulator.getState().inFlight.creates).toBe(1);
    const done = await settle(
      c.sso,
      'create',
      out.AccountAssignmentCreationStatus!.RequestId!,
    );
    expect(done.Status).toBe('SUCCEEDED');
  });

  it('refuses invalid faults', () => {
    expect(() => emulator.setFaults({ errorRate: 2 })).toThrow(
      'errorRate must be a number between 0 and 1',
    );
    expect(() => emulator.setFaults({ latencyMs: -1 })).toThrow();
  });
});
