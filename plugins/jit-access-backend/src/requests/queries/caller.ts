import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  type AccountActivity,
  type AccountsResponse,
  type CallerInfo,
  jitAccessApproverFeaturesPermission,
  jitAccessConfigManagePermission,
  jitAccessRequestCreatePermission,
} from '@jit-access/plugin-jit-access-common';
import { activityWindow, TOP_REQUESTERS, toAccountActivity } from '../../service/accountActivity';
import { type Caller, ownsAccount } from '../../service/types';
import type { RequestsContext } from '../context';

/** Who the caller is to JIT Access: name, roles, the accounts they own, the features they see and why not, whether they have an Identity Center user. */
export async function callerInfo({ deps, accounts }: RequestsContext, caller: Caller): Promise<CallerInfo> {
  const { authorizer } = deps;
  const [approverFeature, config, owned, identityCenterUser] = await Promise.all([
    authorizer.isAllowed(caller, jitAccessApproverFeaturesPermission),
    authorizer.isAllowed(caller, jitAccessConfigManagePermission),
    accounts.ownedAccountIds(caller),
    deps.identityCenterUsers.check(caller.userEntityRef),
  ]);
  const roles = authorizer.rolesOf(caller);
  if (owned.length && !roles.includes('approver')) roles.push('approver');
  const approver = approverFeature || owned.length > 0;
  const person = await deps.directory.user(caller.userEntityRef);
  const groups = authorizer.roles.approverGroups;
  return {
    userEntityRef: caller.userEntityRef,
    name: person?.name ?? caller.userEntityRef,
    roles,
    ownedAccountIds: owned,
    features: {
      pendingApprovals: approver,
      requestHistory: approver,
      manageSessions: approver,
      ownedAccounts: approver,
      config,
    },
    missingFeaturesHint: approver
      ? undefined
      : 'You have the Viewer role: you can request access and see your own requests. ' +
        'Pending approvals, Request history, Manage sessions and Owned accounts appear when you own an onboarded AWS account ' +
        '(you or your team is its catalog owner, or an admin assigned you in Manage owners) ' +
        `or belong to an approver group${groups.length ? ` (${groups.join(', ')})` : ''}. Ask a JIT Access admin.`,
    identityCenterUser,
  };
}

/** The accounts the caller may request, each saying whether anyone but the caller can approve there. */
export async function requestableAccounts({ deps, accounts }: RequestsContext, caller: Caller): Promise<AccountsResponse> {
  const [canManageConfig, canCreate] = await Promise.all([
    deps.authorizer.isAllowed(caller, jitAccessConfigManagePermission),
    deps.authorizer.isAllowed(caller, jitAccessRequestCreatePermission),
  ]);
  if (!canCreate) {
    return {
      items: [],
      reason: "Your organisation's permission policy does not allow you to request JIT access.",
      canManageConfig,
    };
  }
  const list = await accounts.list();
  const shared = list.responses[canManageConfig ? 1 : 0];
  // Who cannot approve their own request: for the only possible approver
  // of an account, nobody is left to approve theirs.
  const noApprover = list.soleApproverOf.get(caller.userEntityRef);
  if (!noApprover) return shared;
  return {
    ...shared,
    items: shared.items.map(a => (noApprover.has(a.accountId) ? { ...a, hasApprover: false } : a)),
  };
}

/**
 * Sessions, requesters, time to approve and outcomes of one account over
 * the last `days` UTC days. For the account's owners and for whoever may
 * manage the JIT config (Admins and SSO Admins by default).
 */
export async function accountActivity(
  { deps, people, now }: RequestsContext,
  caller: Caller,
  accountId: string,
  days: number,
): Promise<AccountActivity> {
  const { store, directory, authorizer } = deps;
  const [account] = await directory.named([await store.getAccount(accountId)].filter(a => !!a));
  if (!account) throw new NotFoundError(`AWS account '${accountId}' is not known to JIT Access`);
  const owners = await directory.ownersOf(account);
  if (!ownsAccount(caller, owners) && !(await authorizer.isAllowed(caller, jitAccessConfigManagePermission))) {
    const ownedBy = owners.length ? `its owners (${owners.join(', ')})` : 'its owners (it has none)';
    throw new NotAllowedError(
      `The activity of account ${account.name} (${accountId}) is shown to ${ownedBy} and to Admins and SSO Admins; you are neither`,
    );
  }
  const at = now();
  const counts = await store.accountActivity({ accountId, from: activityWindow(at, days).from, topRequesters: TOP_REQUESTERS });
  const names = await people.namesOf(counts.topRequesters.map(r => r.requester));
  return toAccountActivity({ account, days, now: at, counts, names });
}
