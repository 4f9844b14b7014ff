/*
 * The server of the API benchmark (bench/api.ts), in its own process so the
 * load generator does not share its event loop: the plugin's real router
 * over HTTP (the test harness's wiring: real services, store, default
 * permission policy and Identity Center gateway against the emulator), with
 * the benchmark's catalog (benchCatalog.ts), on the benchmark's database.
 * No scheduler ticks; an approval provisions at once, as in the backend.
 * Backstage's compression middleware is in front, as in a real backend
 * (JIT_BENCH_IDENTITY=1 leaves it out).
 *
 * Configured by the JSON in JIT_API_BENCH_SERVER; prints "ready <port>".
 */
/* eslint-disable no-console */
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  benchCatalogService,
  benchEmulatorSeed,
  benchEntities,
  benchUserInfo,
} from './benchCatalog';
import { createHarness } from '../../../plugins/jit-access-backend/src/__testUtils__/harness';

export interface ApiBenchServerConfig {
  db: Knex.Config;
}

async function main() {
  const config: ApiBenchServerConfig = JSON.parse(
    process.env.JIT_API_BENCH_SERVER ?? '{}',
  );
  const knex = knexFactory(config.db);
  const entities = benchEntities();
  const h = await createHarness(knex, {
    jitAccess: { accounts: [] },
    catalog: {
      entities,
      userInfo: benchUserInfo,
      service: benchCatalogService(entities),
    },
    emulatorSeed: benchEmulatorSeed(),
  });
  // SQL statements sent, by their first words (JIT_BENCH_COUNT_QUERIES=1), printed on exit.
  const counts = new Map<string, number>();
  if (process.env.JIT_BENCH_COUNT_QUERIES) {
    knex.on('query', (q: { sql: string }) => {
      const key = q.sql.split(/\s+/).slice(0, 3).join(' ').slice(0, 60);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
  }
  // How long each response took inside the server (request in to last byte
  // handed to the socket), collected and reset by GET /_bench/timings: the
  // load generator's own figures include its waits for the shared CPU.
  let timings: number[] = [];
  const app = express()
    .get('/_bench/timings', (req, res) => {
      res.json(timings);
      timings = [];
      // Before a round: count that round's SQL only (not start-up, warm-up or earlier rounds).
      if (req.query.reset === 'counts') counts.clear();
    })
    .use((_req, res, next) => {
      if (process.env.JIT_BENCH_COUNT_QUERIES)
        counts.set('HTTP requests', (counts.get('HTTP requests') ?? 0) + 1);
      const t0 = process.hrtime.bigint();
      res.on('finish', () =>
        timings.push(Number(process.hrtime.bigint() - t0) / 1e6),
      );
      next();
    })
    // What Backstage's root HTTP router puts in front of every plugin:
    // responses are gzipped for clients that accept it (browsers do).
    .use(
      process.env.JIT_BENCH_IDENTITY
        ? (_req, _res, next) => next()
        : MiddlewareFactory.create({
            config: mockServices.rootConfig(),
            logger: mockServices.rootLogger({ level: 'error' }),
          }).compression(),
    )
    .use(h.app);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  console.log(`ready ${(server.address() as AddressInfo).port}`);
  // Exit normally on SIGTERM, so a CPU profile (--cpu-prof) gets written.
  process.on('SIGTERM', () => {
    if (counts.size)
      console.error(JSON.stringify([...counts].sort((a, b) => b[1] - a[1])));
    process.exit(0);
  });
  // The harness records notifications and audit events for assertions; a
  // server under load for minutes must not hoard them.
  setInterval(() => {
    h.sent.length = 0;
    h.audits.length = 0;
  }, 1000);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
