/**
 * A local AWS IAM Identity Center emulator (SSO Admin + Identity Store over
 * the AWS JSON 1.1 protocol) with asynchronous operation statuses, the
 * service's quotas and fault injection, for JIT Access demos and tests.
 *
 * @packageDocumentation
 */
export { startIdentityCenterEmulator } from './emulator';
export type { IdentityCenterEmulator } from './emulator';
export { demoSeed } from './demoSeed';
export type {
  EmulatorAssignment,
  EmulatorFaults,
  EmulatorOperation,
  EmulatorOptions,
  EmulatorPermissionSet,
  EmulatorProvisioning,
  EmulatorQuotas,
  EmulatorSeed,
  EmulatorState,
  EmulatorStats,
  EmulatorTag,
  EmulatorUser,
} from './types';
