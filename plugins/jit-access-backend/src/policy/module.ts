import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readJitAccessConfig } from '../service/config';
import { JitAccessDefaultPolicy } from './JitAccessDefaultPolicy';

/**
 * The JIT Access default permission policy, as a module of the permission
 * backend: `backend.add(import('@jit-access/plugin-jit-access-backend/policy'))`.
 * Role groups come from `jitAccess.roles`.
 * @public
 */
export const jitAccessPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'jit-access-default-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new JitAccessDefaultPolicy(readJitAccessConfig(config).roles, userInfo),
        );
      },
    });
  },
});
