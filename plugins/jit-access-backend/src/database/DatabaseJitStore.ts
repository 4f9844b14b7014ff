import { DatabaseService, resolvePackagePath } from '@backstage/backend-plugin-api';
import type { ApprovalStep, JitSettings, RequestEvent, RequestStatus } from '@jit-access/plugin-jit-access-common';
import { Knex } from 'knex';
import type { ConfigChange, ConfigStore, StoredAccount, StoredPermissionSet } from './ConfigStore';
import type {
  AccountActivityCounts,
  LoadedRequest,
  NewRequest,
  RequestListFilter,
  RequestPatch,
  RequestStore,
  StoredRequest,
  Transition,
  TransitionResult,
} from './RequestStore';
import type { WorkStore } from './WorkStore';
import type { JitStore } from './JitStore';
import { StoreDb } from './operations/db';
import { getAccount, listAccounts, upsertAccount } from './operations/config/accounts';
import { latestConfigChanges, recordConfigChanges } from './operations/config/configChanges';
import {
  listPermissionSets,
  setPermissionSetRequiresTwoLevels,
  upsertPermissionSets,
} from './operations/config/permissionSets';
import { getSettings, putSettings } from './operations/config/settings';
import { accountActivity } from './operations/requests/accountActivity';
import { appendEvent } from './operations/requests/appendEvent';
import { closeReview } from './operations/requests/closeReview';
import { createRequest } from './operations/requests/createRequest';
import { listExtensionsOf } from './operations/requests/listExtensionsOf';
import { listRequests } from './operations/requests/listRequests';
import { patchRequest } from './operations/requests/patchRequest';
import { pendingVersion } from './operations/requests/pendingVersion';
import { getEvents, getRequest, getRequests, getSteps, getStepsOf, loadRequest } from './operations/requests/readRequest';
import { transition } from './operations/requests/transition';
import { claimExpiryWarnings } from './operations/work/claimExpiryWarnings';
import { findDueRequests } from './operations/work/findDueRequests';
import { listByStatus } from './operations/work/listByStatus';
import { listGrantsOfAssignment } from './operations/work/listGrantsOfAssignment';
import { acquireLease, releaseLease, renewLease } from './operations/work/leases';
import { acquireLock, releaseLock, renewLock } from './operations/work/locks';

export { stepsAfter } from './operations/requests/transition';

const migrationsDir = resolvePackagePath('@jit-access/plugin-jit-access-backend', 'migrations');

type Args<K extends keyof JitStore> = Parameters<JitStore[K]>;

/**
 * Knex implementation of {@link JitStore}, on SQLite and PostgreSQL: each
 * method is one operation of `operations/<area>/`, which holds its
 * PostgreSQL and SQLite forms side by side.
 */
