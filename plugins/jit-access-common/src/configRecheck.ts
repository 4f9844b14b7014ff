import { stepsFor } from './approval';
import type { ApprovalStep, ApproverKind, RequestKind, RequestStatus } from './types';

/**
 * Config changes a request that is not yet granted must follow: every
 * approval, and the grant itself, obey the config of that moment, not the
 * config at the time of the request.
 * @public
 */
export type ConfigChangeKind =
  | 'offboarded'
  | 'permission-set-disabled'
  | 'custom-policies-disallowed'
  | 'two-levels-required'
  | 'owners-changed';

/** Who made a config change and when, to name it in a reason. @public */
export interface ConfigChangeRecord {
  /** Display name (or ref) of the admin. */
  actorName?: string;
  /** ISO time. */
  at: string;
}

/** What {@link recheckConfig} needs to know. @public */
export interface RecheckFacts {
  request: {
    kind: RequestKind;
    accountName: string;
    permissionSetArn?: string;
    permissionSetName?: string;
    status: RequestStatus;
    currentStep?: number;
    requiredSteps: number;
    breakGlass?: boolean;
  };
  steps: ApprovalStep[];
  /** The account as configured now; undefined when JIT Access no longer knows it. */
  account?: {
    onboarded: boolean;
    enabledPermissionSetArns: string[];
    customPolicyAllowed: boolean;
  };
  /** The request's permission set as configured now (standard requests); undefined when it is gone. */
  permissionSet?: { requiresTwoLevels: boolean };
  /**
   * Whether somebody other than the requester owns the account now (through
   * the catalog owner or the assigned owners). Only asked of a request whose
   * current step needs an owner.
   */
  hasOwnerApprover: boolean;
  /** The latest change of each kind that touched this account or permission set. */
  changes?: Partial<Record<ConfigChangeKind, ConfigChangeRecord>>;
  /** For an extension: the session it extends, as it is now. */
  extendedSession?: { id: string; status: RequestStatus };
}

/** What the config of now makes of a request that is not granted yet. @public */
export type RecheckVerdict =
  | { outcome: 'allowed' }
  | {
      /** The config no longer allows the request: it ends, nothing is granted. */
      outcome: 'withdraw';
      code: ConfigChangeKind | 'session-ended';
      reason: string;
    }
  | {
      /** The config now requires more approval steps: the request gains them. */
      outcome: 'add-step';
      /** Every step as it must be now (decided steps keep their decision). */
      steps: ApprovalStep[];
      reason: string;
    };

/** Statuses a config change still acts on: nothing was granted yet. @public */
export const RECHECKED_STATUSES: readonly RequestStatus[] = ['pending', 'approved', 'provisioning'];

function byWhom(change?: ConfigChangeRecord): string {
  if (!change) return '';
  const at = `${change.at.slice(0, 16).replace('T', ' ')} UTC`;
  return change.actorName ? ` by ${change.actorName} at ${at}` : ` at ${at}`;
}

/**
 * Whether a request that is not granted yet (pending, approved and waiting
 * for its start time, or provisioning) may go on under the config of now:
 * the account must still be onboarded, the permission set still enabled for
 * it (custom policies still allowed), and the request must have the steps
 * the config now requires; a step that needs an owner needs one to exist.
 * The reason names the change, and who made it when that is known.
 * @public
 */
export function recheckConfig(facts: RecheckFacts): RecheckVerdict {
  const { request: r, account, changes = {} } = facts;
  if (!RECHECKED_STATUSES.includes(r.status)) return { outcome: 'allowed' };
  const session = facts.extendedSession;
  if (session && session.status !== 'active') {
    return {
      outcome: 'withdraw',
      code: 'session-ended',
      reason: `The session it extends, ${session.id}, is ${session.status.replace('_', ' ')}: an extension needs an active session; nothing was granted.`,
    };
  }
  if (!account || !account.onboarded) {
    return {
      outcome: 'withdraw',
      code: 'offboarded',
      reason: `${r.accountName} was offboarded from JIT Access${byWhom(changes.offboarded)}; nothing was granted.`,
    };
  }
  if (r.kind === 'standard') {
    const name = r.permissionSetName ?? r.permissionSetArn ?? 'The permission set';
    if (!facts.permissionSet) {
      return {
        outcome: 'withdraw',
        code: 'permission-set-disabled',
        reason: `${name} no longer exists in Identity Center; nothing was granted.`,
      };
    }
    if (!r.permissionSetArn || !account.enabledPermissionSetArns.includes(r.permissionSetArn)) {
      return {
        outcome: 'withdraw',
        code: 'permission-set-disabled',
        reason: `${name} was disabled for ${r.accountName}${byWhom(changes['permission-set-disabled'])}; nothing was granted.`,
      };
    }
  } else if (!account.customPolicyAllowed) {
    return {
      outcome: 'withdraw',
      code: 'custom-policies-disallowed',
      reason: `Custom policies were turned off for ${r.accountName}${byWhom(changes['custom-policies-disallowed'])}; nothing was granted.`,
    };
  }

  let steps = facts.steps;
  let added: string | undefined;
  const required = stepsFor({
    kind: r.kind,
    permissionSetRequiresTwoLevels: facts.permissionSet?.requiresTwoLevels ?? false,
    breakGlass: r.breakGlass,
  });
  // More steps than the config requires now are kept: a change that lowers
  // the bar does not lower it for requests already made.
  if (required.length > r.requiredSteps) {
    added = `${r.permissionSetName ?? 'This permission set'} was marked as needing two approvals${byWhom(
      changes['two-levels-required'],
    )}: this request now needs ${describeKinds(required.slice(r.requiredSteps))} as well.`;
    steps = required.map((kind, i) => {
      const existing = facts.steps.find(s => s.step === i + 1);
      if (existing && (existing.status === 'approved' || existing.status === 'rejected')) return existing;
      return {
        step: i + 1,
        approverKind: kind,
        status: existing?.status ?? 'waiting',
        ...(existing ? {} : { addedReason: added }),
      };
    });
  }

  // A step that needs an owner, with nobody left to own the account.
  const current =
    r.status === 'pending' ? steps.find(s => s.step === r.currentStep) : undefined;
  if (current?.approverKind === 'owner' && !facts.hasOwnerApprover) {
    return {
      outcome: 'withdraw',
      code: 'owners-changed',
      reason: `Nobody can approve step ${current.step}: it needs an owner of ${r.accountName}, and the account has no owner who could approve${
        changes['owners-changed'] ? ` (owners last changed${byWhom(changes['owners-changed'])})` : ''
      }${added ? `. ${added}` : ''}; nothing was granted.`,
    };
  }
  if (added) return { outcome: 'add-step', steps, reason: added };
  return { outcome: 'allowed' };
}

function describeKinds(kinds: ApproverKind[]): string {
  return kinds.map(k => (k === 'admin' ? 'an Admin or SSO Admin' : 'an owner')).join(' and ');
}
