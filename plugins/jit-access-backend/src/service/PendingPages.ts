import type { RequestListFilter, RequestStore } from '../database';

type Listed = Awaited<ReturnType<RequestStore['listRequests']>>;

/**
 * A read that every caller must see start after it asked (so that it sees
 * every write committed before then), shared by the callers that wait for
 * the same one: while a read is in flight, those who ask wait for the next
 * read, which starts when the one in flight ends, and share it. Under load
 * that is one read per round trip, not one per caller.
 */
export class FreshReads<T> {
  #inFlight?: Promise<T>;
  #next?: Promise<T>;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.#next) return this.#next;
    const start = () => {
      // Who asks from now on needs a later read than this one.
      this.#next = undefined;
      const run = this.read();
      this.#inFlight = run;
      const done = () => {
        if (this.#inFlight === run) this.#inFlight = undefined;
      };
      run.then(done, done);
      return run;
    };
    if (!this.#inFlight) return start();
    const next = this.#inFlight.then(start, start);
    this.#next = next;
    return next;
  }
}

/** Pages of pending requests kept per replica; beyond it the least recently used go. */
export const PENDING_PAGES_MAX = 256;

/**
 * The approvals page's pending requests, served from memory while the
 * store's pending version is unchanged. Every call reads the version first
 * (FreshReads: a read that started after the call), then returns the page
 * listed under that same version if there is one: the page is then exactly
 * what listing it now would give, because every write to pending requests,
 * on any replica, changes the version when it commits (RequestStore
 * `pendingVersion`). Otherwise it lists the page and keeps it under the
 * version read before listing (a page newer than its version is only
 * listed again sooner than needed).
 *
 * One small query instead of the page's (with 1,000,000 requests stored: a
 * sort of the owner's pending requests, 50 rows of 40 columns and their
 * steps parsed, docs/benchmarks.md). Only lists of pending requests alone
 * are kept; any other filter goes to the store. The pages are shared:
 * callers must not modify them.
 */
export class PendingPages {
  readonly #version: FreshReads<string>;
  readonly #pages = new Map<string, { version: string; page: Promise<Listed> }>();

  constructor(
    private readonly store: Pick<RequestStore, 'listRequests' | 'pendingVersion'>,
    private readonly max = PENDING_PAGES_MAX,
  ) {
    this.#version = new FreshReads(() => store.pendingVersion());
  }

  async list(filter: RequestListFilter): Promise<Listed> {
    if (filter.statuses?.length !== 1 || filter.statuses[0] !== 'pending' || filter.reviewStatus || filter.requester) {
      return this.store.listRequests(filter);
    }
    const version = await this.#version.get();
    const key = JSON.stringify([
      filter.accountIds ?? null,
      filter.excludeRequester ?? null,
      filter.createdAfter ?? null,
      filter.createdBefore ?? null,
      filter.cursor ?? null,
      filter.limit,
      !!filter.withSteps,
    ]);
    const kept = this.#pages.get(key);
    this.#pages.delete(key);
    if (kept?.version === version) {
      this.#pages.set(key, kept); // most recently used last
      return kept.page;
    }
    const entry = { version, page: this.store.listRequests(filter) };
    this.#pages.set(key, entry);
    if (this.#pages.size > this.max) this.#pages.delete(this.#pages.keys().next().value!);
    entry.page.catch(() => {
      if (this.#pages.get(key) === entry) this.#pages.delete(key);
    });
    return entry.page;
  }
}
