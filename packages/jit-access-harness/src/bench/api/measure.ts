/*
 * The API benchmark's measurements: autocannon runs, latency percentiles,
 * CPU time per response, EXPLAIN of the SQL one call runs.
 */
/* eslint-disable no-console */
import { mockCredentials } from '@backstage/backend-test-utils';
import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { readdirSync, readFileSync } from 'node:fs';
// --------------------------------------------------------------- the server

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}
export const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

export interface Round {
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

export interface EndpointResult {
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

export interface CpuPerResponse {
  server: number;
  postgres: number;
  loadGenerator: number;
}

/**
 * CPU seconds (user + system) used so far by the server process, by every
 * `postgres` process on this machine and by this process (the load
 * generator), from /proc: where a round's two cores went. NaN off Linux.
 */
export function cpuSeconds(serverPids: number[]): CpuPerResponse {
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

export type Req = {
  method: 'GET' | 'POST';
  path: string;
  user: string;
  body?: object;
};

export const authHeader = (user: string) => mockCredentials.user.header(user);

/** The servers' recent stderr (their error log), once they run. */
let serverLog: () => string = () => '';
export function setServerLog(log: () => string) {
  serverLog = log;
}

/** One autocannon run; latencies of every 2xx/4xx/5xx response recorded by us (autocannon has no p95). */
export async function cannon(
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
            ...(capture && r.method !== 'GET'
              ? {}
              : { 'accept-encoding': 'gzip, deflate, br' }),
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
            if (at >= 0)
              console.error(
                `    server: ${log
                  .slice(at, at + 6)
                  .join('\n    ')
                  .slice(0, 2000)}`,
              );
          }
        } else if (i === steps.length - 1) sequences++;
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
          if (measuredStep === undefined || stepOfResponse === measuredStep)
            latencies.push(ms);
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

export function summarise(
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
export async function explainCall(
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
