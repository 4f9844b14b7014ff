/*
 * JIT Access: locks on Identity Center assignments.
 *
 * Every decision about one assignment (user, account, permission set): "is
 * it standing access?", "create it", "does another grant still need it?",
 * "delete it", is taken under a lock on that assignment, so grants and
 * revocations of overlapping requests, on any number of replicas, and the
 * reconciler never interleave. A lock is a lease: a crashed holder's lock
 * expires, and its work is picked up again.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('jit_locks', table => {
    table.comment('Leases on Identity Center assignments (see the migration)');
    table.string('key', 255).primary().notNullable().comment('What is locked, e.g. assignment:<account>:<permission set>:<principal>');
    table.string('owner', 255).notNullable().comment('The worker holding the lock');
    table.bigInteger('lease_until').notNullable().comment('The lock is free after this time (epoch ms)');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('jit_locks');
};
