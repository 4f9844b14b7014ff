/*
 * The bounds of LifecycleEngine.trigger, the path an approval or a
 * revocation takes to start its Identity Center work at once: at most
 * `concurrency` requests in work, the rest waiting in arrival order, an id
 * waiting only once, and beyond `queue` waiting ids nothing is held in
 * memory (the scheduled runDue finds them due in the database). The store
 * here only records which leases were asked for and when they are answered:
 * what is under test is the engine's scheduling, not the database (the
 * lease itself is tested in DatabaseJitStore.test.ts on both databases).
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { JitStore } from '../database';
import { LifecycleEngine } from '../lifecycle/LifecycleEngine';

function engineWithLeases(bounds: { concurrency: number; queue: number }) {
  const asked: string[] = [];
  const answers: Array<() => void> = [];
  const store = {
    // Never granted: process() returns right after the lease is refused.
    acquireLease: (id: string) => {
      asked.push(id);
      return new Promise(resolve => answers.push(() => resolve(undefined)));
    },
  } as unknown as JitStore;
  const engine = new LifecycleEngine({
    store,
    gateway: {} as any,
    directory: { user: async () => undefined },
    logger: mockServices.logger.mock(),
    pendingTimeoutMinutes: async () => 60,
    workerId: 'test',
    trigger: bounds,
  });
  /** Answers every lease asked so far, then lets the engine move on. */
  const answerAll = async () => {
    answers.splice(0).forEach(answer => answer());
    for (let i = 0; i < 5; i++) await new Promise(r => setImmediate(r));
  };
  return { engine, asked, answerAll };
}

describe('LifecycleEngine.trigger', () => {
  it('works on at most `concurrency` requests at once, the rest in arrival order', async () => {
    const { engine, asked, answerAll } = engineWithLeases({ concurrency: 3, queue: 100 });
    const ids = Array.from({ length: 8 }, (_, i) => `JIT-T0000${i}`);
    ids.forEach(id => engine.trigger(id));
    expect(asked).toEqual(ids.slice(0, 3));
    await answerAll();
    expect(asked).toEqual(ids.slice(0, 6));
    await answerAll();
    expect(asked).toEqual(ids);
    await answerAll();
    expect(asked).toEqual(ids);
  });

  it('an id already waiting waits once; beyond `queue` waiting ids are left to runDue', async () => {
    const { engine, asked, answerAll } = engineWithLeases({ concurrency: 1, queue: 2 });
    engine.trigger('JIT-A00001'); // in work
    engine.trigger('JIT-A00002'); // waiting
    engine.trigger('JIT-A00002'); // waiting already: not again
    engine.trigger('JIT-A00003'); // waiting
    engine.trigger('JIT-A00004'); // the queue is full: left for runDue
    for (let i = 0; i < 4; i++) await answerAll();
    expect(asked).toEqual(['JIT-A00001', 'JIT-A00002', 'JIT-A00003']);
    // An id in work (not waiting) may be triggered again: its new state is
    // looked at once the current work is done.
    engine.trigger('JIT-A00005'); // in work at once
    engine.trigger('JIT-A00005'); // waits for that work to end
    engine.trigger('JIT-A00005'); // waiting already
    expect(asked.slice(3)).toEqual(['JIT-A00005']);
    for (let i = 0; i < 3; i++) await answerAll();
    expect(asked.slice(3)).toEqual(['JIT-A00005', 'JIT-A00005']);
  });
});
