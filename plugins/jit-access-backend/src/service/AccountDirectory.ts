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
  type CatalogConflict,
} from '@jit-access/plugin-jit-access-common';
import type { StoredAccount } from '../database';

/** A person who may act on a request, with how they got there. */
export interface Person {
  entityRef: string;
  name: string;
  email?: string;
}

/** The catalog's AWS account entities, as {@link AccountDirectory.accountCatalog} reads them. */
export interface AccountCatalog {
  /** The entity of each account id exactly one entity claims. */
  entities: Map<string, Entity>;
  /** The ids several entities claim, with their refs (sorted): none of them speaks for the account. */
  contested: Map<string, CatalogConflict>;
}

/**
 * Sorts AWS account entities by the id they claim (`amazonaws.com/account-id`,
 * trimmed): an id claimed by one entity maps to it, an id claimed by two or
 * more goes to `contested` and to no entity, whatever order the catalog
 * returns them in.
 */
export function toAccountCatalog(items: readonly Entity[]): AccountCatalog {
  const byId = new Map<string, Entity[]>();
  for (const e of items) {
    const id = e.metadata.annotations?.[AWS_ACCOUNT_ID_ANNOTATION]?.trim();
    if (id) byId.set(id, [...(byId.get(id) ?? []), e]);
  }
  const entities = new Map<string, Entity>();
  const contested = new Map<string, CatalogConflict>();
  for (const [id, claims] of byId) {
    const refs = [...new Set(claims.map(e => stringifyEntityRef(e)))].sort();
    if (refs.length === 1) entities.set(id, claims[0]);
    else contested.set(id, { entityRefs: refs });
  }
  return { entities, contested };
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
  #accountCatalog?: { at: number; value: Promise<AccountCatalog> };
  readonly #members = new Map<string, { at: number; value: Promise<Person[]> }>();
  readonly #users = new Map<string, { at: number; value: Promise<Person | undefined> }>();
  readonly #names = new Map<string, { at: number; value: Promise<string | undefined> }>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  private async credentials() {
    return { credentials: await this.auth.getOwnServiceCredentials() };
  }

  /**
   * The AWS account entities of the catalog, by account id: `entities` has
   * the ids exactly one entity claims, `contested` the ids several claim
   * (with their refs). A contested id has no entity for JIT Access: no
   * catalog owner, name or entity ref comes from it (fail closed: anyone who
   * can register an entity could otherwise claim a real account and become
   * its approver). One read, cached; the same object until it is read again.
   */
  async accountCatalog(): Promise<AccountCatalog> {
    const now = Date.now();
    if (!this.#accountCatalog || now - this.#accountCatalog.at > CACHE_MS) {
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
        return toAccountCatalog(items);
      })();
      this.#accountCatalog = { at: now, value };
      value.catch(() => {
        this.#accountCatalog = undefined;
      });
    }
    return this.#accountCatalog.value;
  }

  /**
   * Catalog entities of AWS accounts, by account id: only ids exactly one
   * entity claims ({@link accountCatalog}).
   */
  async accountEntities(): Promise<Map<string, Entity>> {
    return (await this.accountCatalog()).entities;
  }

  /**
   * Accounts with their display names ({@link accountNameOf}) and the refs of
   * their catalog entities (found by account id now, so an account onboarded
   * before the catalog had it still links to its entity).
   */
  async named<A extends StoredAccount>(accounts: readonly A[]): Promise<A[]> {
    const entities = await this.accountEntities();
    return accounts.map(a => {
      const entity = entities.get(a.accountId);
      return {
        ...a,
        name: accountNameOf(a, entity),
        entityRef: entity ? stringifyEntityRef(entity) : a.entityRef,
      };
    });
  }

  /**
   * Owner refs of an account: its entity's owner plus owners admins
   * assigned. An id several entities claim has no entity, so no catalog
   * owner: only the assigned owners (and, by the approval rules, Admins).
   */
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
    const people = await this.batched(this.#users, userRefs, e => toPerson(e as UserEntity));
    return new Map(people.filter((p): p is Person => !!p).map(p => [p.entityRef, p]));
  }

  /**
   * Display names of users and groups by ref, read like {@link users}
   * (`spec.profile.displayName`, else `metadata.title`, else
   * `metadata.name`); refs the catalog does not know are left out.
   */
  async displayNames(refs: readonly string[]): Promise<Map<string, string>> {
    const names = await this.batched(this.#names, refs, displayNameOf);
    return new Map(refs.flatMap((ref, i) => (names[i] === undefined ? [] : [[ref, names[i]!] as const])));
  }

  /** Values of `refs` (in order): the ones not cached are read in one catalog call. */
  private async batched<T>(
    cache: Map<string, { at: number; value: Promise<T | undefined> }>,
    refs: readonly string[],
    toValue: (e: Entity) => T,
  ): Promise<Array<T | undefined>> {
    const now = Date.now();
    const missing = [...new Set(refs)].filter(ref => {
      const hit = cache.get(ref);
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
        const value = batch.then(items => (items[i] ? toValue(items[i]!) : undefined));
        cache.set(ref, { at: now, value });
        value.catch(() => {
          if (cache.get(ref)?.value === value) cache.delete(ref);
        });
      });
    }
    return Promise.all(refs.map(ref => cache.get(ref)!.value));
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

/**
 * An account's display name: the name config gave it, else its catalog
 * entity's `metadata.title`, else that entity's `metadata.name`, else its id.
 * A stored name equal to the id is no name (accounts config did not name
 * are stored under their id).
 */
export function accountNameOf(account: { accountId: string; name?: string }, entity?: Entity): string {
  if (account.name && account.name !== account.accountId) return account.name;
  return entity?.metadata.title ?? entity?.metadata.name ?? account.accountId;
}

/** The names of `refs` found in `names`, as the API carries them (by ref). */
export function namesByRef(refs: readonly string[], names: Map<string, string>): Record<string, string> {
  return Object.fromEntries(refs.flatMap(ref => (names.has(ref) ? [[ref, names.get(ref)!]] : [])));
}

/** A user's or group's display name: `spec.profile.displayName`, else `metadata.title`, else `metadata.name`. */
export function displayNameOf(e: Entity): string {
  const profile = (e.spec as { profile?: { displayName?: unknown } } | undefined)?.profile;
  return typeof profile?.displayName === 'string' && profile.displayName
    ? profile.displayName
    : e.metadata.title ?? e.metadata.name;
}

function toPerson(e: UserEntity): Person {
  return {
    entityRef: stringifyEntityRef(e),
    name: displayNameOf(e),
    email: e.spec?.profile?.email,
  };
}

/** Approvers as the API shows them. */
export function toApprover(p: Person, via: string): Approver {
  return { entityRef: p.entityRef, name: p.name, via };
}
