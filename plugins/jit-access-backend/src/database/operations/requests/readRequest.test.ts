import { describeEachDatabase } from '../../__testUtils__/eachDatabase';
import { newRequest } from '../../../__testUtils__/storedRequests';

describeEachDatabase('reading requests', createStore => {
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
});
