/*
 * Replica test: two lifecycle replicas, each in its own process,
 * on one PostgreSQL database; 500 sessions expire together. Each assignment
 * must be deleted exactly once (counted from the emulator's record of
 * DeleteAccountAssignment operations) and none missed, and each request
 * must end exactly once.
 */
import {
  demoSeed,
  EmulatorSeed,
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import { createTestStore } from '../../../plugins/jit-access-backend/src/database/__testUtils__/testStore';
import {
  EngineWorker,
  SharedDatabase,
  sharedDatabaseKinds,
  startEngineWorker,
} from './engineProcesses';
import { addSessionUsers, createSessions } from '../../../plugins/jit-access-backend/src/__testUtils__/sessions';

const SESSIONS = Number(process.env.JIT_REPLICA_SESSIONS ?? 500);
const postgres = sharedDatabaseKinds({ postgresOnly: true })[0];

jest.setTimeout(10 * 60_000);

// eslint-disable-next-line jest/no-disabled-tests
(postgres ? describe : describe.skip)(
  'two lifecycle replicas on one PostgreSQL',
  () => {
    let db: SharedDatabase;
    let emulator: IdentityCenterEmulator;
    let seed: EmulatorSeed;
    const workers: EngineWorker[] = [];

    beforeAll(async () => {
      seed = demoSeed();
      addSessionUsers(seed, SESSIONS);
      // A quota above what two replicas use together keeps the test short;
      // quotas at AWS's values are the benchmark's business.
      emulator = await startIdentityCenterEmulator({
        seed,
        timing: { assignmentDelayMs: 200 },
        quotas: { callsPerSecond: 200, maxCreatesInFlight: 10 },
      });
      db = await postgres!.create();
    });

    afterAll(async () => {
      await Promise.all(workers.map(w => w.kill9()));
      await emulator?.close();
      await db?.destroy();
    });

    it(`${SESSIONS} sessions expiring together: each assignment deleted once, none missed, each request ended once`, async () => {
      const store = await createTestStore(db.knex);
      const expiresAt = Date.now() + 4000;
      await createSessions(store, seed, seed.assignments!, () => expiresAt);

      const config = {
        db: db.config,
        emulatorUrl: emulator.url,
        instanceArn: seed.instanceArn,
        identityStoreId: seed.identityStoreId,
        leaseMs: 10_000,
        tickMs: 200,
        pollIntervalMs: 50,
        batch: 100,
        callsPerSecond: 80,
      };
      workers.push(startEngineWorker(config), startEngineWorker(config));
      await Promise.all(workers.map(w => w.ready));

      const deadline = Date.now() + 5 * 60_000;
      let left = SESSIONS;
      while (left > 0 && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 500));
        left = (await store.listByStatus(['active', 'ending'])).length;
      }
      const lastEnded = Math.max(
        ...(await store.listByStatus(['expired'])).map(r =>
          Date.parse(r.endedAt!),
        ),
      );
      await Promise.all(workers.map(w => w.stop()));

      const state = emulator.getState();
      const deletions = new Map<string, number>();
      for (const op of state.operations.filter(
        o => o.kind === 'DeleteAccountAssignment',
      )) {
        const k = `${op.accountId}|${op.permissionSetArn}|${op.principalId}`;
        deletions.set(k, (deletions.get(k) ?? 0) + 1);
      }
      const expired = await store.listByStatus(['expired']);
      const endedEvents = await db
        .knex('jit_request_events')
        .where({ type: 'ended-expired' })
        .count<{ count: string }[]>({ count: '*' });
      // eslint-disable-next-line no-console
      console.log(
        `replica test: ${SESSIONS} sessions ended ${(
          (lastEnded - expiresAt) /
          1000
        ).toFixed(1)} s after they expired; ${
          state.stats.requests
        } Identity Center calls, ${
          state.throttled
        } throttled; workers:\n${workers.map(w => w.stderr()).join('\n')}`,
      );
      expect({
        notEnded: left,
        expired: expired.length,
        assignmentsLeft: state.assignments.length,
        deletedOnce: [...deletions.values()].filter(c => c === 1).length,
        deletedMoreThanOnce: [...deletions.entries()]
          .filter(([, c]) => c > 1)
          .map(([k]) => k),
        endedEvents: Number(endedEvents[0].count),
      }).toEqual({
        notEnded: 0,
        expired: SESSIONS,
        assignmentsLeft: 0,
        deletedOnce: SESSIONS,
        deletedMoreThanOnce: [],
        endedEvents: SESSIONS,
      });
    });
  },
);
