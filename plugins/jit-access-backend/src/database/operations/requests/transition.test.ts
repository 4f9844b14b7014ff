import { describeEachDatabase } from '../../__testUtils__/eachDatabase';
import { stepsAfter } from './transition';
import { newRequest } from '../../../__testUtils__/storedRequests';

describeEachDatabase('transition', createStore => {
  it('applies a guarded transition once: the second of two racing decisions loses', async () => {
    const { store } = await createStore();
    await store.createRequest(newRequest('JIT-BBBBBB', 1_700_000_000_000));
    const decide = (who: string) =>
      store.transition({
        requestId: 'JIT-BBBBBB',
        from: 'pending',
        fromStep: 1,
        decideStep: { step: 1, status: 'approved', decidedBy: who },
        event: { name: 'approve-final', actor: who },
        now: 1_700_000_100_000,
      });
    const results = await Promise.all([
      decide('user:default/bob'),
      decide('user:default/carol'),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const events = await store.getEvents('JIT-BBBBBB');
    expect(events.map(e => e.type)).toEqual(['created', 'approve-final']);
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
      patch: { currentStep: 2 },
      decideStep: { step: 1, status: 'approved' as const, decidedBy: 'user:default/bob', comment: 'ok' },
      openStep: 2,
      event: { name: 'approve-step' as const, actor: 'user:default/bob', comment: 'ok' },
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
      patch: { currentStep: undefined, decidedAt: 1_700_000_200_000 },
      decideStep: { step: 2, status: 'approved' as const, decidedBy: 'user:default/carol' },
      event: { name: 'approve-final' as const, actor: 'user:default/carol' },
      now: 1_700_000_200_000,
    };
    const r2 = await store.transition(t2);
    const after2 = await fresh('JIT-RETURN');
    expect(r2!.request).toEqual(after2.request);
    expect(r2!.request).toMatchObject({ status: 'approved', currentStep: undefined });
    expect(after2.steps).toEqual(stepsAfter(after1.steps, t2));
    expect(after2.events.map(e => e.type)).toEqual(['created', 'approve-step', 'approve-final']);
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
      decideStep: { step: 1, status: 'approved', decidedBy: 'user:default/bob' },
      openStep: 1,
      event: { name: 'approve-final', actor: 'user:default/bob' },
      now: 1_700_000_100_000,
    });
    expect(result).toBeUndefined();
    expect(await store.loadRequest('JIT-MOVED1')).toEqual(before);
  });

  it('refuses a transition the lifecycle does not have, and writes nothing', async () => {
    const { store } = await createStore();
    await store.createRequest(newRequest('JIT-ILLEG1', 1_700_000_000_000));
    await expect(
      store.transition({
        requestId: 'JIT-ILLEG1',
        from: 'pending',
        event: { name: 'provisioned', actor: 'user:default/mallory' },
        now: 1_700_000_100_000,
      }),
    ).rejects.toMatchObject({ name: 'IllegalTransitionError' });
    expect((await store.getRequest('JIT-ILLEG1'))!.status).toBe('pending');
    expect((await store.getEvents('JIT-ILLEG1')).map(e => e.type)).toEqual([
      'created',
    ]);
  });
});
