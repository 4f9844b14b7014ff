import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of JIT access requests, for conditional decisions
 * (rules `IS_REQUESTER` and `IS_ACCOUNT_OWNER`).
 * @public
 */
export const JIT_ACCESS_REQUEST_RESOURCE_TYPE = 'jit-access-request';

/**
 * Submit a request for access. Denied: the caller cannot request access at all.
 * @public
 */
export const jitAccessRequestCreatePermission = createPermission({
  name: 'jit-access.request.create',
  attributes: { action: 'create' },
});

/**
 * Read a request that is not the caller's own. Denied: the request is hidden
 * (404) and left out of lists. Requesters always see their own requests.
 * @public
 */
export const jitAccessRequestReadPermission = createPermission({
  name: 'jit-access.request.read',
  attributes: { action: 'read' },
  resourceType: JIT_ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * Decide (approve or reject) a standard request or step 1 of a custom one.
 * The backend still requires ownership or an Admin role and never allows
 * self-approval, whatever the policy says.
 * @public
 */
export const jitAccessRequestApprovePermission = createPermission({
  name: 'jit-access.request.approve',
  attributes: { action: 'update' },
  resourceType: JIT_ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * Decide the final (second) step of a custom or risk-tiered request.
 * Granted to Admins and SSO Admins by the default policy.
 * @public
 */
export const jitAccessRequestApproveFinalPermission = createPermission({
  name: 'jit-access.request.approve-final',
  attributes: { action: 'update' },
  resourceType: JIT_ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * Revoke somebody else's active session. Requesters may always end their own.
 * Its action is `delete` (the session's access is taken away), apart from the
 * `update` of the approvals, so that policies which decide by resource type
 * and action (the RBAC plugin's conditions) can let owners revoke without
 * touching step 2 approvals.
 * @public
 */
export const jitAccessSessionRevokePermission = createPermission({
  name: 'jit-access.session.revoke',
  attributes: { action: 'delete' },
  resourceType: JIT_ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * See approver features: Pending approvals, Request history, Manage sessions,
 * Owned accounts. Owners of an onboarded account get them through ownership
 * even when this permission is denied.
 * @public
 */
export const jitAccessApproverFeaturesPermission = createPermission({
  name: 'jit-access.approver-features.view',
  attributes: { action: 'read' },
});

/**
 * Manage the JIT configuration: onboard accounts, owners, permission sets,
 * policies. Denied: the config page and `/config` endpoints answer 403.
 * @public
 */
export const jitAccessConfigManagePermission = createPermission({
  name: 'jit-access.config.manage',
  attributes: { action: 'update' },
});

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
