import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import type { JitSettings, RoleMappings } from '@jit-access/plugin-jit-access-common';
import { type CatalogAccountsConfig, readCatalogAccountsConfig } from './catalogAccounts';

/** An account declared in app-config, onboarded at first start. */
export interface ConfiguredAccount {
  accountId: string;
  name?: string;
  permissionSets: string[];
  customPolicyAllowed: boolean;
  breakGlassAllowed: boolean;
  owners: string[];
}

/** The plugin's config, read once. */
export interface JitAccessConfig {
  roles: RoleMappings;
  accounts: ConfiguredAccount[];
  /** Accounts from the catalog (`jitAccess.catalogAccounts`), only when `accounts` is absent. */
  catalogAccounts?: CatalogAccountsConfig;
  settingsDefaults: JitSettings;
  lifecycleFrequencyMs: number;
  expiryWarningMinutes: number;
  /** End live console/CLI sessions of custom permission sets when access ends. */
  endLiveSessions: boolean;
  /** Largest request body the API accepts (`jitAccess.requestBodyLimit`). */
  requestBodyLimit: string;
}

function bodyLimitOf(value: string | undefined): string {
  if (value === undefined) return '256kb';
  if (!/^\d+(\.\d+)?\s*(b|kb|mb)?$/i.test(value.trim())) {
    throw new Error(`jitAccess.requestBodyLimit must be a size such as 256kb or 1mb, found '${value}'`);
  }
  return value.trim();
}

function minutesOf(config: Config | undefined, key: string, fallback: number) {
  if (!config?.has(key)) return fallback;
  return Math.round(
    durationToMilliseconds(readDurationFromConfig(config, { key })) / 60_000,
  );
}

export function readJitAccessConfig(root: Config): JitAccessConfig {
  const c = root.getOptionalConfig('jitAccess');
  const roles = c?.getOptionalConfig('roles');
  const settings = c?.getOptionalConfig('settings');
  return {
    roles: {
      approverGroups: roles?.getOptionalStringArray('approverGroups') ?? [],
      adminGroups: roles?.getOptionalStringArray('adminGroups') ?? [],
      ssoAdminGroups: roles?.getOptionalStringArray('ssoAdminGroups') ?? [],
    },
    accounts: (c?.getOptionalConfigArray('accounts') ?? []).map(a => ({
      accountId: a.getString('accountId'),
      name: a.getOptionalString('name'),
      permissionSets: a.getOptionalStringArray('permissionSets') ?? [],
      customPolicyAllowed: a.getOptionalBoolean('customPolicyAllowed') ?? false,
      breakGlassAllowed: a.getOptionalBoolean('breakGlassAllowed') ?? false,
      owners: a.getOptionalStringArray('owners') ?? [],
    })),
    catalogAccounts: readCatalogAccountsConfig(c),
    settingsDefaults: {
      requireRejectionComment:
        settings?.getOptionalBoolean('requireRejectionComment') ?? false,
      pendingTimeoutMinutes: minutesOf(settings, 'pendingTimeout', 3 * 24 * 60),
      customMaxDurationMinutes: minutesOf(settings, 'customMaxDuration', 120),
      allowRequestsWithoutApprover:
        settings?.getOptionalBoolean('allowRequestsWithoutApprover') ?? false,
    },
    expiryWarningMinutes: minutesOf(c, 'expiryWarning', 10),
    endLiveSessions: c?.getOptionalBoolean('endLiveSessions') ?? false,
    requestBodyLimit: bodyLimitOf(c?.getOptionalString('requestBodyLimit')),
    lifecycleFrequencyMs: c?.has('lifecycleFrequency')
      ? durationToMilliseconds(
          readDurationFromConfig(c, { key: 'lifecycleFrequency' }),
        )
      : 10_000,
  };
}

/**
 * JIT Access refuses to start without Backstage's permission framework.
 * With `permission.enabled` unset, Backstage answers ALLOW to every
 * permission check: every signed-in user would hold `jit-access.config.manage`
 * and `jit-access.request.approve-final`, the powers of an Admin. Failing at
 * start, with the key named, is the one behaviour nobody can miss (see the
 * backend README, "Security").
 */
export function assertPermissionFramework(root: Config): void {
  if (root.getOptionalBoolean('permission.enabled') === true) return;
  throw new Error(
    "JIT Access needs Backstage's permission framework: set `permission.enabled: true` in app-config and " +
      'install a permission policy (e.g. the JIT Access default policy, @jit-access/plugin-jit-access-backend/policy). ' +
      'Without it Backstage allows every permission check, so every signed-in user could approve any request and change ' +
      'the JIT Access configuration as an Admin. JIT Access did not start.',
  );
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The Identity Center endpoint override (`jitAccess.identityCenter.endpoint`)
 * is for local emulators and VPC endpoints. Plain HTTP leaves the machine
 * only over loopback; in production (`NODE_ENV=production`) no override is
 * taken unless `jitAccess.identityCenter.allowEndpointInProduction` says so
 * (a VPC endpoint), so a demo config layered under production never points
 * the grants at an emulator.
 */
export function checkIdentityCenterEndpoint(
  endpoint: string | undefined,
  options: { nodeEnv?: string; allowInProduction?: boolean },
): void {
  if (endpoint === undefined) return;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`jitAccess.identityCenter.endpoint is not a URL: '${endpoint}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`jitAccess.identityCenter.endpoint must be an https:// URL, not '${endpoint}'`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    throw new Error(
      `jitAccess.identityCenter.endpoint '${endpoint}' is plain HTTP to a host that is not this machine: ` +
        'Identity Center calls carry AWS credentials and grant access; use https://, or http:// only on loopback (a local emulator)',
    );
  }
  if (options.nodeEnv === 'production' && !options.allowInProduction) {
    throw new Error(
      `jitAccess.identityCenter.endpoint is set ('${endpoint}') while NODE_ENV is production: JIT Access would not talk to ` +
        "AWS's own Identity Center endpoint. Remove the key (a config layered from the demo leaves it behind), or, for a VPC " +
        'endpoint, set jitAccess.identityCenter.allowEndpointInProduction: true',
    );
  }
}
