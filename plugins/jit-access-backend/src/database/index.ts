export { DatabaseJitStore, stepsAfter } from './DatabaseJitStore';
export { REQUEST_ID_PATTERN } from './tables';
export type * from './JitStore';
export { InvalidCursorError, RequestIdTakenError } from './errors';
