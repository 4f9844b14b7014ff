// discoveryApiRef and fetchApiRef rather than coreApis.*: Backstage 1.55's
// frontend-plugin-api (0.18) has no coreApis; both name the same APIs.
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import SecurityIcon from '@material-ui/icons/Security';
import { jitAccessApiRef } from './api/JitAccessApi';
import { JitAccessClient } from './api/JitAccessClient';
import { isJitAccessAvailable } from './components/EntityJitAccessContent/isJitAccessAvailable';
import { configRouteRef, requestRouteRef, rootRouteRef } from './routes';

const jitAccessApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: jitAccessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new JitAccessClient(deps),
    }),
});

const jitAccessPage = PageBlueprint.make({
  params: {
    // The default; an app moves it with the extension's `path` config, and every link follows the route refs.
    path: '/jit-access',
    routeRef: rootRouteRef,
    title: 'JIT Access',
    icon: <SecurityIcon />,
    noHeader: true,
    loader: () => import('./components/JitAccessPage/JitAccessPage').then(m => <m.JitAccessPage />),
  },
});

const jitAccessEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'jit-access',
    title: 'JIT Access',
    filter: isJitAccessAvailable,
    loader: () =>
      import('./components/EntityJitAccessContent/EntityJitAccessContent').then(m => <m.EntityJitAccessContent />),
  },
});

/**
 * JIT Access for the new frontend system: the page at `/jit-access` (with its
 * nav item), the entity content tab on AWS account entities, and the API.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'jit-access',
  routes: { root: rootRouteRef, request: requestRouteRef, config: configRouteRef },
  extensions: [jitAccessApi, jitAccessPage, jitAccessEntityContent],
});
