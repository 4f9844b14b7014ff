/*
 * JIT Access: a version of the pending requests, for the approvals page's
 * cache (service/PendingPages.ts).
 *
 * Every write that creates a pending request, changes one or takes one out
 * of pending (a decision, a cancellation, a time-out) adds 1 to one of these
 * counters in the same statement or transaction, so the sum of them changes
 * with every committed change to what any approvals page shows, on whichever
 * replica it was made. A replica serves an approvals page from memory while
 * the sum is the one it read before building the page (one tiny query
 * instead of the page's), and builds it anew otherwise.
 *
 * Sixteen counters rather than one: a writer holds the row it adds to until
 * it commits, so with one row every decision and creation of every replica
 * would wait for the previous one's commit. A write takes the counter of its
 * request id (one per statement or transaction, taken last, so two writes
 * never wait for each other's counters in a cycle).
 */

// @ts-check

const SLOTS = 16;

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('jit_pending_versions', table => {
    table.comment('Counters whose sum changes with every change to pending requests (see the migration)');
    table.integer('slot').primary().notNullable().comment(`0 to ${SLOTS - 1}: the counter of the request ids that hash to it`);
    table.bigInteger('version').notNullable().defaultTo(0).comment('Changes to pending requests counted here');
  });
  await knex('jit_pending_versions').insert(
    Array.from({ length: SLOTS }, (_, slot) => ({ slot, version: 0 })),
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('jit_pending_versions');
};
