import { DueWork } from './DueWork';

describe('DueWork', () => {
  const work = (process: (id: string) => Promise<void>, concurrency = 2) =>
    new DueWork({
      process,
      findDue: async () => [],
      now: () => Date.now(),
      onTriggerError: () => undefined,
      trigger: { concurrency },
    });

  it('settled() waits for every triggered request, queued ones included, and for none when idle', async () => {
    const done: string[] = [];
    const release = new Map<string, () => void>();
    const queue = work(id => new Promise<void>(resolve => release.set(id, () => {
      done.push(id);
      resolve();
    })), 1);
    await queue.settled(); // nothing triggered: at once

    queue.trigger('a');
    queue.trigger('b'); // waits for a's slot
    let settled = false;
    const waiting = queue.settled().then(() => {
      settled = true;
    });
    await new Promise(r => setImmediate(r));
    release.get('a')!();
    await new Promise(r => setImmediate(r));
    expect(done).toEqual(['a']);
    expect(settled).toBe(false);
    release.get('b')!();
    await waiting;
    expect(done).toEqual(['a', 'b']);
  });

  it('a failing request does not keep settled() waiting', async () => {
    const queue = work(async () => {
      throw new Error('boom');
    });
    queue.trigger('a');
    await expect(queue.settled()).resolves.toBeUndefined();
  });
});