export class DatabaseJitStore implements ConfigStore, RequestStore, WorkStore {
  static async create(options: { database: DatabaseService }): Promise<DatabaseJitStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseJitStore(client);
  }

  private readonly db: StoreDb;

  private constructor(knex: Knex) {
    this.db = { knex, pg: knex.client.dialect === 'postgresql' };
  }

  // ConfigStore

  listAccounts(): Promise<StoredAccount[]> {
    return listAccounts(this.db);
  }
  getAccount(accountId: string): Promise<StoredAccount | undefined> {
    return getAccount(this.db, accountId);
  }
  upsertAccount(...[account, options]: Args<'upsertAccount'>): Promise<void> {
    return upsertAccount(this.db, account, options);
  }
  listPermissionSets(): Promise<StoredPermissionSet[]> {
    return listPermissionSets(this.db);
  }
  upsertPermissionSets(sets: StoredPermissionSet[]): Promise<void> {
    return upsertPermissionSets(this.db, sets);
  }
  setPermissionSetRequiresTwoLevels(arn: string, value: boolean): Promise<boolean> {
    return setPermissionSetRequiresTwoLevels(this.db, arn, value);
  }
  getSettings(defaults: JitSettings): Promise<JitSettings> {
    return getSettings(this.db, defaults);
  }
  putSettings(settings: JitSettings): Promise<void> {
    return putSettings(this.db, settings);
  }
  recordConfigChanges(changes: ConfigChange[], now: number): Promise<void> {
    return recordConfigChanges(this.db, changes, now);
  }
  latestConfigChanges(...[args]: Args<'latestConfigChanges'>): ReturnType<JitStore['latestConfigChanges']> {
    return latestConfigChanges(this.db, args);
  }

  // RequestStore

  createRequest(input: NewRequest): Promise<LoadedRequest> {
    return createRequest(this.db, input);
  }
  getRequest(id: string): Promise<StoredRequest | undefined> {
    return getRequest(this.db, id);
  }
  loadRequest(id: string): Promise<LoadedRequest | undefined> {
    return loadRequest(this.db, id);
  }
  getRequests(ids: string[]): Promise<StoredRequest[]> {
    return getRequests(this.db, ids);
  }
  getSteps(id: string): Promise<ApprovalStep[]> {
    return getSteps(this.db, id);
  }
  getStepsOf(ids: string[]): Promise<Map<string, ApprovalStep[]>> {
    return getStepsOf(this.db, ids);
  }
  getEvents(id: string): Promise<RequestEvent[]> {
    return getEvents(this.db, id);
  }
  listRequests(filter: RequestListFilter): ReturnType<JitStore['listRequests']> {
    return listRequests(this.db, filter);
  }
  pendingVersion(): Promise<string> {
    return pendingVersion(this.db);
  }
  transition(t: Transition): Promise<TransitionResult | undefined> {
    return transition(this.db, t);
  }
  patchRequest(id: string, status: RequestStatus, patch: RequestPatch): Promise<boolean> {
    return patchRequest(this.db, id, status, patch);
  }
  closeReview(...[args]: Args<'closeReview'>): Promise<boolean> {
    return closeReview(this.db, args);
  }
  appendEvent(...[requestId, event, now]: Args<'appendEvent'>): Promise<void> {
    return appendEvent(this.db.knex, requestId, event, now);
  }
  listExtensionsOf(sessionId: string, statuses: RequestStatus[]): Promise<StoredRequest[]> {
    return listExtensionsOf(this.db, sessionId, statuses);
  }
  accountActivity(...[args]: Args<'accountActivity'>): Promise<AccountActivityCounts> {
    return accountActivity(this.db, args);
  }

  // WorkStore

  findDueRequests(now: number, limit: number, pendingCreatedBefore?: number): Promise<StoredRequest[]> {
    return findDueRequests(this.db, now, limit, pendingCreatedBefore);
  }
  acquireLease(id: string, owner: string, now: number, leaseMs: number): Promise<StoredRequest | undefined> {
    return acquireLease(this.db, id, owner, now, leaseMs);
  }
  renewLease(id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    return renewLease(this.db, id, owner, now, leaseMs);
  }
  releaseLease(id: string, owner: string): Promise<void> {
    return releaseLease(this.db, id, owner);
  }
  acquireLock(key: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    return acquireLock(this.db, key, owner, now, leaseMs);
  }
  renewLock(key: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    return renewLock(this.db, key, owner, now, leaseMs);
  }
  releaseLock(key: string, owner: string): Promise<void> {
    return releaseLock(this.db, key, owner);
  }
  listGrantsOfAssignment(...[args]: Args<'listGrantsOfAssignment'>): Promise<StoredRequest[]> {
    return listGrantsOfAssignment(this.db, args);
  }
  listByStatus(...[statuses, options]: Args<'listByStatus'>): Promise<StoredRequest[]> {
    return listByStatus(this.db, statuses, options);
  }
  claimExpiryWarnings(before: number, now: number): Promise<StoredRequest[]> {
    return claimExpiryWarnings(this.db, before, now);
  }
}
