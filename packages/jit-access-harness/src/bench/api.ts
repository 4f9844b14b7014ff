/*
 * API benchmark (`npm run bench:api`): the plugin's HTTP API on PostgreSQL
 * holding a large history, under 50 concurrent connections.
 *
 *   1. A fresh database (jit_bench_api, dropped afterwards) gets the plugin's
 *      migrations, then a bulk load in SQL (not through the API) of
 *      JIT_BENCH_REQUESTS (default 1,000,000) requests over ~2 years, 300
 *      onboarded accounts and 5,000 users, with their approval steps and
 *      events in the shape the product writes them.
 *   2. The real router (apiBenchServer.ts: the harness's wiring, Identity
 *      Center emulator, a catalog where team-main owns 50 accounts) runs in
 *      its own process; autocannon drives each endpoint for --duration
 *      seconds at --connections connections, --rounds times (medians
 *      reported), after 2 s of warm-up that is not counted. The approvals
 *      page runs twice: as the endpoint is asked again and again (the
 *      replica serves the page it keeps while the pending requests are
 *      unchanged, PendingPages), and listed anew each time (each connection
 *      creates a request on the owner's accounts, lists the page, the call
 *      measured, and cancels the request).
 *   3. EXPLAIN (ANALYZE, BUFFERS) of the SQL that one call of each list
 *      endpoint runs goes to docs/benchmarks/api-explain.txt, and of the
 *      approvals page's change check after the rounds.
 *
 * Options: --duration S (10), --connections N (50), --rounds N (3), --replicas N (1),
 * --out FILE (docs/benchmarks/api.json).
 */
/* eslint-disable no-console */
import autocannon from 'autocannon';
import { demoSeed } from '@jit-access/identity-center-emulator';
import { mockCredentials } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createTestStore } from '../../../../plugins/jit-access-backend/src/database/__testUtils__/testStore';
import {
  accountIdOf,
  accountNameOf,
  BENCH_ACCOUNTS,
  BENCH_ADMIN,
  BENCH_USERS,
  FIRST_PLAIN_USER,
  MAIN_OWNER,
  MAIN_TEAM_ACCOUNTS,
  userRefOf,
} from '../benchCatalog';
import { startTsProcess } from '../engineProcesses';
import type { ApiBenchServerConfig } from '../apiBenchServer';

const DATABASE = 'jit_bench_api';
const DAY = 24 * 3600_000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

// ------------------------------------------------------------------ the load

const requestIdOf = (g: number) =>
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

async function bulkLoad(knex: Knex, n: number, now: number) {
  await loadAccounts(knex, now);
  await loadRequests(knex, n, now);
  await knex.raw('ANALYZE');
}

// --------------------------------------------------------------- the server

interface Round {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** The same percentiles measured inside the server (see apiBenchServer.ts). */
  server?: { p50: number; p95: number; p99: number };
  /** CPU time per response (ms): the server, PostgreSQL's processes, the load generator. */
  cpu?: CpuPerResponse;
}

interface EndpointResult {
  endpoint: string;
  who: string;
  rounds: Round[];
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  errors: number;
  server: { p50: number; p95: number; p99: number };
  cpu: CpuPerResponse;
}

interface CpuPerResponse {
  server: number;
  postgres: number;
  loadGenerator: number;
}

/**
 * CPU seconds (user + system) used so far by the server process, by every
 * `postgres` process on this machine and by this process (the load
 * generator), from /proc: where a round's two cores went. NaN off Linux.
 */
function cpuSeconds(serverPids: number[]): CpuPerResponse {
  const TICKS = 100; // USER_HZ (getconf CLK_TCK)
  const ofPid = (pid: string) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS; // utime + stime
  };
  const own = process.cpuUsage();
  try {
    let postgres = 0;
    for (const pid of readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres')
          postgres += ofPid(pid);
      } catch {
        // the process ended meanwhile
      }
    }
    return {
      server: serverPids.reduce((sum, pid) => sum + ofPid(String(pid)), 0),
      postgres,
      loadGenerator: (own.user + own.system) / 1e6,
    };
  } catch {
    return { server: NaN, postgres: NaN, loadGenerator: NaN };
  }
}

