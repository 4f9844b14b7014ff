import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import type { JSX } from 'react';
import { jitAccessApiRef } from './api/JitAccessApi';
import { JitAccessClient } from './api/JitAccessClient';
import { configRouteRef, requestRouteRef, rootRouteRef } from './routes';

/** The JIT Access plugin for apps on the old frontend system. @public */
export const jitAccessPlugin = createPlugin({
  id: 'jit-access',
  apis: [
    createApiFactory({
      api: jitAccessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new JitAccessClient(deps),
    }),
  ],
  routes: { root: rootRouteRef, request: requestRouteRef, config: configRouteRef },
});

/** The JIT Access page; mount it where you like (`/jit-access` is usual): its links follow. @public */
export const JitAccessPage: () => JSX.Element = jitAccessPlugin.provide(
  createRoutableExtension({
    name: 'JitAccessPage',
    component: () => import('./components/JitAccessPage/JitAccessPage').then(m => m.JitAccessPage),
    mountPoint: rootRouteRef,
  }),
);

/** The JIT Access tab of AWS account entity pages. @public */
export const EntityJitAccessContent: () => JSX.Element = jitAccessPlugin.provide(
  createComponentExtension({
    name: 'EntityJitAccessContent',
    component: {
      lazy: () =>
        import('./components/EntityJitAccessContent/EntityJitAccessContent').then(m => m.EntityJitAccessContent),
    },
  }),
);
