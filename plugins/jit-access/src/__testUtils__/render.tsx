import { toastApiRef, type ToastApi } from '@backstage/frontend-plugin-api';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { RenderResult } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { rootRouteRef } from '../routes';

type Options = NonNullable<Parameters<typeof renderInTestApp>[1]>;

/** Where the tests mount the JIT Access page unless they say otherwise. */
export const TEST_MOUNT_PATH = '/jit-access';

/** A toast API that remembers what it was asked to show. */
export function mockToasts() {
  const post = jest.fn((_toast: Parameters<ToastApi['post']>[0]) => ({ close: () => {} }));
  return { post } satisfies ToastApi;
}

/**
 * Renders in a legacy test app with the JIT Access page mounted (at
 * {@link TEST_MOUNT_PATH} unless `mountedRoutes` mounts it elsewhere) and a
 * toast API, as an app on the new frontend system has; the alert fallback of
 * apps without one is tested in useNotify.test.tsx.
 */
export async function renderInJitAccessApp(
  element: JSX.Element,
  options: Options & { toasts?: ReturnType<typeof mockToasts> } = {},
): Promise<RenderResult & { toasts: ReturnType<typeof mockToasts> }> {
  const { toasts = mockToasts(), ...rest } = options;
  const result = await renderInTestApp(<TestApiProvider apis={[[toastApiRef, toasts]]}>{element}</TestApiProvider>, {
    ...rest,
    mountedRoutes: rest.mountedRoutes ?? { [TEST_MOUNT_PATH]: rootRouteRef },
    // React Router's v7 behaviour, which its future-flag warnings ask apps to opt into.
    components: {
      Router: ({ children }) => (
        <MemoryRouter initialEntries={rest.routeEntries ?? ['/']} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          {children}
        </MemoryRouter>
      ),
    },
  });
  return Object.assign(result, { toasts });
}
