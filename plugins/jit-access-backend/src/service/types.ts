import { BackstageCredentials, BackstageUserPrincipal } from '@backstage/backend-plugin-api';

/** The signed-in user making an API call. */
export interface Caller {
  userEntityRef: string;
  /** The user and the groups they belong to. */
  ownershipEntityRefs: string[];
  credentials: BackstageCredentials<BackstageUserPrincipal>;
}

/** Whether the caller (the user or one of their groups) is among an account's owners. */
export function ownsAccount(caller: Pick<Caller, 'ownershipEntityRefs'>, owners: string[]): boolean {
  return owners.some(o => caller.ownershipEntityRefs.includes(o));
}

/** The actor recorded for transitions the engine makes on its own. */
export const SYSTEM_ACTOR = 'system:jit-access';

/** How the system actor is named where people are shown by name (a request's timeline). */
export const SYSTEM_ACTOR_NAME = 'JIT Access';
