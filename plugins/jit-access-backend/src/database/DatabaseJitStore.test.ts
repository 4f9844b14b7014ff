import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type { ApprovalStep } from '@jit-access/plugin-jit-access-common';
import { DatabaseJitStore } from './DatabaseJitStore';
import { StoredRequest } from './JitStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

function newRequest(id: string, createdAt: number, over: Partial<StoredRequest> = {}) {
  const request: StoredRequest = {
    id,
    requester: 'user:default/alice',
    accountId: '111111111111',
    accountName: 'sandbox',
    kind: 'standard',
    permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-ro',
    permissionSetName: 'ReadOnlyAccess',
    requestedDurationMinutes: 30,
    effectiveDurationMinutes: 30,
    durationCause: 'requested',
    reason: 'debugging',
    status: 'pending',
    currentStep: 1,
    requiredSteps: 1,
    createdAt: new Date(createdAt).toISOString(),
    updatedAt: new Date(createdAt).toISOString(),
    attempts: 0,
    ...over,
  };
  const steps: ApprovalStep[] = [{ step: 1, approverKind: 'owner-or-admin', status: 'pending' }];
  return { request, steps, actor: request.requester };
}

describe.each(databases.eachSupportedId())('DatabaseJitStore (%s)', (id: TestDatabaseId) => {
  async function createStore() {
    const knex = await databases.init(id);
    return { knex, store: await DatabaseJitStore.forTest(knex) };
  }

  it('stores a request with its step and a created event', async () => {
    const { store } = await createStore();
    await store.createRequest(newRequest('JIT-AAAAAA', 1_700_000_000_000));
    const r = await store.getRequest('JIT-AAAAAA');
    expect(r).toMatchObject({ id: 'JIT-AAAAAA', status: 'pending', currentStep: 1, attempts: 0 });
    expect(r!.createdAt).toBe(new Date(1_700_000_000_000).toISOString());
    expect(await store.getSteps('JIT-AAAAAA')).toEqual([
      { step: 1, approverKind: 'owner-or-admin', status: 'pending', decidedBy: undefined, decidedAt: undefined, comment: undefined },
    ]);
    const events = await store.getEvents('JIT-AAAAAA');
    expect(events.map(e => [e.type, e.fromStatus, e.toStatus])).toEqual([['created', undefined, 'pending']]);
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
    const results = await Promise.all([decide('user:default/bob'), decide('user:default/carol')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const events = await store.getEvents('JIT-BBBBBB');
    expect(events.map(e => e.type)).toEqual(['created', 'approved-step-1']);
    const [step] = await store.getSteps('JIT-BBBBBB');
    expect(step.status).toBe('approved');
    expect(events[1].actor).toBe(step.decidedBy);
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
    expect((await store.getEvents('JIT-ILLEG1')).map(e => e.type)).toEqual(['created']);
  });

  it('pages with a keyset cursor, newest first, without gaps or repeats', async () => {
    const { store } = await createStore();
    for (let i = 0; i < 7; i++) {
      await store.createRequest(newRequest(`JIT-P0000${i}`, 1_700_000_000_000 + (i % 3) * 1000));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listRequests({ requester: 'user:default/alice', limit: 3, cursor });
      seen.push(...page.items.map(r => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe('JIT-P00005');
  });

  it('rejects a forged cursor with a 400', async () => {
    const { store } = await createStore();
    await expect(store.listRequests({ limit: 3, cursor: 'not-a-cursor' })).rejects.toMatchObject({
      name: 'InputError',
    });
  });

  it('finds due work and hands out one lease at a time', async () => {
    const { store } = await createStore();
    await store.createRequest(newRequest('JIT-DUE001', 1_700_000_000_000, { status: 'approved', currentStep: undefined }));
    await store.createRequest(newRequest('JIT-LATER1', 1_700_000_000_000, {
      status: 'approved',
      currentStep: undefined,
      startAt: new Date(1_800_000_000_000).toISOString(),
    }));
    const now = 1_700_000_500_000;
    expect((await store.findDueRequests(now, 10)).map(r => r.id)).toEqual(['JIT-DUE001']);
    expect(await store.acquireLease('JIT-DUE001', 'a', now, 60_000)).toBe(true);
    expect(await store.acquireLease('JIT-DUE001', 'b', now + 1, 60_000)).toBe(false);
    expect(await store.findDueRequests(now + 1, 10)).toEqual([]);
    // an expired lease (a crashed worker) can be taken over
    expect(await store.acquireLease('JIT-DUE001', 'b', now + 60_001, 60_000)).toBe(true);
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
    expect(stored).toMatchObject({ sessionDuration: 'PT4H', requiresTwoLevels: true });
  });

  it('onboards configured accounts only once', async () => {
    const { store } = await createStore();
    const account = {
      accountId: '111111111111',
      name: 'sandbox',
      onboarded: true,
      customPolicyAllowed: true,
      assignedOwners: [],
      enabledPermissionSetArns: ['arn:a'],
    };
    await store.upsertAccount(account, { onlyIfMissing: true });
    await store.upsertAccount({ ...account, onboarded: false });
    await store.upsertAccount(account, { onlyIfMissing: true });
    expect(await store.getAccount('111111111111')).toMatchObject({ onboarded: false, enabledPermissionSetArns: ['arn:a'] });
  });
});
