/** Rows to domain objects and back: the one place that knows both shapes. */
import type {
  ApprovalStep,
  ApprovalStepStatus,
  ApproverKind,
  BreakGlassReview,
  DurationCause,
  RequestEvent,
  RequestEventType,
  RequestKind,
  RequestStatus,
} from '@jit-access/plugin-jit-access-common';
import {
  DbAccountRow,
  DbEventRow,
  DbPermissionSetRow,
  DbRequestRow,
  DbStepRow,
  toBool,
  toIso,
  toMs,
} from '../tables';
import type { StoredAccount, StoredPermissionSet } from '../ConfigStore';
import type { EndReason, RequestPatch, StoredRequest } from '../RequestStore';

/**
 * Event types written before every transition was named by its lifecycle
 * event, as those names. The event table is append-only (its triggers
 * refuse UPDATE, and auditors rely on rows never changing), so old rows keep
 * what they were written with and are read in today's vocabulary here.
 */
const EARLIER_NAMES: Record<string, RequestEventType> = {
  'timed-out': 'time-out',
  provisioning: 'start-provisioning',
  activated: 'provisioned',
  expiring: 'expire',
  superseded: 'supersede',
  failed: 'provisioning-failed',
  rejected: 'reject',
  cancelled: 'cancel',
  revoked: 'revoke',
  withdrawn: 'withdraw',
  'step-added': 'add-step',
};
const EARLIER_ENDS: Record<string, RequestEventType> = {
  expired: 'ended-expired',
  revoked: 'ended-revoked',
  ended: 'ended-early',
};

function eventType(e: DbEventRow): RequestEventType {
  const earlier = EARLIER_NAMES[e.type];
  if (earlier) return earlier;
  if (e.type === 'ended' && e.to_status) return EARLIER_ENDS[e.to_status] ?? 'ended-expired';
  if (e.type.startsWith('approved-step-')) return e.to_status === 'approved' ? 'approve-final' : 'approve-step';
  return e.type as RequestEventType;
}

export function mapEvent(e: DbEventRow): RequestEvent {
  return {
    id: Number(e.id),
    requestId: e.request_id,
    actor: e.actor,
    at: toIso(e.at)!,
    type: eventType(e),
    fromStatus: (e.from_status as RequestStatus) ?? undefined,
    toStatus: (e.to_status as RequestStatus) ?? undefined,
    comment: e.comment ?? undefined,
  };
}

export function mapStep(s: DbStepRow): ApprovalStep {
  return {
    step: s.step,
    approverKind: s.approver_kind as ApproverKind,
    status: s.status as ApprovalStepStatus,
    decidedBy: s.decided_by ?? undefined,
    decidedAt: toIso(s.decided_at),
    comment: s.comment ?? undefined,
    ...(s.added_reason ? { addedReason: s.added_reason } : {}),
  };
}

export function mapAccount(r: DbAccountRow, arns: string[]): StoredAccount {
  return {
    accountId: r.account_id,
    name: r.name,
    entityRef: r.entity_ref ?? undefined,
    onboarded: toBool(r.onboarded),
    customPolicyAllowed: toBool(r.custom_policy_allowed),
    breakGlassAllowed: toBool(r.break_glass_allowed),
    assignedOwners: JSON.parse(r.assigned_owners),
    enabledPermissionSetArns: arns,
  };
}

/** The columns of an account row an admin or the config sets (all but `updated_at`). */
export function accountRow(a: Omit<StoredAccount, 'enabledPermissionSetArns'>) {
  return {
    account_id: a.accountId,
    name: a.name,
    entity_ref: a.entityRef ?? null,
    onboarded: a.onboarded,
    custom_policy_allowed: a.customPolicyAllowed,
    break_glass_allowed: a.breakGlassAllowed,
    assigned_owners: JSON.stringify(a.assignedOwners),
  };
}

