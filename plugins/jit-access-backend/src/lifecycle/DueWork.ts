/** Triggered requests processed at once (see `trigger`), and how many may wait. */
const TRIGGER_CONCURRENCY = 25;
const TRIGGER_QUEUE = 10_000;

/**
 * The engine's work queue, apart from what the work is: scheduled runs
 * process everything due, `concurrency` requests at a time; triggers start
 * one request's work at once, bounded. `process` does one request's work
 * (under its lease) and never throws.
 */
export class DueWork {
  /** Ids in #triggerQueue. */
  readonly #triggered = new Set<string>();
  readonly #triggerQueue: string[] = [];
  #triggerRunning = 0;
  /** Callers of `settled` waiting for the triggered work to end. */
  readonly #settledWaiters: Array<() => void> = [];

  constructor(
    private readonly options: {
      process: (id: string) => Promise<void>;
      /** Ids of requests due now, not leased by any worker. */
      findDue: (batch: number) => Promise<string[]>;
      now: () => number;
      onTriggerError: (id: string, e: unknown) => void;
      trigger?: { concurrency?: number; queue?: number };
    },
  ) {}

  /**
   * Processes everything that is due, `concurrency` requests at a time, and
   * keeps going while more becomes due (a request that finishes makes room
   * for the next at once, so Identity Center's quota is used, not waited
   * on), until nothing is due or `budgetMs` has passed. Returns how many
   * requests it handled.
   */
  async runDue(options: { batch?: number; concurrency?: number; budgetMs?: number } = {}): Promise<number> {
    const { batch = 100, concurrency = 25, budgetMs = 4 * 60_000 } = options;
    const { now, findDue, process } = this.options;
    const started = now();
    const queue: string[] = [];
    const seen = new Set<string>();
    const inFlight = new Set<Promise<void>>();
    let exhausted = false;
    for (;;) {
      if (!exhausted && queue.length < concurrency && now() - started < budgetMs) {
        const fresh = (await findDue(batch)).filter(id => !seen.has(id));
        fresh.forEach(id => {
          seen.add(id);
          queue.push(id);
        });
        // Nothing new: what is left is in flight, or came due again within
        // this run (a retry); the next run picks that up.
        if (!fresh.length) exhausted = true;
      }
      while (queue.length && inFlight.size < concurrency) {
        const work: Promise<void> = process(queue.shift()!).finally(() => inFlight.delete(work));
        inFlight.add(work);
      }
      if (!inFlight.size) break;
      await Promise.race(inFlight);
    }
    return seen.size;
  }

  /**
   * Work that should start now rather than at the next scheduled run (an
   * approval, a revocation): processed at once, at most
   * `TRIGGER_CONCURRENCY` requests at a time, the rest in arrival order;
   * beyond `TRIGGER_QUEUE` waiting ids the next `runDue` picks them up (they
   * are due in the database). Approvals can come far faster than Identity
   * Center's quota lets grants happen (about 6 a second): unbounded, every
   * approval would hold a lease, a renewal timer and a place in the
   * limiter's queue until its turn.
   */
  trigger(id: string): void {
    // Waiting already: it will see the latest state when its turn comes.
    if (this.#triggered.has(id)) return;
    if (this.#triggerQueue.length >= (this.options.trigger?.queue ?? TRIGGER_QUEUE)) return;
    this.#triggered.add(id);
    this.#triggerQueue.push(id);
    this.pump();
  }

  /**
   * Resolves once no triggered work is waiting or running (a shutdown that
   * drains; tests that act on a request right after a trigger).
   */
  async settled(): Promise<void> {
    while (this.#triggerRunning > 0 || this.#triggerQueue.length > 0) {
      await new Promise<void>(resolve => this.#settledWaiters.push(resolve));
    }
  }

  private pump() {
    const concurrency = this.options.trigger?.concurrency ?? TRIGGER_CONCURRENCY;
    while (this.#triggerRunning < concurrency && this.#triggerQueue.length) {
      const id = this.#triggerQueue.shift()!;
      this.#triggered.delete(id);
      this.#triggerRunning++;
      this.options
        .process(id)
        .catch(e => this.options.onTriggerError(id, e))
        .finally(() => {
          this.#triggerRunning--;
          this.pump();
          if (this.#triggerRunning === 0 && this.#triggerQueue.length === 0) {
            this.#settledWaiters.splice(0).forEach(resolve => resolve());
          }
        });
    }
  }
}
