import { AuthService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  stringifyEntityRef,
  UserEntity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AWS_ACCOUNT_ID_ANNOTATION,
  type Approver,
} from '@jit-access/plugin-jit-access-common';
import type { StoredAccount } from '../database';

/** A person who may act on a request, with how they got there. */
export interface Person {
  entityRef: string;
  name: string;
  email?: string;
}

/** How long catalog reads are kept. */
export const DIRECTORY_CACHE_MS = 15_000;
const CACHE_MS = DIRECTORY_CACHE_MS;

/**
 * Reads what JIT Access needs from the catalog: the entities of AWS accounts
 * (by the `amazonaws.com/account-id` annotation), their owners, the members
 * of groups and the names and emails of users. Reads are made with the
 * plugin's own credentials (they are lookups, never decisions) and cached
 * briefly, because every request detail resolves approvers by name.
 */
export class AccountDirectory {
  #accountEntities?: { at: number; value: Promise<Map<string, Entity>> };
  readonly #members = new Map<string, { at: number; value: Promise<Person[]> }>();
  readonly #users = new Map<string, { at: number; value: Promise<Person | undefined> }>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  private async credentials() {
    return { credentials: await this.auth.getOwnServiceCredentials() };
  }

  /** Catalog entities of AWS accounts, by account id. */
  async accountEntities(): Promise<Map<string, Entity>> {
    const now = Date.now();
    if (!this.#accountEntities || now - this.#accountEntities.at > CACHE_MS) {
      const value = (async () => {
        const { items } = await this.catalog.getEntities(
          {
            filter: {
              kind: 'Resource',
              [`metadata.annotations.${AWS_ACCOUNT_ID_ANNOTATION}`]:
                CATALOG_FILTER_EXISTS,
            },
          },
          await this.credentials(),
        );
        const map = new Map<string, Entity>();
        for (const e of items) {
          const id = e.metadata.annotations?.[AWS_ACCOUNT_ID_ANNOTATION];
          if (id) map.set(id, e);
        }
        return map;
      })();
      this.#accountEntities = { at: now, value };
      value.catch(() => {
        this.#accountEntities = undefined;
      });
    }
    return this.#accountEntities.value;
  }

  /** Owner refs of an account: its entity's owner plus owners admins assigned. */
  async ownersOf(account: StoredAccount): Promise<string[]> {
    const entities = await this.accountEntities();
    const entity = entities.get(account.accountId);
    const catalogOwners = entity ? catalogOwnersOf(entity) : [];
    return [...new Set([...catalogOwners, ...account.assignedOwners])];
  }

  /** Owner refs of many accounts at once (one catalog lookup, not one per account), by account id. */
  async ownersByAccount(accounts: readonly StoredAccount[]): Promise<Map<string, string[]>> {
    const entities = await this.accountEntities();
    return new Map(
      accounts.map(account => {
        const entity = entities.get(account.accountId);
        const catalogOwners = entity ? catalogOwnersOf(entity) : [];
        return [account.accountId, [...new Set([...catalogOwners, ...account.assignedOwners])]];
      }),
    );
  }

  /** The people behind a list of user and group refs. */
  async peopleOf(refs: string[]): Promise<Person[]> {
    const lists = await Promise.all(
      refs.map(ref =>
        ref.startsWith('user:') ? this.user(ref).then(u => (u ? [u] : [])) : this.membersOf(ref),
      ),
    );
    const byRef = new Map<string, Person>();
    for (const p of lists.flat()) byRef.set(p.entityRef, p);
    return [...byRef.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A user's display name and email; undefined when not in the catalog. */
  async user(userRef: string): Promise<Person | undefined> {
    return this.cached(this.#users, userRef, async () => {
      const entity = await this.catalog.getEntityByRef(
        userRef,
        await this.credentials(),
      );
      return entity ? toPerson(entity as UserEntity) : undefined;
    });
  }

  /**
   * Many users at once, by ref (those not in the catalog left out): the
   * ones not cached are read in one catalog call, not one per user, so a
   * page of 50 requests from 50 people costs one round trip.
   */
  async users(userRefs: readonly string[]): Promise<Map<string, Person>> {
    const now = Date.now();
    const missing = [...new Set(userRefs)].filter(ref => {
      const hit = this.#users.get(ref);
      return !hit || now - hit.at >= CACHE_MS;
    });
    if (missing.length) {
      const batch = (async () => {
        const { items } = await this.catalog.getEntitiesByRefs(
          { entityRefs: missing },
          await this.credentials(),
        );
        return items;
      })();
      missing.forEach((ref, i) => {
        const value = batch.then(items => (items[i] ? toPerson(items[i] as UserEntity) : undefined));
        this.#users.set(ref, { at: now, value });
        value.catch(() => {
          if (this.#users.get(ref)?.value === value) this.#users.delete(ref);
        });
      });
    }
    const people = await Promise.all(userRefs.map(ref => this.#users.get(ref)!.value));
    return new Map(people.filter((p): p is Person => !!p).map(p => [p.entityRef, p]));
  }

  private async membersOf(groupRef: string): Promise<Person[]> {
    return this.cached(this.#members, groupRef, async () => {
      const { items } = await this.catalog.getEntities(
        {
          filter: { kind: 'User', [`relations.${RELATION_MEMBER_OF}`]: groupRef },
        },
        await this.credentials(),
      );
      return items.map(e => toPerson(e as UserEntity));
    });
  }

  private cached<T>(
    cache: Map<string, { at: number; value: Promise<T> }>,
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    const hit = cache.get(key);
    const now = Date.now();
    if (hit && now - hit.at < CACHE_MS) return hit.value;
    const value = load();
    cache.set(key, { at: now, value });
    value.catch(() => cache.delete(key));
    return value;
  }
}

/** Owner refs of a catalog entity (the `ownedBy` relations, else `spec.owner`). */
export function catalogOwnersOf(entity: Entity): string[] {
  const rel = (entity.relations ?? [])
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => r.targetRef);
  if (rel.length) return rel;
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string') return [];
  return [owner.includes(':') ? owner : `group:default/${owner}`];
}

function toPerson(e: UserEntity): Person {
  return {
    entityRef: stringifyEntityRef(e),
    name: e.spec?.profile?.displayName ?? e.metadata.title ?? e.metadata.name,
    email: e.spec?.profile?.email,
  };
}

/** Approvers as the API shows them. */
export function toApprover(p: Person, via: string): Approver {
  return { entityRef: p.entityRef, name: p.name, via };
}