export function mapPermissionSet(r: DbPermissionSetRow): StoredPermissionSet {
  return {
    arn: r.arn,
    name: r.name,
    description: r.description ?? undefined,
    sessionDuration: r.session_duration,
    requiresTwoLevels: toBool(r.requires_two_levels),
    source: r.source as StoredPermissionSet['source'],
    syncedAt: toIso(r.synced_at),
  };
}

/** The columns of a permission set row a sync writes: all but `requires_two_levels`, an admin's choice. */
export function permissionSetRow(s: StoredPermissionSet) {
  const { arn, name, source } = s;
  const synced_at = s.syncedAt ? Date.parse(s.syncedAt) : Date.now();
  return { arn, name, description: s.description ?? null, session_duration: s.sessionDuration, source, synced_at };
}

export function mapRequest(r: DbRequestRow): StoredRequest {
  return {
    id: r.id,
    requester: r.requester,
    accountId: r.account_id,
    accountName: r.account_name,
    accountEntityRef: r.account_entity_ref ?? undefined,
    kind: r.kind as RequestKind,
    permissionSetArn: r.permission_set_arn ?? undefined,
    permissionSetName: r.permission_set_name ?? undefined,
    customPolicy: r.custom_policy ?? undefined,
    extendsRequestId: r.extends_request_id ?? undefined,
    ...(toBool(r.break_glass) ? { breakGlass: true, review: mapReview(r) } : {}),
    requestedDurationMinutes: r.requested_minutes,
    effectiveDurationMinutes: r.effective_minutes,
    durationCause: r.duration_cause as DurationCause,
    reason: r.reason,
    ticket: r.ticket ?? undefined,
    startAt: toIso(r.start_at),
    status: r.status as RequestStatus,
    currentStep: r.current_step ?? undefined,
    requiredSteps: r.required_steps,
    statusReason: r.status_reason ?? undefined,
    createdAt: toIso(r.created_at)!,
    updatedAt: toIso(r.updated_at)!,
    decidedAt: toIso(r.decided_at),
    activatedAt: toIso(r.activated_at),
    expiresAt: toIso(r.expires_at),
    endedAt: toIso(r.ended_at),
    endReason: (r.end_reason as EndReason) ?? undefined,
    principalId: r.principal_id ?? undefined,
    assignmentPreexisting:
      r.assignment_preexisting === null
        ? undefined
        : toBool(r.assignment_preexisting),
    tempPermissionSetArn: r.temp_permission_set_arn ?? undefined,
    attempts: r.attempts,
    nextAttemptAt: toMs(r.next_attempt_at),
    warnedAt: toMs(r.warned_at),
  };
}

function mapReview(r: DbRequestRow): BreakGlassReview {
  return {
    status: r.review_status === 'closed' ? 'closed' : 'open',
    closedBy: r.review_closed_by ?? undefined,
    closedAt: toIso(r.review_closed_at),
    comment: r.review_comment ?? undefined,
  };
}

export function patchToRow(p: RequestPatch): Partial<DbRequestRow> {
  const row: Partial<DbRequestRow> = {};
  if ('currentStep' in p) row.current_step = p.currentStep ?? null;
  if ('statusReason' in p) row.status_reason = p.statusReason ?? null;
  if ('endReason' in p) row.end_reason = p.endReason ?? null;
  if ('principalId' in p) row.principal_id = p.principalId ?? null;
  if ('assignmentPreexisting' in p)
    row.assignment_preexisting = p.assignmentPreexisting ?? null;
  if ('tempPermissionSetArn' in p)
    row.temp_permission_set_arn = p.tempPermissionSetArn ?? null;
  if ('attempts' in p) row.attempts = p.attempts ?? 0;
  if (p.requiredSteps !== undefined) row.required_steps = p.requiredSteps;
  if ('nextAttemptAt' in p) row.next_attempt_at = p.nextAttemptAt ?? null;
  if (p.decidedAt !== undefined) row.decided_at = p.decidedAt;
  if (p.activatedAt !== undefined) row.activated_at = p.activatedAt;
  if (p.expiresAt !== undefined) row.expires_at = p.expiresAt;
  if (p.endedAt !== undefined) row.ended_at = p.endedAt;
  return row;
}
