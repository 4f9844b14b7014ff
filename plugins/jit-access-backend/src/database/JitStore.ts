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
