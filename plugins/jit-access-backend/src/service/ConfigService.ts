import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  type AccountConfig,
  type AccountConfigUpdate,
  type ConfigImpact,
  type JitSettings,
  type PermissionSetConfig,
  type RoleMappings,
  describeCatalogConflict,
  jitAccessConfigManagePermission,
} from '@jit-access/plugin-jit-access-common';
import type { ConfigChange, ConfigStore, StoredAccount, StoredPermissionSet } from '../database';
import type { IdentityCenterGateway } from '../identity-center';
import { AccountDirectory, catalogOwnersOf, namesByRef } from './AccountDirectory';
import { type CatalogAccountsConfig, catalogUnavailability, onboardCatalogAccounts } from './catalogAccounts';
import { ConfiguredAccount } from './config';
import { JitAuthorizer } from './JitAuthorizer';
import type { ConfigView, RequestRecheck } from './RequestRecheck';
import { Caller } from './types';
import { toSummary } from '../requests/accountList';

/** A saved config change, with what it did to the open requests it touches. */
type Saved<T> = T & { impact: ConfigImpact };

/**
 * The admin side: onboarding accounts, owners, permission sets, settings.
 * Every method checks `jit-access.config.manage` first.
 */
export class ConfigService {
  constructor(
    private readonly deps: {
      store: ConfigStore;
      directory: AccountDirectory;
      authorizer: JitAuthorizer;
      gateway: IdentityCenterGateway;
      settingsDefaults: JitSettings;
      logger: LoggerService;
      /** Called after every change, to invalidate what request paths cache (ConfigCache). */
      onChange?: () => void;
      /** Applies a change to the open requests it touches (and previews it). */
      recheck: RequestRecheck;
      now?: () => number;
      /** Accounts come from the catalog (`jitAccess.catalogAccounts`): an account no single entity claims takes no new requests. */
      catalogAccounts?: CatalogAccountsConfig;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  private changed() {
    this.deps.onChange?.();
  }

  private async requireAdmin(caller: Caller) {
    if (!(await this.deps.authorizer.isAllowed(caller, jitAccessConfigManagePermission))) {
      throw new NotAllowedError(
        'The JIT Access configuration is for Admins and SSO Admins',
      );
    }
  }

  /** Every AWS account in the catalog or the database, onboarded or not. */
  async listAccounts(caller: Caller): Promise<AccountConfig[]> {
    await this.requireAdmin(caller);
    const { store, directory } = this.deps;
    const [stored, catalog] = await Promise.all([
      store.listAccounts(),
      directory.accountCatalog(),
    ]);
    const { entities, contested } = catalog;
    const byId = new Map<string, StoredAccount>(stored.map(a => [a.accountId, a]));
    for (const accountId of [...entities.keys(), ...contested.keys()]) {
      if (!byId.has(accountId)) {
        byId.set(accountId, {
          accountId,
          name: accountId,
          onboarded: false,
          customPolicyAllowed: false,
          breakGlassAllowed: false,
          assignedOwners: [],
          enabledPermissionSetArns: [],
        });
      }
    }
    const accounts = await directory.named([...byId.values()]);
    const ownersOf = await directory.ownersByAccount(accounts);
    const ownerNames = await directory.displayNames([...new Set([...ownersOf.values()].flat())]);
    const result: AccountConfig[] = [];
    const admins = await directory.peopleOf(this.deps.authorizer.adminGroupRefs());
    const unavailable = (accountId: string) => {
      const why = catalogUnavailability(accountId, catalog, !!this.deps.catalogAccounts);
      return why ? { unavailableReason: why } : {};
    };
    for (const a of accounts) {
      const entity = entities.get(a.accountId);
      const owners = ownersOf.get(a.accountId)!;
      const people = await directory.peopleOf(owners);
      result.push({
        accountId: a.accountId,
        name: a.name,
        entityRef: a.entityRef,
        onboarded: a.onboarded,
        enabledPermissionSetArns: a.enabledPermissionSetArns,
        customPolicyAllowed: a.customPolicyAllowed,
        breakGlassAllowed: a.breakGlassAllowed,
        catalogOwners: entity ? catalogOwnersOf(entity) : [],
        assignedOwners: a.assignedOwners,
        ownerNames: namesByRef(owners, ownerNames),
        // Standard requests: an owner or an Admin/SSO Admin approves.
        hasApprover: people.length + admins.length > 0,
        ownerless: people.length === 0,
        approverNames: (people.length ? people : admins).map(p => p.name),
        ...(contested.has(a.accountId) ? { catalogConflict: contested.get(a.accountId) } : {}),
        ...(a.onboarded ? unavailable(a.accountId) : {}),
      });
    }
    return result.sort((x, y) => x.name.localeCompare(y.name));
  }

  /**
   * Saves a change to an account, records who made it, and applies it to the
   * open requests on the account: those the config no longer allows end,
   * those that now need another step gain it (`impact` says which).
   */
  async updateAccount(caller: Caller, accountId: string, update: AccountConfigUpdate): Promise<Saved<AccountConfig>> {
    await this.requireAdmin(caller);
    const { store, recheck } = this.deps;
    const { existing, next } = await this.proposedAccount(accountId, update);
    await store.upsertAccount(next);
    await store.recordConfigChanges(accountChanges(caller.userEntityRef, existing, next), this.now());
    this.changed();
    const impact = await recheck.openRequestsUnder({ accountId }, recheck.stored, true);
    const all = await this.listAccounts(caller);
    return { ...all.find(a => a.accountId === accountId)!, impact };
  }

  /** What saving `update` would do to the open requests on the account; nothing is written. */
  async previewAccountUpdate(caller: Caller, accountId: string, update: AccountConfigUpdate): Promise<ConfigImpact> {
    await this.requireAdmin(caller);
    const { recheck } = this.deps;
    const { next } = await this.proposedAccount(accountId, update);
    const view: ConfigView = {
      account: async id => (id === accountId ? next : recheck.stored.account(id)),
      permissionSet: arn => recheck.stored.permissionSet(arn),
    };
    return recheck.openRequestsUnder({ accountId }, view, false);
  }

  /** The account as it is and as it would be after `update` (validated). */
  private async proposedAccount(accountId: string, update: AccountConfigUpdate) {
    const { store, directory } = this.deps;
    const existing = await store.getAccount(accountId);
    const catalog = await directory.accountCatalog();
    const entity = catalog.entities.get(accountId);
    const conflict = catalog.contested.get(accountId);
    if (!existing && conflict) {
      // Onboarding it would take an owner from whichever entity won: refused until the catalog is fixed.
      throw new ConflictError(describeCatalogConflict(accountId, conflict));
    }
    if (!existing && !entity) {
      throw new NotFoundError(
        `AWS account ${accountId} is neither in the catalog (annotation amazonaws.com/account-id) nor known to JIT Access`,
      );
    }
    if (update.enabledPermissionSetArns) {
      const known = new Set((await store.listPermissionSets()).map(s => s.arn));
      const unknown = update.enabledPermissionSetArns.filter(a => !known.has(a));
      if (unknown.length) {
        throw new InputError(
          `enabledPermissionSetArns: unknown permission set(s) ${unknown.join(', ')}; sync permission sets first`,
        );
      }
    }
    const next: StoredAccount = {
      accountId,
      // The catalog names an account config did not name (AccountDirectory.named).
      name: existing?.name ?? accountId,
      entityRef:
        existing?.entityRef ??
        (entity ? `resource:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}` : undefined),
      onboarded: update.onboarded ?? existing?.onboarded ?? false,
      customPolicyAllowed: update.customPolicyAllowed ?? existing?.customPolicyAllowed ?? false,
      breakGlassAllowed: update.breakGlassAllowed ?? existing?.breakGlassAllowed ?? false,
      assignedOwners: update.assignedOwners ?? existing?.assignedOwners ?? [],
      enabledPermissionSetArns:
        update.enabledPermissionSetArns ?? existing?.enabledPermissionSetArns ?? [],
    };
    return { existing, next };
  }

  async listPermissionSets(caller: Caller): Promise<PermissionSetConfig[]> {
    await this.requireAdmin(caller);
    return (await this.deps.store.listPermissionSets()).map(toConfig);
  }

  async syncPermissionSets(caller: Caller): Promise<PermissionSetConfig[]> {
    await this.requireAdmin(caller);
    await this.sync();
    return this.listPermissionSets(caller);
  }

  /** Copies Identity Center's permission sets (not the plugin's temporary ones). */
  async sync(): Promise<StoredPermissionSet[]> {
    const sets = await this.deps.gateway.listPermissionSets();
    const now = new Date().toISOString();
    const stored: StoredPermissionSet[] = sets
      .filter(s => !s.tags?.some(t => t.key === 'jit-access:managed'))
      .map(s => ({
        arn: s.arn,
        name: s.name,
        description: s.description,
        sessionDuration: s.sessionDuration ?? 'PT1H',
        requiresTwoLevels: false,
        source: 'identity-center',
        syncedAt: now,
      }));
    await this.deps.store.upsertPermissionSets(stored);
    this.changed();
    return stored;
  }

  /** Marks a permission set as needing two approvals (or not); open requests for it follow. */
  async updatePermissionSet(caller: Caller, arn: string, requiresTwoLevels: boolean): Promise<Saved<PermissionSetConfig>> {
    await this.requireAdmin(caller);
    const { store, recheck } = this.deps;
    const before = (await store.listPermissionSets()).find(s => s.arn === arn);
    if (!before || !(await store.setPermissionSetRequiresTwoLevels(arn, requiresTwoLevels))) {
      throw new NotFoundError(`Permission set '${arn}' not found`);
    }
    if (before.requiresTwoLevels !== requiresTwoLevels) {
      await store.recordConfigChanges(
        [{ change: requiresTwoLevels ? 'two-levels-required' : 'two-levels-dropped', actor: caller.userEntityRef, permissionSetArn: arn }],
        this.now(),
      );
    }
    this.changed();
    const impact = await recheck.openRequestsUnder({ permissionSetArn: arn }, recheck.stored, true);
    const set = (await store.listPermissionSets()).find(s => s.arn === arn)!;
    return { ...toConfig(set), impact };
  }

  /** What marking the set (not) two-level would do to its open requests; nothing is written. */
  async previewPermissionSetUpdate(caller: Caller, arn: string, requiresTwoLevels: boolean): Promise<ConfigImpact> {
    await this.requireAdmin(caller);
    const { recheck } = this.deps;
    const before = await recheck.stored.permissionSet(arn);
    if (!before) throw new NotFoundError(`Permission set '${arn}' not found`);
    const view: ConfigView = {
      account: id => recheck.stored.account(id),
      permissionSet: async a => (a === arn ? { ...before, requiresTwoLevels } : recheck.stored.permissionSet(a)),
    };
    return recheck.openRequestsUnder({ permissionSetArn: arn }, view, false);
  }

  async getSettings(caller: Caller): Promise<JitSettings> {
    await this.requireAdmin(caller);
    return this.deps.store.getSettings(this.deps.settingsDefaults);
  }

  async putSettings(caller: Caller, settings: JitSettings): Promise<JitSettings> {
    await this.requireAdmin(caller);
    await this.deps.store.putSettings(settings);
    this.changed();
    return settings;
  }

  async roles(caller: Caller): Promise<RoleMappings> {
    await this.requireAdmin(caller);
    return this.deps.authorizer.roles;
  }

  /**
   * With `jitAccess.catalogAccounts`, onboards the catalog's AWS account
   * entities not onboarded yet (service/catalogAccounts.ts); at start and on
   * its schedule. Does nothing without it.
   */
  async onboardCatalogAccounts(): Promise<string[]> {
    const { catalogAccounts, store, directory, logger } = this.deps;
    if (!catalogAccounts) return [];
    const { onboarded } = await onboardCatalogAccounts({ store, directory, logger }, catalogAccounts);
    if (onboarded.length) this.changed();
    return onboarded;
  }

  /**
   * Onboards the accounts declared in app-config, once: afterwards the
   * config page owns them. Permission sets are named or given by ARN.
   */
  async seedConfiguredAccounts(accounts: ConfiguredAccount[]): Promise<void> {
    if (!accounts.length) return;
    const { store, directory, logger } = this.deps;
    const sets = await store.listPermissionSets();
    const catalog = await directory.accountCatalog().catch(() => undefined);
    const entities = catalog?.entities ?? new Map();
    for (const a of accounts) {
      const conflict = catalog?.contested.get(a.accountId);
      if (conflict) logger.warn(`jitAccess.accounts: ${describeCatalogConflict(a.accountId, conflict)}`);
      const arns = a.permissionSets.map(p => {
        const s = sets.find(x => x.arn === p || x.name === p);
        if (!s) logger.warn(`jitAccess.accounts: permission set '${p}' of account ${a.accountId} is unknown`);
        return s?.arn;
      }).filter((x): x is string => !!x);
      const entity = entities.get(a.accountId);
      await store.upsertAccount(
        {
          accountId: a.accountId,
          // The catalog names an account config did not name (AccountDirectory.named).
          name: a.name ?? a.accountId,
          entityRef: entity
            ? `resource:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`
            : undefined,
          onboarded: true,
          customPolicyAllowed: a.customPolicyAllowed,
          breakGlassAllowed: a.breakGlassAllowed,
          assignedOwners: a.owners,
          enabledPermissionSetArns: arns,
        },
        { onlyIfMissing: true },
      );
    }
    this.changed();
  }
}

/** The changes from `before` to `after` of one account, as the config log keeps them. */
function accountChanges(actor: string, before: StoredAccount | undefined, after: StoredAccount): ConfigChange[] {
  const accountId = after.accountId;
  const out: ConfigChange[] = [];
  const flag = (was: boolean | undefined, is: boolean, on: ConfigChange['change'], off: ConfigChange['change']) => {
    if (!!was !== is) out.push({ change: is ? on : off, actor, accountId });
  };
  flag(before?.onboarded, after.onboarded, 'onboarded', 'offboarded');
  flag(before?.customPolicyAllowed, after.customPolicyAllowed, 'custom-policies-allowed', 'custom-policies-disallowed');
  flag(before?.breakGlassAllowed, after.breakGlassAllowed, 'break-glass-allowed', 'break-glass-disallowed');
  const was = new Set(before?.enabledPermissionSetArns ?? []);
  const is = new Set(after.enabledPermissionSetArns);
  for (const arn of was) if (!is.has(arn)) out.push({ change: 'permission-set-disabled', actor, accountId, permissionSetArn: arn });
  for (const arn of is) if (!was.has(arn)) out.push({ change: 'permission-set-enabled', actor, accountId, permissionSetArn: arn });
  const owners = (a?: StoredAccount) => [...(a?.assignedOwners ?? [])].sort().join('\n');
  if (owners(before) !== owners(after)) out.push({ change: 'owners-changed', actor, accountId });
  return out;
}

function toConfig(s: StoredPermissionSet): PermissionSetConfig {
  return { ...toSummary(s), source: s.source, syncedAt: s.syncedAt };
}
