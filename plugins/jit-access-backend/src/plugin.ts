import {
  coreServices,
  createBackendPlugin,
  LoggerService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { jitAccessPermissions } from '@jit-access/plugin-jit-access-common';
import { DatabaseJitStore } from './database';
import { IdentityCenterError, SdkIdentityCenterGateway } from './identity-center';
import { jitRequestResourceRef, jitRequestRules } from './permissions/rules';
import { assertPermissionFramework } from './service/config';
import { createJitAccess } from './service/createJitAccess';
import { createRouter } from './service/router';

/**
 * The instance the gateway grants access in, found with ListInstances when
 * config names none: no instance, several, or a refused lookup stops the
 * start with an error naming the config keys to set. An Identity Center
 * that cannot be reached now does not; the first call looks again.
 */
async function requireIdentityCenterInstance(gateway: SdkIdentityCenterGateway, logger: LoggerService) {
  try {
    const { instanceArn, identityStoreId } = await gateway.instance();
    logger.info(`Identity Center instance ${instanceArn}, identity store ${identityStoreId}`);
  } catch (e) {
    if (e instanceof IdentityCenterError && e.transient) {
      logger.warn(`Identity Center instance not found yet: ${e.message}`);
      return;
    }
    throw e;
  }
}

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
        notifications: notificationService,
        auditor: coreServices.auditor,
      },
      async init(deps) {
        const { logger, scheduler } = deps;
        assertPermissionFramework(deps.config);
        const store = await DatabaseJitStore.create({ database: deps.database });
        const gateway = SdkIdentityCenterGateway.fromConfig(deps.config, { logger });
        await requireIdentityCenterInstance(gateway, logger);
        const jit = createJitAccess({
          config: deps.config,
          logger,
          store,
          gateway,
          catalog: deps.catalog,
          auth: deps.auth,
          permissions: deps.permissions,
          notifications: deps.notifications,
        });

        deps.permissionsRegistry.addResourceType({
          resourceRef: jitRequestResourceRef,
          permissions: jitAccessPermissions,
          rules: Object.values(jitRequestRules),
          getResources: jit.getResources,
        });

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            userInfo: deps.userInfo,
            service: jit.service,
            configService: jit.configService,
            auditor: deps.auditor,
            requestBodyLimit: jit.jitConfig.requestBodyLimit,
          }),
        );
        deps.httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        // Permission sets from Identity Center, then the accounts of app-config:
        // at startup (retried while Identity Center is unreachable) and hourly.
        const syncAndSeed = async () => {
          const sets = await jit.configService.sync();
          logger.info(`Synced ${sets.length} permission sets from Identity Center`);
          await jit.configService.seedConfiguredAccounts(jit.jitConfig.accounts);
          await jit.configService.onboardCatalogAccounts();
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
        // A task that runs `run` on one replica ('global') or on each ('local').
        const schedule = (
          id: string,
          scope: 'global' | 'local',
          when: SchedulerServiceTaskScheduleDefinition,
          run: () => Promise<unknown>,
        ) =>
          scheduler.scheduleTask({
            id,
            ...when,
            scope, // after the schedule: a configured schedule does not change who runs it
            fn: async () => {
              await run();
            },
          });

        await schedule(
          'jit-access-permission-set-sync',
          'global',
          { frequency: { hours: 1 }, timeout: { minutes: 5 }, initialDelay: { hours: 1 } },
          syncAndSeed,
        );

        // With jitAccess.catalogAccounts: AWS account entities new to the catalog, onboarded by one replica
        // (at start too, after the permission sets: syncAndSeed).
        const catalogAccounts = jit.jitConfig.catalogAccounts;
        if (catalogAccounts) {
          await schedule('jit-access-catalog-accounts', 'global', catalogAccounts.schedule, () =>
            jit.configService.onboardCatalogAccounts(),
          );
        }

        // Drift between Identity Center and our records, repaired by one replica.
        await schedule(
          'jit-access-reconciler',
          'global',
          { frequency: { minutes: 10 }, timeout: { minutes: 10 }, initialDelay: { minutes: 1 } },
          () => jit.reconciler.run(),
        );

        // Each replica looks for due work; leases make one of them act.
        await schedule(
          'jit-access-lifecycle',
          'local',
          { frequency: { milliseconds: jit.jitConfig.lifecycleFrequencyMs }, timeout: { minutes: 10 }, initialDelay: { seconds: 3 } },
          () => jit.engine.runDue(),
        );
      },
    });
  },
});
