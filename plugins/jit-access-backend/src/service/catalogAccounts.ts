import {
  type LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  AWS_ACCOUNT_ENTITY_TYPES,
  AWS_ACCOUNT_ID_PATTERN,
  describeMissingCatalogAccount,
} from '@jit-access/plugin-jit-access-common';
import type { ConfigStore } from '../database';
import type { AccountCatalog, AccountDirectory } from './AccountDirectory';

/**
 * `jitAccess.catalogAccounts`: with no `jitAccess.accounts`, the accounts
 * are the catalog's AWS account entities (the shape of
 * `@backstage/plugin-catalog-backend-module-aws`'s AWS organization
 * processor and provider: kind Resource, `spec.type` cloud-account, the
 * annotation `amazonaws.com/account-id`, the account's name as title).
 */
export interface CatalogAccountsConfig {
  /** Names or ARNs of the permission sets enabled on every account onboarded from the catalog. */
  permissionSets: string[];
  customPolicyAllowed: boolean;
  breakGlassAllowed: boolean;
  /** When the catalog is read for new accounts (besides at start). */
  schedule: SchedulerServiceTaskScheduleDefinition;
}

/** The label the AWS organization provider sets; an account not `active` (suspended, closed) is not onboarded. */
export const AWS_ACCOUNT_STATUS_LABEL = 'amazonaws.com/account-status';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
  initialDelay: { minutes: 10 },
};

/** Reads `jitAccess.catalogAccounts`; undefined when absent. */
export function readCatalogAccountsConfig(jitAccess: Config | undefined): CatalogAccountsConfig | undefined {
  const c = jitAccess?.getOptionalConfig('catalogAccounts');
  if (!c) return undefined;
  if (jitAccess!.has('accounts')) {
    throw new Error(
      'jitAccess.accounts and jitAccess.catalogAccounts are both set: set one. jitAccess.accounts onboards the accounts it ' +
        "lists; jitAccess.catalogAccounts onboards every AWS account entity of the catalog. JIT Access did not start.",
    );
  }
  return {
    permissionSets: c.getStringArray('permissionSets'),
    customPolicyAllowed: c.getOptionalBoolean('customPolicyAllowed') ?? false,
    breakGlassAllowed: c.getOptionalBoolean('breakGlassAllowed') ?? false,
    schedule: c.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(c.getConfig('schedule'))
      : DEFAULT_SCHEDULE,
  };
}

/**
 * Why a catalog entity is not onboarded, or undefined when it is one:
 * a Resource of type aws-account or cloud-account, a 12-digit id, and not
 * labelled as a suspended or closed account.
 */
export function notOnboardable(accountId: string, e: Entity): string | undefined {
  const ref = stringifyEntityRef(e);
  if (e.kind.toLocaleLowerCase('en-US') !== 'resource' || !AWS_ACCOUNT_ENTITY_TYPES.includes(String(e.spec?.type ?? ''))) {
    return `${ref} is not a Resource of spec.type ${AWS_ACCOUNT_ENTITY_TYPES.join(' or ')}`;
  }
  if (!AWS_ACCOUNT_ID_PATTERN.test(accountId)) return `${ref}: '${accountId}' is not a 12-digit AWS account id`;
  const status = e.metadata.labels?.[AWS_ACCOUNT_STATUS_LABEL];
  if (status !== undefined && status.toLocaleLowerCase('en-US') !== 'active') {
    return `${ref} is labelled ${AWS_ACCOUNT_STATUS_LABEL}: ${status}`;
  }
  return undefined;
}

/**
 * Why an onboarded account takes no new requests now, or undefined: with
 * accounts from the catalog, one whose id no single entity claims (the entity
 * was deleted, or another entity claims the id too). Accounts from
 * `jitAccess.accounts` or onboarded by hand do not need an entity.
 */
export function catalogUnavailability(
  accountId: string,
  catalog: AccountCatalog,
  accountsFromCatalog: boolean,
): string | undefined {
  if (!accountsFromCatalog || catalog.entities.has(accountId)) return undefined;
  return describeMissingCatalogAccount(accountId, catalog.contested.get(accountId));
}

/**
 * Onboards the catalog's AWS account entities JIT Access does not know yet,
 * with the configured permission sets. Accounts already in the database are
 * left as they are (the config page wins, offboarded ones stay offboarded);
 * an id several entities claim is not onboarded; nothing is onboarded while
 * a configured permission set is unknown (not synced yet), so no account is
 * stored without its permission sets.
 */
export async function onboardCatalogAccounts(
  deps: { store: ConfigStore; directory: Pick<AccountDirectory, 'accountCatalog'>; logger: LoggerService },
  config: CatalogAccountsConfig,
): Promise<{ onboarded: string[]; skipped: Map<string, string> }> {
  const { store, directory, logger } = deps;
  const skipped = new Map<string, string>();
  const sets = await store.listPermissionSets();
  const arns = config.permissionSets.map(p => sets.find(s => s.arn === p || s.name === p)?.arn);
  const unknown = config.permissionSets.filter((_, i) => !arns[i]);
  if (unknown.length) {
    logger.warn(
      `jitAccess.catalogAccounts: permission set(s) ${unknown.join(', ')} unknown (not in Identity Center, or not synced yet); no account onboarded from the catalog this time`,
    );
    return { onboarded: [], skipped };
  }
  const catalog = await directory.accountCatalog();
  for (const [accountId, conflict] of catalog.contested) {
    skipped.set(accountId, `claimed by ${conflict.entityRefs.join(', ')}`);
  }
  const known = new Set((await store.listAccounts()).map(a => a.accountId));
  const onboarded: string[] = [];
  for (const [accountId, entity] of catalog.entities) {
    if (known.has(accountId)) continue;
    const why = notOnboardable(accountId, entity);
    if (why) {
      skipped.set(accountId, why);
      continue;
    }
    await store.upsertAccount(
      {
        accountId,
        // The catalog names it (AccountDirectory.named): its title, else its name.
        name: accountId,
        entityRef: stringifyEntityRef(entity),
        onboarded: true,
        customPolicyAllowed: config.customPolicyAllowed,
        breakGlassAllowed: config.breakGlassAllowed,
        assignedOwners: [],
        enabledPermissionSetArns: arns as string[],
      },
      { onlyIfMissing: true },
    );
    onboarded.push(accountId);
  }
  for (const [accountId, why] of skipped) {
    if (!known.has(accountId)) logger.warn(`jitAccess.catalogAccounts: AWS account ${accountId} not onboarded: ${why}`);
  }
  if (onboarded.length) logger.info(`Onboarded ${onboarded.length} AWS account(s) from the catalog: ${onboarded.join(', ')}`);
  return { onboarded, skipped };
}
