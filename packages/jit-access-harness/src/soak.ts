/*
 * Soak: two backend replicas (soakReplica.ts: the real router over
 * HTTP and the lifecycle engine) on one PostgreSQL database, under mixed load
 * for a while, with the Identity Center emulator throttling and failing a
 * share of the calls. Virtual users request standard and custom access,
 * approve on the other replica, reject, cancel, revoke, end early, let
 * sessions expire and read lists, each call through a random replica.
 *
 * Afterwards: no 5xx and no unexpected answer at any time (so no error
 * growth), every request at rest with Identity Center holding exactly what
 * the database says (convergence.ts), no request failed, every event chain
 * a legal walk of the lifecycle with each transition once; and the replicas'
 * resident memory sampled every few seconds.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  demoSeed,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import {
  assertTransition,
  RequestStatus,
} from '@jit-access/plugin-jit-access-common';
import { readFileSync } from 'node:fs';
import { createTestStore } from '../../../plugins/jit-access-backend/src/database/__testUtils__/testStore';
import { TABLE_EVENTS } from '../../../plugins/jit-access-backend/src/database/tables';
import { compareWithIdentityCenter, unsettledRequests } from './convergence';
import {
  EngineWorker,
  SharedDatabaseKind,
  startTsProcess,
} from './engineProcesses';
import { seededRandom } from '../../../plugins/jit-access-backend/src/__testUtils__/seededRandom';
import type { SoakReplicaConfig } from './soakReplica';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*' },
  ],
});
const REQUESTERS = ['alice', 'erin', 'frank'];
const SANDBOX = '111111111111';
const PRODUCTION = '222222222222';

export interface SoakOptions {
  durationMs: number;
  /** Concurrent virtual users. */
  users?: number;
  seed?: number;
  /** Emulator faults during the load. */
  errorRate?: number;
  throttleRate?: number;
}

export interface SoakReport {
  seed: number;
  durationSeconds: number;
  replicas: number;
  /** HTTP calls made, and how many per minute of the run. */
  calls: number;
  scenarios: Record<string, number>;
  /** Calls answered 5xx or with a status the scenario did not allow, per minute of the run. */
  errorsPerMinute: number[];
  errors: string[];
  /** Resident set size of each replica, MiB, at the first sample after warm-up and at the end. */
  rssMiB: Array<{ start: number; end: number; max: number }>;
  requests: number;
  active: number;
  ended: number;
  identityCenterCalls: number;
  throttledOrFailedByEmulator: number;
  unsettled: string[];
  failed: string[];
  missing: string[];
  orphans: string[];
  strayPermissionSets: string[];
  missingPermissionSets: string[];
  duplicateTransitions: string[];
  /** Requests whose event chain is not a legal walk of the lifecycle. */
  illegalChains: string[];
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export async function runSoak(
  kind: SharedDatabaseKind,
  options: SoakOptions,
): Promise<SoakReport> {
  const seedNumber = options.seed ?? Date.now() % 1_000_000;
  const random = seededRandom(seedNumber);
  const seed = demoSeed();
  const emulator = await startIdentityCenterEmulator({
    seed,
    timing: { assignmentDelayMs: 200 },
  });
  const db = await kind.create();
  const replicas: EngineWorker[] = [];
  try {
    // Migrations once, before the replicas start.
    const store = await createTestStore(db.knex);
    const config: SoakReplicaConfig = {
      db: db.config,
      emulatorUrl: emulator.url,
      tickMs: 250,
    };
    const started = [0, 1].map(() =>
      startTsProcess('soakReplica.ts', {
        JIT_SOAK_REPLICA: JSON.stringify(config),
      }),
    );
    replicas.push(...started);
    const ports = await Promise.all(
      started.map(async r => Number((await r.readyLine).split(' ')[1])),
    );
    emulator.setFaults({
      errorRate: options.errorRate ?? 0.05,
      throttleRate: options.throttleRate ?? 0.1,
    });
    const load = await driveLoad({
      ports,
      replicas,
      random,
      durationMs: options.durationMs,
      users: options.users ?? 6,
      db,
    });
    emulator.clearFaults();

    // Settle: the replicas finish what is due.
    const deadline = Date.now() + 3 * 60_000;
    let unsettled = await unsettledRequests(store);
    while (unsettled.length && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 500));
      unsettled = await unsettledRequests(store);
    }
    const rssEnd = replicas.map(r => rssMiB(r.process.pid!));
    const found = await compareWithIdentityCenter(store, emulator, []);
    const all = await db.knex('jit_requests').count({ n: '*' }).first();
    const illegalChains = await checkChains(db.knex);
    const state = emulator.getState();
    return {
      seed: seedNumber,
      durationSeconds: Math.round(options.durationMs / 1000),
      replicas: replicas.length,
      calls: load.calls,
      scenarios: load.scenarios,
      errorsPerMinute: load.errorsPerMinute,
      errors: load.errors.slice(0, 20),
      rssMiB: load.rss.map((samples, i) => ({
        start: samples[Math.min(samples.length - 1, Math.floor(samples.length / 5))] ?? 0,
        end: rssEnd[i],
        max: Math.max(...samples, rssEnd[i]),
      })),
      requests: Number(all?.n ?? 0),
      active: found.active.length,
      ended: found.atRest.length - found.active.length,
      identityCenterCalls: state.stats.requests,
      throttledOrFailedByEmulator: state.stats.throttledByRate +
        state.stats.throttledByCreatesInFlight +
        state.stats.throttledInjected +
        state.stats.errorsInjected,
      unsettled,
      failed: found.failed,
      missing: found.missing,
      orphans: found.orphans,
      strayPermissionSets: found.strayPermissionSets,
      missingPermissionSets: found.missingPermissionSets,
      duplicateTransitions: found.duplicateTransitions,
      illegalChains,
    };
  } finally {
    await Promise.all(replicas.map(r => r.kill9()));
    await emulator.close();
    await db.destroy();
  }
}

