import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { DatabaseJitStore, stepsAfter } from './DatabaseJitStore';
import { RequestIdTakenError } from './JitStore';
import { newRequest } from '../__testUtils__/storedRequests';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** Names of the triggers on the event table. */
async function eventTriggers(knex: Knex): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const { rows } = await knex.raw(
      "select tgname as name from pg_trigger where tgrelid = 'jit_request_events'::regclass and not tgisinternal",
    );
    return rows.map((r: { name: string }) => r.name);
  }
  const rows = await knex.raw("select name from sqlite_master where type = 'trigger' and tbl_name = 'jit_request_events'");
  return rows.map((r: { name: string }) => r.name);
}

describe.each(databases.eachSupportedId())(
  'DatabaseJitStore (%s)',
  (id: TestDatabaseId) => {
    async function createStore() {
      const knex = await databases.init(id);
      return { knex, store: await DatabaseJitStore.forTest(knex) };
    }

    it('stores a request with its step and a created event', async () => {
      const { store } = await createStore();
      await store.createRequest(newRequest('JIT-AAAAAA', 1_700_000_000_000));
      const r = await store.getRequest('JIT-AAAAAA');
      expect(r).toMatchObject({
        id: 'JIT-AAAAAA',
        status: 'pending',
        currentStep: 1,
        attempts: 0,
      });
      expect(r!.createdAt).toBe(new Date(1_700_000_000_000).toISOString());
      expect(await store.getSteps('JIT-AAAAAA')).toEqual([
        {
          step: 1,
          approverKind: 'owner-or-admin',
          status: 'pending',
          decidedBy: undefined,
          decidedAt: undefined,
          comment: undefined,
        },
      ]);
      const events = await store.getEvents('JIT-AAAAAA');
      expect(events.map(e => [e.type, e.fromStatus, e.toStatus])).toEqual([
        ['created', undefined, 'pending'],
      ]);
    });

    it('applies a guarded transition once: the second of two racing decisions loses', async () => {
      const { store } = await createStore();
      await store.createRequest(newRequest('JIT-BBBBBB', 1_700_000_000_000));
      const decide = (who: string) =>
        store.transition({
          requestId: 'JIT-BBBBBB',
          from: 'pending',
          fromStep: 1,
          to: 'approved',
          decideStep: { step: 1, status: 'approved', decidedBy: who },
          event: { actor: who, type: 'approved-step-1' },
          now: 1_700_000_100_000,
        });
      const results = await Promise.all([
        decide('user:default/bob'),
        decide('user:default/carol'),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const events = await store.getEvents('JIT-BBBBBB');
      expect(events.map(e => e.type)).toEqual(['created', 'approved-step-1']);
      const [step] = await store.getSteps('JIT-BBBBBB');
      expect(step.status).toBe('approved');
      expect(events[1].actor).toBe(step.decidedBy);
    });

    it('returns what it wrote: creation, transitions and loadRequest agree with fresh reads', async () => {
      const { store } = await createStore();
      const fresh = async (requestId: string) => ({
        request: await store.getRequest(requestId),
        steps: await store.getSteps(requestId),
        events: await store.getEvents(requestId),
      });
      const two = newRequest('JIT-RETURN', 1_700_000_000_000, {
        requiredSteps: 2,
        kind: 'custom',
        customPolicy: '{"Version":"2012-10-17","Statement":[]}',
        permissionSetArn: undefined,
        permissionSetName: undefined,
        ticket: 'INC-1',
        startAt: new Date(1_700_000_060_000).toISOString(),
      });
      two.steps = [
        { step: 1, approverKind: 'owner', status: 'pending' },
        { step: 2, approverKind: 'admin', status: 'waiting' },
      ];
      const created = await store.createRequest(two);
      expect(created).toEqual(await fresh('JIT-RETURN'));
      expect(await store.loadRequest('JIT-RETURN')).toEqual(created);

      // Step 1 decided and step 2 opened in the same write.
      const t1 = {
        requestId: 'JIT-RETURN',
        from: 'pending' as const,
        fromStep: 1,
        to: 'pending' as const,
        patch: { currentStep: 2 },
        decideStep: { step: 1, status: 'approved' as const, decidedBy: 'user:default/bob', comment: 'ok' },
        openStep: 2,
        event: { actor: 'user:default/bob', type: 'approved-step-1', comment: 'ok' },
        now: 1_700_000_100_000,
      };
      const r1 = await store.transition(t1);
      const after1 = await fresh('JIT-RETURN');
      expect(r1!.request).toEqual(after1.request);
      expect(after1.events.at(-1)).toEqual(r1!.event);
      expect(after1.steps).toEqual(stepsAfter(created.steps, t1));
      expect(after1.steps.map(s => s.status)).toEqual(['approved', 'pending']);
      expect(await store.loadRequest('JIT-RETURN')).toEqual(after1);

      const t2 = {
        requestId: 'JIT-RETURN',
        from: 'pending' as const,
        fromStep: 2,
        to: 'approved' as const,
        patch: { currentStep: undefined, decidedAt: 1_700_000_200_000 },
        decideStep: { step: 2, status: 'approved' as const, decidedBy: 'user:default/carol' },
        event: { actor: 'user:default/carol', type: 'approved-step-2' },
        now: 1_700_000_200_000,
      };
      const r2 = await store.transition(t2);
      const after2 = await fresh('JIT-RETURN');
      expect(r2!.request).toEqual(after2.request);
      expect(r2!.request).toMatchObject({ status: 'approved', currentStep: undefined });
      expect(after2.steps).toEqual(stepsAfter(after1.steps, t2));
      expect(after2.events.map(e => e.type)).toEqual(['created', 'approved-step-1', 'approved-step-2']);
      expect(await store.loadRequest('JIT-RETURN')).toEqual(after2);
      expect(await store.loadRequest('JIT-NOSUCH')).toBeUndefined();
    });

    it('a transition that finds the request moved on writes no step and no event', async () => {
      const { store } = await createStore();
      await store.createRequest(newRequest('JIT-MOVED1', 1_700_000_000_000));
      const before = await store.loadRequest('JIT-MOVED1');
      // Step 2 is not the current step: the guard does not match.
      const result = await store.transition({
        requestId: 'JIT-MOVED1',
        from: 'pending',
        fromStep: 2,
        to: 'approved',
        decideStep: { step: 1, status: 'approved', decidedBy: 'user:default/bob' },
        openStep: 1,
        event: { actor: 'user:default/bob', type: 'approved-step-2' },
        now: 1_700_000_100_000,
      });
      expect(result).toBeUndefined();
      expect(await store.loadRequest('JIT-MOVED1')).toEqual(before);
    });

    it('a taken request id is a RequestIdTakenError, and nothing is written', async () => {
      const { store, knex } = await createStore();
      const first = await store.createRequest(newRequest('JIT-TAKEN1', 1_700_000_000_000));
      const counts = async () =>
        Promise.all(
          ['jit_requests', 'jit_approval_steps', 'jit_request_events'].map(async t =>
            Number((await knex(t).count({ n: '*' }))[0].n),
          ),
        );
      const before = await counts();
      const again = newRequest('JIT-TAKEN1', 1_700_000_100_000, { requester: 'user:default/bob' });
      await expect(store.createRequest(again)).rejects.toBeInstanceOf(RequestIdTakenError);
      // a break-glass creation (creation and a transition in one go) too
      await expect(
        store.createRequest({
          ...again,
          then: {
            from: 'pending',
            fromStep: 1,
            to: 'approved',
            decideStep: { step: 1, status: 'approved', decidedBy: 'user:default/bob' },
            event: { actor: 'user:default/bob', type: 'break-glass' },
          },
        }),
      ).rejects.toBeInstanceOf(RequestIdTakenError);
      expect(await counts()).toEqual(before);
      expect(await store.loadRequest('JIT-TAKEN1')).toEqual(first);
    });

    it('refuses a transition the lifecycle does not have, and writes nothing', async () => {
      const { store } = await createStore();
      await store.createRequest(newRequest('JIT-ILLEG1', 1_700_000_000_000));
      await expect(
        store.transition({
          requestId: 'JIT-ILLEG1',
          from: 'pending',
          to: 'active',
          event: { actor: 'user:default/mallory', type: 'shortcut' },
          now: 1_700_000_100_000,
        }),
      ).rejects.toMatchObject({ name: 'IllegalTransitionError' });
      expect((await store.getRequest('JIT-ILLEG1'))!.status).toBe('pending');
      expect((await store.getEvents('JIT-ILLEG1')).map(e => e.type)).toEqual([
        'created',
      ]);
    });

    it('pages with a keyset cursor, newest first, without gaps or repeats', async () => {
      const { store } = await createStore();
      for (let i = 0; i < 7; i++) {
        await store.createRequest(
          newRequest(`JIT-P0000${i}`, 1_700_000_000_000 + (i % 3) * 1000),
        );
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRequests({
          requester: 'user:default/alice',
          limit: 3,
          cursor,
        });
        seen.push(...page.items.map(r => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      expect(seen[0]).toBe('JIT-P00005');
    });

    it('filters by a date range on the creation time, and pages within it', async () => {
      const { store } = await createStore();
      const t0 = 1_700_000_000_000;
      for (let i = 0; i < 6; i++) {
        await store.createRequest(newRequest(`JIT-D0000${i}`, t0 + i * 1000));
      }
      const filter = { createdAfter: t0 + 1000, createdBefore: t0 + 5000, limit: 2 };
      const first = await store.listRequests(filter);
      expect(first.items.map(r => r.id)).toEqual(['JIT-D00004', 'JIT-D00003']);
      const second = await store.listRequests({ ...filter, cursor: first.nextCursor });
      expect(second.items.map(r => r.id)).toEqual(['JIT-D00002', 'JIT-D00001']);
      expect(second.nextCursor).toBeUndefined();
    });

    it('loads the requests and the steps of a page in one call each', async () => {
      const { store } = await createStore();
      await store.createRequest(newRequest('JIT-S00001', 1_700_000_000_000));
      const two = newRequest('JIT-S00002', 1_700_000_001_000, { requiredSteps: 2 });
      two.steps.push({ step: 2, approverKind: 'admin', status: 'waiting' });
      await store.createRequest(two);
      const requests = await store.getRequests(['JIT-S00002', 'JIT-S00001', 'JIT-NOPE00']);
      expect(requests.map(r => r.id).sort()).toEqual(['JIT-S00001', 'JIT-S00002']);
      const steps = await store.getStepsOf(['JIT-S00001', 'JIT-S00002', 'JIT-NOPE00']);
      expect(steps.get('JIT-S00001')!.map(s => s.step)).toEqual([1]);
      expect(steps.get('JIT-S00002')!.map(s => [s.step, s.approverKind, s.status])).toEqual([
        [1, 'owner-or-admin', 'pending'],
        [2, 'admin', 'waiting'],
      ]);
      expect(steps.get('JIT-NOPE00')).toEqual([]);
      expect(await store.getRequests([])).toEqual([]);
      // A list page can bring its steps along (one query on PostgreSQL).
      const page = await store.listRequests({ limit: 1, withSteps: true });
      expect(page.items.map(r => r.id)).toEqual(['JIT-S00002']);
      expect(page.steps).toEqual(new Map([['JIT-S00002', steps.get('JIT-S00002')]]));
      expect(page.nextCursor).toBeDefined();
      expect((await store.listRequests({ limit: 1 })).steps).toBeUndefined();
    });

    it('rejects a forged cursor with a 400', async () => {
      const { store } = await createStore();
      await expect(
        store.listRequests({ limit: 3, cursor: 'not-a-cursor' }),
      ).rejects.toMatchObject({
        name: 'InputError',
      });
    });

    it('finds due work and hands out one lease at a time', async () => {
      const { store } = await createStore();
      await store.createRequest(
        newRequest('JIT-DUE001', 1_700_000_000_000, {
          status: 'approved',
          currentStep: undefined,
        }),
      );
      await store.createRequest(
        newRequest('JIT-LATER1', 1_700_000_000_000, {
          status: 'approved',
          currentStep: undefined,
          startAt: new Date(1_800_000_000_000).toISOString(),
        }),
      );
      const now = 1_700_000_500_000;
      expect((await store.findDueRequests(now, 10)).map(r => r.id)).toEqual([
        'JIT-DUE001',
      ]);
      // The lease returns the request as it is, so the worker need not read it again.
      expect(await store.acquireLease('JIT-DUE001', 'a', now, 60_000)).toMatchObject({
        id: 'JIT-DUE001',
        status: 'approved',
      });
      expect(await store.acquireLease('JIT-DUE001', 'b', now + 1, 60_000)).toBeUndefined();
      expect(await store.findDueRequests(now + 1, 10)).toEqual([]);
      // an expired lease (a crashed worker) can be taken over
      expect(
        await store.acquireLease('JIT-DUE001', 'b', now + 60_001, 60_000),
      ).toMatchObject({ id: 'JIT-DUE001' });
    });

    it('keeps admin choices on permission sets across a sync', async () => {
      const { store } = await createStore();
      const set = {
        arn: 'arn:ps/admin',
        name: 'AdministratorAccess',
        sessionDuration: 'PT8H',
        requiresTwoLevels: false,
        source: 'identity-center' as const,
      };
      await store.upsertPermissionSets([set]);
      await store.setPermissionSetRequiresTwoLevels('arn:ps/admin', true);
      await store.upsertPermissionSets([{ ...set, sessionDuration: 'PT4H' }]);
      const [stored] = await store.listPermissionSets();
      expect(stored).toMatchObject({
        sessionDuration: 'PT4H',
        requiresTwoLevels: true,
      });
    });

    it('onboards configured accounts only once', async () => {
      const { store } = await createStore();
      const account = {
        accountId: '111111111111',
        name: 'sandbox',
        onboarded: true,
        customPolicyAllowed: true,
        breakGlassAllowed: true,
        assignedOwners: [],
        enabledPermissionSetArns: ['arn:a'],
      };
      await store.upsertAccount(account, { onlyIfMissing: true });
      await store.upsertAccount({ ...account, onboarded: false });
      await store.upsertAccount(account, { onlyIfMissing: true });
      expect(await store.getAccount('111111111111')).toMatchObject({
        onboarded: false,
        breakGlassAllowed: true,
        enabledPermissionSetArns: ['arn:a'],
      });
    });

    // Replicas seed their configured accounts at start-up, at the same moment.
    (id === 'POSTGRES_15' ? describe : describe.skip)('two replicas', () => {
      it('onboard a configured account once when they start together', async () => {
        const { knex, store } = await createStore();
        const replica = knexFactory(knex.client.config);
        try {
          const stores = [store, await DatabaseJitStore.forTest(replica)];
          const account = (i: number) => ({
            accountId: '111111111111',
            name: `sandbox-${i}`,
            onboarded: true,
            customPolicyAllowed: false,
            breakGlassAllowed: false,
            assignedOwners: [],
            enabledPermissionSetArns: ['arn:a'],
          });
          await Promise.all(
            Array.from({ length: 8 }, (_, i) =>
              stores[i % 2].upsertAccount(account(i), { onlyIfMissing: true }),
            ),
          );
          expect(await knex('jit_accounts').count({ n: '*' })).toEqual([{ n: '1' }]);
          expect(
            (await store.getAccount('111111111111'))?.enabledPermissionSetArns,
          ).toEqual(['arn:a']);
        } finally {
          await replica.destroy();
        }
      });
    });

    it('hands out a named lock to one holder at a time, until it expires or is released', async () => {
      const { store } = await createStore();
      const t = 1_700_000_000_000;
      const key = 'assignment:111111111111:arn:p:u-1';
      const results = await Promise.all(
        ['w1', 'w2', 'w3'].map(w => store.acquireLock(key, w, t, 1000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const holder = ['w1', 'w2', 'w3'][results.indexOf(true)];
      expect(await store.acquireLock(key, 'w4', t + 500, 1000)).toBe(false);
      expect(await store.renewLock(key, holder, t + 900, 1000)).toBe(true);
      expect(await store.acquireLock(key, 'w4', t + 1500, 1000)).toBe(false); // renewed until t+1900
      expect(await store.renewLock(key, 'w4', t + 1500, 1000)).toBe(false);
      expect(await store.acquireLock(key, 'w4', t + 2000, 1000)).toBe(true); // expired: taken over
      expect(await store.renewLock(key, holder, t + 2100, 1000)).toBe(false); // the old holder lost it
      await store.releaseLock(key, holder); // not the holder: no effect
      expect(await store.acquireLock(key, 'w5', t + 2200, 1000)).toBe(false);
      await store.releaseLock(key, 'w4');
      expect(await store.acquireLock(key, 'w5', t + 2200, 1000)).toBe(true);
    });

    it('creates a break-glass request already approved by its requester, in one transaction', async () => {
      const { store } = await createStore();
      const bg = newRequest('JIT-BG0001', 1_700_000_000_000, { breakGlass: true, review: { status: 'open' } });
      await store.createRequest({
        ...bg,
        steps: [{ step: 1, approverKind: 'break-glass', status: 'pending' }],
        then: {
          from: 'pending',
          fromStep: 1,
          to: 'approved',
          patch: { currentStep: undefined, decidedAt: 1_700_000_000_000 },
          decideStep: { step: 1, status: 'approved', decidedBy: 'user:default/alice' },
          event: { actor: 'user:default/alice', type: 'break-glass', comment: 'debugging' },
        },
      });
      expect(await store.getRequest('JIT-BG0001')).toMatchObject({
        status: 'approved',
        currentStep: undefined,
        breakGlass: true,
        review: { status: 'open' },
      });
      expect(await store.getSteps('JIT-BG0001')).toMatchObject([
        { approverKind: 'break-glass', status: 'approved', decidedBy: 'user:default/alice' },
      ]);
      expect((await store.getEvents('JIT-BG0001')).map(e => [e.type, e.fromStatus, e.toStatus])).toEqual([
        ['created', undefined, 'pending'],
        ['break-glass', 'pending', 'approved'],
      ]);
      const open = await store.listRequests({ reviewStatus: 'open', limit: 10 });
      expect(open.items.map(r => r.id)).toEqual(['JIT-BG0001']);
    });

    it('an illegal follow-up transition rolls the whole creation back', async () => {
      const { store } = await createStore();
      await expect(
        store.createRequest({
          ...newRequest('JIT-BG0002', 1_700_000_000_000),
          then: { from: 'pending', to: 'active', event: { actor: 'user:default/alice', type: 'shortcut' } },
        }),
      ).rejects.toMatchObject({ name: 'IllegalTransitionError' });
      expect(await store.getRequest('JIT-BG0002')).toBeUndefined();
    });

    it('closes a review once: the second of two racing closes loses', async () => {
      const { store } = await createStore();
      await store.createRequest(newRequest('JIT-BG0003', 1_700_000_000_000, { breakGlass: true, review: { status: 'open' } }));
      const close = (who: string) =>
        store.closeReview({ requestId: 'JIT-BG0003', closedBy: who, comment: `checked by ${who}`, now: 1_700_000_100_000 });
      const results = await Promise.all([close('user:default/bob'), close('user:default/carol')]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const r = (await store.getRequest('JIT-BG0003'))!;
      expect(r.review).toMatchObject({ status: 'closed', closedAt: new Date(1_700_000_100_000).toISOString() });
      expect(r.review!.comment).toBe(`checked by ${r.review!.closedBy}`);
      const events = (await store.getEvents('JIT-BG0003')).filter(e => e.type === 'review-closed');
      expect(events).toMatchObject([{ actor: r.review!.closedBy, comment: r.review!.comment, toStatus: undefined }]);
      expect((await store.listRequests({ reviewStatus: 'open', limit: 10 })).items).toEqual([]);
      // a request that is not break-glass has no review to close
      await store.createRequest(newRequest('JIT-NOTBG1', 1_700_000_000_000));
      expect(await store.closeReview({ requestId: 'JIT-NOTBG1', closedBy: 'user:default/bob', comment: 'x', now: 1 })).toBe(false);
    });

    /**
     * The message a refused statement fails with. Not `rejects.toThrow`: on
     * SQLite the error is a better-sqlite3 SqliteError whose class comes from
     * the first test file that loaded better-sqlite3 in this jest worker (the
     * native addon keeps the error constructor it was given first, for the
     * whole process), so in any later file it is neither an `Error` of this
     * file's realm nor tagged as one, and jest reports "did not throw". That
     * was the append-only flake of sessions 3 and 4 (reproduced by running
     * ConfigCache.test.ts before this file in one worker).
     */
    async function refusal(statement: PromiseLike<unknown>): Promise<string> {
      try {
        await statement;
      } catch (e) {
        return String((e as { message?: unknown }).message ?? e);
      }
      return 'the statement went through';
    }

    it('keeps the event table append-only: the database refuses to change, delete or truncate events', async () => {
      const { knex, store } = await createStore();
      await store.createRequest(newRequest('JIT-EVENTS', 1_700_000_000_000));
      await store.appendEvent('JIT-EVENTS', { actor: 'user:default/carol', type: 'reconciled', comment: 'kept' }, 1_700_000_000_001);
      const before = await knex('jit_request_events').orderBy('id');
      expect(before).toHaveLength(2);
      const migrations = (await knex('knex_migrations').select('name')).map(m => m.name);
      expect(migrations).toContain('20261125140000_append_only_events.js');
      expect(await eventTriggers(knex)).toHaveLength(2);
      expect(await refusal(knex('jit_request_events').update({ comment: 'rewritten' }))).toMatch(/append-only/);
      expect(await refusal(knex('jit_request_events').where({ type: 'reconciled' }).delete())).toMatch(/append-only/);
      expect(await refusal(knex('jit_request_events').truncate())).toMatch(/append-only/);
      expect(await knex('jit_request_events').orderBy('id')).toEqual(before);
    });
  },
);
