import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  jitAccessApproverFeaturesPermission,
  jitAccessConfigManagePermission,
  jitAccessRequestApproveFinalPermission,
  jitAccessRequestApprovePermission,
  jitAccessRequestCreatePermission,
  jitAccessRequestReadPermission,
  jitAccessSessionRevokePermission,
  type RoleMappings,
} from '@jit-access/plugin-jit-access-common';
import { normalizeGroup } from '../service/JitAuthorizer';
import {
  createJitRequestConditionalDecision,
  jitRequestConditions,
} from '../permissions/rules';

const ALLOW = { result: AuthorizeResult.ALLOW } as const;
const DENY = { result: AuthorizeResult.DENY } as const;

/**
 * The roles of JIT Access (Viewer, Approver, Admin, SSO Admin) as a Backstage permission policy.
 *
 * | permission            | Viewer               | Approver | Admin / SSO Admin |
 * | create                | allow                | allow    | allow             |
 * | read (others')        | own account's (cond.)| allow    | allow             |
 * | approve               | allow (backend checks ownership, no self-approval) |
 * | approve-final         | deny                 | deny     | allow             |
 * | session revoke        | own account's (cond.)| same     | allow             |
 * | approver features     | deny (owners get them through ownership) | allow | allow |
 * | config manage         | deny                 | deny     | allow             |
 *
 * Anything that is not a JIT Access permission is allowed, so this policy
 * suits the demo and small installations; organisations with their own
 * policy or the RBAC plugin use the `IS_REQUESTER` / `IS_ACCOUNT_OWNER` rules
 * instead.
 *
 * @public
 */
export class JitAccessDefaultPolicy implements PermissionPolicy {
  constructor(
    private readonly roles: RoleMappings,
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const p = request.permission;
    if (!p.name.startsWith('jit-access.')) return ALLOW;
    if (!user || user.credentials.principal === undefined) return DENY;
    let claims: string[] = [];
    try {
      claims = (await this.userInfo.getUserInfo(user.credentials)).ownershipEntityRefs;
    } catch {
      return DENY; // not a user (e.g. a service)
    }
    const refs = new Set(claims.map(c => c.toLocaleLowerCase('en-US')));
    const inAny = (groups: string[]) => groups.some(g => refs.has(normalizeGroup(g)));
    const admin = inAny(this.roles.adminGroups) || inAny(this.roles.ssoAdminGroups);
    const approver = admin || inAny(this.roles.approverGroups);

    if (isPermission(p, jitAccessRequestCreatePermission)) return ALLOW;
    if (isPermission(p, jitAccessRequestApprovePermission)) return ALLOW;
    if (isPermission(p, jitAccessRequestApproveFinalPermission)) return admin ? ALLOW : DENY;
    if (isPermission(p, jitAccessConfigManagePermission)) return admin ? ALLOW : DENY;
    if (isPermission(p, jitAccessApproverFeaturesPermission)) return approver ? ALLOW : DENY;
    if (isPermission(p, jitAccessRequestReadPermission)) {
      if (approver) return ALLOW;
      return createJitRequestConditionalDecision(p, {
        anyOf: [
          jitRequestConditions.isRequester({ claims }),
          jitRequestConditions.isAccountOwner({ claims }),
        ],
      });
    }
    if (isPermission(p, jitAccessSessionRevokePermission)) {
      if (admin) return ALLOW;
      return createJitRequestConditionalDecision(
        p,
        jitRequestConditions.isAccountOwner({ claims }),
      );
    }
    return DENY;
  }
}