type Db = Awaited<ReturnType<SharedDatabaseKind['create']>>;

async function driveLoad(ctx: {
  ports: number[];
  replicas: EngineWorker[];
  random: () => number;
  durationMs: number;
  users: number;
  db: Db;
}) {
  const { ports, random } = ctx;
  const start = Date.now();
  const end = start + ctx.durationMs;
  const minutes = Math.max(1, Math.ceil(ctx.durationMs / 60_000));
  const errorsPerMinute: number[] = Array(minutes).fill(0);
  const errors: string[] = [];
  const scenarios: Record<string, number> = {};
  const rss: number[][] = ctx.replicas.map(() => []);
  let calls = 0;
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];

  /** One API call through a random replica; `ok` lists the statuses the scenario allows. */
  async function call(
    user: string,
    method: 'GET' | 'POST',
    path: string,
    ok: number[],
    body?: object,
  ): Promise<{ status: number; body: any }> {
    const port = pick(ports);
    calls += 1;
    let status = 0;
    let json: any;
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: {
          authorization: mockCredentials.user.header(`user:default/${user}`),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      status = res.status;
      json = await res.json().catch(() => undefined);
    } catch (e) {
      json = { error: { message: String(e) } };
    }
    if (!ok.includes(status)) {
      const minute = Math.min(
        minutes - 1,
        Math.floor((Date.now() - start) / 60_000),
      );
      errorsPerMinute[minute] += 1;
      errors.push(
        `${method} ${path} as ${user} → ${status} ${json?.error?.message ?? ''}`,
      );
    }
    return { status, body: json };
  }

  async function waitFor(id: string, statuses: string[]): Promise<string> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await call('carol', 'GET', `/requests/${id}`, [200]);
      const status: string = r.body?.status ?? '';
      if (statuses.includes(status) || Date.now() > deadline) return status;
      await new Promise(res => setTimeout(res, 250));
    }
  }

  /** Ends an active session one of the ways sessions end. */
  async function endSession(id: string, requester: string) {
    const how = random();
    if (how < 0.35) {
      await call('carol', 'POST', `/sessions/${id}/revoke`, [200, 409], {
        comment: 'soak: revoked by an admin',
      });
    } else if (how < 0.7) {
      await call(requester, 'POST', `/sessions/${id}/revoke`, [200, 409], {
        comment: 'soak: done early',
      });
    } else {
      // its time is up
      await ctx.db
        .knex('jit_requests')
        .where({ id, status: 'active' })
        .update({ expires_at: Date.now() - 1 });
    }
  }

  const run: Record<string, () => Promise<void>> = {
    async standard() {
      const accountId = pick([SANDBOX, PRODUCTION]);
      // frank is in team-beta, production's only owner: nobody could
      // approve his request there, so it is refused (nobody approves their own request).
      const requester = pick(
        accountId === PRODUCTION ? ['alice', 'erin'] : REQUESTERS,
      );
      const accounts = await call(requester, 'GET', '/accounts', [200]);
      const account = accounts.body?.items?.find(
        (a: { accountId: string }) => a.accountId === accountId,
      );
      const set = account && pick(account.permissionSets as Array<{ arn: string }>);
      if (!set) return;
      const created = await call(requester, 'POST', '/requests', [201, 409], {
        accountId,
        permissionSetArn: set.arn,
        durationMinutes: 30,
        reason: 'soak: standard access',
      });
      if (created.status !== 201) return;
      const id = created.body.id;
      await call('carol', 'POST', `/requests/${id}/approve`, [200, 409], {});
      if ((await waitFor(id, ['active', 'failed'])) === 'active') {
        await new Promise(r => setTimeout(r, random() * 2000));
        await endSession(id, requester);
      }
    },
    async custom() {
      const requester = pick(REQUESTERS);
      const created = await call(requester, 'POST', '/requests', [201, 409], {
        accountId: SANDBOX,
        customPolicy: POLICY,
        durationMinutes: 30,
        reason: 'soak: custom policy',
      });
      if (created.status !== 201) return;
      const id = created.body.id;
      await call('bob', 'POST', `/requests/${id}/approve`, [200], {});
      await call('dave', 'POST', `/requests/${id}/approve`, [200], {});
      if ((await waitFor(id, ['active', 'failed'])) === 'active') {
        await endSession(id, requester);
      }
    },
    async reject() {
      const requester = pick(REQUESTERS);
      const created = await call(requester, 'POST', '/requests', [201, 409], {
        accountId: SANDBOX,
        customPolicy: POLICY,
        durationMinutes: 30,
        reason: 'soak: to be rejected',
      });
      if (created.status !== 201) return;
      await call('bob', 'POST', `/requests/${created.body.id}/reject`, [200], {
        comment: 'soak: use ReadOnlyAccess',
      });
    },
    async cancel() {
      const requester = pick(REQUESTERS);
      const created = await call(requester, 'POST', '/requests', [201, 409], {
        accountId: SANDBOX,
        customPolicy: POLICY,
        durationMinutes: 30,
        reason: 'soak: to be cancelled',
      });
      if (created.status !== 201) return;
      await call(requester, 'POST', `/requests/${created.body.id}/cancel`, [200], {});
    },
    async read() {
      const user = pick([...REQUESTERS, 'bob', 'carol', 'dave']);
      await call(user, 'GET', '/me', [200]);
      await call(user, 'GET', '/requests?view=mine&limit=20', [200]);
      await call(user, 'GET', '/sessions', [200]);
    },
  };
  const weights: Array<[string, number]> = [
    ['standard', 0.35],
    ['custom', 0.2],
    ['reject', 0.1],
    ['cancel', 0.1],
    ['read', 0.25],
  ];
  const choose = () => {
    let x = random();
    for (const [name, w] of weights) {
      if (x < w) return name;
      x -= w;
    }
    return 'read';
  };

  const sampler = setInterval(() => {
    ctx.replicas.forEach((r, i) => {
      try {
        rss[i].push(rssMiB(r.process.pid!));
      } catch {
        // the replica is gone: its absence shows in the errors
      }
    });
  }, 5_000);
  try {
    await Promise.all(
      Array.from({ length: ctx.users }, async () => {
        while (Date.now() < end) {
          const name = choose();
          scenarios[name] = (scenarios[name] ?? 0) + 1;
          await run[name]();
        }
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  return { calls, scenarios, errorsPerMinute, errors, rss };
}

/**
 * Every request's status changes, read from the event table, must be a legal
 * walk of the lifecycle: each from-status is the previous to-status, starting
 * where requests start, each step allowed by -common's lifecycle table.
 */
function isLegal(from: string, to: string): boolean {
  try {
    assertTransition(from as RequestStatus, to as RequestStatus);
    return true;
  } catch {
    return false;
  }
}

async function checkChains(knex: Db['knex']): Promise<string[]> {
  const rows: Array<{ request_id: string; from_status: string | null; to_status: string | null }> =
    await knex(TABLE_EVENTS)
      .select('request_id', 'from_status', 'to_status')
      .whereNotNull('to_status')
      .orderBy('id');
  const last = new Map<string, string | null>();
  const illegal: string[] = [];
  for (const e of rows) {
    const previous = last.has(e.request_id) ? last.get(e.request_id)! : null;
    if (e.from_status !== previous) {
      illegal.push(`${e.request_id}: ${e.from_status} → ${e.to_status} after ${previous}`);
    } else if (e.from_status && !isLegal(e.from_status, e.to_status!)) {
      illegal.push(`${e.request_id}: ${e.from_status} → ${e.to_status} is not in the lifecycle`);
    }
    last.set(e.request_id, e.to_status);
  }
  return illegal;
}
