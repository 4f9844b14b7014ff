import { Clock } from '../RateLimiter';

/**
 * Lets pending promise callbacks run.
 * @internal
 */
export const flush = () => new Promise<void>(resolve => setImmediate(resolve));

/**
 * A manual clock for the limiter and retry tests: time moves only through
 * `advance`, which wakes the sleepers due in order.
 * @internal
 */
export class FakeClock implements Clock {
  #now = 0;
  #sleepers: Array<{ at: number; seq: number; wake: () => void }> = [];
  #seq = 0;
  readonly sleeps: number[] = [];

  now = () => this.#now;

  sleep = (ms: number) => {
    this.sleeps.push(ms);
    return new Promise<void>(wake => {
      this.#sleepers.push({ at: this.#now + ms, seq: this.#seq++, wake });
    });
  };

  /** Moves time forward without waking anyone, as a blocked event loop would. */
  stall(ms: number) {
    this.#now += ms;
  }

  /** Moves time forward by `ms`, waking each sleeper at its due time. */
  async advance(ms: number) {
    const end = this.#now + ms;
    await flush();
    for (;;) {
      this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#sleepers[0];
      if (!next || next.at > end) break;
      this.#sleepers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.wake();
      await flush();
    }
    this.#now = end;
    await flush();
  }
}
