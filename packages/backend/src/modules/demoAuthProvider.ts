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
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
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
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
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
