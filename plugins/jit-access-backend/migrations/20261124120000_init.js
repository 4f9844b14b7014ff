/*
 * JIT Access: initial schema.
 *
 * Times are stored as epoch milliseconds (bigint) so that comparisons and
 * ordering behave the same on SQLite and PostgreSQL.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('jit_accounts', table => {
    table.comment('AWS accounts known to JIT Access and whether they are onboarded');
    table.string('account_id', 12).primary().comment('12-digit AWS account id');
    table.string('name').notNullable().comment('Display name (catalog entity name or config)');
    table.string('entity_ref').nullable().comment('Catalog entity representing the account');
    table.boolean('onboarded').notNullable().defaultTo(false).comment('Enabled for JIT access by an admin');
    table.boolean('custom_policy_allowed').notNullable().defaultTo(false).comment('Custom permission set requests allowed');
    table.text('assigned_owners').notNullable().defaultTo('[]').comment('JSON array of user/group refs assigned as owners by admins');
    table.bigInteger('updated_at').notNullable().comment('Epoch ms of the last change');
  });

  await knex.schema.createTable('jit_permission_sets', table => {
    table.comment('Permission sets known from Identity Center or config');
    table.string('arn').primary().comment('Permission set ARN');
    table.string('name').notNullable();
    table.text('description').nullable();
    table.string('session_duration').notNullable().comment('ISO-8601 session duration, PT1H..PT12H');
    table.boolean('requires_two_levels').notNullable().defaultTo(false).comment('Risk-tiered: needs owner and admin approval');
    table.string('source').notNullable().defaultTo('identity-center');
    table.bigInteger('synced_at').nullable();
  });

  await knex.schema.createTable('jit_account_permission_sets', table => {
    table.comment('Permission sets enabled per account');
    table.string('account_id', 12).notNullable().references('account_id').inTable('jit_accounts').onDelete('CASCADE');
    table.string('permission_set_arn').notNullable();
    table.primary(['account_id', 'permission_set_arn'], 'jit_account_permission_sets_pk');
  });

  await knex.schema.createTable('jit_settings', table => {
    table.comment('Global settings edited on the config page');
    table.string('key').primary();
    table.text('value').notNullable().comment('JSON value');
  });

  await knex.schema.createTable('jit_requests', table => {
    table.comment('Access requests; status changes are guarded updates (WHERE status = expected)');
    table.string('id', 16).primary().comment('Short human id, e.g. JIT-7K3F9Q');
    table.string('requester').notNullable().comment('User entity ref');
    table.string('account_id', 12).notNullable();
    table.string('account_name').notNullable();
    table.string('account_entity_ref').nullable();
    table.string('kind', 16).notNullable().comment('standard | custom');
    table.string('permission_set_arn').nullable();
    table.string('permission_set_name').nullable();
    table.text('custom_policy').nullable();
    table.integer('requested_minutes').notNullable();
    table.integer('effective_minutes').notNullable();
    table.string('duration_cause', 32).notNullable();
    table.text('reason').notNullable();
    table.string('ticket').nullable();
    table.bigInteger('start_at').nullable().comment('Requested start, epoch ms');
    table.string('status', 16).notNullable();
    table.integer('current_step').nullable();
    table.integer('required_steps').notNullable();
    table.text('status_reason').nullable().comment('End reason or failure message (AWS message kept)');
    table.string('end_reason', 16).nullable().comment('expire | revoke | end-early while ending');
    table.string('principal_id').nullable().comment('Identity Store user id');
    table.boolean('assignment_preexisting').nullable().comment('An assignment existed before ours (standing access)');
    table.string('temp_permission_set_arn').nullable().comment('Temporary permission set of a custom request');
    table.integer('attempts').notNullable().defaultTo(0);
    table.bigInteger('next_attempt_at').nullable().comment('Lifecycle work is due at this time (epoch ms)');
    table.string('lease_owner').nullable().comment('Worker holding the lifecycle lease');
    table.bigInteger('lease_until').nullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.bigInteger('decided_at').nullable();
    table.bigInteger('activated_at').nullable();
    table.bigInteger('expires_at').nullable();
    table.bigInteger('ended_at').nullable();
    table.index(['requester', 'created_at'], 'jit_requests_requester_idx');
    table.index(['account_id', 'status'], 'jit_requests_account_status_idx');
    table.index(['status', 'next_attempt_at'], 'jit_requests_due_idx');
    table.index(['created_at'], 'jit_requests_created_idx');
  });

  await knex.schema.createTable('jit_approval_steps', table => {
    table.comment('Approval steps of each request');
    table.string('request_id', 16).notNullable().references('id').inTable('jit_requests').onDelete('CASCADE');
    table.integer('step').notNullable();
    table.string('approver_kind', 16).notNullable().comment('owner | owner-or-admin | admin');
    table.string('status', 16).notNullable().comment('waiting | pending | approved | rejected | skipped');
    table.string('decided_by').nullable();
    table.bigInteger('decided_at').nullable();
    table.text('comment').nullable();
    table.primary(['request_id', 'step'], 'jit_approval_steps_pk');
  });

  await knex.schema.createTable('jit_request_events', table => {
    table.comment('Append-only log of every transition: never updated nor deleted');
    table.bigIncrements('id').primary();
    table.string('request_id', 16).notNullable();
    table.string('actor').notNullable().comment('User entity ref, or system:jit-access');
    table.bigInteger('at').notNullable();
    table.string('type', 32).notNullable();
    table.string('from_status', 16).nullable();
    table.string('to_status', 16).nullable();
    table.text('comment').nullable();
    table.index(['request_id', 'id'], 'jit_request_events_request_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('jit_request_events');
  await knex.schema.dropTable('jit_approval_steps');
  await knex.schema.dropTable('jit_requests');
  await knex.schema.dropTable('jit_settings');
  await knex.schema.dropTable('jit_account_permission_sets');
  await knex.schema.dropTable('jit_permission_sets');
  await knex.schema.dropTable('jit_accounts');
};
