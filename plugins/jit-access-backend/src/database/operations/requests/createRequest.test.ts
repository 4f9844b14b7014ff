import { describeEachDatabase } from '../../__testUtils__/eachDatabase';
import { RequestIdTakenError } from '../../errors';
import { newRequest } from '../../../__testUtils__/storedRequests';

describeEachDatabase('createRequest', createStore => {
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
          decideStep: { step: 1, status: 'approved', decidedBy: 'user:default/bob' },
          event: { name: 'break-glass', actor: 'user:default/bob' },
        },
      }),
    ).rejects.toBeInstanceOf(RequestIdTakenError);
    expect(await counts()).toEqual(before);
    expect(await store.loadRequest('JIT-TAKEN1')).toEqual(first);
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
        patch: { currentStep: undefined, decidedAt: 1_700_000_000_000 },
        decideStep: { step: 1, status: 'approved', decidedBy: 'user:default/alice' },
        event: { name: 'break-glass', actor: 'user:default/alice', comment: 'debugging' },
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
        then: { from: 'pending', event: { name: 'provisioned', actor: 'user:default/alice' } },
      }),
    ).rejects.toMatchObject({ name: 'IllegalTransitionError' });
    expect(await store.getRequest('JIT-BG0002')).toBeUndefined();
  });
});
