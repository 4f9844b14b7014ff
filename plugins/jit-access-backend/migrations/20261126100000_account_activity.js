/*
 * JIT Access: indexes for the activity of one account (owners' and admins'
 * charts): sessions by activation time and final decisions by decision time,
 * per account (requests by creation time use the (account_id, created_at, id)
 * index of the next migration, 20261126110000_list_indexes), so the window's queries read one
 * account's rows in the window instead of all its requests (and, for the
 * median time to approve, all approval steps).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jit_requests', table => {
    table.index(['account_id', 'activated_at'], 'jit_requests_account_activated_idx');
    table.index(['account_id', 'decided_at'], 'jit_requests_account_decided_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jit_requests', table => {
    table.dropIndex(['account_id', 'decided_at'], 'jit_requests_account_decided_idx');
    table.dropIndex(['account_id', 'activated_at'], 'jit_requests_account_activated_idx');
  });
};
