/*
 * The demo sign-in provider: sign in as any catalog user by name, no password.
 * It exists only in the demo configuration (`auth.providers.demo`); the auth
 * backend skips providers that are not configured, so production configs
 * without that key never expose it.
 *
 *   GET /api/auth/demo/refresh?user=alice   (header X-Requested-With: XMLHttpRequest)
 *
 * returns the standard Backstage session response; the token is at
 * `backstageIdentity.token`. The sign-in page sends the user in the
 * `x-demo-user` header instead.
 *
 * It hands any user's token, admins' included, to whoever asks, so:
 * - it answers only calls with `X-Requested-With: XMLHttpRequest`, as
 *   Backstage's own auth refresh requires (a page of another site cannot
 *   send that header across origins without CORS allowing it);
 * - the backend refuses to start with it unless it listens on loopback
 *   only (`backend.listen.host: 127.0.0.1`, app-config.demo.yaml), or
 *   `auth.providers.demo.allowRemoteSignIn: true` says the risk is known.
 */
import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { AuthenticationError } from '@backstage/errors';

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

const demoAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async (result: { userName: string }) => ({
    profile: { displayName: result.userName },
  }),
  initialize() {
    return undefined;
  },
  async authenticate({ req }) {
    if (req.header('x-requested-with') !== 'XMLHttpRequest') {
      throw new AuthenticationError(
        'Demo sign-in needs the header X-Requested-With: XMLHttpRequest, as Backstage\'s auth refresh does',
      );
    }
    const fromQuery = typeof req.query.user === 'string' ? req.query.user : undefined;
    const fromHeader = req.header('x-demo-user');
    const userName = (fromQuery ?? fromHeader ?? '').trim().toLowerCase();
    if (!USER_NAME.test(userName)) {
      throw new AuthenticationError(
        'Demo sign-in needs a user name: ?user=<name> or the x-demo-user header',
      );
    }
    return { result: { userName } };
  },
});

export const demoAuthProviderModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint, config: coreServices.rootConfig },
      async init({ providers, config }) {
        assertDemoStaysLocal(config);
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: demoAuthenticator,
            async signInResolver({ result }, ctx) {
              // Resolves the user's groups from the catalog, so ownership works.
              return ctx.signInWithCatalogUser({ entityRef: { name: result.userName } });
            },
          }),
        });
      },
    });
  },
});

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/** The host the backend listens on (`backend.listen`: an object, or a string like ':7007'). */
export function listenHost(config: Config): string {
  const listen = config.getOptional('backend.listen');
  if (typeof listen === 'string') {
    const i = listen.lastIndexOf(':');
    return i >= 0 ? listen.slice(0, i) : listen;
  }
  return config.getOptionalString('backend.listen.host') ?? '';
}

/**
 * Refuses the demo sign-in on a backend other machines can reach, unless
 * `auth.providers.demo.allowRemoteSignIn` is true.
 */
export function assertDemoStaysLocal(config: Config): void {
  if (!config.has('auth.providers.demo')) return;
  const host = listenHost(config);
  if (LOOPBACK.test(host)) return;
  if (config.getOptionalBoolean('auth.providers.demo.allowRemoteSignIn')) return;
  throw new Error(
    `The demo sign-in provider (auth.providers.demo) signs anyone in as any user, admins included, but the backend listens on ${
      host ? `'${host}'` : 'every interface'
    }. Set backend.listen.host to 127.0.0.1, or set auth.providers.demo.allowRemoteSignIn: true if every machine that can reach it may sign in as anyone.`,
  );
}
