export {
  IdentityCenterError,
  IdentityCenterUserNotFoundError,
  isNotFound,
  isTransientFailureReason,
  toIdentityCenterError,
} from './IdentityCenterError';
export type * from './IdentityCenterGateway';
export { RateLimiter, systemClock } from './RateLimiter';
export type { Clock, RateLimiterOptions } from './RateLimiter';
export { backoffDelay, DEFAULT_RETRY_POLICY, withRetries } from './retry';
export type { RetryPolicy, WithRetriesOptions } from './retry';
export { SdkIdentityCenterGateway } from './SdkIdentityCenterGateway';
export type {
  IdentityCenterCredentials,
  SdkIdentityCenterGatewayOptions,
} from './SdkIdentityCenterGateway';
export type { IdentityCenterInstance } from './instanceDiscovery';
