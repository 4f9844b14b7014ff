import {
  createConditionAuthorizer,
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
  type PermissionRule,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  JIT_ACCESS_PLUGIN_ID,
  JIT_ACCESS_REQUEST_RESOURCE_TYPE,
} from '@jit-access/plugin-jit-access-common';

/** What permission rules see of a request. @public */
export interface JitRequestResource {
  id: string;
  requester: string;
  accountId: string;
  /** Owner refs of the request's account (catalog owner and assigned owners). */
  accountOwners: string[];
}

/** Query form of the rules, for filtering lists. @public */
export type JitRequestQuery = { key: 'requester' | 'accountOwner'; values: string[] };

/** @public */
export const jitRequestResourceRef = createPermissionResourceRef<
  JitRequestResource,
  JitRequestQuery
>().with({
  pluginId: JIT_ACCESS_PLUGIN_ID,
  resourceType: JIT_ACCESS_REQUEST_RESOURCE_TYPE,
});

type ClaimsParams = { claims: string[] };

/**
 * The request was made by one of the given refs (pass the user's ownership
 * refs, e.g. `user.info.ownershipEntityRefs`).
 * @public
 */
export const isRequester = createPermissionRule<typeof jitRequestResourceRef, ClaimsParams>({
  name: 'IS_REQUESTER',
  description: 'Allow when the request was made by one of the given user refs',
  resourceRef: jitRequestResourceRef,
  apply: (r, { claims }) => claims.includes(r.requester),
  toQuery: ({ claims }) => ({ key: 'requester', values: claims }),
});

/**
 * One of the given refs owns the request's AWS account (catalog owner or
 * owner assigned on the config page).
 * @public
 */
export const isAccountOwner = createPermissionRule<typeof jitRequestResourceRef, ClaimsParams>({
  name: 'IS_ACCOUNT_OWNER',
  description: 'Allow when one of the given refs owns the AWS account of the request',
  resourceRef: jitRequestResourceRef,
  apply: (r, { claims }) => r.accountOwners.some(o => claims.includes(o)),
  toQuery: ({ claims }) => ({ key: 'accountOwner', values: claims }),
});

/** @public */
export const jitRequestRules = { isRequester, isAccountOwner };

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: jitRequestResourceRef,
  rules: jitRequestRules,
});

/** Conditions for permission policies: `jitRequestConditions.isAccountOwner({claims})`. @public */
export const jitRequestConditions = conditions;
/** @public */
export const createJitRequestConditionalDecision = createConditionalDecision;

const rulesByName = new Map<string, PermissionRule<JitRequestResource, JitRequestQuery, string>>(
  Object.values(jitRequestRules).map(r => [r.name, r]),
);

/** The rules as the permissions registry hands them out, for applying conditions in memory. */
const jitRequestRuleset: PermissionRuleset<JitRequestResource, JitRequestQuery, string> = {
  getRuleByName(name: string) {
    const rule = rulesByName.get(name);
    if (!rule) {
      throw new Error(`Permission rule '${name}' does not exist for resource type '${JIT_ACCESS_REQUEST_RESOURCE_TYPE}'`);
    }
    return rule;
  },
};

/**
 * Whether a policy decision allows the action on a request: ALLOW and DENY
 * as they are, a conditional decision by applying its conditions to the
 * request in memory, as the permission backend's apply-conditions call does
 * (used where the plugin already holds the requests: a list page, the
 * request being acted on).
 */
export const isAllowedOnRequest: (
  decision: Parameters<ReturnType<typeof createConditionAuthorizer>>[0],
  resource: JitRequestResource | undefined,
) => boolean = createConditionAuthorizer(jitRequestRuleset);
