import { LoggerService } from '@backstage/backend-plugin-api';
import { JIT_MANAGED_TAG_KEY } from '@jit-access/plugin-jit-access-common';
import type { RequestStore, StoredRequest, WorkStore } from '../database';
import { IdentityCenterGateway } from '../identity-center';
import { withAssignmentLock } from './assignmentClaims';
import { SYSTEM_ACTOR } from './types';

/** What one reconciliation found and did. */
export interface ReconcileReport {
  /** Live grants whose assignment had vanished and was created again. */
  recreated: string[];
  /** Assignments of ended grants that were still there and were removed. */
  removed: string[];
  /** Temporary permission sets of ended requests that were deleted. */
  deletedPermissionSets: string[];
  /** Problems that could not be repaired, in words. */
  errors: string[];
}

const LIVE = new Set(['provisioning', 'active', 'ending']);
/** How far back ended grants are checked for assignments left behind. */
const LOOKBACK_MS = 7 * 24 * 3600_000;

/**
 * Compares what Identity Center holds with what the plugin's records say
 * and repairs the difference, so a crash, a manual change in the AWS console
 * or a lost delete never leaves access behind or takes it away unseen:
 *
 * - an active grant whose assignment vanished: created again;
 * - an assignment the plugin made for a grant that has ended (and that was
 *   not standing access, and that no other live grant needs): removed;
 * - a temporary permission set (tagged as ours) of a request that is no
 *   longer live: its assignments and the set are deleted.
 *
 * Each repair is recorded as an event on the request. Assignment repairs
 * are decided under the assignment's lock, like the lifecycle engine's work,
 * with the request read again under it; an assignment locked by the engine
 * is left for the next run.
 */
export class Reconciler {
  constructor(
    private readonly deps: {
      store: WorkStore & RequestStore;
      gateway: IdentityCenterGateway;
      logger: LoggerService;
      now?: () => number;
      leaseMs?: number;
    },
  ) {}

  private locked<T>(
    target: { accountId: string; permissionSetArn: string; principalId: string },
    fn: () => Promise<T>,
  ) {
    return withAssignmentLock(this.deps.store, target, fn, {
      leaseMs: this.deps.leaseMs ?? 60_000,
      now: () => this.now(),
    });
  }

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  async run(): Promise<ReconcileReport> {
    const report: ReconcileReport = { recreated: [], removed: [], deletedPermissionSets: [], errors: [] };
    const guard = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (e) {
        report.errors.push(`${what}: ${e instanceof Error ? e.message : e}`);
      }
    };
    await this.recreateMissing(report, guard);
    await this.removeLeftovers(report, guard);
    await this.deleteOrphanPermissionSets(report, guard);
    const { recreated, removed, deletedPermissionSets, errors } = report;
    if (recreated.length + removed.length + deletedPermissionSets.length + errors.length) {
      this.deps.logger.info(
        `Reconciled Identity Center: recreated ${recreated.length}, removed ${removed.length}, deleted ${deletedPermissionSets.length} permission sets, ${errors.length} errors`,
      );
    }
    return report;
  }

  private arnOf(r: StoredRequest) {
    return r.kind === 'custom' ? r.tempPermissionSetArn : r.permissionSetArn;
  }

  private async recreateMissing(report: ReconcileReport, guard: (w: string, f: () => Promise<void>) => Promise<void>) {
    const { store, gateway } = this.deps;
    for (const r of await store.listByStatus(['active'])) {
      const arn = this.arnOf(r);
      if (!arn || !r.principalId) continue;
      if (r.expiresAt && Date.parse(r.expiresAt) <= this.now()) continue; // the engine ends it
      const target = { accountId: r.accountId, permissionSetArn: arn, principalId: r.principalId };
      await guard(`${r.id}`, async () => {
        await this.locked(target, async () => {
          const current = await store.getRequest(r.id);
          if (current?.status !== 'active') return; // the engine ended it meanwhile
          const present = (await gateway.listAssignments(r.accountId, arn)).some(a => a.principalId === r.principalId);
          if (present) return;
          await gateway.createAssignment(target);
          await store.appendEvent(r.id, { actor: SYSTEM_ACTOR, type: 'reconciled', comment: 'The assignment had vanished from Identity Center and was created again' }, this.now());
          report.recreated.push(r.id);
        });
      });
    }
  }

  private async removeLeftovers(report: ReconcileReport, guard: (w: string, f: () => Promise<void>) => Promise<void>) {
    const { store, gateway } = this.deps;
    // cancelled: a grant withdrawn part-way (the config no longer allowed it) may have left its assignment.
    const ended = await store.listByStatus(['expired', 'revoked', 'ended', 'failed', 'cancelled'], {
      endedAfter: this.now() - LOOKBACK_MS,
      provisioned: true,
    });
    // newest ended grant per user, account and permission set
    const latest = new Map<string, StoredRequest>();
    for (const r of ended) {
      const arn = this.arnOf(r);
      if (!arn || !r.principalId || r.kind === 'custom') continue;
      latest.set(`${r.principalId}|${r.accountId}|${arn}`, r);
    }
    for (const r of latest.values()) {
      // Only a grant that decided the assignment was not there before it
      // (stored before CreateAccountAssignment) can have made it; one found
      // there otherwise is somebody else's, standing access included.
      if (r.assignmentPreexisting !== false) continue;
      const arn = this.arnOf(r)!;
      const target = { accountId: r.accountId, permissionSetArn: arn, principalId: r.principalId! };
      await guard(`${r.id}`, async () => {
        await this.locked(target, async () => {
          // Standing access, or another grant of this assignment needs it:
          // never ours to remove.
          const siblings = await store.listGrantsOfAssignment({ excludeRequestId: r.id, ...target });
          if (r.assignmentPreexisting || siblings.length) return;
          const present = (await gateway.listAssignments(r.accountId, arn)).some(a => a.principalId === r.principalId);
          if (!present) return;
          await gateway.deleteAssignment(target);
          await store.appendEvent(r.id, { actor: SYSTEM_ACTOR, type: 'reconciled', comment: 'An assignment of this ended grant was still in Identity Center and was removed' }, this.now());
          report.removed.push(r.id);
        });
      });
    }
  }

  private async deleteOrphanPermissionSets(report: ReconcileReport, guard: (w: string, f: () => Promise<void>) => Promise<void>) {
    const { store, gateway } = this.deps;
    const ours = (await gateway.listPermissionSets()).filter(p => p.tags?.some(t => t.key === JIT_MANAGED_TAG_KEY));
    for (const ps of ours) {
      const requestId = ps.tags?.find(t => t.key === 'jit-access:request')?.value;
      const r = requestId ? await store.getRequest(requestId) : undefined;
      if (r && LIVE.has(r.status)) continue;
      await guard(ps.name, async () => {
        if (r?.principalId) {
          const assigned = await gateway.listAssignments(r.accountId, ps.arn);
          for (const a of assigned) {
            await gateway.deleteAssignment({ accountId: r.accountId, permissionSetArn: ps.arn, principalId: a.principalId });
          }
        }
        await gateway.deletePermissionSet(ps.arn);
        if (r) {
          await store.appendEvent(r.id, { actor: SYSTEM_ACTOR, type: 'reconciled', comment: `Temporary permission set ${ps.name} was left in Identity Center and was deleted` }, this.now());
        }
        report.deletedPermissionSets.push(ps.name);
      });
    }
  }
}
