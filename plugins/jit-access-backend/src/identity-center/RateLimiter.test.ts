import { RateLimiter } from './RateLimiter';
import { FakeClock, flush } from './__testUtils__/FakeClock';

describe('RateLimiter', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock();
  });

  /** Starts `n` acquires at once; returns when (clock time) each got through, in order of arrival. */
  function acquireAll(limiter: RateLimiter, n: number) {
    const times: Array<number | undefined> = Array(n).fill(undefined);
    const done = Array.from({ length: n }, (_, i) =>
      limiter.acquire().then(() => {
        times[i] = clock.now();
      }),
    );
    return { times, done: Promise.all(done) };
  }

  it('spaces calls 1/rate apart, first come first served', async () => {
    const limiter = new RateLimiter({
      callsPerSecond: 20,
      maxCreatesInFlight: 10,
      clock,
    });
    const { times, done } = acquireAll(limiter, 5);
    await clock.advance(0);
    expect(times).toEqual([0, undefined, undefined, undefined, undefined]);
    await clock.advance(100);
    expect(times).toEqual([0, 50, 100, undefined, undefined]);
    await clock.advance(100);
    await done;
    expect(times).toEqual([0, 50, 100, 150, 200]);
  });

  it('gives no burst credit for idle time', async () => {
    const limiter = new RateLimiter({
      callsPerSecond: 20,
      maxCreatesInFlight: 10,
      clock,
    });
    await clock.advance(10_000);
    const { times, done } = acquireAll(limiter, 3);
    await clock.advance(1_000);
    await done;
    expect(times).toEqual([10_000, 10_050, 10_100]);
  });

  it('does not release a burst to catch up after the event loop stalled', async () => {
    const limiter = new RateLimiter({
      callsPerSecond: 20,
      maxCreatesInFlight: 10,
      clock,
    });
    const { times, done } = acquireAll(limiter, 4);
    await clock.advance(0);
    clock.stall(500); // nothing ran for half a second
    await clock.advance(200);
    await done;
    expect(times).toEqual([0, 500, 550, 600]);
  });

  it('never lets more than callsPerSecond calls start within any second', async () => {
    const limiter = new RateLimiter({
      callsPerSecond: 20,
      maxCreatesInFlight: 10,
      clock,
    });
    const { times, done } = acquireAll(limiter, 100);
    await clock.advance(10_000);
    await done;
    const starts = times as number[];
    for (const t of starts) {
      expect(
        starts.filter(s => s > t - 1000 && s <= t).length,
      ).toBeLessThanOrEqual(20);
    }
    expect(starts[99]).toBe(99 * 50); // and keeps the full rate
  });

  it('run() makes the call once the rate allows it', async () => {
    const limiter = new RateLimiter({
      callsPerSecond: 2,
      maxCreatesInFlight: 1,
      clock,
    });
    const calls: number[] = [];
    const runs = [1, 2, 3].map(() =>
      limiter.run(async () => calls.push(clock.now())),
    );
    await clock.advance(2_000);
    await Promise.all(runs);
    expect(calls).toEqual([0, 500, 1000]);
  });

  it('holds at most maxCreatesInFlight create slots and hands them over in order', async () => {
    const limiter = new RateLimiter({
      callsPerSecond: 1000,
      maxCreatesInFlight: 2,
      clock,
    });
    const started: number[] = [];
    const finish: Array<() => void> = [];
    let peak = 0;
    const runs = [0, 1, 2, 3].map(i =>
      limiter.withCreateSlot(async () => {
        started.push(i);
        peak = Math.max(peak, limiter.createsInFlight);
        await new Promise<void>(resolve => finish.push(resolve));
        return i;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect(limiter.createsWaiting).toBe(2);
    finish.shift()!();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    while (finish.length) {
      finish.shift()!();
      await flush();
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(limiter.createsInFlight).toBe(0);
  });

  it('releases the slot when the work throws', async () => {
    const limiter = new RateLimiter({
      callsPerSecond: 1000,
      maxCreatesInFlight: 1,
      clock,
    });
    await expect(
      limiter.withCreateSlot(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(limiter.createsInFlight).toBe(0);
    await expect(limiter.withCreateSlot(async () => 'next')).resolves.toBe(
      'next',
    );
  });

  it('a waiter can give up through its AbortSignal without losing a slot', async () => {
    const limiter = new RateLimiter({
      callsPerSecond: 1000,
      maxCreatesInFlight: 1,
      clock,
    });
    let release!: () => void;
    const holder = limiter.withCreateSlot(
      () => new Promise<void>(r => (release = r)),
    );
    const controller = new AbortController();
    const waiting = limiter.withCreateSlot(async () => 'never', {
      signal: controller.signal,
    });
    await flush();
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect(limiter.createsWaiting).toBe(0);
    release();
    await holder;
    expect(limiter.createsInFlight).toBe(0);
    await expect(limiter.withCreateSlot(async () => 'ok')).resolves.toBe('ok');
  });

  it('refuses nonsensical limits', () => {
    expect(
      () => new RateLimiter({ callsPerSecond: 0, maxCreatesInFlight: 1 }),
    ).toThrow(RangeError);
    expect(
      () => new RateLimiter({ callsPerSecond: 1, maxCreatesInFlight: 0 }),
    ).toThrow(RangeError);
  });
});
