import { LoggerService } from '@backstage/backend-plugin-api';
import { JIT_MANAGED_TAG_KEY } from '@jit-access/plugin-jit-access-common';
import type { EndReason, JitStore, StoredRequest } from '../database';
import {
  IdentityCenterError,
  IdentityCenterGateway,
  isNotFound,
} from '../identity-center';
import { AccountDirectory } from './AccountDirectory';
import {
  isStandingAccess,
  reasonToKeepAssignment,
  withAssignmentLock,
} from './assignmentClaims';
import type { JitNotifier } from './JitNotifier';
import { RequestRecheck } from './RequestRecheck';
import { SYSTEM_ACTOR } from './types';

const END_STATUS: Record<EndReason, 'expired' | 'revoked' | 'ended'> = {
  expire: 'expired',
  revoke: 'revoked',
  'end-early': 'ended',
};

/** Transient failures are retried this many times before the request fails. */
const MAX_ATTEMPTS = 8;
/**
 * Leases on requests and locks on assignments last this long unless renewed;
 * they are renewed while the work runs, so this is how soon work a crashed
 * replica held is picked up again.
 */
const DEFAULT_LEASE_MS = 60_000;
/** Triggered requests processed at once (see `trigger`), and how many may wait. */
const TRIGGER_CONCURRENCY = 25;
const TRIGGER_QUEUE = 10_000;
/** When an assignment is locked by other work, look again this soon. */
const LOCKED_RETRY_MS = 1_000;

