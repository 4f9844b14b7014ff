import { TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const directory = resolvePackagePath('@jit-access/plugin-jit-access-backend', 'migrations');
const TABLES = [
  'jit_accounts',
  'jit_permission_sets',
  'jit_account_permission_sets',
  'jit_settings',
  'jit_requests',
  'jit_approval_steps',
  'jit_request_events',
];

describe.each(databases.eachSupportedId())('migrations (%s)', id => {
  it('create every table, and every down reverses its up', async () => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory });
    for (const t of TABLES) expect(await knex.schema.hasTable(t)).toBe(true);
    await knex.migrate.rollback({ directory }, true);
    for (const t of TABLES) expect(await knex.schema.hasTable(t)).toBe(false);
    await knex.migrate.latest({ directory });
    expect(await knex.schema.hasTable('jit_requests')).toBe(true);
  });
});
