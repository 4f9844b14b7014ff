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
 *      measured, and cancels the request). Before the first create, the
 *      200 requesters open the page (GET /me, which checks each one's
 *      Identity Center user; the time is reported), so creates find the
 *      answer kept, as they do for users of the page.
 *   3. EXPLAIN (ANALYZE, BUFFERS) of the SQL that one call of each list
 *      endpoint runs goes to docs/benchmarks/api-explain.txt, and of the
 *      approvals page's change check after the rounds.
 *
 * Options: --duration S (10), --connections N (50), --rounds N (3), --replicas N (1),
 * --out FILE (docs/benchmarks/api.json).
 */
/* eslint-disable no-console */
import { demoSeed } from '@jit-access/identity-center-emulator';
import knexFactory, { Knex } from 'knex';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createTestStore } from '../../../../plugins/jit-access-backend/src/database/__testUtils__/testStore';
import {
  accountIdOf,
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
import { bulkLoad, DAY, loadPending, requestIdOf } from './api/load';
import {
  authHeader,
  cannon,
  CpuPerResponse,
  cpuSeconds,
  EndpointResult,
  explainCall,
  median,
  percentile,
  Req,
  Round,
  setServerLog,
  summarise,
} from './api/measure';

const DATABASE = 'jit_bench_api';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
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
    setServerLog(() => servers.map(x => x.stderr()).join('\n'));
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
    // The 200 requesters open the page before they ask, as users do: the
    // page's GET /me checks each one's Identity Center user, and
    // POST /requests then finds the answer kept (IdentityCenterUsers). The
    // rounds below measure listing and deciding, not the first lookup of
    // 200 users no one has seen, which Identity Store pacing (about 19
    // lookups a second) bounds; its time is reported here.
    // A check waits at most 3 s and then says "unchecked" while the lookup
    // goes on, so each requester asks again until found.
    const warmUpStarted = Date.now();
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        for (;;) {
          const me = await get('/me', userRefOf(FIRST_PLAIN_USER + i));
          if (me.identityCenterUser?.status === 'found') return;
          if (me.identityCenterUser?.status === 'missing')
            throw new Error(`${me.userEntityRef}: no Identity Center user`);
        }
      }),
    );
    const requestersCheckedSeconds = (Date.now() - warmUpStarted) / 1000;
    console.error(
      `the 200 requesters' Identity Center users checked (GET /me) in ${requestersCheckedSeconds.toFixed(
        1,
      )} s`,
    );
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
          requestersCheckedSeconds,
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

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
