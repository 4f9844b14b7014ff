/*
 * Domain types shared by the JIT Access frontend and backend: the HTTP API
 * returns exactly these shapes.
 */

import type { CatalogConflict } from '../catalogAccounts';
import type { PermissionSetSummary } from './accounts';

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
  /**
   * Display names of the catalog and assigned owners, by ref (a group's or
   * user's `spec.profile.displayName`, else its title, else its name); refs
   * the catalog does not know are left out.
   */
  ownerNames?: Record<string, string>;
  /** False when nobody could approve a standard request: flagged on the config page. */
  hasApprover: boolean;
  /** No owner could approve: standard requests go to Admins/SSO Admins, custom ones are refused. Flagged on the config page. */
  ownerless: boolean;
  /** Names of the people who can approve, resolved through the catalog. */
  approverNames: string[];
  /** Several catalog entities claim this account id: no catalog owner, name or entity (flagged). */
  catalogConflict?: CatalogConflict;
  /** Why this onboarded account takes no new requests now (accounts from the catalog whose entity is gone). */
  unavailableReason?: string;
}

/** Body of `PUT /config/accounts/:accountId`. @public */
export type AccountConfigUpdate = {
  onboarded?: boolean;
  enabledPermissionSetArns?: string[];
  customPolicyAllowed?: boolean;
  breakGlassAllowed?: boolean;
  assignedOwners?: string[];
};

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
export type JitSettings = {
  requireRejectionComment: boolean;
  /** Pending requests time out after this many minutes. */
  pendingTimeoutMinutes: number;
  /** Cap of custom permission set requests. */
  customMaxDurationMinutes: number;
  /** Accept requests nobody can approve (with a warning) instead of refusing them. */
  allowRequestsWithoutApprover: boolean;
};

/** The role mappings of the default policy (`GET /config/roles`). @public */
export interface RoleMappings {
  approverGroups: string[];
  adminGroups: string[];
  ssoAdminGroups: string[];
}
