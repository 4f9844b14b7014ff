/*
 * One lifecycle replica in its own process, for the crash, replica and
 * benchmark runs: the plugin's real LifecycleEngine, DatabaseJitStore (on the
 * SQLite file or PostgreSQL database it is given) and SdkIdentityCenterGateway
 * (on the emulator the parent runs, so the emulator outlives kill -9 of this
 * process), doing what the backend's scheduled lifecycle task does: run the
 * due work, again and again. Only the catalog is the demo one, read from
 * memory (users' emails for the principal lookup): Backstage's test utilities
 * would triple the start time of a process that is started hundreds of times.
 *
 * Configured by the JSON in JIT_ENGINE_WORKER (see WorkerConfig); prints
 * "ready" on stdout once it starts ticking.
 */
/* eslint-disable no-console */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import knexFactory, { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { createTestStore } from '../../../plugins/jit-access-backend/src/database/__testUtils__/testStore';
import { SdkIdentityCenterGateway } from '../../../plugins/jit-access-backend/src/identity-center';
import type { AccountDirectory } from '../../../plugins/jit-access-backend/src/service/AccountDirectory';
import { LifecycleEngine } from '../../../plugins/jit-access-backend/src/lifecycle/LifecycleEngine';
import { ENTITIES } from '../../../plugins/jit-access-backend/src/__testUtils__/demoCatalog';

export interface WorkerConfig {
  db: Knex.Config;
  emulatorUrl: string;
  instanceArn: string;
  identityStoreId: string;
  leaseMs: number;
  tickMs: number;
  batch?: number;
  callsPerSecond?: number;
  maxCreatesInFlight?: number;
  /** First poll of an asynchronous operation; the gateway's default (500) when absent. */
  pollIntervalMs?: number;
  verbose?: boolean;
}

function logger(verbose: boolean, prefix = ''): LoggerService {
  const log = (level: string) => (message: string) => {
    if (verbose || level === 'error')
      console.error(`${level} ${prefix}${message}`);
  };
  const self: LoggerService = {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: () => undefined,
    child: () => self,
  };
  return self;
}

const demoUsers: Pick<AccountDirectory, 'user'> = {
  async user(ref) {
    const e = ENTITIES.find(x => stringifyEntityRef(x) === ref);
    const profile = (
      e?.spec as
        | { profile?: { displayName?: string; email?: string } }
        | undefined
    )?.profile;
    return (
      e && {
        entityRef: ref,
        name: profile?.displayName ?? e.metadata.name,
        email: profile?.email,
      }
    );
  },
};

async function main() {
  const config: WorkerConfig = JSON.parse(
    process.env.JIT_ENGINE_WORKER ?? '{}',
  );
  const db = knexFactory(config.db);
  const store = await createTestStore(db);
  const gateway = new SdkIdentityCenterGateway({
    region: 'us-east-1',
    instanceArn: config.instanceArn,
    identityStoreId: config.identityStoreId,
    endpoint: config.emulatorUrl,
    credentials: async () => ({ accessKeyId: 'x', secretAccessKey: 'x' }),
    limits: {
      callsPerSecond: config.callsPerSecond,
      maxCreatesInFlight: config.maxCreatesInFlight,
    },
    pollIntervalMs: config.pollIntervalMs,
  });
  const engine = new LifecycleEngine({
    store,
    gateway,
    directory: demoUsers,
    logger: logger(!!config.verbose),
    pendingTimeoutMinutes: async () => 24 * 60,
    workerId: randomUUID(),
    leaseMs: config.leaseMs,
  });
  console.log('ready');
  for (;;) {
    await engine.runDue({ batch: config.batch });
    await new Promise(r => setTimeout(r, config.tickMs));
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
