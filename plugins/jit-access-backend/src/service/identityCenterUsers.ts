import { InputError } from '@backstage/errors';
import type { IdentityCenterUserCheck } from '@jit-access/plugin-jit-access-common';
import { type IdentityCenterGateway, IdentityCenterError } from '../identity-center';
import type { AccountDirectory } from './AccountDirectory';

/** Why a Backstage user has no Identity Center user. */
export type NoIdentityCenterUserReason = 'not-in-catalog' | 'no-email' | 'not-in-identity-store';

/**
 * A Backstage user without an Identity Center user: nothing can be granted
 * to them until the catalog or the identity store changes (permanent).
 */
export class NoIdentityCenterUserError extends IdentityCenterError {
  constructor(
    message: string,
    readonly reason: NoIdentityCenterUserReason,
    readonly userRef: string,
    readonly email?: string,
    cause?: unknown,
  ) {
    super(message, { transient: false, code: reason === 'not-in-identity-store' ? 'UserNotFound' : 'NoEmail', cause });
  }
}

/** What finding a user's Identity Center user reads. */
export interface IdentityCenterUserDeps {
  directory: Pick<AccountDirectory, 'user'>;
  gateway: Pick<IdentityCenterGateway, 'resolvePrincipalId'>;
}

/**
 * The Identity Center user id of a Backstage user: the identity store user
 * the gateway finds (`resolvePrincipalId`) by the email of the user's
 * catalog entity (`spec.profile.email`). A user who has none fails with a
 * {@link NoIdentityCenterUserError}; other failures are the gateway's or
 * the catalog's.
 */
export async function identityCenterUserIdOf(deps: IdentityCenterUserDeps, userRef: string): Promise<string> {
  const user = await deps.directory.user(userRef);
  if (!user?.email) {
    throw new NoIdentityCenterUserError(
      user
        ? `The Backstage user ${userRef} has no email in the catalog, so no Identity Center user can be found`
        : `The Backstage user ${userRef} is not in the catalog, so no Identity Center user can be found`,
      user ? 'no-email' : 'not-in-catalog',
      userRef,
    );
  }
  try {
    return await deps.gateway.resolvePrincipalId(user.email);
  } catch (e) {
    if (e instanceof IdentityCenterError && e.code === 'UserNotFound') {
      throw new NoIdentityCenterUserError(e.message, 'not-in-identity-store', userRef, user.email, e);
    }
    throw e;
  }
}

/** What the caller is told to fix, in the second person. */
function missingReason(e: NoIdentityCenterUserError): string {
  switch (e.reason) {
    case 'not-in-catalog':
      return `Your Backstage user ${e.userRef} is not in the catalog, so JIT Access cannot find your Identity Center user: ask your catalog admin to add a User entity ${e.userRef} with spec.profile.email set to your Identity Center email.`;
    case 'no-email':
      return `Your Backstage user has no email in the catalog, so JIT Access cannot find your Identity Center user: ask your catalog admin to add spec.profile.email to ${e.userRef}.`;
    default:
      return `No Identity Center user has the email ${e.email} (${e.message}): ask your AWS admin to create your Identity Center user with that email, or your catalog admin to correct spec.profile.email of ${e.userRef}.`;
  }
}

const UNCHECKED =
  'Your Identity Center user could not be checked just now (you can still submit; if JIT Access cannot find it, the request fails when it is granted)';

/**
 * How long an answer is kept, by status (an unchecked one is not kept): a
 * user found stays found as long as the gateway keeps the principal id it
 * found (10 minutes); a missing one is looked up again soon, so a fix shows.
 */
const FOUND_MS = 10 * 60_000;
const MISSING_MS = 15_000;
/** Past this many users kept, expired answers are dropped on the next lookup. */
const SWEEP_AT = 1_000;

/**
 * Whether users have an Identity Center user, by the rule grants use
 * ({@link identityCenterUserIdOf}), so a request that could never be granted
 * is refused at the form rather than failing after its approvals. Answers
 * are kept per user (10 minutes when found, 15 s when missing, so a fix
 * shows soon); a caller waits at most `waitMs` and is told the check
 * could not be made when Identity Center or the catalog is slow or down:
 * that never blocks a request.
 */
export class IdentityCenterUsers {
  readonly #answers = new Map<string, { until: number; value: Promise<IdentityCenterUserCheck> }>();

  constructor(private readonly deps: IdentityCenterUserDeps & { waitMs?: number; now?: () => number }) {}

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  async check(userRef: string): Promise<IdentityCenterUserCheck> {
    const hit = this.#answers.get(userRef);
    const value = hit && hit.until > this.now() ? hit.value : this.lookUp(userRef);
    const waitMs = this.deps.waitMs ?? 3_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<IdentityCenterUserCheck>(resolve => {
      timer = setTimeout(
        () => resolve({ status: 'unchecked', reason: `${UNCHECKED}: Identity Center did not answer within ${waitMs / 1000} s.` }),
        waitMs,
      );
    });
    try {
      return await Promise.race([value, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Refuses (400) a request by a user known to have no Identity Center user, before anything is written. */
  async assertGrantable(userRef: string): Promise<void> {
    const check = await this.check(userRef);
    if (check.status === 'missing') {
      throw new InputError(`This request could never be granted. ${check.reason}`);
    }
  }

  /** Drops expired answers once many users are kept, so the map holds about the users of the last minutes. */
  #sweep() {
    if (this.#answers.size < SWEEP_AT) return;
    const now = this.now();
    for (const [user, answer] of this.#answers) if (answer.until <= now) this.#answers.delete(user);
  }

  /** How many users' answers are kept (in flight included). */
  get size(): number {
    return this.#answers.size;
  }

  private lookUp(userRef: string): Promise<IdentityCenterUserCheck> {
    // Kept while it runs, so concurrent checks of one user share it.
    const entry = { until: Number.POSITIVE_INFINITY, value: undefined as unknown as Promise<IdentityCenterUserCheck> };
    entry.value = identityCenterUserIdOf(this.deps, userRef).then(
      (): IdentityCenterUserCheck => {
        entry.until = this.now() + FOUND_MS;
        return { status: 'found' };
      },
      (e): IdentityCenterUserCheck => {
        if (e instanceof NoIdentityCenterUserError) {
          entry.until = this.now() + MISSING_MS;
          return { status: 'missing', reason: missingReason(e) };
        }
        if (this.#answers.get(userRef) === entry) this.#answers.delete(userRef);
        return { status: 'unchecked', reason: `${UNCHECKED}: ${e instanceof Error ? e.message : String(e)}` };
      },
    );
    this.#sweep();
    this.#answers.set(userRef, entry);
    return entry.value;
  }
}
