import { IdentityCenterEmulator } from '@jit-access/identity-center-emulator';
import { SdkIdentityCenterGateway } from './SdkIdentityCenterGateway';
import { seededRandom } from '../__testUtils__/seededRandom';
import {
  GRANTS,
  POWER,
  rejection,
  RO,
  SANDBOX,
  startGatewayEmulator,
  stopGatewayEmulator,
} from './__testUtils__/gatewayEmulator';

jest.setTimeout(60_000);

describe('SdkIdentityCenterGateway against the Identity Center emulator: quotas and faults', () => {
  let emulator: IdentityCenterEmulator;
  let gateway: SdkIdentityCenterGateway;
  const start = async (...args: Parameters<typeof startGatewayEmulator>) => {
    ({ emulator, gateway } = await startGatewayEmulator(...args));
  };
  afterEach(() => stopGatewayEmulator(gateway, emulator));

  it('with 50% throttling and 10% 5xx, every grant completes exactly once and the call rate stays under the quota', async () => {
    await start(
      // a seeded fault stream: with Math.random, 10% 5xx over ~40 calls
      // injected none about once in 70 runs and the test failed by chance
      {
        faults: { throttleRate: 0.5, errorRate: 0.1 },
        random: seededRandom(20261125),
      },
      { retry: { maxAttempts: 25, baseDelayMs: 50, maxDelayMs: 1_000 } },
    );
    await Promise.all(GRANTS.map(g => gateway.createAssignment(g)));

    const state = emulator.getState();
    // every grant is there once
    expect(state.assignments).toHaveLength(GRANTS.length);
    for (const g of GRANTS) {
      expect(state.assignments).toContainEqual({
        ...g,
        principalType: 'USER',
      });
    }
    // and was started exactly once: failed calls were retried, never repeated after success
    const creations = state.operations.filter(
      o => o.kind === 'CreateAccountAssignment',
    );
    expect(creations).toHaveLength(GRANTS.length);
    expect(creations.every(o => o.status === 'SUCCEEDED')).toBe(true);
    // the faults did happen
    expect(state.stats.throttledInjected).toBeGreaterThan(0);
    expect(state.stats.errorsInjected).toBeGreaterThan(0);
    // the limiter, not Identity Center, kept the pace: no rate throttling,
    // at most the quota's calls within any second, and never more than 10
    // creations in flight
    expect(state.stats.throttledByRate).toBe(0);
    expect(state.stats.peakCallsPerSecond).toBeLessThanOrEqual(20);
    expect(state.stats.throttledByCreatesInFlight).toBe(0);
    expect(state.stats.peakCreatesInFlight).toBeLessThanOrEqual(10);
  });

  it('keeps at most 10 creations in progress, so Identity Center never refuses one', async () => {
    await start(
      {
        timing: { assignmentDelayMs: 300 },
        quotas: { callsPerSecond: 1_000 },
      },
      { limits: { callsPerSecond: 500 } },
    );
    await Promise.all(GRANTS.map(g => gateway.createAssignment(g)));
    const state = emulator.getState();
    expect(state.assignments).toHaveLength(18);
    expect(state.stats.peakCreatesInFlight).toBe(10);
    expect(state.stats.throttledByCreatesInFlight).toBe(0);
  });

  it('retries requests that are never answered once they time out', async () => {
    await start({}, { requestTimeoutMs: 150 });
    emulator.setFaults({ hangRate: 1, operations: ['ListPermissionSets'] });
    setTimeout(() => emulator.clearFaults(), 400);
    const sets = await gateway.listPermissionSets();
    expect(sets).toHaveLength(3);
    expect(emulator.getState().stats.hung).toBeGreaterThanOrEqual(1);
  });

  it('does not retry permanent failures', async () => {
    await start();
    emulator.setFaults({ accessDenied: ['DeletePermissionSet'] });
    const err = await rejection(gateway.deletePermissionSet(POWER));
    expect(err).toMatchObject({
      transient: false,
      code: 'AccessDeniedException',
    });
    expect(emulator.getState().calls.DeletePermissionSet).toBe(1);
  });

  it('gives up on a transient failure after maxAttempts, still transient', async () => {
    await start({ faults: { errorRate: 1 } }, { maxAttempts: 3 });
    const err = await rejection(gateway.listAssignments(SANDBOX, RO));
    expect(err).toMatchObject({
      transient: true,
      code: 'InternalServerException',
    });
    expect(emulator.getState().calls.ListAccountAssignments).toBe(3);
  });
});
