import { IdentityCenterError } from './IdentityCenterError';

/**
 * The IAM Identity Center instance a gateway grants access in.
 * @public
 */
export interface IdentityCenterInstance {
  /** `arn:aws:sso:::instance/ssoins-...` */
  instanceArn: string;
  /** `d-...` */
  identityStoreId: string;
}

/** An instance as ListInstances describes it. */
interface ListedInstance {
  InstanceArn?: string;
  IdentityStoreId?: string;
}

const SET_KEYS =
  'set jitAccess.identityCenter.instanceArn and jitAccess.identityCenter.identityStoreId';

const describeInstance = (i: ListedInstance) =>
  `${i.InstanceArn} (identity store ${i.IdentityStoreId})`;

function notDiscovered(message: string): IdentityCenterError {
  return new IdentityCenterError(message, {
    transient: false,
    code: 'InstanceNotDiscovered',
    operation: 'ListInstances',
  });
}

/**
 * The instance among those ListInstances returned that matches what config
 * names (an instance ARN, an identity store id, or nothing). Exactly one must
 * match: with none or several the gateway cannot know where to grant, and
 * the error says which config keys settle it.
 */
export function chooseInstance(
  listed: ListedInstance[],
  configured: Partial<IdentityCenterInstance>,
): IdentityCenterInstance {
  const matching = listed.filter(
    i =>
      i.InstanceArn &&
      i.IdentityStoreId &&
      (!configured.instanceArn || i.InstanceArn === configured.instanceArn) &&
      (!configured.identityStoreId ||
        i.IdentityStoreId === configured.identityStoreId),
  );
  if (matching.length === 1) {
    return {
      instanceArn: matching[0].InstanceArn!,
      identityStoreId: matching[0].IdentityStoreId!,
    };
  }
  const named = [
    configured.instanceArn && `instance ${configured.instanceArn}`,
    configured.identityStoreId &&
      `identity store ${configured.identityStoreId}`,
  ].filter(Boolean);
  const what = named.length
    ? `no IAM Identity Center instance with ${named.join(' and ')}`
    : 'no IAM Identity Center instance';
  if (matching.length === 0) {
    throw notDiscovered(
      `ListInstances found ${what} that these credentials can see (listed: ${
        listed.map(describeInstance).join(', ') || 'none'
      }); ${SET_KEYS} to the instance JIT Access grants access in`,
    );
  }
  throw notDiscovered(
    `ListInstances found ${
      matching.length
    } IAM Identity Center instances (${matching
      .map(describeInstance)
      .join(
        ', ',
      )}) and JIT Access cannot tell which one to grant access in; ${SET_KEYS}`,
  );
}

/**
 * A permanent failure of ListInstances (e.g. AccessDenied) as a
 * configuration error that says how to do without the lookup; transient
 * ones stay as they are (the next call looks again).
 */
export function discoveryFailed(e: unknown): unknown {
  if (!(e instanceof IdentityCenterError) || e.transient) return e;
  return new IdentityCenterError(
    `The IAM Identity Center instance could not be found with ListInstances (${e.message}); ${SET_KEYS}, or allow sso:ListInstances`,
    {
      transient: false,
      code: e.code,
      operation: 'ListInstances',
      awsMessage: e.awsMessage,
      httpStatus: e.httpStatus,
      cause: e,
    },
  );
}
