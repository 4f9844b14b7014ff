import { describeEachDatabase } from '../../__testUtils__/eachDatabase';
import { newRequest } from '../../../__testUtils__/storedRequests';

describeEachDatabase('due work and leases', createStore => {
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
});
