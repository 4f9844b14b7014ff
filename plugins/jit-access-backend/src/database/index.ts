export { DatabaseJitStore } from './DatabaseJitStore';
export type * from './JitStore';
