/*
 * Crash test on PostgreSQL: see crashTest.ts.
 * JIT_CRASH_CYCLES (default 100) and JIT_CRASH_SEED replay a run.
 */
import { runCrashTest } from './crashTest';
import { expectConverged } from './crashConverged';
import { sharedDatabaseKinds } from './engineProcesses';

const cycles = Number(process.env.JIT_CRASH_CYCLES ?? 100);
const seed = Number(process.env.JIT_CRASH_SEED ?? Date.now() % 1_000_000);
const kind = sharedDatabaseKinds({ postgresOnly: true })[0];

jest.setTimeout(30 * 60_000);

// eslint-disable-next-line jest/no-disabled-tests
(kind ? describe : describe.skip)('crash test', () => {
  it(`lifecycle replicas killed with SIGKILL ${cycles} times during grants and revocations on PostgreSQL converge: Identity Center holds exactly what the database says`, async () => {
    const report = await runCrashTest(kind!, { cycles, seed });
    // eslint-disable-next-line no-console
    console.log(`crash test on PostgreSQL: ${JSON.stringify(report)}`);
    expectConverged(report, cycles);
  });
});
