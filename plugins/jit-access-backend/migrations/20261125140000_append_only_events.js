/*
 * JIT Access: the event table is append-only, enforced by the database.
 *
 * Every transition and config change is an event; auditors rely on none of
 * them ever changing or disappearing. Triggers refuse UPDATE and DELETE (and
 * TRUNCATE on PostgreSQL) of jit_request_events, whatever code runs.
 */

// @ts-check

const MESSAGE = 'jit_request_events is append-only';

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE OR REPLACE FUNCTION jit_request_events_append_only() RETURNS trigger AS $$
      BEGIN
        RAISE EXCEPTION '${MESSAGE}: % is not allowed', TG_OP;
      END
      $$ LANGUAGE plpgsql`);
    await knex.raw(`
      CREATE TRIGGER jit_request_events_no_change
      BEFORE UPDATE OR DELETE ON jit_request_events
      FOR EACH ROW EXECUTE FUNCTION jit_request_events_append_only()`);
    await knex.raw(`
      CREATE TRIGGER jit_request_events_no_truncate
      BEFORE TRUNCATE ON jit_request_events
      FOR EACH STATEMENT EXECUTE FUNCTION jit_request_events_append_only()`);
    return;
  }
  // SQLite
  for (const op of ['UPDATE', 'DELETE']) {
    await knex.raw(`
      CREATE TRIGGER jit_request_events_no_${op.toLowerCase()}
      BEFORE ${op} ON jit_request_events
      BEGIN
        SELECT RAISE(ABORT, '${MESSAGE}: ${op} is not allowed');
      END`);
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS jit_request_events_no_change ON jit_request_events');
    await knex.raw('DROP TRIGGER IF EXISTS jit_request_events_no_truncate ON jit_request_events');
    await knex.raw('DROP FUNCTION IF EXISTS jit_request_events_append_only()');
    return;
  }
  await knex.raw('DROP TRIGGER IF EXISTS jit_request_events_no_update');
  await knex.raw('DROP TRIGGER IF EXISTS jit_request_events_no_delete');
};
