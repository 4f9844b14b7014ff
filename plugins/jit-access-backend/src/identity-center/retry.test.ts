import { backoffDelay, withRetries } from './retry';
import { FakeClock } from './__testUtils__/FakeClock';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };
const transient = Object.assign(new Error('throttled'), { retry: true });
const permanent = Object.assign(new Error('invalid'), { retry: false });
const isRetryable = (e: unknown) => (e as { retry?: boolean }).retry === true;

describe('backoffDelay', () => {
  it('doubles per attempt, with half of each step random, up to the cap', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 0.999999)).toBeCloseTo(100);
    expect(backoffDelay(3, policy, () => 0)).toBe(200);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(20, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(20, policy, () => 0)).toBe(500);
  });
});

describe('withRetries', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock();
  });

  /** Runs withRetries while moving fake time on. */
  async function run<T>(p: Promise<T>) {
    const settled = p.then(
      v => ({ ok: true as const, v }),
      e => ({ ok: false as const, e }),
    );
    for (let i = 0; i < 100; i++) await clock.advance(1_000);
    return settled;
  }

  it('retries transient failures with growing delays until one succeeds', async () => {
    let calls = 0;
    const result = await run(
      withRetries(
        async () => {
          if (++calls < 3) throw transient;
          return 'done';
        },
        { policy, isRetryable, clock, random: () => 0 },
      ),
    );
    expect(result).toEqual({ ok: true, v: 'done' });
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    const result = await run(
      withRetries(
        async () => {
          calls++;
          throw transient;
        },
        { policy, isRetryable, clock },
      ),
    );
    expect(result).toEqual({ ok: false, e: transient });
    expect(calls).toBe(4);
  });

  it('does not retry a permanent failure', async () => {
    let calls = 0;
    const result = await run(
      withRetries(
        async () => {
          calls++;
          throw permanent;
        },
        { policy, isRetryable, clock },
      ),
    );
    expect(result).toEqual({ ok: false, e: permanent });
    expect(calls).toBe(1);
  });

  it('starts no attempt after the deadline', async () => {
    let calls = 0;
    const result = await run(
      withRetries(
        async () => {
          calls++;
          throw transient;
        },
        {
          policy: { ...policy, maxAttempts: 100 },
          isRetryable,
          clock,
          deadline: 1_000,
          random: () => 0,
        },
      ),
    );
    expect(result.ok).toBe(false);
    // 50 + 100 + 200 + 400 = 750 ms of sleeps; the next (500) would pass 1000
    expect(clock.sleeps).toEqual([50, 100, 200, 400]);
    expect(calls).toBe(5);
  });

  it('retryUntilDeadline keeps retrying chosen failures past maxAttempts', async () => {
    let calls = 0;
    const result = await run(
      withRetries(
        async () => {
          if (++calls < 10) throw transient;
          return calls;
        },
        {
          policy,
          isRetryable,
          retryUntilDeadline: () => true,
          deadline: 60_000,
          clock,
        },
      ),
    );
    expect(result).toEqual({ ok: true, v: 10 });
  });

  it('calls onRetry before each retry', async () => {
    const seen: number[] = [];
    let calls = 0;
    await run(
      withRetries(
        async () => {
          if (++calls < 3) throw transient;
        },
        {
          policy,
          isRetryable,
          clock,
          onRetry: (_e, attempt) => seen.push(attempt),
        },
      ),
    );
    expect(seen).toEqual([1, 2]);
  });
});
