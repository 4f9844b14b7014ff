/*
 * The API benchmark's bulk load, in SQL: accounts, two years of requests
 * with their approval steps and events, and pending requests for team-main.
 */
import { demoSeed } from '@jit-access/identity-center-emulator';
import type { Knex } from 'knex';
import {
  accountIdOf,
  accountNameOf,
  BENCH_ACCOUNTS,
  BENCH_ADMIN,
  BENCH_USERS,
  FIRST_PLAIN_USER,
  MAIN_TEAM_ACCOUNTS,
} from '../../benchCatalog';
// ------------------------------------------------------------------ the load

export const DAY = 24 * 3600_000;

export const requestIdOf = (g: number) =>
  `JIT-B${g.toString(16).toUpperCase().padStart(8, '0')}`;

/** Accounts, owners, permission sets: what an admin's onboarding leaves. */
async function loadAccounts(knex: Knex, now: number) {
  const [readOnly, powerUser, admin] = demoSeed().permissionSets;
  await knex('jit_permission_sets').insert(
    [readOnly, powerUser, admin].map(p => ({
      arn: p.arn,
      name: p.name,
      description: p.description ?? null,
      session_duration: p.sessionDuration,
      // AdministratorAccess is risk-tiered: owner, then admin.
      requires_two_levels: p === admin,
      source: 'identity-center',
      synced_at: now,
    })),
  );
  const accounts = Array.from({ length: BENCH_ACCOUNTS }, (_, i) => ({
    account_id: accountIdOf(i),
    name: accountNameOf(i),
    entity_ref: `resource:default/${accountNameOf(i)}`,
    onboarded: true,
    custom_policy_allowed: i % 5 === 0,
    break_glass_allowed: i % 10 === 0,
    // Some accounts have an owner assigned on the config page besides the catalog's.
    assigned_owners: JSON.stringify(i % 7 === 0 ? [BENCH_ADMIN] : []),
    updated_at: now,
  }));
  await knex.batchInsert('jit_accounts', accounts, 500);
  const links = accounts.flatMap((a, i) =>
    [readOnly, powerUser, ...(i % 3 === 0 ? [admin] : [])].map(p => ({
      account_id: a.account_id,
      permission_set_arn: p.arn,
    })),
  );
  await knex.batchInsert('jit_account_permission_sets', links, 500);
}

/**
 * Requests over two years, in creation order; ids JIT-B + hex. States by
 * age: pending only within the pending timeout (3 days), active while their
 * session runs, the rest ended one way or another.
 */
