import type { JitSettings } from '@jit-access/plugin-jit-access-common';
import type { ConfigStore, StoredAccount, StoredPermissionSet } from '../database';
import type { AccountDirectory } from './AccountDirectory';

/** How long other replicas may serve an admin's change late. */
export const CONFIG_CACHE_MS = 5_000;

type Entry<T> = { at: number; value: Promise<T> };

/** The config as read at one time; shared, never to be modified. */
export interface ConfigSnapshot {
  readonly accounts: readonly StoredAccount[];
  readonly permissionSets: readonly StoredPermissionSet[];
  readonly settings: Readonly<JitSettings>;
}

/**
 * What admins configure (accounts with their owners and permission sets,
 * permission sets, settings), as the request paths read it: every list and
 * decision needs it, and it changes a few times a day. Cached for
 * {@link CONFIG_CACHE_MS}: a change made through this replica's
 * ConfigService invalidates it at once, other replicas see it within 5 s,
 * well inside the 15 s the catalog's owners are cached for
 * (AccountDirectory). Read-modify-write paths (ConfigService, the engine)
 * read the store, never this cache. Accounts carry their display names
 * (AccountDirectory.named) when a directory is given, so every list, form
 * and new request names an account the same way.
 */
export class ConfigCache {
  #accounts?: Entry<{
    list: StoredAccount[];
    byId: Map<string, StoredAccount>;
  }>;
  #permissionSets?: Entry<StoredPermissionSet[]>;
  #settings?: Entry<JitSettings>;
  #snapshot?: ConfigSnapshot;

  constructor(
    private readonly store: ConfigStore,
    private readonly settingsDefaults: JitSettings,
    private readonly ttlMs = CONFIG_CACHE_MS,
    private readonly directory?: Pick<AccountDirectory, 'named'>,
  ) {}

  /** All accounts, by name (a copy: callers may sort or filter it). */
  async accounts(): Promise<StoredAccount[]> {
    return [...(await this.loadAccounts()).list];
  }

  async account(accountId: string): Promise<StoredAccount | undefined> {
    return (await this.loadAccounts()).byId.get(accountId);
  }

  async permissionSets(): Promise<StoredPermissionSet[]> {
    return [...(await this.loadPermissionSets())];
  }

  async settings(): Promise<JitSettings> {
    return { ...(await this.loadSettings()) };
  }

  /**
   * Accounts, permission sets and settings as one read-only object that
   * stays the same object (===) until one of them is read again from the
   * store: a key for results derived from the config (the accounts list).
   */
  async snapshot(): Promise<ConfigSnapshot> {
    const [accounts, permissionSets, settings] = await Promise.all([
      this.loadAccounts(),
      this.loadPermissionSets(),
      this.loadSettings(),
    ]);
    const last = this.#snapshot;
    if (
      last?.accounts === accounts.list &&
      last.permissionSets === permissionSets &&
      last.settings === settings
    ) {
      return last;
    }
    this.#snapshot = { accounts: accounts.list, permissionSets, settings };
    return this.#snapshot;
  }

  /** After a change to accounts, permission sets or settings. */
  invalidate(): void {
    this.#accounts = undefined;
    this.#permissionSets = undefined;
    this.#settings = undefined;
  }

  private loadPermissionSets() {
    this.#permissionSets = this.fresh(this.#permissionSets, () =>
      this.store.listPermissionSets(),
    );
    return this.#permissionSets.value;
  }

  private loadSettings() {
    this.#settings = this.fresh(this.#settings, () =>
      this.store.getSettings(this.settingsDefaults),
    );
    return this.#settings.value;
  }

  private loadAccounts() {
    this.#accounts = this.fresh(this.#accounts, async () => {
      const stored = await this.store.listAccounts();
      const list = this.directory
        ? (await this.directory.named(stored)).sort((a, b) => a.name.localeCompare(b.name))
        : stored;
      return { list, byId: new Map(list.map(a => [a.accountId, a])) };
    });
    return this.#accounts.value;
  }

  private fresh<T>(
    entry: Entry<T> | undefined,
    load: () => Promise<T>,
  ): Entry<T> {
    const now = Date.now();
    if (entry && now - entry.at < this.ttlMs) return entry;
    const value = load();
    const next = { at: now, value };
    // A failed load is not kept.
    value.catch(() => {
      if (this.#accounts === (next as unknown)) this.#accounts = undefined;
      if (this.#permissionSets === (next as unknown))
        this.#permissionSets = undefined;
      if (this.#settings === (next as unknown)) this.#settings = undefined;
    });
    return next;
  }
}
