/**
 * The JIT Access default permission policy module.
 * @packageDocumentation
 */
export { jitAccessPermissionPolicyModule as default } from './module';
export { JitAccessDefaultPolicy } from './JitAccessDefaultPolicy';
