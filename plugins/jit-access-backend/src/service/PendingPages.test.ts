import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { createTestStore } from '../database/__testUtils__/testStore';
import type { RequestListFilter, Transition } from '../database/JitStore';
import { createHarness } from '../__testUtils__/harness';
import { newRequest } from '../__testUtils__/storedRequests';
import { FreshReads, PendingPages } from './PendingPages';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** A promise and the functions that settle it. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('FreshReads', () => {
  function controlled() {
    const reads: Array<ReturnType<typeof deferred<number>>> = [];
    const fresh = new FreshReads(() => {
      const d = deferred<number>();
      reads.push(d);
      return d.promise;
    });
    return { fresh, reads };
  }

  it('gives a caller who asks while a read is in flight the next read, not that one', async () => {
    const { fresh, reads } = controlled();
    const first = fresh.get();
    expect(reads).toHaveLength(1);
    const second = fresh.get(); // the first read may have been sent before a write this caller saw commit
    expect(reads).toHaveLength(1); // starts only when the first ends
    reads[0].resolve(1);
    expect(await first).toBe(1);
    await Promise.resolve();
    expect(reads).toHaveLength(2);
    reads[1].resolve(2);
    expect(await second).toBe(2);
  });

  it('lets the callers who wait for the same read share it', async () => {
    const { fresh, reads } = controlled();
    const first = fresh.get();
    const waiting = [fresh.get(), fresh.get(), fresh.get()];
    reads[0].resolve(1);
    await first;
    await Promise.resolve();
    const later = fresh.get(); // asked after the second read started: a third
    expect(reads).toHaveLength(2);
    reads[1].resolve(2);
    expect(await Promise.all(waiting)).toEqual([2, 2, 2]);
    await Promise.resolve();
    expect(reads).toHaveLength(3);
    reads[2].resolve(3);
    expect(await later).toBe(3);
  });

  it('fails the callers of a failed read only: the next caller gets a new read', async () => {
    const { fresh, reads } = controlled();
    const first = fresh.get();
    const second = fresh.get();
    reads[0].reject(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await Promise.resolve();
    reads[1].resolve(2); // the read after a failed one still runs
    expect(await second).toBe(2);
    const third = fresh.get();
    expect(reads).toHaveLength(3);
    reads[2].resolve(3);
    expect(await third).toBe(3);
  });
});

const T0 = 1_700_000_000_000;
const BOB = 'user:default/bob';
const pendingFilter: RequestListFilter = {
  accountIds: ['111111111111'],
  statuses: ['pending'],
  excludeRequester: BOB,
  limit: 50,
  withSteps: true,
};
const decision = (requestId: string, over: Partial<Transition> = {}): Transition => ({
  requestId,
  from: 'pending',
  fromStep: 1,
  patch: { currentStep: undefined, decidedAt: T0 + 1000 },
  decideStep: { step: 1, status: 'approved', decidedBy: BOB },
  event: { name: 'approve-final', actor: BOB },
  now: T0 + 1000,
  ...over,
});

describe.each(databases.eachSupportedId())('PendingPages and the pending version (%s)', (id: TestDatabaseId) => {
  async function setUp() {
    const knex = await databases.init(id);
    return { knex, store: await createTestStore(knex) };
  }

  it('every write that changes a pending request changes the version; other writes do not', async () => {
    const { store } = await setUp();
    let last = await store.pendingVersion();
    const changed = async () => {
      const now = await store.pendingVersion();
      const was = last;
      last = now;
      return now !== was;
    };

    await store.createRequest(newRequest('JIT-PV0001', T0));
    expect(await changed()).toBe(true); // a new pending request
    await store.createRequest(newRequest('JIT-PV0002', T0, { status: 'approved', currentStep: undefined }));
    expect(await changed()).toBe(false); // created past pending

    const twoSteps = newRequest('JIT-PV0003', T0, { requiredSteps: 2 });
    twoSteps.steps.push({ step: 2, approverKind: 'admin', status: 'waiting' });
    await store.createRequest(twoSteps);
    expect(await changed()).toBe(true);
    await store.transition(
      decision('JIT-PV0003', { patch: { currentStep: 2 }, openStep: 2, event: { name: 'approve-step', actor: BOB } }),
    );
    expect(await changed()).toBe(true); // step 1 decided, still pending
    expect(await store.transition(decision('JIT-PV0003'))).toBeUndefined(); // step 1 again: the guard refuses
    expect(await changed()).toBe(false);
    await store.transition(decision('JIT-PV0003', { fromStep: 2, decideStep: { step: 2, status: 'approved', decidedBy: BOB } }));
    expect(await changed()).toBe(true); // out of pending

    await store.transition(decision('JIT-PV0001', { decideStep: { step: 1, status: 'rejected', decidedBy: BOB }, event: { name: 'reject', actor: BOB } }));
    expect(await changed()).toBe(true);

    // The engine's work on approved requests leaves the pending version alone.
    expect(await store.acquireLease('JIT-PV0003', 'worker-1', T0, 30_000)).toBeDefined();
    await store.transition({ requestId: 'JIT-PV0003', from: 'approved', event: { name: 'start-provisioning', actor: 'system' }, now: T0 + 2000 });
    await store.patchRequest('JIT-PV0003', 'provisioning', { principalId: 'p-1' });
    await store.releaseLease('JIT-PV0003', 'worker-1');
    expect(await changed()).toBe(false);

    await store.createRequest(newRequest('JIT-PV0004', T0));
    expect(await changed()).toBe(true);
    await store.patchRequest('JIT-PV0004', 'pending', { statusReason: 'noted' });
    expect(await changed()).toBe(true); // a pending request's fields
    await store.createRequest({
      ...newRequest('JIT-PV0005', T0),
      then: { from: 'pending', fromStep: 1, decideStep: { step: 1, status: 'approved', decidedBy: 'user:default/alice' }, event: { name: 'break-glass', actor: 'user:default/alice' } },
    });
    expect(await changed()).toBe(true); // break-glass: pending for an instant, inside the creation (counted, to be safe)
  });

  it('a page kept by one replica is listed anew after a decision through another, and a kept page costs one small query', async () => {
    const { knex, store: storeA } = await setUp();
    // The other replica: its own connections where the database allows (an in-memory SQLite has one).
    const knexB: Knex = id === 'SQLITE_3' ? knex : knexFactory(knex.client.config);
    const storeB = await createTestStore(knexB);
    const list = jest.spyOn(storeB, 'listRequests');
    const pages = new PendingPages(storeB);
    const sql: string[] = [];
    const onQuery = (q: { sql: string }) => sql.push(q.sql);
    try {
      await storeA.createRequest(newRequest('JIT-RPL001', T0));
      await storeA.createRequest(newRequest('JIT-RPL002', T0 + 1));
      const first = await pages.list(pendingFilter);
      expect(first.items.map(r => r.id)).toEqual(['JIT-RPL002', 'JIT-RPL001']);
      expect(first.steps!.get('JIT-RPL001')!.map(s => s.status)).toEqual(['pending']);

      knexB.on('query', onQuery);
      const again = await pages.list(pendingFilter);
      knexB.off('query', onQuery);
      expect(again).toBe(first); // kept
      expect(list).toHaveBeenCalledTimes(1);
      expect(sql).toHaveLength(1);
      expect(sql[0]).toMatch(/jit_pending_versions/);

      await storeA.transition(decision('JIT-RPL002'));
      const after = await pages.list(pendingFilter);
      expect(after.items.map(r => r.id)).toEqual(['JIT-RPL001']);
      expect(list).toHaveBeenCalledTimes(2);

      await storeA.createRequest(newRequest('JIT-RPL003', T0 + 2));
      expect((await pages.list(pendingFilter)).items.map(r => r.id)).toEqual(['JIT-RPL003', 'JIT-RPL001']);
    } finally {
      if (knexB !== knex) await knexB.destroy();
    }
  });

  it('keeps only lists of pending requests, and at most `max` of them', async () => {
    const { store } = await setUp();
    await store.createRequest(newRequest('JIT-LRU001', T0));
    const list = jest.spyOn(store, 'listRequests');
    const pages = new PendingPages(store, 2);
    const history = { accountIds: ['111111111111'], limit: 50 };
    await pages.list(history);
    await pages.list(history);
    expect(list).toHaveBeenCalledTimes(2); // not pending only: always the store

    const filters = [10, 20, 30].map(limit => ({ ...pendingFilter, limit }));
    for (const f of filters) await pages.list(f);
    expect(list).toHaveBeenCalledTimes(5);
    await pages.list(filters[2]);
    await pages.list(filters[1]);
    expect(list).toHaveBeenCalledTimes(5); // the two most recent are kept
    await pages.list(filters[0]);
    expect(list).toHaveBeenCalledTimes(6); // the oldest was let go
  });
});

describe.each(databases.eachSupportedId())('GET /requests?view=approvals on two replicas (%s)', (id: TestDatabaseId) => {
  it('shows on one replica what was decided on the other at once, and answers a browser that has the page with a 304', async () => {
    const knex = await databases.init(id);
    const one = await createHarness(knex);
    const two = await createHarness(knex);
    try {
      const ro = await one.arnOf('ReadOnlyAccess');
      const body = { accountId: '111111111111', permissionSetArn: ro, durationMinutes: 30, reason: 'logs' };
      const a = (await one.as('alice').post('/requests', body)).body.id;
      const b = (await one.as('alice').post('/requests', body)).body.id;
      const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map(r => r.id);

      const page = await two.as('bob').get('/requests?view=approvals');
      expect(page.status).toBe(200);
      expect(ids(page)).toEqual([b, a]);
      // Each listed request says it can be decided, so the page needs no read per row.
      for (const item of page.body.items) {
        expect(item.actions).toEqual([
          { action: 'approve', allowed: true },
          { action: 'reject', allowed: true },
        ]);
      }
      const etag = page.headers.etag;
      expect(etag).toBeTruthy();
      const unchanged = await two.as('bob').get('/requests?view=approvals').set('If-None-Match', etag);
      expect(unchanged.status).toBe(304);

      expect((await one.as('bob').post(`/requests/${b}/approve`, {})).status).toBe(200);
      const after = await two.as('bob').get('/requests?view=approvals').set('If-None-Match', etag);
      expect(after.status).toBe(200);
      expect(ids(after)).toEqual([a]);

      const c = (await one.as('alice').post('/requests', body)).body.id;
      expect(ids(await two.as('bob').get('/requests?view=approvals'))).toEqual([c, a]);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
