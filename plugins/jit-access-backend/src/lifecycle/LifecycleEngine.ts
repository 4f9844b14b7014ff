import { RequestRecheck } from '../service/RequestRecheck';
import type { EngineDeps, StepContext } from './context';
import { DueWork } from './DueWork';
import { end } from './steps/end';
import { provision } from './steps/provision';
import { timeOut } from './steps/timeOut';

export type { EngineDeps } from './context';

/**
 * Leases on requests and locks on assignments last this long unless renewed;
 * they are renewed while the work runs, so this is how soon work a crashed
 * replica held is picked up again.
 */
const DEFAULT_LEASE_MS = 60_000;

/**
 * Moves requests through the Identity Center side of their lifecycle:
 * approved → provisioning → active (steps/provision.ts), active → ending →
 * expired/revoked/ended (steps/end.ts), pending → timed_out
 * (steps/timeOut.ts). The queue of due work is DueWork.
 *
 * Design: every step is a guarded transition in the database, and Identity
 * Center work on a request happens only under a lease on its row (renewed
 * while the work runs). Any number of replicas can run `runDue` together: the
 * lease makes one of them act, the guarded update makes a duplicate
 * transition impossible. Every decision about one assignment is taken under
 * that assignment's lock, so overlapping grants and revocations never
 * interleave (see `assignmentClaims.ts`). Each step is idempotent (assignment
 * creation and deletion are checked against `ListAccountAssignments`, the
 * standing-access decision is stored before the create), so a crash at any
 * point converges when the work is picked up again after the lease expires.
 */
export class LifecycleEngine {
  readonly #steps: StepContext;
  readonly #work: DueWork;

  constructor(private readonly deps: EngineDeps) {
    const recheck =
      deps.recheck ??
      new RequestRecheck({
        store: deps.store,
        notifier: deps.notifier,
        now: deps.now,
        directory: {
          user: ref => deps.directory.user(ref),
          ownersOf: async () => {
            throw new Error('The lifecycle engine does not recheck pending requests');
          },
          peopleOf: async () => [],
        },
      });
    const now = () => deps.now?.() ?? Date.now();
    this.#steps = { deps, now, leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS, recheck, process: id => this.process(id) };
    this.#work = new DueWork({
      process: id => this.process(id),
      findDue: async batch => {
        // Rows leased by a worker (this one included) are not due.
        const at = now();
        const timeout = await deps.pendingTimeoutMinutes();
        return (await deps.store.findDueRequests(at, batch, at - timeout * 60_000)).map(r => r.id);
      },
      now,
      onTriggerError: (id, e) => deps.logger.error(`Lifecycle of ${id}: ${e}`),
      trigger: deps.trigger,
    });
  }

  /** Warns the sessions ending soon, then processes everything due (see DueWork.runDue). */
  async runDue(options: { batch?: number; concurrency?: number; budgetMs?: number } = {}): Promise<number> {
    const started = this.#steps.now();
    const warnMs = (this.deps.expiryWarningMinutes ?? 10) * 60_000;
    for (const r of await this.deps.store.claimExpiryWarnings(started + warnMs, started)) {
      this.deps.notifier?.notify(r.id, 'ending-soon');
    }
    return this.#work.runDue(options);
  }

  /** Starts a request's work now rather than at the next scheduled run (see DueWork.trigger). */
  trigger(id: string): void {
    this.#work.trigger(id);
  }

  /** Resolves once no triggered work is waiting or running (see DueWork.settled). */
  settled(): Promise<void> {
    return this.#work.settled();
  }

  /** Does the work due for one request, if no other worker holds it. */
  async process(id: string): Promise<void> {
    const { store, logger, workerId } = this.deps;
    const { leaseMs, now } = this.#steps;
    // The lease's UPDATE returns the row: no second read.
    const r = await store.acquireLease(id, workerId, now(), leaseMs);
    if (!r) return;
    const renew = setInterval(() => {
      store.renewLease(id, workerId, now(), leaseMs).catch(() => undefined);
    }, Math.max(50, leaseMs / 3));
    const ctx = this.#steps;
    try {
      switch (r.status) {
        case 'pending':
          await timeOut(ctx, r);
          break;
        case 'approved':
          if (!r.startAt || Date.parse(r.startAt) <= now()) await provision(ctx, r);
          break;
        case 'provisioning':
          await provision(ctx, r);
          break;
        case 'active':
          if (r.expiresAt && Date.parse(r.expiresAt) <= now()) await end(ctx, r, 'expire');
          break;
        case 'ending':
          await end(ctx, r, r.endReason ?? 'expire');
          break;
        default:
          break;
      }
    } catch (e) {
      logger.error(`Lifecycle work on request ${id} failed: ${e}`);
    } finally {
      clearInterval(renew);
      await store.releaseLease(id, workerId);
    }
  }
}