/**
 * Moves requests through the Identity Center side of their lifecycle:
 * approved → provisioning → active, active → ending → expired/revoked/ended,
 * pending → timed_out.
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
  readonly #workerId: string;

  constructor(
    private readonly deps: {
      store: JitStore;
      notifier?: JitNotifier;
      gateway: IdentityCenterGateway;
      /** Finds the requester's email, for the Identity Store lookup. */
      directory: Pick<AccountDirectory, 'user'>;
      logger: LoggerService;
      pendingTimeoutMinutes: () => Promise<number>;
      /** Warn the requester this long before a session ends. Default 10. */
      expiryWarningMinutes?: number;
      workerId: string;
      /** See `jitAccess.endLiveSessions`. Default false. */
      endLiveSessions?: boolean;
      leaseMs?: number;
      /** Bounds of `trigger`: requests processed at once, ids that may wait. Defaults 25 and 10,000. */
      trigger?: { concurrency?: number; queue?: number };
      now?: () => number;
      /**
       * Holds each grant to the config of now (checked as provisioning starts
       * and again right before the assignment is created). Default: one on
       * the store and directory (the engine never rechecks a pending request,
       * so owners are not asked).
       */
      recheck?: RequestRecheck;
    },
  ) {
    this.#workerId = deps.workerId;
    this.#recheck =
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
  }

  readonly #recheck: RequestRecheck;

  /**
   * Whether the config of now still allows granting `r`; when it does not,
   * the request ends (or goes back for the step the config now requires)
   * and nothing is granted. `effects`: Identity Center may already hold
   * something of this grant (a retry after a crash or an error).
   */
  private async configAllows(r: StoredRequest, effects: boolean): Promise<boolean> {
    const steps = await this.deps.store.getSteps(r.id);
    const { verdict, applied } = await this.#recheck.enforce({ request: r, steps }, { effects });
    if (verdict.outcome === 'allowed') return true;
    if (applied) {
      this.deps.logger.info(`Request ${r.id} not granted: ${verdict.reason}`);
      if (effects && r.kind === 'custom' && r.tempPermissionSetArn) {
        // Best effort; the reconciler deletes temporary sets of requests that are not live.
        await this.deps.gateway.deletePermissionSet(r.tempPermissionSetArn).catch(() => undefined);
      }
    }
    return false;
  }

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  /**
   * Processes everything that is due, `concurrency` requests at a time, and
   * keeps going while more becomes due (a request that finishes makes room
   * for the next at once, so Identity Center's quota is used, not waited
   * on), until nothing is due or `budgetMs` has passed. Returns how many
   * requests it handled.
   */
  async runDue(options: { batch?: number; concurrency?: number; budgetMs?: number } = {}): Promise<number> {
    const { batch = 100, concurrency = 25, budgetMs = 4 * 60_000 } = options;
    const started = this.now();
    const warnMs = (this.deps.expiryWarningMinutes ?? 10) * 60_000;
    for (const r of await this.deps.store.claimExpiryWarnings(started + warnMs, started)) {
      this.deps.notifier?.notify(r.id, 'ending-soon');
    }
    const timeout = await this.deps.pendingTimeoutMinutes();
    const queue: string[] = [];
    const seen = new Set<string>();
    const inFlight = new Set<Promise<void>>();
    let exhausted = false;
    for (;;) {
      if (!exhausted && queue.length < concurrency && this.now() - started < budgetMs) {
        // Rows leased by a worker (this one included) are not due.
        const now = this.now();
        const due = await this.deps.store.findDueRequests(now, batch, now - timeout * 60_000);
        const fresh = due.filter(r => !seen.has(r.id));
        fresh.forEach(r => {
          seen.add(r.id);
          queue.push(r.id);
        });
        // Nothing new: what is left is in flight, or came due again within
        // this run (a retry); the next run picks that up.
        if (!fresh.length) exhausted = true;
      }
      while (queue.length && inFlight.size < concurrency) {
        const work: Promise<void> = this.process(queue.shift()!).finally(() => inFlight.delete(work));
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
    if (this.#triggerQueue.length >= (this.deps.trigger?.queue ?? TRIGGER_QUEUE)) return;
    this.#triggered.add(id);
    this.#triggerQueue.push(id);
    this.pumpTriggered();
  }

  /** Ids in #triggerQueue. */
  readonly #triggered = new Set<string>();
  readonly #triggerQueue: string[] = [];
  #triggerRunning = 0;

  private pumpTriggered() {
    const concurrency = this.deps.trigger?.concurrency ?? TRIGGER_CONCURRENCY;
    while (this.#triggerRunning < concurrency && this.#triggerQueue.length) {
      const id = this.#triggerQueue.shift()!;
      this.#triggered.delete(id);
      this.#triggerRunning++;
      this.process(id)
        .catch(e => this.deps.logger.error(`Lifecycle of ${id}: ${e}`))
        .finally(() => {
          this.#triggerRunning--;
          this.pumpTriggered();
        });
    }
  }

  private get leaseMs() {
    return this.deps.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Does the work due for one request, if no other worker holds it. */
  async process(id: string): Promise<void> {
    const { store, logger } = this.deps;
    const leaseMs = this.leaseMs;
    // The lease's UPDATE returns the row: no second read.
    const r = await store.acquireLease(id, this.#workerId, this.now(), leaseMs);
    if (!r) return;
    const renew = setInterval(() => {
      store.renewLease(id, this.#workerId, this.now(), leaseMs).catch(() => undefined);
    }, Math.max(50, leaseMs / 3));
    try {
      switch (r.status) {
        case 'pending':
          await this.timeOut(r);
          break;
        case 'approved':
          if (!r.startAt || Date.parse(r.startAt) <= this.now()) {
            await this.provision(r);
          }
          break;
        case 'provisioning':
          await this.provision(r);
          break;
        case 'active':
          if (r.expiresAt && Date.parse(r.expiresAt) <= this.now()) {
            await this.end(r, 'expire');
          }
          break;
        case 'ending':
          await this.end(r, r.endReason ?? 'expire');
          break;
        default:
          break;
      }
    } catch (e) {
      logger.error(`Lifecycle work on request ${id} failed: ${e}`);
    } finally {
      clearInterval(renew);
      await store.releaseLease(id, this.#workerId);
    }
  }

  /** The assignment is locked by other work: look again soon, no attempt spent. */
  private async retryWhenUnlocked(r: StoredRequest, status: 'provisioning' | 'ending') {
    await this.deps.store.patchRequest(r.id, status, {
      nextAttemptAt: this.now() + LOCKED_RETRY_MS,
    });
  }

  private async timeOut(r: StoredRequest) {
    const timeout = await this.deps.pendingTimeoutMinutes();
    if (Date.parse(r.createdAt) + timeout * 60_000 > this.now()) return;
    await this.deps.store.transition({
      requestId: r.id,
      from: 'pending',
      to: 'timed_out',
      patch: { currentStep: undefined, endedAt: this.now(), statusReason: `No decision within ${timeout} minutes` },
      event: { actor: SYSTEM_ACTOR, type: 'timed-out' },
      now: this.now(),
    });
  }

  private async provision(initial: StoredRequest) {
    const { store, gateway } = this.deps;
    let r = initial;
    const effects = () => r.assignmentPreexisting !== undefined || !!r.tempPermissionSetArn;
    if (!(await this.configAllows(r, effects()))) return;
    if (r.status === 'approved') {
      const ok = await store.transition({
        requestId: r.id,
        from: 'approved',
        to: 'provisioning',
        event: { actor: SYSTEM_ACTOR, type: 'provisioning' },
        now: this.now(),
      });
      if (!ok) return;
      r = { ...r, status: 'provisioning' };
    }
    try {
      const principalId = r.principalId ?? (await this.resolvePrincipal(r));
      if (!r.principalId) {
        await store.patchRequest(r.id, 'provisioning', { principalId });
      }
      let permissionSetArn = r.permissionSetArn;
      if (r.kind === 'custom') {
        permissionSetArn = await this.ensureTemporaryPermissionSet(r);
      }
      if (!permissionSetArn) {
        throw new IdentityCenterError('No permission set to assign', {
          transient: false,
          code: 'MissingPermissionSet',
        });
      }
      const target = { accountId: r.accountId, permissionSetArn, principalId };
      const extended = r.extendsRequestId ? await store.getRequest(r.extendsRequestId) : undefined;
      const outcome = await withAssignmentLock(
        store,
        target,
        async () => {
          // Right before the grant: the config of now still allows it.
          const current = await store.getRequest(r.id);
          if (!current || current.status !== 'provisioning') return undefined;
          r = current;
          if (!(await this.configAllows(r, effects()))) return undefined;
          if (r.assignmentPreexisting === undefined) {
            // Decide, and store, whether the assignment is standing access
            // BEFORE creating it: after a crash it would look pre-existing.
            const existing = await gateway.listAssignments(r.accountId, permissionSetArn);
            const siblings = await store.listGrantsOfAssignment({ excludeRequestId: r.id, ...target });
            await store.patchRequest(r.id, 'provisioning', {
              assignmentPreexisting: isStandingAccess(
                existing.some(a => a.principalId === principalId),
                siblings,
              ),
            });
          }
          await gateway.createAssignment(target);
          const now = this.now();
          // An extension continues the session it extends: it starts where
          // that one ends, then takes it over (the assignment stays, as both
          // are live).
          const base =
            extended?.status === 'active' && extended.expiresAt
              ? Math.max(now, Date.parse(extended.expiresAt))
              : now;
          return store.transition({
            requestId: r.id,
            from: 'provisioning',
            to: 'active',
            patch: {
              activatedAt: now,
              expiresAt: base + r.effectiveDurationMinutes * 60_000,
              attempts: 0,
              nextAttemptAt: undefined,
              statusReason: undefined,
            },
            event: { actor: SYSTEM_ACTOR, type: 'activated' },
            now,
          });
        },
        { leaseMs: this.leaseMs, now: () => this.now() },
      );
      if (!outcome.locked) {
        await this.retryWhenUnlocked(r, 'provisioning');
        return;
      }
      if (!outcome.value) return;
      this.deps.notifier?.notify(r.id, 'activated');
      if (extended?.status === 'active') {
        const now = this.now();
        const superseded = await store.transition({
          requestId: extended.id,
          from: 'active',
          to: 'ending',
          patch: { endReason: 'end-early', nextAttemptAt: now },
          event: { actor: SYSTEM_ACTOR, type: 'superseded', comment: `Extended by ${r.id}` },
          now,
        });
        if (superseded) {
          await this.#recheck.endExtensionsOf(extended, `was taken over by its extension ${r.id}`);
          this.process(extended.id).catch(() => undefined);
        }
      }
    } catch (e) {
      await this.recordFailure(r, 'provisioning', e);
    }
  }

  private async resolvePrincipal(r: StoredRequest): Promise<string> {
    const user = await this.deps.directory.user(r.requester);
    if (!user?.email) {
      throw new IdentityCenterError(
        `The Backstage user ${r.requester} has no email in the catalog, so no Identity Center user can be found`,
        { transient: false, code: 'NoEmail' },
      );
    }
    return this.deps.gateway.resolvePrincipalId(user.email);
  }

  private async ensureTemporaryPermissionSet(r: StoredRequest): Promise<string> {
    const { gateway, store } = this.deps;
    let arn: string | undefined = r.tempPermissionSetArn;
    if (!arn) {
      // Look for one made before a crash first: permission set names are unique.
      const found = await gateway.listPermissionSetsByTag('jit-access:request', r.id);
      arn =
        found[0]?.arn ??
        (await gateway.createPermissionSet({
          name: r.id,
          description: `JIT Access custom policy for ${r.requester}`,
          sessionDuration: sessionDurationFor(r.effectiveDurationMinutes),
          tags: { [JIT_MANAGED_TAG_KEY]: 'true', 'jit-access:request': r.id },
        }));
      await store.patchRequest(r.id, 'provisioning', { tempPermissionSetArn: arn });
    }
    const permissionSetArn: string = arn;
    await gateway.putInlinePolicy(permissionSetArn, r.customPolicy ?? '');
    return permissionSetArn;
  }

  private async end(initial: StoredRequest, reason: EndReason) {
    const { store, gateway } = this.deps;
    let r = initial;
    if (r.status === 'active') {
      const ok = await store.transition({
        requestId: r.id,
        from: 'active',
        to: 'ending',
        patch: { endReason: reason },
        event: { actor: SYSTEM_ACTOR, type: reason === 'expire' ? 'expiring' : reason },
        now: this.now(),
      });
      if (!ok) return;
      await this.#recheck.endExtensionsOf(r, reason === 'expire' ? 'expired' : 'ended');
      r = { ...r, status: 'ending', endReason: reason };
    }
    try {
      const permissionSetArn =
        r.kind === 'custom' ? r.tempPermissionSetArn : r.permissionSetArn;
      const principalId = r.principalId;
      const finish = async () => {
        const now = this.now();
        return store.transition({
          requestId: r.id,
          from: 'ending',
          to: END_STATUS[r.endReason ?? reason],
          patch: { endedAt: now, attempts: 0, nextAttemptAt: undefined },
          event: { actor: SYSTEM_ACTOR, type: 'ended' },
          now,
        });
      };
      let ended: boolean;
      if (permissionSetArn && principalId) {
        const target = { accountId: r.accountId, permissionSetArn, principalId };
        const outcome = await withAssignmentLock(
          store,
          target,
          async () => {
            if (r.kind === 'custom' && this.deps.endLiveSessions) {
              // Before the assignment goes: deny everything to credentials
              // issued until now, so sessions already open end too.
              // A set already deleted by an earlier attempt that crashed
              // before recording it has no sessions left to end.
              const cutoff = new Date(this.now()).toISOString();
              const denied = await gateway
                .putInlinePolicy(permissionSetArn, denyTokensIssuedBefore(cutoff))
                .then(
                  () => true,
                  e => {
                    if (isNotFound(e)) return false;
                    throw e;
                  },
                );
              if (denied) {
                await store.appendEvent(
                  r.id,
                  {
                    actor: SYSTEM_ACTOR,
                    type: 'live-sessions-ended',
                    comment: `Console and CLI sessions opened before ${cutoff} are denied everything`,
                  },
                  this.now(),
                );
              }
            }
            const siblings = await store.listGrantsOfAssignment({ excludeRequestId: r.id, ...target });
            // Overlap-safe: keep standing access and what another grant needs.
            if (!reasonToKeepAssignment(r, siblings)) {
              const existing = await gateway.listAssignments(r.accountId, permissionSetArn);
              if (existing.some(a => a.principalId === principalId)) {
                await gateway.deleteAssignment(target);
              }
            }
            if (r.kind === 'custom') {
              await gateway.deletePermissionSet(permissionSetArn);
            }
            return finish();
          },
          { leaseMs: this.leaseMs, now: () => this.now() },
        );
        if (!outcome.locked) {
          await this.retryWhenUnlocked(r, 'ending');
          return;
        }
        ended = !!outcome.value;
      } else {
        // Never provisioned as far as Identity Center goes: nothing to remove.
        ended = !!(await finish());
      }
      if (ended) this.deps.notifier?.notify(r.id, 'ended');
    } catch (e) {
      await this.recordFailure(r, 'ending', e);
    }
  }

  /**
   * Transient errors are retried with capped exponential backoff; permanent
   * ones fail a grant with the AWS message kept. Removing access is never
   * given up: an `ending` request stays due until Identity Center agrees.
   */
  private async recordFailure(
    r: StoredRequest,
    status: 'provisioning' | 'ending',
    e: unknown,
  ) {
    const { store, logger } = this.deps;
    const message = e instanceof Error ? e.message : String(e);
    const transient = e instanceof IdentityCenterError ? e.transient : true;
    const attempts = r.attempts + 1;
    if (status === 'provisioning' && (!transient || attempts >= MAX_ATTEMPTS)) {
      logger.warn(`Request ${r.id} failed: ${message}`);
      await store.transition({
        requestId: r.id,
        from: 'provisioning',
        to: 'failed',
        patch: { statusReason: message, attempts, nextAttemptAt: undefined },
        event: { actor: SYSTEM_ACTOR, type: 'failed', comment: message },
        now: this.now(),
      });
      this.deps.notifier?.notify(r.id, 'failed');
      return;
    }
    const delay = Math.min(5 * 60_000, 2_000 * 2 ** Math.min(attempts, 8));
    logger.info(`Request ${r.id}: ${status} will be retried (attempt ${attempts}): ${message}`);
    await store.patchRequest(r.id, status, {
      attempts,
      nextAttemptAt: this.now() + delay,
      statusReason: `Retrying after an Identity Center error: ${message}`,
    });
  }
}

/** A temporary permission set's session: the effective duration, within PT1H..PT12H. */
export function sessionDurationFor(minutes: number): string {
  const hours = Math.min(12, Math.max(1, Math.ceil(minutes / 60)));
  return `PT${hours}H`;
}

/**
 * An inline policy that denies everything to credentials issued before
 * `cutoff` (ISO time): what ends live sessions of a permission set.
 */
export function denyTokensIssuedBefore(cutoff: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'JitAccessEnded',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } },
      },
    ],
  });
}
