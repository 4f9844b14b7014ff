/*
 * Domain types shared by the JIT Access frontend and backend.
 * The HTTP API (SPEC §4) returns exactly these shapes.
 */

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
  type: string;
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
export interface PermissionSetSummary {
  arn: string;
  name: string;
  description?: string;
  /** ISO-8601, PT1H..PT12H */
  sessionDuration: string;
  sessionDurationMinutes: number;
  /** Needs two approval levels like a custom policy. */
  requiresTwoLevels?: boolean;
}

/** @public */
export interface RequestableAccount {
  accountId: string;
  name: string;
  entityRef?: string;
  permissionSets: PermissionSetSummary[];
  customPolicyAllowed: boolean;
  /** Cap of custom requests, minutes. */
  customMaxDurationMinutes?: number;
  owners: string[];
  /** False when nobody can approve standard requests for this account. */
  hasApprover: boolean;
  /**
   * The account has no owner who could approve (nobody in the catalog owner
   * or the assigned owners): standard requests go to the Admins and SSO
   * Admins named here; custom policy requests, whose step 1 needs an owner,
   * are refused.
   */
  ownerless?: { adminNames: string[] };
  /** Self-approved emergency access (break-glass) is allowed on this account. */
  breakGlassAllowed: boolean;
}

/** @public */
export interface AccountsResponse {
  items: RequestableAccount[];
  /** Why the list is empty, when it is. */
  reason?: string;
  /** The config page link is shown to admins when set. */
  canManageConfig?: boolean;
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

/** The caller's role as the default policy and ownership see it. @public */
export interface CallerInfo {
  userEntityRef: string;
  name: string;
  roles: Array<'viewer' | 'approver' | 'admin' | 'sso-admin'>;
  ownedAccountIds: string[];
  features: {
    pendingApprovals: boolean;
    requestHistory: boolean;
    manageSessions: boolean;
    ownedAccounts: boolean;
    config: boolean;
  };
  /** What would give the missing features, in words. */
  missingFeaturesHint?: string;
}

/** An account as the config page sees it. @public */
export interface AccountConfig {
  accountId: string;
  name: string;
  entityRef?: string;
  onboarded: boolean;
  /** ARNs of the permission sets enabled for this account. */
  enabledPermissionSetArns: string[];
  customPolicyAllowed: boolean;
  /** Self-approved emergency access (break-glass) allowed. */
  breakGlassAllowed: boolean;
  /** Owners from the catalog entity (`spec.owner`). */
  catalogOwners: string[];
  /** Owners an admin assigned ("Manage owners"), user or group refs. */
  assignedOwners: string[];
  /** False when nobody could approve a standard request: flagged on the config page. */
  hasApprover: boolean;
  /** No owner could approve: standard requests go to Admins/SSO Admins, custom ones are refused. Flagged on the config page. */
  ownerless: boolean;
  /** Names of the people who can approve, resolved through the catalog. */
  approverNames: string[];
}

/** Body of `PUT /config/accounts/:accountId`. @public */
export interface AccountConfigUpdate {
  onboarded?: boolean;
  enabledPermissionSetArns?: string[];
  customPolicyAllowed?: boolean;
  breakGlassAllowed?: boolean;
  assignedOwners?: string[];
}

/**
 * What a config change would do to open requests (pending, approved and
 * waiting, provisioning): shown on the config page before the change is
 * saved, and returned by the save.
 * @public
 */
export interface ConfigImpact {
  /** Requests that would end, nothing granted. */
  withdrawn: string[];
  /** Requests that would gain an approval step. */
  stepAdded: string[];
  /** In words, e.g. "Ends 2 open requests (JIT-…, JIT-…) and adds a step to 1"; absent when nothing is affected. */
  message?: string;
}

/** A permission set as the config page sees it. @public */
export interface PermissionSetConfig extends PermissionSetSummary {
  /** Where it came from. */
  source: 'identity-center' | 'config';
  syncedAt?: string;
}

/** Global settings (`GET/PUT /config/settings`). @public */
export interface JitSettings {
  requireRejectionComment: boolean;
  /** Pending requests time out after this many minutes. */
  pendingTimeoutMinutes: number;
  /** Cap of custom permission set requests. */
  customMaxDurationMinutes: number;
  /** Accept requests nobody can approve (with a warning) instead of refusing them. */
  allowRequestsWithoutApprover: boolean;
}

/** The role mappings of the default policy (`GET /config/roles`). @public */
export interface RoleMappings {
  approverGroups: string[];
  adminGroups: string[];
  ssoAdminGroups: string[];
}

/**
 * What became of a request: `granted` once its final step was approved
 * (approved, provisioning, active, ending, expired, revoked, ended).
 * @public
 */
export type RequestOutcome = 'pending' | 'granted' | 'rejected' | 'cancelled' | 'timed_out' | 'failed';

/** Sessions of one permission set (`null`: a custom policy). @public */
export interface PermissionSetSessions {
  permissionSetName: string | null;
  sessions: number;
}

/**
 * Activity of one AWS account over the last `days` UTC days
 * (`GET /accounts/:accountId/activity`), for its owners and admins.
 * A session counts on the UTC day it was activated; requests count on the
 * day they were created.
 * @public
 */
export interface AccountActivity {
  accountId: string;
  accountName: string;
  days: number;
  /** ISO time of the window's start: 00:00 UTC, `days - 1` days before today. */
  from: string;
  /** ISO time the activity was computed (the window's end). */
  to: string;
  /** Sessions activated in the window. */
  totalSessions: number;
  /** Every UTC day of the window, oldest first, zeros included. */
  perDay: Array<{
    /** `YYYY-MM-DD` (UTC). */
    date: string;
    sessions: number;
    /** Only the permission sets with sessions that day. */
    byPermissionSet: PermissionSetSessions[];
  }>;
  /** Sessions per permission set over the window, most first. */
  byPermissionSet: PermissionSetSessions[];
  /** Requesters with the most requests created in the window (at most 10), most first. */
  topRequesters: Array<{ requester: string; name?: string; requests: number }>;
  /**
   * Median minutes from a request's creation to its final approval, over
   * the requests approved in the window (break-glass left out: it is
   * self-approved at once); null when none.
   */
  medianMinutesToApprove: number | null;
  /** How many requests went through that median. */
  approvedRequests: number;
  /** Requests created in the window, by what became of them (every outcome present). */
  outcomes: Record<RequestOutcome, number>;
}
