import { PermissionsService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { CallerInfo, RoleMappings } from '@jit-access/plugin-jit-access-common';
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

  /** Decisions for several resource permissions on one request, in one call. */
  async forRequest<T extends ResourcePermission>(
    caller: Caller,
    requestId: string,
    permissions: T[],
  ): Promise<Map<string, boolean>> {
    const decisions = await this.permissions.authorize(
      permissions.map(permission => ({ permission, resourceRef: requestId })),
      { credentials: caller.credentials },
    );
    return new Map(
      permissions.map((p, i) => [p.name, decisions[i].result === AuthorizeResult.ALLOW]),
    );
  }

  /**
   * Decisions for several resource permissions on many requests in one call
   * (a list page), by request id then permission name.
   */
  async forRequests<T extends ResourcePermission>(
    caller: Caller,
    requestIds: string[],
    permissions: T[],
  ): Promise<Map<string, Map<string, boolean>>> {
    if (!requestIds.length) return new Map();
    const decisions = await this.permissions.authorize(
      requestIds.flatMap(resourceRef => permissions.map(permission => ({ permission, resourceRef }))),
      { credentials: caller.credentials },
    );
    return new Map(
      requestIds.map((id, i) => [
        id,
        new Map(
          permissions.map((p, j) => [
            p.name,
            decisions[i * permissions.length + j].result === AuthorizeResult.ALLOW,
          ]),
        ),
      ]),
    );
  }
}

/** Accepts `platform-admins` as well as `group:default/platform-admins`. */
export function normalizeGroup(ref: string): string {
  if (ref.includes(':')) return ref.toLocaleLowerCase('en-US');
  return `group:default/${ref}`.toLocaleLowerCase('en-US');
}
