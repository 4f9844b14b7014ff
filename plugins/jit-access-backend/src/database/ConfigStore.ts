import type { ConfigChangeKind, JitSettings } from '@jit-access/plugin-jit-access-common';

/** An account row as the backend uses it. */
export interface StoredAccount {
  accountId: string;
  /**
   * The name config gave the account; its id when config gave none (the
   * catalog's title or name is shown then: AccountDirectory.named).
   */
  name: string;
  entityRef?: string;
  onboarded: boolean;
  customPolicyAllowed: boolean;
  breakGlassAllowed: boolean;
  assignedOwners: string[];
  enabledPermissionSetArns: string[];
}

/** A permission set row. */
export interface StoredPermissionSet {
  arn: string;
  name: string;
  description?: string;
  sessionDuration: string;
  requiresTwoLevels: boolean;
  source: 'identity-center' | 'config';
  syncedAt?: string;
}

/** A change an admin made to an account or a permission set. */
export type ConfigChangeName =
  | ConfigChangeKind
  | 'onboarded'
  | 'permission-set-enabled'
  | 'custom-policies-allowed'
  | 'two-levels-dropped'
  | 'break-glass-allowed'
  | 'break-glass-disallowed';

export interface ConfigChange {
  change: ConfigChangeName;
  actor: string;
  accountId?: string;
  permissionSetArn?: string;
}

/**
 * What the configuration (ConfigService, ConfigCache) reads and writes:
 * accounts, permission sets, settings, and the log of admin changes.
 */
export interface ConfigStore {
  listAccounts(): Promise<StoredAccount[]>;
  getAccount(accountId: string): Promise<StoredAccount | undefined>;
  upsertAccount(
    account: Omit<StoredAccount, 'enabledPermissionSetArns'> & {
      enabledPermissionSetArns?: string[];
    },
    options?: { onlyIfMissing?: boolean },
  ): Promise<void>;
  listPermissionSets(): Promise<StoredPermissionSet[]>;
  upsertPermissionSets(sets: StoredPermissionSet[]): Promise<void>;
  setPermissionSetRequiresTwoLevels(arn: string, value: boolean): Promise<boolean>;
  getSettings(defaults: JitSettings): Promise<JitSettings>;
  putSettings(settings: JitSettings): Promise<void>;
  /** Appends config changes to their log (append-only). */
  recordConfigChanges(changes: ConfigChange[], now: number): Promise<void>;
  /**
   * The latest change of each kind that touched this account, or this
   * permission set (on this account or as a whole), with its author;
   * `seq` orders changes (later is larger).
   */
  latestConfigChanges(args: {
    accountId: string;
    permissionSetArn?: string;
  }): Promise<Partial<Record<ConfigChangeName, { actor: string; at: number; seq: number }>>>;
}
