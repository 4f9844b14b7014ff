import { NotAllowedError } from '@backstage/errors';
import {
  type ApprovalStep,
  type CreateRequestBody,
  type RequestDetail,
  effectiveDuration,
  formatRequestId,
  jitAccessRequestCreatePermission,
  parseIsoDuration,
  stepsFor,
} from '@jit-access/plugin-jit-access-common';
import { randomBytes } from 'node:crypto';
import { RequestIdTakenError, type LoadedRequest, type NewRequest, type StoredRequest } from '../../database';
import type { Caller } from '../../service/types';
import type { RequestsContext } from '../context';
import { requestDetail } from '../detail';
import { checkRequestBody } from './checkRequestBody';
import { whoCanApprove } from './whoCanApprove';

/**
 * A new request: checked against the config of now, its duration and
 * approval steps derived from the rules in -common, refused when nobody
 * could approve it, stored pending (or, break-glass, approved at once).
 */
export async function createRequest(ctx: RequestsContext, caller: Caller, input: CreateRequestBody): Promise<RequestDetail> {
  const { deps } = ctx;
  if (!(await deps.authorizer.isAllowed(caller, jitAccessRequestCreatePermission))) {
    throw new NotAllowedError('You are not allowed to request JIT access');
  }
  const { body, account, permissionSet } = await checkRequestBody(ctx, caller, input);
  // A request that could never be granted does not wait for approvals.
  await deps.identityCenterUsers.assertGrantable(caller.userEntityRef);
  const settings = await ctx.config.settings();
  const kind = permissionSet ? 'standard' : 'custom';
  const duration = effectiveDuration({
    kind,
    requestedMinutes: body.durationMinutes,
    sessionDurationMinutes: permissionSet ? parseIsoDuration(permissionSet.sessionDuration) : undefined,
    customCapMinutes: settings.customMaxDurationMinutes,
  });
  const breakGlass = !!body.breakGlass;
  const approverKinds = stepsFor({
    kind,
    permissionSetRequiresTwoLevels: permissionSet?.requiresTwoLevels ?? false,
    breakGlass,
  });
  const warning = breakGlass ? undefined : await whoCanApprove(deps, caller, account, approverKinds, settings);

  const now = ctx.now();
  const request: StoredRequest = {
    id: newRequestId(ctx),
    requester: caller.userEntityRef,
    accountId: account.accountId,
    accountName: account.name,
    accountEntityRef: account.entityRef,
    kind,
    permissionSetArn: permissionSet?.arn,
    permissionSetName: permissionSet?.name,
    customPolicy: kind === 'custom' ? body.customPolicy : undefined,
    extendsRequestId: body.extendsRequestId,
    ...(breakGlass ? { breakGlass, review: { status: 'open' as const } } : {}),
    requestedDurationMinutes: body.durationMinutes,
    effectiveDurationMinutes: duration.minutes,
    durationCause: duration.cause,
    reason: body.reason,
    ticket: body.ticket,
    startAt: body.startAt ? new Date(Date.parse(body.startAt)).toISOString() : undefined,
    status: 'pending',
    currentStep: 1,
    requiredSteps: approverKinds.length,
    statusReason: warning,
    createdAt: new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
    attempts: 0,
  };
  const steps: ApprovalStep[] = approverKinds.map((approverKind, i) => ({
    step: i + 1,
    approverKind,
    status: i === 0 ? 'pending' : 'waiting',
  }));
  if (breakGlass) {
    return requestDetail(ctx, caller, await createBreakGlass(ctx, caller, request, steps, now));
  }
  const created = await insertRequest(ctx, { request, steps, actor: caller.userEntityRef });
  const { id } = created.request;
  deps.notifier?.notify(id, 'created', created);
  deps.logger.info(
    `Request ${id} by ${request.requester} for ${request.accountId} (${request.permissionSetName ?? 'custom policy'})`,
  );
  // The requester sees their own request, as stored: no need to check or read it again.
  return requestDetail(ctx, caller, created);
}

/**
 * Break-glass: the request is created and approved by its requester in one
 * transaction, announced at once to every owner and admin, provisioned at
 * once like any final approval, and waits for its review.
 */
async function createBreakGlass(
  ctx: RequestsContext,
  caller: Caller,
  request: StoredRequest,
  steps: ApprovalStep[],
  now: number,
): Promise<LoadedRequest> {
  const created = await insertRequest(ctx, {
    request,
    steps,
    actor: caller.userEntityRef,
    then: {
      from: 'pending',
      fromStep: 1,
      patch: { decidedAt: now, currentStep: undefined },
      decideStep: { step: 1, status: 'approved', decidedBy: caller.userEntityRef },
      event: { name: 'break-glass', actor: caller.userEntityRef, comment: request.reason },
    },
  });
  const { id } = created.request;
  ctx.deps.notifier?.notify(id, 'break-glass');
  ctx.deps.logger.warn(
    `Break-glass request ${id} by ${request.requester} for ${request.accountId} (${request.permissionSetName}): ${request.reason}`,
  );
  ctx.deps.triggerWork(id);
  return created;
}

function newRequestId({ deps }: RequestsContext): string {
  return deps.newRequestId?.() ?? formatRequestId(randomBytes(8));
}

/**
 * Stores a new request; when its random id is taken (RequestIdTakenError,
 * rarer than one in a thousand below a million requests), another is
 * drawn, up to 5 ids in all.
 */
async function insertRequest(ctx: RequestsContext, first: NewRequest): Promise<LoadedRequest> {
  let n = first;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.deps.store.createRequest(n);
    } catch (e) {
      if (!(e instanceof RequestIdTakenError) || attempt >= 5) throw e;
      n = { ...n, request: { ...n.request, id: newRequestId(ctx) } };
    }
  }
}
