/**
 * The one gate every Identity Center call passes, shared by all code paths
 * of a backend process. Identity Center allows about 20 admin calls a second
 * for the whole instance and at most 10 CreateAccountAssignment operations in
 * progress; neither can be raised, so we never exceed them instead of relying
 * on being throttled.
 *
 * Calls are spaced evenly (1/rate apart, FIFO); creates additionally hold a
 * slot of a semaphore until their operation reaches a terminal status.
 */
export class RateLimiter {
  readonly #intervalMs: number;
  readonly #maxCreates: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #nextAt = 0;
  #creates = 0;
  readonly #createWaiters: Array<() => void> = [];

  constructor(options: {
    callsPerSecond: number;
    maxCreatesInFlight: number;
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
  }) {
    if (options.callsPerSecond <= 0) throw new Error('callsPerSecond must be positive');
    this.#intervalMs = 1000 / options.callsPerSecond;
    this.#maxCreates = options.maxCreatesInFlight;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
  }

  /** Resolves when the caller may make one API call. */
  async acquire(): Promise<void> {
    const now = this.#now();
    const at = Math.max(now, this.#nextAt);
    this.#nextAt = at + this.#intervalMs;
    if (at > now) await this.#sleep(at - now);
  }

  /** Runs `fn` holding one of the create slots. */
  async withCreateSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#creates >= this.#maxCreates) {
      await new Promise<void>(resolve => this.#createWaiters.push(resolve));
    } else {
      this.#creates++;
    }
    try {
      return await fn();
    } finally {
      const next = this.#createWaiters.shift();
      if (next) next(); // hand the slot over directly
      else this.#creates--;
    }
  }

  /** Creates holding a slot now (for tests and metrics). */
  get createsInFlight(): number {
    return this.#creates;
  }
}
