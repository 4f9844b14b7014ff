import {
  AuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { randomUUID } from 'node:crypto';
import type { JitStore } from '../database';
import { IdentityCenterGateway, SdkIdentityCenterGateway } from '../identity-center';
import { AccountDirectory } from './AccountDirectory';
import { readJitAccessConfig } from './config';
import { ConfigCache } from './ConfigCache';
import { ConfigService } from './ConfigService';
import { JitAccessService } from './JitAccessService';
import { JitAuthorizer } from './JitAuthorizer';
import { JitNotifier } from './JitNotifier';
import { IdentityCenterUsers } from './identityCenterUsers';
import { LifecycleEngine } from '../lifecycle/LifecycleEngine';
import { Reconciler } from './Reconciler';
import { RequestRecheck } from './RequestRecheck';
import type { NotificationService } from '@backstage/plugin-notifications-node';

/**
 * Builds the services of the plugin from its dependencies: one place for the
 * wiring, used by the plugin and by tests that drive the real router.
 */
export function createJitAccess(options: {
  config: Config;
  logger: LoggerService;
  store: JitStore;
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  gateway?: IdentityCenterGateway;
  notifications?: NotificationService;
  workerId?: string;
  /** The clock of the request service; for tests. */
  now?: () => number;
  /** Draws request ids; for tests. */
  newRequestId?: () => string;
}) {
  const { config, logger, store } = options;
  const jitConfig = readJitAccessConfig(config);
  const directory = new AccountDirectory(options.catalog, options.auth);
  const authorizer = new JitAuthorizer(options.permissions, jitConfig.roles);
  const gateway = options.gateway ?? SdkIdentityCenterGateway.fromConfig(config, { logger });
  // What admins configure, as request paths read it (invalidated by the ConfigService).
  const configCache = new ConfigCache(store, jitConfig.settingsDefaults, undefined, directory);
  const notifier = new JitNotifier({
    account: id => configCache.account(id),
    notifications: options.notifications,
    store,
    directory,
    adminGroupRefs: authorizer.adminGroupRefs(),
    logger,
  });
  // The config of now, for approvals, grants, config changes and ending sessions.
  const recheck = new RequestRecheck({ store, directory, notifier, now: options.now });
  const engine = new LifecycleEngine({
    recheck,
    store,
    notifier,
    gateway,
    directory,
    logger: logger.child({ component: 'lifecycle' }),
    pendingTimeoutMinutes: async () =>
      (await store.getSettings(jitConfig.settingsDefaults)).pendingTimeoutMinutes,
    workerId: options.workerId ?? randomUUID(),
    expiryWarningMinutes: jitConfig.expiryWarningMinutes,
    endLiveSessions: jitConfig.endLiveSessions,
  });
  const service = new JitAccessService({
    recheck,
    config: configCache,
    store,
    notifier,
    directory,
    identityCenterUsers: new IdentityCenterUsers({ directory, gateway }),
    authorizer,
    settingsDefaults: jitConfig.settingsDefaults,
    logger,
    now: options.now,
    newRequestId: options.newRequestId,
    // Approval provisions at once, not at the next scheduler tick.
    triggerWork: id => engine.trigger(id),
    accountsFromCatalog: !!jitConfig.catalogAccounts,
  });
  const configService = new ConfigService({
    store,
    directory,
    authorizer,
    gateway,
    settingsDefaults: jitConfig.settingsDefaults,
    logger,
    onChange: () => configCache.invalidate(),
    recheck,
    now: options.now,
    catalogAccounts: jitConfig.catalogAccounts,
  });

  /** What permission rules see of requests, for the permission backend's conditional decisions. */
  const getResources = (ids: string[]) => service.permissionResources(ids);

  const reconciler = new Reconciler({ store, gateway, logger: logger.child({ component: 'reconciler' }) });

  return { jitConfig, directory, authorizer, gateway, engine, reconciler, service, configService, getResources };
}
