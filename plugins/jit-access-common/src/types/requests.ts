/*
 * Domain types shared by the JIT Access frontend and backend: the HTTP API
 * returns exactly these shapes.
 */

import type { RequestEventType } from '../lifecycle';

/**
 * Where a request is in its lifecycle.
 *
 * ```
 * pending -> approved -> provisioning -> active -> ending -> expired | revoked | ended
 * pending | approved -> rejected | cancelled | timed_out
 * provisioning -> failed
 * ```
 *
 * @public
 */
export type RequestStatus =
  | 'pending'
  | 'approved'
  | 'provisioning'
  | 'active'
  | 'ending'
  | 'expired'
  | 'revoked'
  | 'ended'
  | 'rejected'
  | 'cancelled'
  | 'timed_out'
  | 'failed';

/** @public */
export type RequestKind = 'standard' | 'custom';

/**
 * Who may decide an approval step.
 * - `owner`: an owner of the target account (custom step 1).
 * - `owner-or-admin`: an owner, an Admin or an SSO Admin (standard requests).
 * - `admin`: an Admin or an SSO Admin (custom and risk-tiered step 2).
 * - `break-glass`: the requester, self-approved in an emergency (the only
 *   step of a break-glass request; reviewed afterwards).
 * @public
 */
export type ApproverKind = 'owner' | 'owner-or-admin' | 'admin' | 'break-glass';

/** @public */
export type ApprovalStepStatus = 'waiting' | 'pending' | 'approved' | 'rejected' | 'skipped';

/** @public */
export interface ApprovalStep {
  /** 1 or 2 */
  step: number;
  approverKind: ApproverKind;
  status: ApprovalStepStatus;
  decidedBy?: string;
  decidedByName?: string;
  decidedAt?: string;
  comment?: string;
  /**
   * Why this step was added after the request was made: the config changed
   * (e.g. its permission set was marked as needing two approvals).
   */
  addedReason?: string;
}

/** Why the effective duration is what it is. @public */
export type DurationCause = 'requested' | 'permission-set-session' | 'custom-cap';

/**
 * The after-the-fact review of a break-glass request: open until an owner of
 * the account or an Admin/SSO Admin (never the requester) closes it with a
 * comment.
 * @public
 */
export interface BreakGlassReview {
  status: 'open' | 'closed';
  closedBy?: string;
  closedByName?: string;
  closedAt?: string;
  comment?: string;
}

/** @public */
export interface AccessRequest {
  /** Short human id, e.g. `JIT-7K3F9Q`. */
  id: string;
  /** User entity ref of the requester, e.g. `user:default/alice`. */
  requester: string;
  /** The requester's display name from the catalog, on list pages and details; absent when not in the catalog. */
  requesterName?: string;
  accountId: string;
  accountName: string;
  /** Catalog entity ref of the account, when known. */
  accountEntityRef?: string;
  kind: RequestKind;
  permissionSetArn?: string;
  permissionSetName?: string;
  /** Inline IAM policy of a custom request. */
  customPolicy?: string;
  /** The active request this one extends; on approval it takes over its session. */
  extendsRequestId?: string;
  /** Self-approved emergency access: announced to owners and admins, reviewed after. */
  breakGlass?: boolean;
  /** Present on break-glass requests. */
  review?: BreakGlassReview;
  requestedDurationMinutes: number;
  effectiveDurationMinutes: number;
  durationCause: DurationCause;
  reason: string;
  ticket?: string;
  /** ISO time the access should start; absent means as soon as approved. */
  startAt?: string;
  status: RequestStatus;
  /** Step waiting for a decision while `pending`. */
  currentStep?: number;
  /** 1 for standard requests, 2 for custom and risk-tiered ones. */
  requiredSteps: number;
  /** Why the request ended or failed (AWS message kept for failures). */
  statusReason?: string;
  createdAt: string;
  updatedAt: string;
  decidedAt?: string;
  activatedAt?: string;
  expiresAt?: string;
  endedAt?: string;
  /**
   * The caller's verdicts on the actions of this request, on lists that
   * decide them: Pending approvals lists only requests the caller may decide
   * now, each with approve and reject allowed (the server decides again
   * when they act).
   */
  actions?: RequestAction[];
}

/** @public */
export type RequestActionName =
  | 'approve'
  | 'reject'
  | 'cancel'
  | 'revoke'
  | 'end'
  | 'extend'
  | 'closeReview';

/** An action the caller may or may not take, with the reason when not. @public */
export interface RequestAction {
  action: RequestActionName;
  allowed: boolean;
  reason?: string;
}

/** @public */
export interface Approver {
  entityRef: string;
  name: string;
  /** Why this person can approve: owner through a group, Admin role, ... */
  via: string;
}

/** One entry of the append-only event log. @public */
export interface RequestEvent {
  id: number;
  requestId: string;
  /** User entity ref of who acted, or `system:jit-access` for JIT Access itself. */
  actor: string;
  /** The actor's display name: "JIT Access" for the system; absent when the user is not in the catalog. */
  actorName?: string;
  at: string;
  fromStatus?: RequestStatus;
  toStatus?: RequestStatus;
  type: RequestEventType;
  comment?: string;
}

/** @public */
export interface RequestDetail extends AccessRequest {
  steps: ApprovalStep[];
  /** Who can decide the current step, by name. Empty when nobody can. */
  approvers: Approver[];
  actions: RequestAction[];
  events: RequestEvent[];
}

/** @public */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** @public */
export interface CreateRequestBody {
  accountId: string;
  permissionSetArn?: string;
  customPolicy?: string;
  durationMinutes: number;
  reason: string;
  ticket?: string;
  startAt?: string;
  /** Extend this active session of yours (same account and permission set). */
  extendsRequestId?: string;
  /**
   * Break-glass: self-approved emergency access to a permission set, where
   * the account allows it; the reason needs at least
   * `BREAK_GLASS_MIN_REASON_LENGTH` characters.
   */
  breakGlass?: boolean;
}

/** @public */
export interface PolicyValidationError {
  message: string;
  /** JSON path, e.g. `Statement[0].Effect` */
  path?: string;
  line?: number;
  column?: number;
  /** Machine name of the rule broken, e.g. `missing-effect`. */
  rule: string;
}

/** @public */
export interface PolicyValidationResult {
  valid: boolean;
  errors: PolicyValidationError[];
  /** Characters counted against the limit (non-whitespace). */
  size: number;
  limit: number;
  totalSize: number;
  totalLimit: number;
}
