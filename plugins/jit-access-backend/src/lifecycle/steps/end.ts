import type { EndReason, StoredRequest } from '../../database';
import { isNotFound } from '../../identity-center';
import { reasonToKeepAssignment, withAssignmentLock } from '../../service/assignmentClaims';
import { SYSTEM_ACTOR } from '../../service/types';
import type { StepContext } from '../context';
import { recordFailure, retryWhenUnlocked } from './failures';

/** How a session that is ending ends, by why it ends. */
const END_EVENT: Record<EndReason, 'ended-expired' | 'ended-revoked' | 'ended-early'> = {
  expire: 'ended-expired',
  revoke: 'ended-revoked',
  'end-early': 'ended-early',
};

/**
 * Ends a session: active → ending → expired, revoked or ended. Under the
 * assignment's lock, the assignment is deleted unless standing access or
 * another live grant needs it, and a custom policy's temporary permission
 * set is deleted (after denying its live sessions everything, when
 * `jitAccess.endLiveSessions` is on).
 */
export async function end(ctx: StepContext, initial: StoredRequest, reason: EndReason) {
  const { store, notifier } = ctx.deps;
  let r = initial;
  if (r.status === 'active') {
    const ok = await store.transition({
      requestId: r.id,
      from: 'active',
      patch: { endReason: reason },
      event: { name: reason, actor: SYSTEM_ACTOR },
      now: ctx.now(),
    });
    if (!ok) return;
    await ctx.recheck.endExtensionsOf(r, reason === 'expire' ? 'expired' : 'ended');
    r = { ...r, status: 'ending', endReason: reason };
  }
  try {
    const permissionSetArn = r.kind === 'custom' ? r.tempPermissionSetArn : r.permissionSetArn;
    const principalId = r.principalId;
    const ended = END_EVENT[r.endReason ?? reason];
    const finish = async () => {
      const now = ctx.now();
      return store.transition({
        requestId: r.id,
        from: 'ending',
        patch: { endedAt: now, attempts: 0, nextAttemptAt: undefined },
        event: { name: ended, actor: SYSTEM_ACTOR },
        now,
      });
    };
    let done: boolean;
    if (permissionSetArn && principalId) {
      const target = { accountId: r.accountId, permissionSetArn, principalId };
      const outcome = await withAssignmentLock(
        store,
        target,
        async () => {
          await removeAccess(ctx, r, target);
          return finish();
        },
        { leaseMs: ctx.leaseMs, now: () => ctx.now() },
      );
      if (!outcome.locked) {
        await retryWhenUnlocked(ctx, r, 'ending');
        return;
      }
      done = !!outcome.value;
    } else {
      // Never provisioned as far as Identity Center goes: nothing to remove.
      done = !!(await finish());
    }
    if (done) notifier?.notify(r.id, ended);
  } catch (e) {
    await recordFailure(ctx, r, 'ending', e);
  }
}

/** What ending a session removes in Identity Center; run under the assignment's lock. */
async function removeAccess(
  ctx: StepContext,
  r: StoredRequest,
  target: { accountId: string; permissionSetArn: string; principalId: string },
) {
  const { store, gateway } = ctx.deps;
  const { permissionSetArn, principalId } = target;
  if (r.kind === 'custom' && ctx.deps.endLiveSessions) {
    // Before the assignment goes: deny everything to credentials issued
    // until now, so sessions already open end too. A set already deleted by
    // an earlier attempt that crashed before recording it has no sessions
    // left to end.
    const cutoff = new Date(ctx.now()).toISOString();
    const denied = await gateway.putInlinePolicy(permissionSetArn, denyTokensIssuedBefore(cutoff)).then(
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
        ctx.now(),
      );
    }
  }
  const siblings = await store.listGrantsOfAssignment({ excludeRequestId: r.id, ...target });
  // Overlap-safe: keep standing access and what another grant needs.
  if (!reasonToKeepAssignment(r, siblings)) {
    const existing = await gateway.listAssignments(r.accountId, permissionSetArn);
    if (existing.some(a => a.principalId === principalId)) await gateway.deleteAssignment(target);
  }
  if (r.kind === 'custom') await gateway.deletePermissionSet(permissionSetArn);
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
