/*
 * JIT Access: extension requests and expiry warnings.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jit_requests', table => {
    table
      .string('extends_request_id', 16)
      .nullable()
      .comment('The active request this one extends; on activation it takes over the session');
    table.bigInteger('warned_at').nullable().comment('When the ending-soon warning went out (epoch ms)');
    table.index(['status', 'expires_at'], 'jit_requests_expiry_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jit_requests', table => {
    table.dropIndex(['status', 'expires_at'], 'jit_requests_expiry_idx');
    table.dropColumn('warned_at');
    table.dropColumn('extends_request_id');
  });
};
