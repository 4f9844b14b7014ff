/**
 * A local AWS IAM Identity Center emulator (SSO Admin + Identity Store over
 * the AWS JSON 1.1 protocol) for JIT Access demos and tests.
 *
 * @packageDocumentation
 */
export { startIdentityCenterEmulator } from './emulator';
export type { IdentityCenterEmulator } from './emulator';
export { demoSeed } from './demoSeed';
export type {
  EmulatorAssignment,
  EmulatorFaults,
  EmulatorOptions,
  EmulatorPermissionSet,
  EmulatorQuotas,
  EmulatorSeed,
  EmulatorState,
  EmulatorUser,
} from './types';
