import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/**
 * The JIT Access page, wherever the app mounts it. These refs serve both
 * frontend systems: the legacy plugin mounts the page at `rootRouteRef`, the
 * new system's page blueprint takes the same ref, and every link inside the
 * plugin is resolved from them with `useRouteRef`.
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'jit-access' });

/** One request on the JIT Access page. @public */
export const requestRouteRef = createSubRouteRef({
  id: 'jit-access/request',
  parent: rootRouteRef,
  path: '/requests/:id',
});

/** The admin config page, under the JIT Access page. @public */
export const configRouteRef = createSubRouteRef({
  id: 'jit-access/config',
  parent: rootRouteRef,
  path: '/config',
});
