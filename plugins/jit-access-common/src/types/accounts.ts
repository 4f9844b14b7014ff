/*
 * Domain types shared by the JIT Access frontend and backend: the HTTP API
 * returns exactly these shapes.
 */

import type { CatalogConflict } from '../catalogAccounts';

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
  /** Owner refs (catalog and assigned), user or group refs. */
  owners: string[];
  /**
   * Display names of `owners`, by ref (a group's or user's
   * `spec.profile.displayName`, else its title, else its name); refs the
   * catalog does not know are left out.
   */
  ownerNames?: Record<string, string>;
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
  /**
   * Several catalog entities claim this account id: none of them names its
   * owner or name (`describeCatalogConflict` says why and what to fix).
   */
  catalogConflict?: CatalogConflict;
}

/**
 * An onboarded account that takes no new requests now, with why (accounts
 * from the catalog whose entity is gone or claimed twice).
 * @public
 */
export interface UnavailableAccount {
  accountId: string;
  name: string;
  reason: string;
  catalogConflict?: CatalogConflict;
}

/** @public */
export interface AccountsResponse {
  items: RequestableAccount[];
  /** Why the list is empty, when it is. */
  reason?: string;
  /** Onboarded accounts that take no new requests now, with why. */
  unavailable?: UnavailableAccount[];
  /** The config page link is shown to admins when set. */
  canManageConfig?: boolean;
}

/**
 * Whether JIT Access can find the caller's Identity Center user, the one a
 * grant is assigned to (the identity store user matched by the email of
 * their catalog user entity): `missing` says what to fix, and requests are
 * refused until it is; `unchecked` when Identity Center or the catalog could
 * not be asked just now (requests are taken).
 * @public
 */
export type IdentityCenterUserCheck =
  | { status: 'found' }
  | { status: 'missing'; reason: string }
  | { status: 'unchecked'; reason: string };

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
  /** Whether the caller's Identity Center user can be found (absent from older backends). */
  identityCenterUser?: IdentityCenterUserCheck;
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
