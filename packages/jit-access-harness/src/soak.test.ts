/*
 * Soak: two backend replicas on one PostgreSQL under mixed load
 * with Identity Center faults; see soak.ts. The default test
 * run soaks for JIT_SOAK_MINUTES = 1; `yarn soak` at the root runs the
 * 10-minute version and writes docs/benchmarks/soak.{json,md}.
 */
import { writeFileSync } from 'node:fs';
import { sharedDatabaseKinds } from './engineProcesses';
import { runSoak } from './soak';

const minutes = Number(process.env.JIT_SOAK_MINUTES ?? 1);
const seed = Number(process.env.JIT_SOAK_SEED ?? Date.now() % 1_000_000);
const kind = sharedDatabaseKinds({ postgresOnly: true })[0];

jest.setTimeout((minutes + 6) * 60_000);

// eslint-disable-next-line jest/no-disabled-tests
(kind ? describe : describe.skip)('soak', () => {
  it(`two replicas on one PostgreSQL, ${minutes} min of mixed load with Identity Center faults: no errors, nothing lost or duplicated, memory flat`, async () => {
    const report = await runSoak(kind!, { durationMs: minutes * 60_000, seed });
    // eslint-disable-next-line no-console
    console.log(`soak on PostgreSQL: ${JSON.stringify(report)}`);
    if (process.env.JIT_SOAK_REPORT) {
      writeFileSync(process.env.JIT_SOAK_REPORT, JSON.stringify(report, null, 2));
    }
    expect({
      errors: report.errors,
      unsettled: report.unsettled,
      failed: report.failed,
      missing: report.missing,
      orphans: report.orphans,
      strayPermissionSets: report.strayPermissionSets,
      missingPermissionSets: report.missingPermissionSets,
      duplicateTransitions: report.duplicateTransitions,
      illegalChains: report.illegalChains,
    }).toEqual({
      errors: [],
      unsettled: [],
      failed: [],
      missing: [],
      orphans: [],
      strayPermissionSets: [],
      missingPermissionSets: [],
      duplicateTransitions: [],
      illegalChains: [],
    });
    // The load and the faults were real.
    expect(report.requests).toBeGreaterThan(10 * minutes);
    expect(report.ended).toBeGreaterThan(0);
    expect(report.throttledOrFailedByEmulator).toBeGreaterThan(0);
    // Memory: after warm-up, a long soak may not keep growing.
    const growth = report.rssMiB.map(r => r.end - r.start);
    const allowed = report.rssMiB.map(r => Math.max(64, r.start * 0.25));
    expect(
      minutes >= 5 ? growth.filter((g, i) => g > allowed[i]) : [],
    ).toEqual([]);
  });
});
