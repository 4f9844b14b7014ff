/*
 * Starts the local Identity Center emulator for the demo, on loopback, when
 * `identityCenterEmulator.enabled` is true (app-config.yaml). The JIT backend
 * plugin does not know about it: it talks to whatever
 * `jitAccess.identityCenter.endpoint` points at, with the real AWS SDK.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  demoSeed,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';

export const identityCenterEmulatorPlugin = createBackendPlugin({
  pluginId: 'identity-center-emulator',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.rootLifecycle,
      },
      async init({ config, logger, lifecycle }) {
        const c = config.getOptionalConfig('identityCenterEmulator');
        if (!c?.getOptionalBoolean('enabled')) return;
        const emulator = await startIdentityCenterEmulator({
          host: '127.0.0.1',
          port: c.getOptionalNumber('port') ?? 7311,
          seed: demoSeed(),
          timing: {
            assignmentDelayMs: c.getOptionalNumber('assignmentDelayMs') ?? 1500,
          },
        });
        logger.info(`Identity Center emulator listening on ${emulator.url}`);
        lifecycle.addShutdownHook(() => emulator.close());
      },
    });
  },
});
