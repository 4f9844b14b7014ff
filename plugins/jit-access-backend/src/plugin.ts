import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { jitAccessPermissions } from '@jit-access/plugin-jit-access-common';
import { randomUUID } from 'node:crypto';
import { DatabaseJitStore } from './database';
import { SdkIdentityCenterGateway } from './identity-center';
import { jitRequestResourceRef, jitRequestRules } from './permissions/rules';
import { AccountDirectory } from './service/AccountDirectory';
import { readJitAccessConfig } from './service/config';
import { ConfigService } from './service/ConfigService';
import { JitAccessService } from './service/JitAccessService';
import { JitAuthorizer } from './service/JitAuthorizer';
import { LifecycleEngine } from './service/LifecycleEngine';
import { createRouter } from './service/router';

/**
 * JIT Access backend plugin: requests, approvals, Identity Center grants and
 * the lifecycle scheduler, at `/api/jit-access`.
 * @public
 */
export const jitAccessPlugin = createBackendPlugin({
  pluginId: 'jit-access',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, config, scheduler } = deps;
        const jitConfig = readJitAccessConfig(config);
        const store = await DatabaseJitStore.create({ database: deps.database });
        const directory = new AccountDirectory(deps.catalog, deps.auth);
        const authorizer = new JitAuthorizer(deps.permissions, jitConfig.roles);
        const gateway = SdkIdentityCenterGateway.fromConfig(config, { logger });

        const engine = new LifecycleEngine({
          store,
          gateway,
          directory,
          logger: logger.child({ component: 'lifecycle' }),
          pendingTimeoutMinutes: async () =>
            (await store.getSettings(jitConfig.settingsDefaults)).pendingTimeoutMinutes,
          workerId: randomUUID(),
        });
        const service = new JitAccessService({
          store,
          directory,
          authorizer,
          settingsDefaults: jitConfig.settingsDefaults,
          logger,
          // Approval provisions at once, not at the next scheduler tick.
          triggerWork: id => {
            engine.process(id).catch(e => logger.error(`Lifecycle of ${id}: ${e}`));
          },
        });
        const configService = new ConfigService({
          store,
          directory,
          authorizer,
          gateway,
          settingsDefaults: jitConfig.settingsDefaults,
          logger,
        });

        deps.permissionsRegistry.addResourceType({
          resourceRef: jitRequestResourceRef,
          permissions: jitAccessPermissions,
          rules: Object.values(jitRequestRules),
          getResources: async ids =>
            Promise.all(
              ids.map(async id => {
                const r = await store.getRequest(id);
                if (!r) return undefined;
                const account = await store.getAccount(r.accountId);
                return {
                  id: r.id,
                  requester: r.requester,
                  accountId: r.accountId,
                  accountOwners: account ? await directory.ownersOf(account) : [],
                };
              }),
            ),
        });

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            userInfo: deps.userInfo,
            service,
            configService,
          }),
        );
        deps.httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        // Permission sets from Identity Center, then the accounts of app-config:
        // at startup (retried while Identity Center is unreachable) and hourly.
        const syncAndSeed = async () => {
          const sets = await configService.sync();
          logger.info(`Synced ${sets.length} permission sets from Identity Center`);
          await configService.seedConfiguredAccounts(jitConfig.accounts);
        };
        deps.lifecycle.addStartupHook(() => {
          (async () => {
            for (let attempt = 1; attempt <= 30; attempt++) {
              try {
                await syncAndSeed();
                return;
              } catch (e) {
                logger.warn(`Permission set sync failed (attempt ${attempt}): ${e}`);
                await new Promise(r => setTimeout(r, Math.min(30_000, 1000 * attempt)));
              }
            }
          })();
        });
        await scheduler.scheduleTask({
          id: 'jit-access-permission-set-sync',
          frequency: { hours: 1 },
          timeout: { minutes: 5 },
          initialDelay: { hours: 1 },
          scope: 'global',
          fn: syncAndSeed,
        });

        // Each replica looks for due work; leases make one of them act.
        await scheduler.scheduleTask({
          id: 'jit-access-lifecycle',
          frequency: { milliseconds: jitConfig.lifecycleFrequencyMs },
          timeout: { minutes: 10 },
          initialDelay: { seconds: 3 },
          scope: 'local',
          fn: async () => {
            await engine.runDue();
          },
        });
      },
    });
  },
});
