/**
 * JIT Access backend plugin: time-limited AWS account access through IAM
 * Identity Center, approved by catalog owners.
 *
 * @packageDocumentation
 */
export { jitAccessPlugin as default } from './plugin';
