import { PermissionsService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { CallerInfo, RoleMappings } from '@jit-access/plugin-jit-access-common';
import { isAllowedOnRequest, type JitRequestResource } from '../permissions/rules';
import { Caller } from './types';

type Role = CallerInfo['roles'][number];

/**
 * Asks Backstage's permission framework about JIT permissions, always with
 * the caller's own credentials, and knows the role groups of the default
 * policy so it can say, in words, which role a user has.
 */
export class JitAuthorizer {
  constructor(
    private readonly permissions: PermissionsService,
    readonly roles: RoleMappings,
  ) {}

  /** Roles from the configured groups (for display and approver names). */
  rolesOf(caller: Pick<Caller, 'ownershipEntityRefs'>): Role[] {
    const refs = new Set(caller.ownershipEntityRefs);
    const has = (groups: string[]) => groups.some(g => refs.has(normalizeGroup(g)));
    const roles: Role[] = ['viewer'];
    if (has(this.roles.approverGroups)) roles.push('approver');
    if (has(this.roles.adminGroups)) roles.push('admin');
    if (has(this.roles.ssoAdminGroups)) roles.push('sso-admin');
    return roles;
  }

  /** Group refs whose members are Admins or SSO Admins. */
  adminGroupRefs(): string[] {
    return [...this.roles.adminGroups, ...this.roles.ssoAdminGroups].map(normalizeGroup);
  }

  async isAllowed(caller: Caller, permission: BasicPermission): Promise<boolean> {
    const [d] = await this.permissions.authorize([{ permission }], {
      credentials: caller.credentials,
    });
    return d.result === AuthorizeResult.ALLOW;
  }

  /**
   * Decisions for several resource permissions on one request the caller
   * already loaded, by permission name (see forRequestList).
   */
  async forRequest<T extends ResourcePermission>(
    caller: Caller,
    request: JitRequestResource,
    permissions: T[],
  ): Promise<Map<string, boolean>> {
    return (await this.forRequestList(caller, [request], permissions)).get(request.id)!;
  }

  /**
   * Decisions for several resource permissions on requests the plugin
   * holds (a list page, the request being acted on), with one policy query
   * per permission instead of one per request and permission:
   * the policy's conditional decisions are applied to the requests in memory
   * (the list already holds them) instead of the permission backend calling
   * back for each. By request id, then permission name.
   */
  async forRequestList<T extends ResourcePermission>(
    caller: Caller,
    requests: JitRequestResource[],
    permissions: T[],
  ): Promise<Map<string, Map<string, boolean>>> {
    if (!requests.length) return new Map();
    const decisions = await this.permissions.authorizeConditional(
      permissions.map(permission => ({ permission })),
      { credentials: caller.credentials },
    );
    return new Map(
      requests.map(r => [
        r.id,
        new Map(permissions.map((p, i) => [p.name, isAllowedOnRequest(decisions[i], r)])),
      ]),
    );
  }
}

/** Accepts `platform-admins` as well as `group:default/platform-admins`. */
export function normalizeGroup(ref: string): string {
  if (ref.includes(':')) return ref.toLocaleLowerCase('en-US');
  return `group:default/${ref}`.toLocaleLowerCase('en-US');
}
