import type { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { DatabaseJitStore } from '../DatabaseJitStore';

/**
 * A store on a plain knex client (a test database, a SQLite file shared by
 * engine processes), migrated as the plugin migrates its own database.
 */
export async function createTestStore(knex: Knex): Promise<DatabaseJitStore> {
  const database: DatabaseService = { getClient: async () => knex };
  return DatabaseJitStore.create({ database });
}
