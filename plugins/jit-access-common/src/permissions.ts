import { createPermission, type PermissionAttributes } from '@backstage/plugin-permission-common';

/**
 * Resource type of JIT access requests, for conditional decisions
 * (rules `IS_REQUESTER` and `IS_ACCOUNT_OWNER`).
 * @public
 */
export const JIT_ACCESS_REQUEST_RESOURCE_TYPE = 'jit-access-request';

type Action = NonNullable<PermissionAttributes['action']>;

/** A permission on JIT access requests (conditional decisions apply). */
function requestPermission(name: string, action: Action) {
  return createPermission({ name, attributes: { action }, resourceType: JIT_ACCESS_REQUEST_RESOURCE_TYPE });
}

/** A permission on the plugin as a whole (allow or deny only). */
function basicPermission(name: string, action: Action) {
  return createPermission({ name, attributes: { action } });
}

/**
 * Submit a request for access. Denied: the caller cannot request access at all.
 * @public
 */
export const jitAccessRequestCreatePermission = basicPermission('jit-access.request.create', 'create');

/**
 * Read a request that is not the caller's own. Denied: the request is hidden
 * (404) and left out of lists. Requesters always see their own requests.
 * @public
 */
export const jitAccessRequestReadPermission = requestPermission('jit-access.request.read', 'read');

/**
 * Decide (approve or reject) a standard request or step 1 of a custom one.
 * The backend still requires ownership or an Admin role and never allows
 * self-approval, whatever the policy says.
 * @public
 */
export const jitAccessRequestApprovePermission = requestPermission('jit-access.request.approve', 'update');

/**
 * Decide the final (second) step of a custom or risk-tiered request.
 * Granted to Admins and SSO Admins by the default policy.
 * @public
 */
export const jitAccessRequestApproveFinalPermission = requestPermission('jit-access.request.approve-final', 'update');

/**
 * Revoke somebody else's active session. Requesters may always end their own.
 * Its action is `delete` (the session's access is taken away), apart from the
 * `update` of the approvals, so that policies which decide by resource type
 * and action (the RBAC plugin's conditions) can let owners revoke without
 * touching step 2 approvals.
 * @public
 */
export const jitAccessSessionRevokePermission = requestPermission('jit-access.session.revoke', 'delete');

/**
 * See approver features: Pending approvals, Request history, Manage sessions,
 * Owned accounts. Owners of an onboarded account get them through ownership
 * even when this permission is denied.
 * @public
 */
export const jitAccessApproverFeaturesPermission = basicPermission('jit-access.approver-features.view', 'read');

/**
 * Manage the JIT configuration: onboard accounts, owners, permission sets,
 * policies. Denied: the config page and `/config` endpoints answer 403.
 * @public
 */
export const jitAccessConfigManagePermission = basicPermission('jit-access.config.manage', 'update');

/** Every permission of the plugin. @public */
export const jitAccessPermissions = [
  jitAccessRequestCreatePermission,
  jitAccessRequestReadPermission,
  jitAccessRequestApprovePermission,
  jitAccessRequestApproveFinalPermission,
  jitAccessSessionRevokePermission,
  jitAccessApproverFeaturesPermission,
  jitAccessConfigManagePermission,
];
