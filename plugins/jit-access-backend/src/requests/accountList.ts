import type {
  AccountsResponse,
  PermissionSetSummary,
  RequestableAccount,
  UnavailableAccount,
} from '@jit-access/plugin-jit-access-common';
import { parseIsoDuration } from '@jit-access/plugin-jit-access-common';
import type { StoredPermissionSet, StoredRequest } from '../database';
import type { JitRequestResource } from '../permissions/rules';
import {
  type AccountCatalog,
  type AccountDirectory,
  DIRECTORY_CACHE_MS,
  namesByRef,
  type Person,
} from '../service/AccountDirectory';
import { catalogUnavailability } from '../service/catalogAccounts';
import type { ConfigCache, ConfigSnapshot } from '../service/ConfigCache';
import type { JitAuthorizer } from '../service/JitAuthorizer';
import { type Caller, ownsAccount } from '../service/types';

/** The accounts list as anyone may see it. */
export interface AccountList {
  /** For callers without and with the config permission. */
  responses: [AccountsResponse, AccountsResponse];
  /** By person: the accounts whose owners are that one person (nobody else can approve their requests there). */
  soleApproverOf: Map<string, Set<string>>;
  /** Owner refs of every account (catalog and assigned). */
  owners: Map<string, string[]>;
  /** Ids of the onboarded accounts, by name. */
  onboarded: string[];
  /** Onboarded accounts that take no new requests now (accounts from the catalog whose entity is gone or claimed twice), by id. */
  unavailable: Map<string, UnavailableAccount>;
}

/**
 * The accounts list, with every account's owners, built once for as long as
 * the config and catalog reads it comes from are unchanged (ConfigCache: 5 s
 * or a local config change; AccountDirectory: 15 s) rather than on every
 * call: with hundreds of accounts, building and serialising it was most of
 * the cost of GET /accounts (docs/benchmarks.md). Its responses are shared
 * objects: never modify them.
 */
export class AccountListView {
  #last?: { snapshot: ConfigSnapshot; catalog: AccountCatalog; at: number; value: Promise<AccountList> };

  constructor(
    private readonly deps: {
      config: ConfigCache;
      directory: AccountDirectory;
      authorizer: JitAuthorizer;
      /** Accounts come from the catalog (`jitAccess.catalogAccounts`). */
      accountsFromCatalog?: boolean;
    },
  ) {}

