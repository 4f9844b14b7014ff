import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import type { DatabaseJitStore } from '../DatabaseJitStore';
import { createTestStore } from './testStore';

/** A store on a fresh, migrated test database, and the knex client under it. */
export type CreateStore = () => Promise<{ knex: Knex; store: DatabaseJitStore }>;

/**
 * Declares `tests` once per database the store supports (PostgreSQL 15 and
 * SQLite 3), each with its own `createStore`.
 */
export function describeEachDatabase(title: string, tests: (createStore: CreateStore, id: TestDatabaseId) => void) {
  jest.setTimeout(60_000);
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  describe.each(databases.eachSupportedId())(`${title} (%s)`, (id: TestDatabaseId) => {
    tests(async () => {
      const knex = await databases.init(id);
      return { knex, store: await createTestStore(knex) };
    }, id);
  });
}