async function loadRequests(
  knex: Knex,
  n: number,
  now: number,
  firstId = 1,
  createdFrom?: number,
  status?: string,
) {
  const [readOnly, powerUser, admin] = demoSeed().permissionSets;
  const span = 730 * DAY;
  const from = createdFrom ?? now - span;
  const to = now - 60_000;
  await knex.raw(
    `
    WITH base AS (
      SELECT g,
        'JIT-B' || lpad(upper(to_hex(g)), 8, '0') AS id,
        ((g::bigint * 7919) % ${BENCH_ACCOUNTS})::int AS acct,
        (${FIRST_PLAIN_USER} + (g::bigint * 104729) % (${BENCH_USERS} - ${FIRST_PLAIN_USER} + 1))::int AS usr,
        ((g::bigint * 2654435761) % 1000)::int AS h,
        (:from::bigint + ((g - :first)::bigint * (:to::bigint - :from::bigint)) / GREATEST(:n::bigint, 1))::bigint AS created
      FROM generate_series(:first::int, :first::int + :n::int - 1) g
    ), k AS (
      SELECT *,
        CASE WHEN g % 50 = 0 AND acct % 5 = 0 THEN 3          -- custom policy
             WHEN acct % 3 = 0 THEN (g % 3)::int ELSE (g % 2)::int END AS ps
      FROM base
    ), d AS (
      SELECT *,
        CASE ps WHEN 0 THEN 60 WHEN 1 THEN 240 WHEN 2 THEN 480 ELSE 120 END AS eff,
        CASE WHEN ps >= 2 THEN 2 ELSE 1 END AS steps
      FROM k
    ), s AS (
      SELECT *,
        ${
          status
            ? `'${status}'`
            : `CASE
          WHEN :now::bigint - created < 3 * ${DAY} AND h < 500 THEN 'pending'
          WHEN :now::bigint - created < eff * 60000 - 30 * 60000 AND h < 900 THEN 'active'
          WHEN h < 100 THEN 'rejected'
          WHEN h < 150 THEN 'cancelled'
          WHEN h < 230 THEN 'timed_out'
          WHEN h < 240 THEN 'failed'
          WHEN h < 290 THEN 'revoked'
          WHEN h < 390 THEN 'ended'
          ELSE 'expired' END`
        } AS status
      FROM d
    ), t AS (
      SELECT *,
        CASE WHEN status IN ('pending', 'rejected', 'cancelled', 'timed_out') THEN NULL
             ELSE created + steps * 600000 END AS decided,
        CASE WHEN status IN ('active', 'expired', 'revoked', 'ended') THEN created + steps * 600000 + 60000 END AS activated
      FROM s
    )
    INSERT INTO jit_requests (id, requester, account_id, account_name, account_entity_ref, kind,
      permission_set_arn, permission_set_name, custom_policy, requested_minutes, effective_minutes,
      duration_cause, reason, ticket, status, current_step, required_steps, status_reason, end_reason,
      principal_id, assignment_preexisting, attempts, created_at, updated_at, decided_at, activated_at,
      expires_at, ended_at, break_glass)
    SELECT id,
      'user:default/user-' || lpad(usr::text, 4, '0'),
      (100000000000 + acct)::text,
      'acct-' || lpad(acct::text, 3, '0'),
      'resource:default/acct-' || lpad(acct::text, 3, '0'),
      CASE WHEN ps = 3 THEN 'custom' ELSE 'standard' END,
      CASE ps WHEN 0 THEN :ro WHEN 1 THEN :pu WHEN 2 THEN :ad END,
      CASE ps WHEN 0 THEN 'ReadOnlyAccess' WHEN 1 THEN 'PowerUserAccess' WHEN 2 THEN 'AdministratorAccess' END,
      CASE WHEN ps = 3 THEN '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}' END,
      eff, eff, 'requested',
      'Investigate incident ' || (g % 9973) || ' in ' || 'acct-' || lpad(acct::text, 3, '0'),
      CASE WHEN g % 4 = 0 THEN 'INC-' || (g % 100000) END,
      status,
      CASE WHEN status = 'pending' THEN 1 END,
      steps,
      CASE status WHEN 'rejected' THEN 'Use the read-only set' WHEN 'failed' THEN 'AccessDeniedException: not authorized' END,
      CASE status WHEN 'expired' THEN 'expire' WHEN 'revoked' THEN 'revoke' WHEN 'ended' THEN 'end-early' END,
      CASE WHEN decided IS NOT NULL THEN '9067a1b2c3-' || lpad(usr::text, 4, '0') END,
      CASE WHEN decided IS NOT NULL THEN false END,
      0,
      created,
      COALESCE(CASE status WHEN 'expired' THEN activated + eff * 60000 + 5000
                           WHEN 'revoked' THEN activated + eff * 20000
                           WHEN 'ended' THEN activated + eff * 30000
                           WHEN 'failed' THEN decided + 60000
                           WHEN 'cancelled' THEN created + 300000
                           WHEN 'timed_out' THEN created + 3 * ${DAY}
                           WHEN 'rejected' THEN created + 600000 END, activated, created),
      CASE WHEN status = 'rejected' THEN created + 600000 ELSE decided END,
      activated,
      activated + eff * 60000,
      CASE status WHEN 'expired' THEN activated + eff * 60000 + 5000
                  WHEN 'revoked' THEN activated + eff * 20000
                  WHEN 'ended' THEN activated + eff * 30000
                  WHEN 'failed' THEN decided + 60000
                  WHEN 'cancelled' THEN created + 300000
                  WHEN 'timed_out' THEN created + 3 * ${DAY} END,
      false
    FROM t ORDER BY g`,
    {
      n,
      now,
      from,
      to,
      first: firstId,
      ro: readOnly.arn,
      pu: powerUser.arn,
      ad: admin.arn,
    },
  );
  const range = knex.raw(`id >= ? AND id <= ?`, [
    requestIdOf(firstId),
    requestIdOf(firstId + n - 1),
  ]);
  // Steps: owner (and admin for two levels); the owner approving is a member of the account's team.
  await knex.raw(
    `
    INSERT INTO jit_approval_steps (request_id, step, approver_kind, status, decided_by, decided_at, comment)
    SELECT r.id, st.step,
      CASE WHEN r.required_steps = 1 THEN 'owner-or-admin' WHEN st.step = 1 THEN 'owner' ELSE 'admin' END,
      CASE WHEN r.status = 'pending' THEN CASE WHEN st.step = 1 THEN 'pending' ELSE 'waiting' END
           WHEN r.status = 'rejected' THEN CASE WHEN st.step = 1 THEN 'rejected' ELSE 'waiting' END
           WHEN r.status IN ('cancelled', 'timed_out') THEN CASE WHEN st.step = 1 THEN 'pending' ELSE 'waiting' END
           ELSE 'approved' END,
      CASE WHEN r.status IN ('pending', 'cancelled', 'timed_out') THEN NULL
           WHEN r.status = 'rejected' AND st.step = 2 THEN NULL
           WHEN st.step = 2 THEN :admin
           ELSE 'user:default/user-' || lpad((1 +
             CASE WHEN (r.account_id::bigint - 100000000000) < ${MAIN_TEAM_ACCOUNTS} THEN 0
                  ELSE ((r.account_id::bigint - 100000000000 - ${MAIN_TEAM_ACCOUNTS}) / 10 + 1) * 5 END
             + (r.created_at % 5))::text, 4, '0') END,
      CASE WHEN r.status IN ('pending', 'cancelled', 'timed_out') THEN NULL
           WHEN r.status = 'rejected' AND st.step = 2 THEN NULL
           ELSE r.created_at + st.step * 600000 END,
      CASE WHEN r.status = 'rejected' AND st.step = 1 THEN 'Use the read-only set' END
    FROM jit_requests r CROSS JOIN generate_series(1, 2) st(step)
    WHERE st.step <= r.required_steps AND ${range}
    ORDER BY r.id, st.step`,
    { admin: BENCH_ADMIN },
  );
  // Events: the chain each final state went through (see LifecycleEngine and JitAccessService).
  await knex.raw(
    `
    INSERT INTO jit_request_events (request_id, actor, at, type, from_status, to_status, comment)
    SELECT r.id,
      CASE e.actor WHEN 'requester' THEN r.requester WHEN 'owner' THEN COALESCE(s1.decided_by, :admin)
                   WHEN 'admin' THEN :admin ELSE 'system:jit-access' END,
      CASE e.at WHEN 'created' THEN r.created_at WHEN 'step1' THEN r.created_at + 600000
                WHEN 'decided' THEN COALESCE(r.decided_at, r.created_at + 600000)
                WHEN 'provisioning' THEN r.decided_at + 1000 WHEN 'activated' THEN r.activated_at
                WHEN 'ending' THEN r.ended_at - 5000 ELSE COALESCE(r.ended_at, r.updated_at) END,
      e.type, e.from_s,
      CASE e.type WHEN 'approved-step-1' THEN CASE WHEN r.required_steps = 1 THEN 'approved' ELSE 'pending' END
                  WHEN 'ended' THEN r.status ELSE e.to_s END,
      NULL
    FROM jit_requests r
    LEFT JOIN jit_approval_steps s1 ON s1.request_id = r.id AND s1.step = 1
    JOIN (VALUES
      (0, 'any', 'created', 'requester', 'created', NULL, 'pending'),
      (1, 'rejected', 'rejected', 'owner', 'decided', 'pending', 'rejected'),
      (1, 'cancelled', 'cancelled', 'requester', 'end', 'pending', 'cancelled'),
      (1, 'timed_out', 'timed-out', 'system', 'end', 'pending', 'timed_out'),
      (1, 'approved', 'approved-step-1', 'owner', 'step1', 'pending', NULL),
      (2, 'approved', 'approved-step-2', 'admin', 'decided', 'pending', 'approved'),
      (3, 'approved', 'provisioning', 'system', 'provisioning', 'approved', 'provisioning'),
      (4, 'failed', 'failed', 'system', 'end', 'provisioning', 'failed'),
      (4, 'activated', 'activated', 'system', 'activated', 'provisioning', 'active'),
      (5, 'expired', 'expiring', 'system', 'ending', 'active', 'ending'),
      (5, 'revoked', 'revoked', 'owner', 'ending', 'active', 'ending'),
      (5, 'ended', 'end-early', 'requester', 'ending', 'active', 'ending'),
      (6, 'over', 'ended', 'system', 'end', 'ending', NULL)
    ) e(seq, applies, type, actor, at, from_s, to_s)
    ON e.applies = 'any' OR e.applies = r.status
       OR (e.applies = 'approved' AND r.status IN ('failed', 'active', 'expired', 'revoked', 'ended')
           AND (e.seq <> 2 OR r.required_steps = 2))
       OR (e.applies = 'activated' AND r.status IN ('active', 'expired', 'revoked', 'ended'))
       OR (e.applies = 'over' AND r.status IN ('expired', 'revoked', 'ended'))
    WHERE ${range.toQuery().replace(/\bid\b/g, 'r.id')}
    ORDER BY r.id, e.seq`,
    { admin: BENCH_ADMIN },
  );
}

export async function bulkLoad(knex: Knex, n: number, now: number) {
  await loadAccounts(knex, now);
  await loadRequests(knex, n, now);
  await knex.raw('ANALYZE');
}

/** Pending requests for team-main's accounts, for the approve benchmark. */
export async function loadPending(knex: Knex, first: number, count: number) {
  const now = Date.now();
  await loadRequests(knex, count, now, first, now - 3600_000, 'pending');
  // loadRequests spreads accounts over all 300: keep them on team-main's.
  await knex.raw(
    `UPDATE jit_requests SET account_id = (100000000000 + (account_id::bigint - 100000000000) % ${MAIN_TEAM_ACCOUNTS})::text,
       account_name = 'acct-' || lpad(((account_id::bigint - 100000000000) % ${MAIN_TEAM_ACCOUNTS})::text, 3, '0'),
       account_entity_ref = 'resource:default/acct-' || lpad(((account_id::bigint - 100000000000) % ${MAIN_TEAM_ACCOUNTS})::text, 3, '0')
     WHERE id >= ? AND id <= ?`,
    [requestIdOf(first), requestIdOf(first + count - 1)],
  );
}
