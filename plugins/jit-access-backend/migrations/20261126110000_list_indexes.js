/*
 * JIT Access: indexes for the list endpoints (issue 8, API benchmark; see
 * docs/benchmarks.md "API benchmark" for the plans before and after).
 *
 * Every list is ordered newest first, `created_at DESC, id DESC`, and pages
 * with a keyset cursor `(created_at, id) < (?, ?)`:
 *
 *  - history of some accounts (an owner's, or one account's tab), with a
 *    date range: (account_id, created_at, id) serves the filter, the range,
 *    the order and the cursor from one index, instead of a bitmap of the
 *    account's rows sorted on every page;
 *  - history of all accounts (approvers, admins, the CSV export):
 *    (created_at, id) reads the order and the cursor off the index, instead
 *    of an incremental sort on created_at alone; it replaces the index on
 *    created_at alone;
 *  - pending approvals: a partial index of the pending requests only,
 *    (account_id, created_at, id) WHERE status = 'pending', a few thousand
 *    rows however long the history grows.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jit_requests', table => {
    table.index(['account_id', 'created_at', 'id'], 'jit_requests_account_created_idx');
    table.index(['created_at', 'id'], 'jit_requests_created_id_idx');
    table.index(['account_id', 'created_at', 'id'], 'jit_requests_pending_idx', {
      predicate: knex.whereRaw("status = 'pending'"),
    });
    table.dropIndex(['created_at'], 'jit_requests_created_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jit_requests', table => {
    table.index(['created_at'], 'jit_requests_created_idx');
    table.dropIndex(['account_id', 'created_at', 'id'], 'jit_requests_pending_idx');
    table.dropIndex(['created_at', 'id'], 'jit_requests_created_id_idx');
    table.dropIndex(['account_id', 'created_at', 'id'], 'jit_requests_account_created_idx');
  });
};
