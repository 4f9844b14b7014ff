import { newRequest } from '../../../__testUtils__/storedRequests';
import { describeEachDatabase } from '../../__testUtils__/eachDatabase';

describeEachDatabase('pendingVersion', createStore => {
  it('changes with every write to a pending request, and not with other writes', async () => {
    const { store } = await createStore();
    const v0 = await store.pendingVersion();
    await store.createRequest(newRequest('JIT-PV0001', 1_700_000_000_000));
    const v1 = await store.pendingVersion();
    expect(v1).not.toBe(v0);
    expect(await store.patchRequest('JIT-PV0001', 'pending', { statusReason: 'asked again' })).toBe(true);
    const v2 = await store.pendingVersion();
    expect(v2).not.toBe(v1);
    // a guard that does not match writes nothing, and the version stays
    expect(await store.patchRequest('JIT-PV0001', 'active', { attempts: 1 })).toBe(false);
    expect(await store.pendingVersion()).toBe(v2);
    await store.transition({
      requestId: 'JIT-PV0001',
      from: 'pending',
      fromStep: 1,
      patch: { currentStep: undefined },
      decideStep: { step: 1, status: 'approved', decidedBy: 'user:default/bob' },
      event: { actor: 'user:default/bob', name: 'approve-final' },
      now: 1_700_000_100_000,
    });
    const v3 = await store.pendingVersion();
    expect(v3).not.toBe(v2);
    // out of pending: bookkeeping on it leaves the version
    expect(await store.patchRequest('JIT-PV0001', 'approved', { attempts: 1 })).toBe(true);
    expect(await store.pendingVersion()).toBe(v3);
  });
});
