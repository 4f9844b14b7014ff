import { JIT_MANAGED_TAG_KEY } from '@jit-access/plugin-jit-access-common';
import type { StoredRequest } from '../../database';
import { IdentityCenterError } from '../../identity-center';
import { isStandingAccess, withAssignmentLock } from '../../service/assignmentClaims';
import { identityCenterUserIdOf } from '../../service/identityCenterUsers';
import { SYSTEM_ACTOR } from '../../service/types';
import type { StepContext } from '../context';
import { recordFailure, retryWhenUnlocked } from './failures';

/**
 * Grants an approved request: approved → provisioning → active. Resolves the
 * requester's Identity Center user, makes the temporary permission set of a
 * custom policy, and creates the assignment under the assignment's lock,
 * right after checking again that the config of now allows it. Whether the
 * assignment is standing access is stored before it is created, so a crash
 * at any point converges when the work is picked up again. An extension
 * takes over the session it extends once it is active.
 */
export async function provision(ctx: StepContext, initial: StoredRequest) {
  const { store, gateway, notifier } = ctx.deps;
  let r = initial;
  const effects = () => r.assignmentPreexisting !== undefined || !!r.tempPermissionSetArn;
  if (!(await configAllows(ctx, r, effects()))) return;
  if (r.status === 'approved') {
    const ok = await store.transition({
      requestId: r.id,
      from: 'approved',
      event: { name: 'start-provisioning', actor: SYSTEM_ACTOR },
      now: ctx.now(),
    });
    if (!ok) return;
    r = { ...r, status: 'provisioning' };
  }
  try {
    const principalId = r.principalId ?? (await resolvePrincipal(ctx, r));
    if (!r.principalId) await store.patchRequest(r.id, 'provisioning', { principalId });
    const permissionSetArn = r.kind === 'custom' ? await ensureTemporaryPermissionSet(ctx, r) : r.permissionSetArn;
    if (!permissionSetArn) {
      throw new IdentityCenterError('No permission set to assign', { transient: false, code: 'MissingPermissionSet' });
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
        if (!(await configAllows(ctx, r, effects()))) return undefined;
        if (r.assignmentPreexisting === undefined) {
          // Decide, and store, whether the assignment is standing access
          // BEFORE creating it: after a crash it would look pre-existing.
          const existing = await gateway.listAssignments(r.accountId, permissionSetArn);
          const siblings = await store.listGrantsOfAssignment({ excludeRequestId: r.id, ...target });
          await store.patchRequest(r.id, 'provisioning', {
            assignmentPreexisting: isStandingAccess(existing.some(a => a.principalId === principalId), siblings),
          });
        }
        await gateway.createAssignment(target);
        const now = ctx.now();
        // An extension continues the session it extends: it starts where
        // that one ends, then takes it over (the assignment stays, as both
        // are live).
        const base = extended?.status === 'active' && extended.expiresAt ? Math.max(now, Date.parse(extended.expiresAt)) : now;
        return store.transition({
          requestId: r.id,
          from: 'provisioning',
          patch: {
            activatedAt: now,
            expiresAt: base + r.effectiveDurationMinutes * 60_000,
            attempts: 0,
            nextAttemptAt: undefined,
            statusReason: undefined,
          },
          event: { name: 'provisioned', actor: SYSTEM_ACTOR },
          now,
        });
      },
      { leaseMs: ctx.leaseMs, now: () => ctx.now() },
    );
    if (!outcome.locked) {
      await retryWhenUnlocked(ctx, r, 'provisioning');
      return;
    }
    if (!outcome.value) return;
    notifier?.notify(r.id, 'provisioned');
    if (extended?.status === 'active') await supersede(ctx, extended, r.id);
  } catch (e) {
    await recordFailure(ctx, r, 'provisioning', e);
  }
}

/** The session an active extension took over ends (its assignment stays: the extension holds it). */
async function supersede(ctx: StepContext, extended: StoredRequest, byId: string) {
  const now = ctx.now();
  const superseded = await ctx.deps.store.transition({
    requestId: extended.id,
    from: 'active',
    patch: { endReason: 'end-early', nextAttemptAt: now },
    event: { name: 'supersede', actor: SYSTEM_ACTOR, comment: `Extended by ${byId}` },
    now,
  });
  if (superseded) {
    await ctx.recheck.endExtensionsOf(extended, `was taken over by its extension ${byId}`);
    ctx.process(extended.id).catch(() => undefined);
  }
}

/**
 * Whether the config of now still allows granting `r`; when it does not,
 * the request ends (or goes back for the step the config now requires)
 * and nothing is granted. `effects`: Identity Center may already hold
 * something of this grant (a retry after a crash or an error).
 */
async function configAllows(ctx: StepContext, r: StoredRequest, effects: boolean): Promise<boolean> {
  const steps = await ctx.deps.store.getSteps(r.id);
  const { verdict, applied } = await ctx.recheck.enforce({ request: r, steps }, { effects });
  if (verdict.outcome === 'allowed') return true;
  if (applied) {
    ctx.deps.logger.info(`Request ${r.id} not granted: ${verdict.reason}`);
    if (effects && r.kind === 'custom' && r.tempPermissionSetArn) {
      // Best effort; the reconciler deletes temporary sets of requests that are not live.
      await ctx.deps.gateway.deletePermissionSet(r.tempPermissionSetArn).catch(() => undefined);
    }
  }
  return false;
}

async function resolvePrincipal(ctx: StepContext, r: StoredRequest): Promise<string> {
  return identityCenterUserIdOf(ctx.deps, r.requester);
}

/** The temporary permission set of a custom policy: found (made before a crash) or made, with the policy put. */
async function ensureTemporaryPermissionSet(ctx: StepContext, r: StoredRequest): Promise<string> {
  const { gateway, store } = ctx.deps;
  let arn = r.tempPermissionSetArn;
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
  await gateway.putInlinePolicy(arn, r.customPolicy ?? '');
  return arn;
}

/** A temporary permission set's session: the effective duration, within PT1H..PT12H. */
export function sessionDurationFor(minutes: number): string {
  const hours = Math.min(12, Math.max(1, Math.ceil(minutes / 60)));
  return `PT${hours}H`;
}
