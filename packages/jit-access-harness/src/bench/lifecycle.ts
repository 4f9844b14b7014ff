/*
 * Lifecycle benchmark (`npm run bench:lifecycle`): how fast access goes away
 * when many sessions expire, and how fast it appears after approval, against
 * the Identity Center emulator at AWS's quotas (20 SSO Admin calls a second,
 * 10 assignment creations in flight), with 1 and 2 lifecycle replicas (each
 * its own process: the plugin's real engine, store and SDK gateway) on one
 * PostgreSQL database.
 *
 *   revoke lag       endedAt - expiresAt of each session (p50/p95/p99/max)
 *   calls/s          SSO Admin calls the emulator accepted per second while
 *                    sessions were ending (throttled ones not counted),
 *                    against the quota of 20
 *   time-to-access   approval to active, one grant at a time, as the API's
 *                    approval triggers it (no scheduler tick in between)
 *
 * Options: --sessions N (default 1000, all expiring within one minute),
 * --under N (default 150: a load under the quota), --replicas 1,2,
 * --out FILE (default docs/benchmarks/lifecycle.json).
 */
/* eslint-disable no-console */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  demoSeed,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createTestStore } from '../../../../plugins/jit-access-backend/src/database/__testUtils__/testStore';
import { SdkIdentityCenterGateway } from '../../../../plugins/jit-access-backend/src/identity-center';
import { LifecycleEngine } from '../../../../plugins/jit-access-backend/src/lifecycle/LifecycleEngine';
import {
  sharedDatabaseKinds,
  startEngineWorker,
} from '../engineProcesses';
import { addSessionUsers, createSessions } from '../../../../plugins/jit-access-backend/src/__testUtils__/sessions';

const QUOTA = 20;
const EXPIRY_WINDOW_MS = 60_000;
/** Replicas boot and settle before the first session expires. */
const LEAD_MS = 15_000;

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

interface RevokeResult {
  scenario: string;
  sessions: number;
  replicas: number;
  lagP50: number;
  lagP95: number;
  lagP99: number;
  lagMax: number;
  callsPerSecond: number;
  quotaUsed: number;
  peakCallsPerSecond: number;
  throttled: number;
  seconds: number;
}

const SSO_ADMIN_READS_AND_WRITES = (calls: Record<string, number>) =>
  Object.entries(calls)
    .filter(
      ([op]) =>
        ![
          'GetUserId',
          'DescribeUser',
          'ListUsers',
          'ListGroupMembershipsForMember',
        ].includes(op),
    )
    .reduce((n, [, c]) => n + c, 0);

