/*
 * JIT Access: break-glass (self-approved emergency access) per account, and
 * the review every break-glass request waits for after the fact.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jit_accounts', table => {
    table
      .boolean('break_glass_allowed')
      .notNullable()
      .defaultTo(false)
      .comment('Self-approved emergency access allowed (set by an admin)');
  });
  await knex.schema.alterTable('jit_requests', table => {
    table
      .boolean('break_glass')
      .notNullable()
      .defaultTo(false)
      .comment('Self-approved emergency access: announced to owners and admins, reviewed after');
    table
      .string('review_status', 8)
      .nullable()
      .comment('open | closed for break-glass requests; null otherwise. Closed with a guarded update');
    table.string('review_closed_by').nullable().comment('User entity ref of the owner or admin who closed the review');
    table.bigInteger('review_closed_at').nullable().comment('Epoch ms the review was closed');
    table.text('review_comment').nullable().comment('The reviewer comment (required to close)');
    table.index(['review_status', 'created_at'], 'jit_requests_review_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jit_requests', table => {
    table.dropIndex(['review_status', 'created_at'], 'jit_requests_review_idx');
    table.dropColumn('review_comment');
    table.dropColumn('review_closed_at');
    table.dropColumn('review_closed_by');
    table.dropColumn('review_status');
    table.dropColumn('break_glass');
  });
  await knex.schema.alterTable('jit_accounts', table => {
    table.dropColumn('break_glass_allowed');
  });
};
