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
  'jit_locks',
  'jit_pending_versions',
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

  it('break-glass: adds the account setting and the review columns, and takes them away again', async () => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory });
    const columns = async () => ({
      allowed: await knex.schema.hasColumn('jit_accounts', 'break_glass_allowed'),
      review: await knex.schema.hasColumn('jit_requests', 'review_status'),
    });
    expect(await columns()).toEqual({ allowed: true, review: true });
    await knex('jit_accounts').insert({ account_id: '111111111111', name: 'sandbox', updated_at: 1 });
    expect((await knex('jit_accounts').first()).break_glass_allowed).toBeFalsy(); // off unless an admin allows it
    await knex.migrate.down({ directory, name: '20261125120000_break_glass.js' });
    expect(await columns()).toEqual({ allowed: false, review: false });
    expect((await knex('jit_accounts').first()).name).toBe('sandbox'); // rows survive the down
    await knex.migrate.latest({ directory });
    expect(await columns()).toEqual({ allowed: true, review: true });
  });

  it('list indexes: adds the history, keyset and pending indexes, and the down takes them away again', async () => {
    const knex = await databases.init(id);
    const indexes = async (): Promise<string[]> => {
      if (knex.client.config.client === 'pg') {
        const { rows } = await knex.raw("select indexname as name from pg_indexes where tablename = 'jit_requests'");
        return rows.map((r: { name: string }) => r.name).sort();
      }
      const rows = await knex.raw("select name from sqlite_master where type = 'index' and tbl_name = 'jit_requests'");
      return rows.map((r: { name: string }) => r.name).sort();
    };
    const added = ['jit_requests_account_created_idx', 'jit_requests_created_id_idx', 'jit_requests_pending_idx'];
    await knex.migrate.latest({ directory });
    expect(await indexes()).toEqual(expect.arrayContaining(added));
    expect(await indexes()).not.toContain('jit_requests_created_idx'); // (created_at, id) replaces it
    await knex.migrate.down({ directory, name: '20261126110000_list_indexes.js' });
    const after = await indexes();
    for (const name of added) expect(after).not.toContain(name);
    expect(after).toContain('jit_requests_created_idx');
  });
});
