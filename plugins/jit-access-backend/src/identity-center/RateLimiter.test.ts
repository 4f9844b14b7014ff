import { RateLimiter } from './RateLimiter';

describe('RateLimiter', () => {
  it('spaces calls to the configured rate, in arrival order', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const limiter = new RateLimiter({
      callsPerSecond: 20,
      maxCreatesInFlight: 10,
      now: () => now,
      sleep: async ms => {
        sleeps.push(ms);
      },
    });
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(sleeps).toEqual([50, 100, 150, 200]);
    now = 10_000; // idle for a while: no debt carried over
    await limiter.acquire();
    expect(sleeps).toHaveLength(4);
  });

  it('never holds more create slots than allowed, and hands them over in order', async () => {
    const limiter = new RateLimiter({ callsPerSecond: 1000, maxCreatesInFlight: 2 });
    let peak = 0;
    const order: number[] = [];
    const release: Array<() => void> = [];
    const runs = [0, 1, 2, 3].map(i =>
      limiter.withCreateSlot(async () => {
        peak = Math.max(peak, limiter.createsInFlight);
        order.push(i);
        await new Promise<void>(r => release.push(r));
      }),
    );
    await new Promise(r => setTimeout(r, 10));
    expect(order).toEqual([0, 1]);
    release.shift()!();
    await new Promise(r => setTimeout(r, 10));
    expect(order).toEqual([0, 1, 2]);
    while (release.length) {
      release.shift()!();
      await new Promise(r => setTimeout(r, 10));
    }
    await Promise.all(runs);
    expect(order).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(limiter.createsInFlight).toBe(0);
  });
});