async function revokeScenario(
  scenario: string,
  sessions: number,
  replicas: number,
): Promise<RevokeResult> {
  const postgres = sharedDatabaseKinds({ postgresOnly: true })[0];
  if (!postgres)
    throw new Error(
      'The benchmark runs on PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    );
  const seed = demoSeed();
  const assignments = addSessionUsers(seed, sessions);
  const emulator = await startIdentityCenterEmulator({ seed });
  const db = await postgres.create();
  const workers: Array<ReturnType<typeof startEngineWorker>> = [];
  try {
    const store = await createTestStore(db.knex);
    const first = Date.now() + LEAD_MS;
    await createSessions(
      store,
      seed,
      assignments,
      i => first + Math.floor((i * EXPIRY_WINDOW_MS) / sessions),
    );
    for (let i = 0; i < replicas; i++) {
      workers.push(
        startEngineWorker({
          db: db.config,
          emulatorUrl: emulator.url,
          instanceArn: seed.instanceArn,
          identityStoreId: seed.identityStoreId,
          leaseMs: 60_000,
          // The backend's lifecycle task runs every 5 s by default; the demo uses 2 s.
          tickMs: 1000,
        }),
      );
    }
    await Promise.all(workers.map(w => w.ready));
    const before = SSO_ADMIN_READS_AND_WRITES(emulator.getState().calls);
    const statsBefore = emulator.getState();
    while ((await store.listByStatus(['active', 'ending'])).length) {
      await new Promise(r => setTimeout(r, 1000));
    }
    const ended = await store.listByStatus(['expired']);
    const lags = ended
      .map(r => Date.parse(r.endedAt!) - Date.parse(r.expiresAt!))
      .sort((a, b) => a - b);
    const state = emulator.getState();
    const lastEnd = Math.max(...ended.map(r => Date.parse(r.endedAt!)));
    const seconds = (lastEnd - first) / 1000;
    const throttled = state.throttled - statsBefore.throttled;
    // Calls Identity Center accepted (refused ones are counted in `calls` too).
    const callsPerSecond =
      (SSO_ADMIN_READS_AND_WRITES(state.calls) - before - throttled) / seconds;
    return {
      scenario,
      sessions,
      replicas,
      lagP50: percentile(lags, 50) / 1000,
      lagP95: percentile(lags, 95) / 1000,
      lagP99: percentile(lags, 99) / 1000,
      lagMax: lags[lags.length - 1] / 1000,
      callsPerSecond,
      quotaUsed: callsPerSecond / QUOTA,
      peakCallsPerSecond: state.stats.peakCallsPerSecond,
      throttled,
      seconds,
    };
  } finally {
    await Promise.all(workers.map(w => w.stop()));
    await emulator.close();
    await db.destroy();
  }
}

const quietLogger: LoggerService = {
  error: m => console.error(m),
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => quietLogger,
};

async function timeToAccess(grants: number) {
  const postgres = sharedDatabaseKinds({ postgresOnly: true })[0]!;
  const seed = demoSeed();
  const assignments = addSessionUsers(seed, grants);
  seed.assignments = []; // nothing granted yet
  const delayMs = 300; // the emulator's default
  const emulator = await startIdentityCenterEmulator({
    seed,
    timing: { assignmentDelayMs: delayMs },
  });
  const db = await postgres.create();
  const gateway = new SdkIdentityCenterGateway({
    region: 'us-east-1',
    instanceArn: seed.instanceArn,
    identityStoreId: seed.identityStoreId,
    endpoint: emulator.url,
    credentials: async () => ({ accessKeyId: 'x', secretAccessKey: 'x' }),
  });
  try {
    const store = await createTestStore(db.knex);
    const ids = await createSessions(store, seed, assignments); // approved, as an approval leaves them
    const engine = new LifecycleEngine({
      store,
      gateway,
      directory: {
        user: async ref => ({
          entityRef: ref,
          name: ref,
          email: `${ref.split('/')[1]}@example.com`,
        }),
      },
      logger: quietLogger,
      pendingTimeoutMinutes: async () => 60,
      workerId: 'bench',
    });
    const times: number[] = [];
    for (const id of ids) {
      const t0 = Date.now();
      await engine.process(id); // what the approval endpoint triggers
      const r = await store.getRequest(id);
      if (r?.status !== 'active')
        throw new Error(`${id} is ${r?.status}: ${r?.statusReason}`);
      times.push(Date.parse(r.activatedAt!) - t0);
    }
    times.sort((a, b) => a - b);
    return {
      grants,
      emulatorDelayMs: delayMs,
      p50: percentile(times, 50) / 1000,
      p95: percentile(times, 95) / 1000,
      max: times[times.length - 1] / 1000,
    };
  } finally {
    gateway.destroy();
    await emulator.close();
    await db.destroy();
  }
}

async function main() {
  const sessions = Number(arg('sessions', '1000'));
  const under = Number(arg('under', '150'));
  const replicaCounts = arg('replicas', '1,2').split(',').map(Number);
  const out = resolve(
    __dirname,
    '../../../..',
    arg('out', 'docs/benchmarks/lifecycle.json'),
  );
  const started = new Date().toISOString();

  const revokes: RevokeResult[] = [];
  for (const [scenario, n] of [
    ['under quota', under],
    ['over quota', sessions],
  ] as const) {
    for (const replicas of replicaCounts) {
      console.error(
        `running: ${n} sessions expiring within a minute, ${replicas} replica(s)...`,
      );
      revokes.push(await revokeScenario(scenario, n, replicas));
    }
  }
  console.error('running: time-to-access...');
  const access = await timeToAccess(20);

  const f = (x: number, d = 1) => x.toFixed(d);
  const lines = [
    `Lifecycle benchmark, ${started}, emulator at AWS quotas (${QUOTA} calls/s, 10 creates in flight), PostgreSQL`,
    '',
    '| scenario | sessions | replicas | revoke lag p50 | p95 | p99 | max | SSO Admin calls/s | of quota | peak calls/s | throttled | all ended after |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...revokes.map(
      r =>
        `| ${r.scenario} | ${r.sessions} | ${r.replicas} | ${f(
          r.lagP50,
        )} s | ${f(r.lagP95)} s | ${f(r.lagP99)} s | ${f(r.lagMax)} s | ${f(
          r.callsPerSecond,
        )} | ${f(r.quotaUsed * 100, 0)}% | ${r.peakCallsPerSecond} | ${
          r.throttled
        } | ${f(r.seconds)} s |`,
    ),
    '',
    `Time-to-access after approval (${access.grants} grants, emulator delay ${
      access.emulatorDelayMs
    } ms): p50 ${f(access.p50, 2)} s, p95 ${f(access.p95, 2)} s, max ${f(
      access.max,
      2,
    )} s`,
  ];
  console.log(lines.join('\n'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      { started, quota: QUOTA, revokes, timeToAccess: access },
      null,
      2,
    )}\n`,
  );
  writeFileSync(out.replace(/\.json$/, '.md'), `${lines.join('\n')}\n`);
  console.error(`written: ${out} and ${out.replace(/\.json$/, '.md')}`);
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
