import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  JIT_ACCESS_REQUEST_RESOURCE_TYPE,
  jitAccessPermissions,
  jitAccessRequestApproveFinalPermission,
  jitAccessRequestApprovePermission,
  jitAccessRequestReadPermission,
  jitAccessSessionRevokePermission,
} from './permissions';

describe('the permissions as policies that decide by resource type and action see them', () => {
  // The RBAC plugin attaches a condition to (resource type, action). A
  // condition that lets owners read or revoke must never reach step 2.
  const byAction = (action: string) =>
    jitAccessPermissions
      .filter(p => isResourcePermission(p, JIT_ACCESS_REQUEST_RESOURCE_TYPE) && p.attributes.action === action)
      .map(p => p.name)
      .sort();

  it('revoke is the only delete: an owners-may-revoke condition reaches nothing else', () => {
    expect(jitAccessSessionRevokePermission.attributes.action).toBe('delete');
    expect(byAction('delete')).toEqual([jitAccessSessionRevokePermission.name]);
  });

  it('read holds only reading requests', () => {
    expect(byAction('read')).toEqual([jitAccessRequestReadPermission.name]);
  });

  it('the approvals share update, and nothing a condition is meant for does', () => {
    expect(byAction('update')).toEqual(
      [jitAccessRequestApprovePermission.name, jitAccessRequestApproveFinalPermission.name].sort(),
    );
  });
});