  async list(): Promise<AccountList> {
    const [snapshot, catalog] = await Promise.all([this.deps.config.snapshot(), this.deps.directory.accountCatalog()]);
    const last = this.#last;
    if (last?.snapshot === snapshot && last.catalog === catalog && Date.now() - last.at < DIRECTORY_CACHE_MS) {
      return last.value;
    }
    const value = this.build(snapshot, catalog);
    const entry = { snapshot, catalog, at: Date.now(), value };
    this.#last = entry;
    value.catch(() => {
      if (this.#last === entry) this.#last = undefined;
    });
    return value;
  }

  /** Onboarded accounts the caller owns. */
  async ownedAccountIds(caller: Caller): Promise<string[]> {
    const { owners, onboarded } = await this.list();
    return onboarded.filter(accountId => ownsAccount(caller, owners.get(accountId)!));
  }

  /** Requests as permission rules see them, with their accounts' owners. */
  async resources(requests: StoredRequest[]): Promise<JitRequestResource[]> {
    const { owners } = await this.list();
    return requests.map(r => ({
      id: r.id,
      requester: r.requester,
      accountId: r.accountId,
      accountOwners: owners.get(r.accountId) ?? [],
    }));
  }

  async resource(r: StoredRequest): Promise<JitRequestResource> {
    return (await this.resources([r]))[0];
  }

  private async build({ accounts, permissionSets, settings }: ConfigSnapshot, catalog: AccountCatalog): Promise<AccountList> {
    const { directory, authorizer } = this.deps;
    const unavailable = new Map<string, UnavailableAccount>();
    const summaries = new Map(permissionSets.map(s => [s.arn, toSummary(s)]));
    const onboarded = accounts.filter(a => a.onboarded);
    const ownersOf = await directory.ownersByAccount(accounts);
    // Accounts share owners (a team owns many): resolve each owner set once.
    const peopleOf = new Map<string, Promise<Person[]>>();
    const people = (owners: string[]) => {
      const key = owners.join('\n');
      if (!peopleOf.has(key)) peopleOf.set(key, directory.peopleOf(owners));
      return peopleOf.get(key)!;
    };
    const items: RequestableAccount[] = [];
    const soleApproverOf = new Map<string, Set<string>>();
    const admins = await people(authorizer.adminGroupRefs());
    const ownerNames = await directory.displayNames([...new Set([...ownersOf.values()].flat())]);
    for (const a of onboarded) {
      const conflict = catalog.contested.get(a.accountId);
      const why = catalogUnavailability(a.accountId, catalog, !!this.deps.accountsFromCatalog);
      if (why) {
        unavailable.set(a.accountId, { accountId: a.accountId, name: a.name, reason: why, ...(conflict ? { catalogConflict: conflict } : {}) });
        continue;
      }
      const sets = a.enabledPermissionSetArns
        .map(arn => summaries.get(arn))
        .filter((s): s is PermissionSetSummary => !!s);
      if (!sets.length && !a.customPolicyAllowed) continue;
      const owners = ownersOf.get(a.accountId)!;
      const ownerPeople = await people(owners);
      // A standard request is approved by an owner or an Admin/SSO Admin.
      const approvers = new Set([...ownerPeople, ...admins].map(p => p.entityRef));
      if (approvers.size === 1) {
        const [ref] = approvers;
        soleApproverOf.set(ref, (soleApproverOf.get(ref) ?? new Set()).add(a.accountId));
      }
      items.push({
        accountId: a.accountId,
        name: a.name,
        entityRef: a.entityRef,
        permissionSets: sets,
        customPolicyAllowed: a.customPolicyAllowed,
        customMaxDurationMinutes: settings.customMaxDurationMinutes,
        owners,
        ownerNames: namesByRef(owners, ownerNames),
        hasApprover: approvers.size > 0,
        ...(ownerPeople.length ? {} : { ownerless: { adminNames: admins.map(p => p.name) } }),
        breakGlassAllowed: a.breakGlassAllowed,
        ...(conflict ? { catalogConflict: conflict } : {}),
      });
    }
    let reason: string | undefined;
    if (!items.length) {
      if (unavailable.size && unavailable.size === onboarded.length) {
        reason = `${unavailable.size} account(s) are onboarded, but none takes new requests now: ${[...unavailable.values()][0].reason}`;
      } else if (!accounts.length || !onboarded.length) {
        reason =
          'No AWS accounts are onboarded to JIT Access yet. An admin onboards accounts on the JIT Access config page.';
      } else {
        reason = `${onboarded.length} account(s) are onboarded, but none has a permission set enabled or custom policies allowed. An admin enables permission sets per account on the JIT Access config page.`;
      }
    }
    const unavailableItems = unavailable.size ? { unavailable: [...unavailable.values()] } : {};
    return {
      responses: [
        { items, reason, ...unavailableItems, canManageConfig: false },
        { items, reason, ...unavailableItems, canManageConfig: true },
      ],
      unavailable,
      soleApproverOf,
      owners: ownersOf,
      onboarded: onboarded.map(a => a.accountId),
    };
  }
}

/** A permission set as a requester sees it. */
export function toSummary(s: StoredPermissionSet): PermissionSetSummary {
  return {
    arn: s.arn,
    name: s.name,
    description: s.description,
    sessionDuration: s.sessionDuration,
    sessionDurationMinutes: parseIsoDuration(s.sessionDuration),
    requiresTwoLevels: s.requiresTwoLevels,
  };
}
