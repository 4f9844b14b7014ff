/**
 * A clock the limiter and the retry loop can be driven by; tests pass a fake.
 * @public
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** @public */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

/**
 * Options of {@link RateLimiter}.
 * @public
 */
export interface RateLimiterOptions {
  /** API calls per second, all operations together. Identity Center: 20. */
  callsPerSecond: number;
  /** CreateAccountAssignment operations in progress at once. Identity Center: 10. */
  maxCreatesInFlight: number;
  /** Time source (default: the system clock). */
  clock?: Clock;
}

/**
 * The one gate every Identity Center call of a backend process passes.
 *
 * Identity Center allows about 20 admin API calls a second for the whole
 * instance and at most 10 CreateAccountAssignment operations in progress, and
 * AWS does not raise either. Rather than send and be throttled (which wastes
 * calls and, with many callers, starves some of them), the limiter keeps us
 * under both:
 *
 * - Calls are let through one at a time, at least `1000 / callsPerSecond`
 *   ms apart, in arrival order. There is no burst allowance on purpose: a
 *   burst would use the instance's whole bucket at once, and other tools on
 *   the same instance (the console, IaC pipelines) share that bucket.
 * - A creation holds one of `maxCreatesInFlight` slots from before its
 *   CreateAccountAssignment call until Identity Center reports a terminal
 *   status, which is what AWS's quota counts. Slots are handed over in
 *   arrival order.
 *
 * The limits are per process. When several backend replicas call Identity
 * Center at the same time, give each a share of the quota
 * (`jitAccess.identityCenter.limits`); throttling that still happens is
 * retried by the gateway.
 * @public
 */
export class RateLimiter {
  readonly #intervalMs: number;
  readonly #maxCreates: number;
  readonly #clock: Clock;
  /** When the last caller was let through. */
  #lastReleaseAt = -Infinity;
  readonly #callWaiters: Array<() => void> = [];
  #pumping = false;
  #creates = 0;
  readonly #createWaiters: Array<() => void> = [];

  constructor(options: RateLimiterOptions) {
    if (!(options.callsPerSecond > 0)) {
      throw new RangeError('callsPerSecond must be positive');
    }
    if (!(options.maxCreatesInFlight >= 1)) {
      throw new RangeError('maxCreatesInFlight must be at least 1');
    }
    this.#intervalMs = 1000 / options.callsPerSecond;
    this.#maxCreates = Math.floor(options.maxCreatesInFlight);
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Resolves when the caller may make one API call. Callers are served in
   * the order they called, each at least `1000 / callsPerSecond` ms after
   * the previous one was let through. The spacing is measured from when the
   * previous caller was actually released, not from a precomputed schedule:
   * if the event loop stalls, waiting callers are not released in a burst to
   * catch up, and an idle period gives no credit.
   */
  acquire(): Promise<void> {
    return new Promise<void>(resolve => {
      this.#callWaiters.push(resolve);
      if (!this.#pumping) void this.#pump();
    });
  }

  async #pump() {
    this.#pumping = true;
    try {
      while (this.#callWaiters.length > 0) {
        const wait = this.#lastReleaseAt + this.#intervalMs - this.#clock.now();
        if (wait > 0) await this.#clock.sleep(wait);
        this.#lastReleaseAt = this.#clock.now();
        this.#callWaiters.shift()!();
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Runs one API call once the rate allows it. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    await this.acquire();
    return call();
  }

  /**
   * Runs `fn` holding one of the create slots. Waiting for a slot can be
   * abandoned through `signal`, which rejects with the signal's reason.
   */
  async withCreateSlot<T>(
    fn: () => Promise<T>,
    options: { signal?: AbortSignal } = {},
  ): Promise<T> {
    await this.#takeCreateSlot(options.signal);
    try {
      return await fn();
    } finally {
      this.#releaseCreateSlot();
    }
  }

  /** Create slots held now. */
  get createsInFlight(): number {
    return this.#creates;
  }

  /** Callers waiting for a create slot. */
  get createsWaiting(): number {
    return this.#createWaiters.length;
  }

  #takeCreateSlot(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#creates < this.#maxCreates) {
      this.#creates++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        wake: () => {
          signal?.removeEventListener('abort', entry.abort);
          resolve();
        },
        abort: () => {
          const i = this.#createWaiters.indexOf(entry.wake);
          if (i >= 0) this.#createWaiters.splice(i, 1);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener('abort', entry.abort, { once: true });
      this.#createWaiters.push(entry.wake);
    });
  }

  #releaseCreateSlot() {
    const next = this.#createWaiters.shift();
    // Hand the slot straight to the next waiter, so that a newcomer cannot
    // take it between release and wake-up.
    if (next) next();
    else this.#creates--;
  }
}