type Req = {
  method: 'GET' | 'POST';
  path: string;
  user: string;
  body?: object;
};

const authHeader = (user: string) => mockCredentials.user.header(user);

/** The servers' recent stderr (their error log), once they run. */
let serverLog: () => string = () => '';

/** One autocannon run; latencies of every 2xx/4xx/5xx response recorded by us (autocannon has no p95). */
async function cannon(
  urls: string[],
  options: { connections: number; duration: number },
  steps: Array<(ctx: Record<string, unknown>) => Req | undefined>,
  capture?: (
    status: number,
    body: string,
    ctx: Record<string, unknown>,
  ) => void,
  /** Only this step's responses count in the latencies and req/s (default: every step's). */
  measuredStep?: number,
): Promise<Round & { completedSequences: number }> {
  const latencies: number[] = [];
  // The step of the response autocannon reports next: it calls a step's
  // onResponse right before its 'response' event, in the same tick.
  let stepOfResponse = 0;
  let errors = 0;
  let sequences = 0;
  const base = new URL(urls[0]).pathname.replace(/\/$/, '');
  const options_ = {
    // Several servers (--replicas): autocannon spreads the connections over them.
    url: (urls.length === 1 ? urls[0] : urls) as string,
    connections: options.connections,
    duration: options.duration,
    requests: steps.map((step, i) => ({
      setupRequest: (_req: any, context: any) => {
        const r = step(context);
        if (!r) return undefined as any;
        return {
          method: r.method,
          path: `${base}${r.path}`,
          headers: {
            authorization: authHeader(r.user),
            ...(r.body ? { 'content-type': 'application/json' } : {}),
            // As a browser asks; not where the benchmark reads the body
            // (capture: what a POST returned).
            ...(capture && r.method !== 'GET' ? {} : { 'accept-encoding': 'gzip, deflate, br' }),
          },
          body: r.body ? JSON.stringify(r.body) : undefined,
        } as any;
      },
      onResponse: (status: number, body: string, context: any) => {
        stepOfResponse = i;
        if (status >= 300) {
          errors++;
          // what went wrong, the first few times (gzipped bodies unreadable)
          if (errors <= 3) {
            console.error(`  error: ${status} ${String(body).slice(0, 300)}`);
            // A 500 names a logId: the server's log line for it says why.
            const logId = /logId=(\w+)/.exec(String(body))?.[1];
            const log = serverLog().split('\n');
            const at = logId ? log.findIndex(l => l.includes(logId)) : -1;
            if (at >= 0) console.error(`    server: ${log.slice(at, at + 6).join('\n    ').slice(0, 2000)}`);
          }
        }
        else if (i === steps.length - 1) sequences++;
        capture?.(status, body, context);
      },
    })),
  };
  const result = await new Promise<autocannon.Result>(
    (resolveRun, rejectRun) => {
      const instance = autocannon(options_, (err, r) =>
        err ? rejectRun(err) : resolveRun(r),
      );
      instance.on(
        'response',
        (_c: unknown, _status: number, _bytes: number, ms: number) => {
          if (measuredStep === undefined || stepOfResponse === measuredStep) latencies.push(ms);
        },
      );
    },
  );
  latencies.sort((a, b) => a - b);
  const seconds = result.duration;
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: errors + result.errors + result.timeouts,
    completedSequences: sequences,
  };
}

