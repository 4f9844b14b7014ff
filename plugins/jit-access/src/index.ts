/**
 * JIT Access frontend plugin: request time-limited AWS account access,
 * approve it on entity pages, administer it on the config page.
 * The new frontend system plugin is the default export of `/alpha`.
 *
 * @packageDocumentation
 */
export { jitAccessPlugin, JitAccessPage, EntityJitAccessContent } from './plugin';
export { rootRouteRef, requestRouteRef, configRouteRef } from './routes';
export { isJitAccessAvailable } from './components/EntityJitAccessContent/isJitAccessAvailable';
export { jitAccessApiRef } from './api/JitAccessApi';
export type { JitAccessApi, RequestListQuery, RequestListView, SessionListQuery } from './api/JitAccessApi';
export { JitAccessClient } from './api/JitAccessClient';
