import type { CrashReport } from './crashTest';

/**
 * What a crash test must end with: every request settled, Identity Center
 * holding exactly what the database says, and the kills having hit work in
 * flight (or the test shows nothing).
 */
export function expectConverged(report: CrashReport, cycles: number): void {
  expect({
    unsettled: report.unsettled,
    failed: report.failed,
    missing: report.missing,
    orphans: report.orphans,
    strayPermissionSets: report.strayPermissionSets,
    missingPermissionSets: report.missingPermissionSets,
    duplicateTransitions: report.duplicateTransitions,
  }).toEqual({
    unsettled: [],
    failed: [],
    missing: [],
    orphans: [],
    strayPermissionSets: [],
    missingPermissionSets: [],
    duplicateTransitions: [],
  });
  expect(report.interrupted).toBeGreaterThan(cycles / 5);
}
