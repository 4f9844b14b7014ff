import { LoggerService } from '@backstage/backend-plugin-api';
import { JIT_MANAGED_TAG_KEY } from '@jit-access/plugin-jit-access-common';
import type { EndReason, JitStore, StoredRequest } from '../database';
import { IdentityCenterError, IdentityCenterGateway } from '../identity-center';
import { AccountDirectory } from './AccountDirectory';
import type { JitNotifier } from './JitNotifier';
import { SYSTEM_ACTOR } from './types';

const END_STATUS: Record<EndReason, 'expired' | 'revoked' | 'ended'> = {
  expire: 'expired',
  revoke: 'revoked',
  'end-early': 'ended',
};

/** Transient failures are retried this many times before the request fails. */
const MAX_ATTEMPTS = 8;

/**
 * Moves requests through the Identity Center side of their lifecycle:
 * approved → provisioning → active, active → ending → expired/revoked/ended,
 * pending → timed_out.
 *
 * Design: every step is a guarded transition in the database, and Identity
 * Center work on a request happens only under a lease on its row. Any number
 * of replicas can run `runDue` together: the lease makes one of them act, the
 * guarded update makes a duplicate transition impossible, and because each
 * step is idempotent (assignment creation and deletion are checked against
 * `ListAccountAssignments`, the standing-access check is stored before the
 * create) a crash at any point converges when the work is picked up again
 * after the lease expires.
 */
export class LifecycleEngine {
  readonly #workerId: string;

  constructor(
    private readonly deps: {
      store: JitStore;
      notifier?: JitNotifier;
      gateway: IdentityCenterGateway;
      directory: AccountDirectory;
      logger: LoggerService;
      pendingTimeoutMinutes: () => Promise<number>;
      /** Warn the requester this long before a session ends. Default 10. */
      expiryWarningMinutes?: number;
      workerId: string;
      leaseMs?: number;
      now?: () => number;
    },
  ) {
    this.#workerId = deps.workerId;
  }

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  /** Processes everything that is due; returns how many requests it handled. */
  async runDue(batch = 50): Promise<number> {
    const now = this.now();
    const warnMs = (this.deps.expiryWarningMinutes ?? 10) * 60_000;
    for (const r of await this.deps.store.claimExpiryWarnings(now + warnMs, now)) {
      this.deps.notifier?.notify(r.id, 'ending-soon');
    }
    const timeout = await this.deps.pendingTimeoutMinutes();
    const due = await this.deps.store.findDueRequests(
      now,
      batch,
      now - timeout * 60_000,
    );
    await Promise.all(due.map(r => this.process(r.id)));
    return due.length;
  }

  /** Does the work due for one request, if no other worker holds it. */
  async process(id: string): Promise<void> {
    const { store, logger } = this.deps;
    const leaseMs = this.deps.leaseMs ?? 5 * 60_000;
    if (!(await store.acquireLease(id, this.#workerId, this.now(), leaseMs))) {
      return;
    }
    try {
      const r = await store.getRequest(id);
      if (!r) return;
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
      await store.releaseLease(id, this.#workerId);
    }
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
      if (r.assignmentPreexisting === undefined) {
        // Decide, and store, whether the assignment is standing access BEFORE
        // creating it: after a crash the assignment would look pre-existing.
        const existing = await gateway.listAssignments(r.accountId, permissionSetArn);
        const present = existing.some(a => a.principalId === principalId);
        const others = await store.listOtherLiveGrants({
          excludeRequestId: r.id,
          principalId,
          accountId: r.accountId,
          permissionSetArn,
        });
        const preexisting =
          present && (others.length === 0 || others.some(o => o.assignmentPreexisting));
        await store.patchRequest(r.id, 'provisioning', { assignmentPreexisting: preexisting });
      }
      await gateway.createAssignment({
        accountId: r.accountId,
        permissionSetArn,
        principalId,
      });
      const now = this.now();
      // An extension continues the session it extends: it starts where that
      // one ends, then takes it over (the assignment stays, as both are live).
      const extended = r.extendsRequestId ? await store.getRequest(r.extendsRequestId) : undefined;
      const base =
        extended?.status === 'active' && extended.expiresAt
          ? Math.max(now, Date.parse(extended.expiresAt))
          : now;
      await store.transition({
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
      this.deps.notifier?.notify(r.id, 'activated');
      if (extended?.status === 'active') {
        const superseded = await store.transition({
          requestId: extended.id,
          from: 'active',
          to: 'ending',
          patch: { endReason: 'end-early', nextAttemptAt: now },
          event: { actor: SYSTEM_ACTOR, type: 'superseded', comment: `Extended by ${r.id}` },
          now,
        });
        if (superseded) this.process(extended.id).catch(() => undefined);
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
      r = { ...r, status: 'ending', endReason: reason };
    }
    try {
      const permissionSetArn =
        r.kind === 'custom' ? r.tempPermissionSetArn : r.permissionSetArn;
      if (permissionSetArn && r.principalId) {
        const others = await store.listOtherLiveGrants({
          excludeRequestId: r.id,
          principalId: r.principalId,
          accountId: r.accountId,
          permissionSetArn,
        });
        // Overlap-safe: keep an assignment that was there before us or that
        // another live grant still needs.
        if (!r.assignmentPreexisting && others.length === 0) {
          const existing = await gateway.listAssignments(r.accountId, permissionSetArn);
          if (existing.some(a => a.principalId === r.principalId)) {
            await gateway.deleteAssignment({
              accountId: r.accountId,
              permissionSetArn,
              principalId: r.principalId,
            });
          }
        }
        if (r.kind === 'custom') {
          await gateway.deletePermissionSet(permissionSetArn);
        }
      }
      const now = this.now();
      await store.transition({
        requestId: r.id,
        from: 'ending',
        to: END_STATUS[r.endReason ?? reason],
        patch: { endedAt: now, attempts: 0, nextAttemptAt: undefined },
        event: { actor: SYSTEM_ACTOR, type: 'ended' },
        now,
      });
      this.deps.notifier?.notify(r.id, 'ended');
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
