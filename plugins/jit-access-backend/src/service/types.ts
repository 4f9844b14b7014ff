import { BackstageCredentials, BackstageUserPrincipal } from '@backstage/backend-plugin-api';

/** The signed-in user making an API call. */
export interface Caller {
  userEntityRef: string;
  /** The user and the groups they belong to. */
  ownershipEntityRefs: string[];
  credentials: BackstageCredentials<BackstageUserPrincipal>;
}

/** The actor recorded for transitions the engine makes on its own. */
export const SYSTEM_ACTOR = 'system:jit-access';
