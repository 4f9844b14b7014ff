import { describeEachDatabase } from '../../__testUtils__/eachDatabase';

describeEachDatabase('named locks', createStore => {
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
});
