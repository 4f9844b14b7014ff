/*
 * JIT Access: who changed the config, and what followed from it.
 *
 * Decisions and grants follow the config of the moment; a request the config
 * no longer allows ends with a reason that names the change ("production was
 * offboarded by Carol Chen at ..."). jit_config_changes keeps each change to
 * an account or a permission set with its author; it is append-only like the
 * request events. A step added to a request because the config now requires
 * it keeps why (jit_approval_steps.added_reason). Extensions of a session are
 * looked up by the session's id when it ends (jit_requests_extends_idx).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('jit_config_changes', table => {
    table.comment('Append-only log of config changes to accounts and permission sets, with their author');
    table.bigIncrements('id').primary();
    table.bigInteger('at').notNullable().comment('Epoch ms');
    table.string('actor').notNullable().comment('Entity ref of the admin');
    table.string('account_id', 12).nullable().comment('The account changed, if any');
    table.string('permission_set_arn', 2048).nullable().comment('The permission set changed, if any');
    table
      .string('change', 40)
      .notNullable()
      .comment('offboarded | onboarded | permission-set-disabled | permission-set-enabled | custom-policies-disallowed | custom-policies-allowed | two-levels-required | two-levels-dropped | owners-changed | break-glass-allowed | break-glass-disallowed');
    table.index(['account_id', 'change', 'at'], 'jit_config_changes_account_idx');
    table.index(['permission_set_arn', 'change', 'at'], 'jit_config_changes_set_idx');
  });
  await knex.schema.alterTable('jit_approval_steps', table => {
    table.text('added_reason').nullable().comment('Why the step was added after the request was made (a config change)');
  });
  await knex.schema.alterTable('jit_requests', table => {
    table.index(['extends_request_id'], 'jit_requests_extends_idx', {
      predicate: knex.whereNotNull('extends_request_id'),
    });
  });
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE OR REPLACE FUNCTION jit_config_changes_append_only() RETURNS trigger AS $$
      BEGIN
        RAISE EXCEPTION 'jit_config_changes is append-only: % is not allowed', TG_OP;
      END
      $$ LANGUAGE plpgsql`);
    await knex.raw(`
      CREATE TRIGGER jit_config_changes_no_change
      BEFORE UPDATE OR DELETE ON jit_config_changes
      FOR EACH ROW EXECUTE FUNCTION jit_config_changes_append_only()`);
  } else {
    for (const op of ['UPDATE', 'DELETE']) {
      await knex.raw(`
        CREATE TRIGGER jit_config_changes_no_${op.toLowerCase()}
        BEFORE ${op} ON jit_config_changes
        BEGIN
          SELECT RAISE(ABORT, 'jit_config_changes is append-only: ${op} is not allowed');
        END`);
    }
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS jit_config_changes_no_change ON jit_config_changes');
    await knex.raw('DROP FUNCTION IF EXISTS jit_config_changes_append_only()');
  }
  await knex.schema.alterTable('jit_requests', table => {
    table.dropIndex(['extends_request_id'], 'jit_requests_extends_idx');
  });
  await knex.schema.alterTable('jit_approval_steps', table => {
    table.dropColumn('added_reason');
  });
  await knex.schema.dropTable('jit_config_changes');
};
