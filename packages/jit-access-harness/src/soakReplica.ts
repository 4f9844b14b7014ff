/*
 * One backend replica for the soak (soak.ts), in its own process: the
 * plugin's real router over HTTP (the test harness's wiring: real services,
 * store and default permission policy, demo catalog, mock tokens) and its
 * lifecycle engine ticking, on the PostgreSQL database and the Identity
 * Center emulator the parent shares with the other replica.
 *
 * Configured by the JSON in JIT_SOAK_REPLICA; prints "ready <port>".
 */
/* eslint-disable no-console */
import knexFactory, { Knex } from 'knex';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createHarness } from '../../../plugins/jit-access-backend/src/__testUtils__/harness';

export interface SoakReplicaConfig {
  db: Knex.Config;
  emulatorUrl: string;
  tickMs: number;
}

async function main() {
  const config: SoakReplicaConfig = JSON.parse(
    process.env.JIT_SOAK_REPLICA ?? '{}',
  );
  const knex = knexFactory(config.db);
  const h = await createHarness(knex, {
    identityCenterEndpoint: config.emulatorUrl,
  });
  const server = h.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  console.log(`ready ${(server.address() as AddressInfo).port}`);
  for (;;) {
    try {
      await h.jit.engine.runDue();
    } catch (e) {
      console.error(`runDue: ${e}`);
    }
    // The harness records notifications and audit events for assertions;
    // a replica that runs for minutes must not hoard them.
    h.sent.length = 0;
    h.audits.length = 0;
    await new Promise(r => setTimeout(r, config.tickMs));
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