function summarise(
  endpoint: string,
  who: string,
  rounds: Round[],
): EndpointResult {
  return {
    endpoint,
    who,
    rounds,
    p50: median(rounds.map(r => r.p50)),
    p95: median(rounds.map(r => r.p95)),
    p99: median(rounds.map(r => r.p99)),
    rps: median(rounds.map(r => r.rps)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    cpu: {
      server: median(rounds.map(r => r.cpu?.server ?? NaN)),
      postgres: median(rounds.map(r => r.cpu?.postgres ?? NaN)),
      loadGenerator: median(rounds.map(r => r.cpu?.loadGenerator ?? NaN)),
    },
    server: {
      p50: median(rounds.map(r => r.server?.p50 ?? NaN)),
      p95: median(rounds.map(r => r.server?.p95 ?? NaN)),
      p99: median(rounds.map(r => r.server?.p99 ?? NaN)),
    },
  };
}

// ------------------------------------------------------------------ EXPLAIN

/** Runs one HTTP call while recording the SQL it sends, then EXPLAINs each SELECT. */
async function explainCall(
  knex: Knex,
  serverDb: Knex,
  title: string,
  call: () => Promise<unknown>,
): Promise<string> {
  const seen = new Map<string, unknown[]>();
  const record = (q: { sql: string; bindings?: unknown[] }) => {
    if (/^\s*select/i.test(q.sql)) seen.set(q.sql, q.bindings ?? []);
  };
  serverDb.on('query', record);
  try {
    await call();
  } finally {
    serverDb.removeListener('query', record);
  }
  const out = [`### ${title}`, ''];
  for (const [sql, bindings] of seen) {
    let i = 0;
    const positional = sql.replace(/\?/g, () => `$${++i}`);
    const conn = await knex.client.acquireConnection();
    try {
      const res = await conn.query(
        `EXPLAIN (ANALYZE, BUFFERS) ${positional}`,
        bindings,
      );
      out.push(
        `${sql}`,
        `  -- bindings: ${JSON.stringify(bindings).slice(0, 300)}`,
      );
      out.push(...res.rows.map((r: any) => `  ${r['QUERY PLAN']}`), '');
    } finally {
      await knex.client.releaseConnection(conn);
    }
  }
  return out.join('\n');
}

// --------------------------------------------------------------------- main

async function main() {
  const pgUrl =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
    'postgresql://postgres@127.0.0.1:5432';
  const n = Number(process.env.JIT_BENCH_REQUESTS ?? 1_000_000);
  const duration = Number(arg('duration', '10'));
  const connections = Number(arg('connections', '50'));
  const roundsPerEndpoint = Number(arg('rounds', '3'));
  /** --only approvals,/accounts: the endpoints whose name contains one of these. */
  const only = arg('only', '').split(',').filter(Boolean);
  const out = resolve(
    __dirname,
    '../../../..',
    arg('out', 'docs/benchmarks/api.json'),
  );
  const started = new Date().toISOString();

  const admin = knexFactory({ client: 'pg', connection: pgUrl });
  // JIT_BENCH_KEEP=1: keep the bulk load as a template database and start
  // each run from a fresh copy of it (for iterating on one endpoint: every
  // run sees the same rows, not the ones earlier runs' POST rounds added).
  const keep = Boolean(process.env.JIT_BENCH_KEEP);
  const template = `${DATABASE}_loaded`;
  const exists = keep
    ? (await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [template])).rows.length > 0
    : false;
  const urlOf = (name: string) => {
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const t0 = Date.now();
  const loadNow = Date.now();
  const load = async (db: Knex) => {
    await createTestStore(db); // the plugin's migrations
    console.error(`loading ${n} requests...`);
    await bulkLoad(db, n, loadNow);
  };
  if (keep && !exists) {
    await admin.raw(`CREATE DATABASE ${template}`);
    const db = knexFactory({ client: 'pg', connection: urlOf(template), pool: { min: 0, max: 4 } });
    try {
      await load(db);
    } finally {
      await db.destroy();
    }
  }
  await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.raw(`CREATE DATABASE ${DATABASE}${keep ? ` TEMPLATE ${template}` : ''}`);
  const dbConfig: Knex.Config = { client: 'pg', connection: urlOf(DATABASE) };
  const knex = knexFactory({ ...dbConfig, pool: { min: 0, max: 4 } });
  /** --replicas N: N server processes on the one database, the load spread over them. */
  const replicas = Number(arg('replicas', '1'));
  const servers: Array<ReturnType<typeof startTsProcess>> = [];
  try {
    if (keep) {
      // Migrations added since the template was loaded run on the copy.
      await createTestStore(knex);
      console.error(exists ? `copied the loaded ${template} (JIT_BENCH_KEEP)` : `loaded ${template} and copied it`);
    } else {
      await load(knex);
    }
    const now = Date.now();
    const loadSeconds = (Date.now() - t0) / 1000;
    const counts = Object.fromEntries(
      await Promise.all(
        ['jit_requests', 'jit_approval_steps', 'jit_request_events'].map(
          async t => [t, Number((await knex(t).count({ c: '*' }))[0].c)],
        ),
      ),
    );
    const byStatus = await knex('jit_requests')
      .select('status')
      .count({ c: '*' })
      .groupBy('status');
    console.error(
      `loaded in ${loadSeconds.toFixed(1)} s: ${JSON.stringify(counts)}`,
    );

    const config: ApiBenchServerConfig = { db: dbConfig };
    for (let i = 0; i < replicas; i++) {
      servers.push(
        startTsProcess('apiBenchServer.ts', {
          JIT_API_BENCH_SERVER: JSON.stringify(config),
          // JIT_BENCH_PROFILE=<dir>: a CPU profile of the server, written when it stops.
          ...(process.env.JIT_BENCH_PROFILE
            ? {
                NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.JIT_BENCH_PROFILE}`,
              }
            : {}),
        }),
      );
    }
    const bases = await Promise.all(
      servers.map(
        async x =>
          `http://127.0.0.1:${Number((await x.readyLine).split(' ')[1])}`,
      ),
    );
    const serverPids = servers.map(x => x.process.pid!);
    serverLog = () => servers.map(x => x.stderr()).join('\n');
    const base = bases[0];
    const get = async (path: string, user: string) => {
      const res = await fetch(`${base}${path}`, {
        headers: { authorization: authHeader(user) },
      });
      if (!res.ok)
        throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };

    // What the endpoints return, so the figures are of real work.
    const accounts = await get('/accounts', BENCH_ADMIN);
    const approvals = await get(
      '/requests?view=approvals&limit=50',
      MAIN_OWNER,
    );
    console.error(
      `GET /accounts (admin): ${accounts.items.length} accounts; approvals page of ${MAIN_OWNER}: ${approvals.items.length}`,
    );
    if (accounts.items.length !== BENCH_ACCOUNTS)
      throw new Error('the admin should see every account');

    // History: team-main's accounts, ended states, the last 90 days, pages 1..3.
    const historyPaths: string[] = [];
    const since = new Date(now - 90 * DAY).toISOString();
    for (let a = 0; a < 10; a++) {
      let cursor: string | undefined;
      for (let page = 0; page < 3; page++) {
        const path = `/requests?view=history&accountId=${accountIdOf(
          a,
        )}&status=expired,revoked,ended&createdAfter=${encodeURIComponent(
          since,
        )}&limit=50${cursor ? `&cursor=${cursor}` : ''}`;
        historyPaths.push(path);
        const p = await get(path, MAIN_OWNER);
        cursor = p.nextCursor;
        if (!cursor) break;
      }
    }

    const explain = [
      `EXPLAIN (ANALYZE, BUFFERS) of the SQL one call of each list endpoint runs, ${started}, ${n} requests`,
      '',
    ];
    const probe = knexFactory({ ...dbConfig, pool: { min: 0, max: 1 } });
    // The server is another process: replay its list queries through our own store.
    {
      const store = await createTestStore(probe);
      /** Pages 1 and 2 by their cursors, then page 3: the query whose plan is shown. */
      const thirdPage = async (filter: Parameters<typeof store.listRequests>[0]) => {
        const p2 = await store.listRequests(filter);
        const p3 = await store.listRequests({ ...filter, cursor: p2.nextCursor });
        await store.listRequests({ ...filter, cursor: p3.nextCursor });
      };
      // the same filters the service passes for the three list endpoints
      const owned = Array.from({ length: MAIN_TEAM_ACCOUNTS }, (_, i) =>
        accountIdOf(i),
      );
      explain.push(
        await explainCall(
          knex,
          probe,
          'approvals list (owner of 50 accounts): pending, theirs, not their own',
          () =>
            store.listRequests({
              accountIds: owned,
              statuses: ['pending'],
              excludeRequester: MAIN_OWNER,
              limit: 50,
              withSteps: true, // as the service asks: the steps come in the same query
            }),
        ),
        await explainCall(
          knex,
          probe,
          'history: one account, ended states, last 90 days, page 1',
          () =>
            store.listRequests({
              accountIds: [accountIdOf(0)],
              statuses: ['expired', 'revoked', 'ended'],
              createdAfter: now - 90 * DAY,
              limit: 50,
            }),
        ),
        await explainCall(
          knex,
          probe,
          'history: all accounts (admin), ended states, page 1',
          () =>
            store.listRequests({
              statuses: ['expired', 'revoked', 'ended'],
              limit: 50,
            }),
        ),
        await explainCall(
          knex,
          probe,
          'history: all accounts (admin), ended states, page 3 (keyset cursor)',
          () =>
            thirdPage({
              statuses: ['expired', 'revoked', 'ended'],
              limit: 50,
            }),
        ),
        await explainCall(
          knex,
          probe,
          'history: one account, all states, page 3 (keyset cursor)',
          () => thirdPage({ accountIds: [accountIdOf(0)], limit: 50 }),
        ),
        await explainCall(
          knex,
          probe,
          'GET /accounts: accounts and their permission sets',
          () => store.listAccounts(),
        ),
      );
    }
    await probe.destroy();

    const results: EndpointResult[] = [];
    const opts = { connections, duration };
    const run = async (
      endpoint: string,
      who: string,
      makeSteps: () => Array<(ctx: Record<string, unknown>) => Req | undefined>,
      prepare?: () => Promise<void>,
      capture?: (
        status: number,
        body: string,
        ctx: Record<string, unknown>,
      ) => void,
      measuredStep?: number,
    ) => {
      const rounds: Array<Round & { completedSequences: number }> = [];
      if (only.length && !only.some(o => endpoint.includes(o))) return rounds;
      if (!prepare) {
        // Warm-up, not counted: JIT compilation, pools, caches.
        await cannon(bases, { connections, duration: 2 }, makeSteps(), capture, measuredStep);
      }
      for (let r = 0; r < roundsPerEndpoint; r++) {
        await prepare?.();
        console.error(
          `running: ${endpoint}, round ${r + 1}/${roundsPerEndpoint}...`,
        );
        await Promise.all(bases.map(b => fetch(`${b}/_bench/timings?reset=counts`))); // reset
        const cpuBefore = cpuSeconds(serverPids);
        const round = await cannon(bases, opts, makeSteps(), capture, measuredStep);
        const cpuAfter = cpuSeconds(serverPids);
        const perResponse = (k: keyof CpuPerResponse) =>
          ((cpuAfter[k] - cpuBefore[k]) * 1000) / round.requests;
        round.cpu = {
          server: perResponse('server'),
          postgres: perResponse('postgres'),
          loadGenerator: perResponse('loadGenerator'),
        };
        const inside = (
          await Promise.all(
            bases.map(
              async b =>
                (await (await fetch(`${b}/_bench/timings`)).json()) as number[],
            ),
          )
        )
          .flat()
          .sort((a, b) => a - b);
        round.server = {
          p50: percentile(inside, 50),
          p95: percentile(inside, 95),
          p99: percentile(inside, 99),
        };
        rounds.push(round);
      }
      const s = summarise(endpoint, who, rounds);
      results.push(s);
      console.error(
        `  p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, ${s.rps.toFixed(
          0,
        )} req/s, ${s.errors} errors; in the server p50 ${
          s.server.p50
        } ms, p95 ${s.server.p95} ms, p99 ${s.server.p99} ms; CPU per response: server ${s.cpu.server.toFixed(
          2,
        )} ms, PostgreSQL ${s.cpu.postgres.toFixed(
          2,
        )} ms, load generator ${s.cpu.loadGenerator.toFixed(2)} ms`,
      );
      return rounds;
    };

    await run('GET /accounts', 'admin (sees all 300)', () => [
      () => ({ method: 'GET', path: '/accounts', user: BENCH_ADMIN }),
    ]);
    const [readOnly] = demoSeed().permissionSets;
    let requester = 0;
    const createBody = (account: number) => ({
      accountId: accountIdOf(account),
      permissionSetArn: readOnly.arn,
      durationMinutes: 60,
      reason: 'Benchmark: look at the logs',
    });
    const nextRequester = () =>
      userRefOf(FIRST_PLAIN_USER + (requester++ % 200));
    /**
     * A step where the next requester asks for one of team-main's accounts
     * in turn (kept in the connection's context as `requester`; the
     * capture keeps the new request's id as `id`).
     */
    const createOnMainAccounts = () => {
      let i = 0;
      return (ctx: Record<string, unknown>): Req => {
        const user = nextRequester();
        ctx.requester = user;
        return { method: 'POST', path: '/requests', user, body: createBody(i++ % MAIN_TEAM_ACCOUNTS) };
      };
    };
    await run('GET /requests?view=approvals', 'owner of 50 accounts', () => [
      () => ({
        method: 'GET',
        path: '/requests?view=approvals',
        user: MAIN_OWNER,
      }),
    ]);
    // The same page when it must be listed anew every time: each connection
    // creates a request on one of the owner's accounts, lists the page (the
    // call measured: the pending requests changed since the last page, on
    // every connection), and cancels its request (the owner's pending
    // requests stay as many).
    await run(
      'GET /requests?view=approvals, after a change (listed anew)',
      'owner of 50 accounts',
      () => {
        const create = createOnMainAccounts();
        return [
          create,
          () => ({ method: 'GET', path: '/requests?view=approvals', user: MAIN_OWNER }),
          ctx => ({ method: 'POST', path: `/requests/${ctx.id}/cancel`, user: ctx.requester as string, body: {} }),
        ];
      },
      undefined,
      (status, body, ctx) => {
        if (status === 201) ctx.id = JSON.parse(body).id;
      },
      1,
    );
    await run(
      'GET /requests?view=history (account, states, 90 days, pages 1-3)',
      'owner of 50 accounts',
      () => {
        let i = 0;
        return [
          () => ({
            method: 'GET',
            path: historyPaths[i++ % historyPaths.length],
            user: MAIN_OWNER,
          }),
        ];
      },
    );

    await run('POST /requests', '200 requesters, any account', () => {
      let i = 0;
      return [
        () => ({
          method: 'POST',
          path: '/requests',
          user: nextRequester(),
          body: createBody(i++ % BENCH_ACCOUNTS),
        }),
      ];
    });

    // Approve: pending requests of team-main's accounts made beforehand (in SQL), approved by their owner.
    // (after the ids of earlier runs on a kept database)
    let nextPendingId =
      10_000_000 +
      Number(
        (
          await knex('jit_requests')
            .where('id', '>=', requestIdOf(10_000_000))
            .andWhere('id', 'like', 'JIT-B%')
            .count({ c: '*' })
        )[0].c,
      );
    let pendingIds: string[] = [];
    await run(
      'POST /requests/:id/approve',
      'owner of 50 accounts, pending made beforehand',
      () => {
        let i = 0;
        return [
          () =>
            i < pendingIds.length
              ? {
                  method: 'POST',
                  path: `/requests/${pendingIds[i++]}/approve`,
                  user: MAIN_OWNER,
                  body: {},
                }
              : undefined,
        ];
      },
      async () => {
        const count = 20_000;
        const first = nextPendingId;
        nextPendingId += count;
        await loadPending(knex, first, count);
        pendingIds = Array.from({ length: count }, (_, k) =>
          requestIdOf(first + k),
        );
      },
    );

    // Create + approve: a requester asks for team-main's account, its owner approves.
    const pairIds: string[] = [];
    const pairRounds = await run(
      'POST /requests + POST /requests/:id/approve (pair)',
      'requester, then owner',
      () => {
        return [
          createOnMainAccounts(),
          ctx => ({
            method: 'POST',
            path: `/requests/${ctx.id}/approve`,
            user: MAIN_OWNER,
            body: {},
          }),
        ];
      },
      undefined,
      (status, body, ctx) => {
        if (status === 201) {
          ctx.id = JSON.parse(body).id;
          pairIds.push(ctx.id as string);
        }
      },
    );
    let pairOutcome: Record<string, number> = {};
    const pairsPerSecond = median(
      pairRounds.map(r => r.completedSequences / r.seconds),
    );
    // Where the pairs' requests got to (warm-up included): an approval
    // starts its provisioning at once, at the pace Identity Center allows.
    if (pairRounds.length) {
      await new Promise(r => setTimeout(r, 3000));
      const outcome: Array<{ status: string; c: string; example: string | null }> = await knex('jit_requests')
        .select('status')
        .count({ c: '*' })
        .min({ example: 'status_reason' })
        .whereRaw('id = ANY(?)', [pairIds])
        .groupBy('status');
      pairOutcome = Object.fromEntries(outcome.map(o => [o.status, Number(o.c)]));
      console.error(
        `pairs' requests 3 s after the last round: ${outcome
          .map(o => `${o.status} ${o.c}${o.example ? ` (e.g. ${o.example})` : ''}`)
          .join(', ')}`,
      );
    }

    // The approvals page's change check after every round's writes: its 16
    // counters take an update per write to a pending request (migration
    // 20261202100000_pending_versions); their table must stay small.
    const [versions] = (
      await knex.raw(
        "SELECT pg_relation_size('jit_pending_versions') AS bytes, (SELECT sum(version) FROM jit_pending_versions) AS changes " +
          "FROM pg_stat_user_tables WHERE relname = 'jit_pending_versions'",
      )
    ).rows;
    const versionPlan = (await knex.raw('EXPLAIN (ANALYZE, BUFFERS) SELECT sum(version) FROM jit_pending_versions')).rows.map(
      (r: any) => `  ${r['QUERY PLAN']}`,
    );
    explain.push('### pending version (the approvals page\'s change check), after the rounds', '', ...versionPlan, '');
    const pendingVersions = {
      changes: Number(versions.changes),
      tableBytes: Number(versions.bytes),
      readMs: Number(/Execution Time: ([\d.]+)/.exec(versionPlan.join('\n'))?.[1]),
    };
    console.error(`pending version: ${JSON.stringify(pendingVersions)}`);

    const f = (x: number) => (Number.isFinite(x) ? String(Math.round(x)) : '-');
    const none = { p95: NaN, rps: NaN };
    const pairRow = results.find(r => r.endpoint.includes('(pair)')) ?? none;
    const approvalsRow =
      results.find(r => r.endpoint.includes('approvals')) ?? none;
    const accountsRow =
      results.find(r => r.endpoint === 'GET /accounts') ?? none;
    const goals = [
      {
        goal: 'approvals list p95 ≤ 50 ms',
        measured: `${f(approvalsRow.p95)} ms`,
        met: approvalsRow.p95 <= 50,
      },
      {
        goal: 'GET /accounts (300 accounts) p95 ≤ 200 ms',
        measured: `${f(accountsRow.p95)} ms`,
        met: accountsRow.p95 <= 200,
      },
      {
        goal: 'create+approve ≥ 200 pairs/s',
        measured: `${pairsPerSecond.toFixed(0)} pairs/s`,
        met: pairsPerSecond >= 200,
      },
    ];
    const lines = [
      `API benchmark, ${started}: ${n.toLocaleString(
        'en-US',
      )} requests bulk-loaded in ${loadSeconds.toFixed(1)} s ` +
        `(${counts.jit_approval_steps.toLocaleString(
          'en-US',
        )} steps, ${counts.jit_request_events.toLocaleString(
          'en-US',
        )} events), ` +
        `${BENCH_ACCOUNTS} accounts, ${BENCH_USERS} users; autocannon ${connections} connections × ${duration} s, median of ${roundsPerEndpoint} rounds; ${replicas} server process${replicas > 1 ? 'es' : ''}; PostgreSQL`,
      '',
      '| endpoint | as | p50 | p95 | p99 | req/s | errors | in server p50 / p95 / p99 |',
      '| --- | --- | --: | --: | --: | --: | --: | --: |',
      ...results.map(
        r =>
          `| ${r.endpoint} | ${r.who} | ${f(r.p50)} ms | ${f(r.p95)} ms | ${f(
            r.p99,
          )} ms | ${f(r.rps)} | ${r.errors} | ${f(r.server.p50)} / ${f(
            r.server.p95,
          )} / ${f(r.server.p99)} ms |`,
      ),
      '',
      'Where the two cores went, CPU time per response (median of the rounds; the load generator, the server and PostgreSQL share the machine):',
      '',
      '| endpoint | server | PostgreSQL | load generator | cores busy at that rate |',
      '| --- | --: | --: | --: | --: |',
      ...results.map(r => {
        const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : '-');
        const busy =
          ((r.cpu.server + r.cpu.postgres + r.cpu.loadGenerator) * r.rps) / 1000;
        return `| ${r.endpoint} | ${ms(r.cpu.server)} | ${ms(r.cpu.postgres)} | ${ms(
          r.cpu.loadGenerator,
        )} | ${Number.isFinite(busy) ? busy.toFixed(2) : '-'} |`;
      }),
      '',
      `Create + approve: ${pairsPerSecond.toFixed(0)} pairs/s (${f(
        pairRow.rps,
      )} HTTP calls/s).`,
      '',
      `Pending version after the rounds: ${pendingVersions.changes.toLocaleString('en-US')} changes to pending requests counted, ` +
        `table ${(pendingVersions.tableBytes / 1024).toFixed(0)} kB, read in ${pendingVersions.readMs} ms (EXPLAIN ANALYZE).`,
      '',
      '| goal | measured | |',
      '| --- | --- | --- |',
      ...goals.map(
        g => `| ${g.goal} | ${g.measured} | ${g.met ? 'met' : 'missed'} |`,
      ),
    ];
    console.log(lines.join('\n'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          started,
          requests: n,
          loadSeconds,
          counts,
          byStatus,
          connections,
          replicas,
          durationSeconds: duration,
          results,
          pairsPerSecond,
          pairOutcome,
          pendingVersions,
          goals,
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(out.replace(/\.json$/, '.md'), `${lines.join('\n')}\n`);
    writeFileSync(
      out.replace(/\.json$/, '-explain.txt'),
      `${explain.join('\n')}\n`,
    );
    console.error(`written: ${out}, .md and -explain.txt`);
  } finally {
    await Promise.all(servers.map(x => x.stop()));
    if (process.env.JIT_BENCH_COUNT_QUERIES)
      for (const x of servers)
        console.error(x.stderr().split('\n').slice(-3).join('\n'));
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.destroy();
  }
}

/** Pending requests for team-main's accounts, for the approve benchmark. */
async function loadPending(knex: Knex, first: number, count: number) {
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

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
