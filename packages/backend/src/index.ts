/*
 * The JIT Access demo backend: catalog, permissions (with the JIT default
 * policy), auth with the demo sign-in provider, notifications and signals,
 * the JIT Access plugin, and a local Identity Center emulator.
 */
import { createBackend } from '@backstage/backend-defaults';
import { demoAuthProviderModule } from './modules/demoAuthProvider';
import { identityCenterEmulatorPlugin } from './modules/identityCenterEmulator';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(demoAuthProviderModule);

backend.add(import('@backstage/plugin-catalog-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@jit-access/plugin-jit-access-backend/policy'));

backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(identityCenterEmulatorPlugin);
backend.add(import('@jit-access/plugin-jit-access-backend'));

backend.start();
