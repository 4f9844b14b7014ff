import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import type { JitSettings, RoleMappings } from '@jit-access/plugin-jit-access-common';

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
