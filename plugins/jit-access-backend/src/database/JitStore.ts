import type { ConfigStore } from './ConfigStore';
import type { RequestStore } from './RequestStore';
import type { WorkStore } from './WorkStore';

export type * from './ConfigStore';
export type * from './RequestStore';
export type * from './WorkStore';

/**
 * Persistence of JIT Access: one store per consumer (ConfigStore,
 * RequestStore, WorkStore), all implemented by DatabaseJitStore.
 */
export type JitStore = ConfigStore & RequestStore & WorkStore;

/**
 * `createRequest` found the request's id taken: ids are short and random
 * (30 bits, `formatRequestId`), so at a million stored requests about one
 * new id in a thousand is; the caller draws another. Nothing was written.
 */
export class RequestIdTakenError extends Error {
  constructor(readonly requestId: string) {
    super(`Request id ${requestId} is taken`);
    this.name = 'RequestIdTakenError';
  }
}
