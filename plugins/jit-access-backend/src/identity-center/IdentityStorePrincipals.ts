import { GetUserIdCommand } from '@aws-sdk/client-identitystore';
import {
  IdentityCenterError,
  IdentityCenterUserNotFoundError,
} from './IdentityCenterError';
import { IdentityCenterCalls } from './IdentityCenterCalls';

/**
 * Backstage users to Identity Store user ids: `GetUserId` on one unique
 * attribute, cached for a while, one lookup at a time per user.
 */
export class IdentityStorePrincipals {
  readonly #calls: IdentityCenterCalls;
  readonly #attribute: 'userName' | 'emails.value';
  readonly #cacheTtlMs: number;
  readonly #principals = new Map<string, { id: string; expiresAt: number }>();
  readonly #lookups = new Map<string, Promise<string>>();

  constructor(
    calls: IdentityCenterCalls,
    options: {
      principalAttribute?: 'userName' | 'emails.value';
      principalCacheTtlMs?: number;
    },
  ) {
    this.#calls = calls;
    this.#attribute = options.principalAttribute ?? 'userName';
    this.#cacheTtlMs = options.principalCacheTtlMs ?? 10 * 60_000;
  }

  async resolvePrincipalId(userName: string): Promise<string> {
    const hit = this.#principals.get(userName);
    if (hit && hit.expiresAt > Date.now()) return hit.id;
    // Concurrent grants of one user share one lookup.
    let lookup = this.#lookups.get(userName);
    if (!lookup) {
      lookup = this.#lookUp(userName).finally(() =>
        this.#lookups.delete(userName),
      );
      this.#lookups.set(userName, lookup);
    }
    return lookup;
  }

  async #lookUp(userName: string): Promise<string> {
    const attribute = this.#attribute;
    const { identityStoreId } = await this.#calls.instance();
    try {
      const out = await this.#calls.call(
        'GetUserId',
        () =>
          this.#calls.ids.send(
            new GetUserIdCommand({
              IdentityStoreId: identityStoreId,
              AlternateIdentifier: {
                UniqueAttribute: {
                  AttributePath: attribute,
                  AttributeValue: userName,
                },
              },
            }),
          ),
        { api: 'identity-store' },
      );
      if (!out.UserId) {
        throw new IdentityCenterError('GetUserId: the answer has no UserId', {
          transient: true,
          code: 'MalformedResponse',
          operation: 'GetUserId',
        });
      }
      this.#principals.set(userName, {
        id: out.UserId,
        expiresAt: Date.now() + this.#cacheTtlMs,
      });
      return out.UserId;
    } catch (e) {
      // ResourceNotFoundException names the missing resource: the user (the
      // usual case) or the identity store itself (a configuration error).
      const resourceType = (e as { cause?: { ResourceType?: string } }).cause
        ?.ResourceType;
      if (
        e instanceof IdentityCenterError &&
        e.code === 'ResourceNotFoundException' &&
        resourceType !== 'IDENTITY_STORE'
      ) {
        throw new IdentityCenterUserNotFoundError(
          `No user in the Identity Center identity store ${identityStoreId} has ${attribute} '${userName}'`,
          e.awsMessage,
        );
      }
      throw e;
    }
  }
}
