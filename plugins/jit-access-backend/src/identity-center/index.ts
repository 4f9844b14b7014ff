export { IdentityCenterError, toIdentityCenterError } from './IdentityCenterError';
export type { AssignmentTarget, IdentityCenterGateway, PermissionSetInfo } from './IdentityCenterGateway';
export { RateLimiter } from './RateLimiter';
export { SdkIdentityCenterGateway } from './SdkIdentityCenterGateway';
export type { SdkIdentityCenterGatewayOptions } from './SdkIdentityCenterGateway';
