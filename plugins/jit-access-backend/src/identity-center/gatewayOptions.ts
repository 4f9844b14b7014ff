import { SSOAdminClientConfig } from '@aws-sdk/client-sso-admin';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { checkIdentityCenterEndpoint } from '../service/config';
import { RateLimiter } from './RateLimiter';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './retry';

/**
 * Credentials for the SDK clients: static ones or an
 * `AwsCredentialIdentityProvider` (taken from the SDK's own config type, so
 * that the plugin needs no direct dependency on `@aws-sdk/types`).
 * @public
 */
export type IdentityCenterCredentials = Exclude<
  SSOAdminClientConfig['credentials'],
  undefined
>;

/**
 * Options of {@link SdkIdentityCenterGateway}.
 * @public
 */
export interface SdkIdentityCenterGatewayOptions {
  /** Region of the Identity Center instance. */
  region: string;
  /**
   * `arn:aws:sso:::instance/ssoins-...`. Without it (or without
   * `identityStoreId`) the instance is found with ListInstances, once, and
   * must be the only one the credentials see (or the only one matching
   * what is given).
   */
  instanceArn?: string;
  /** `d-...`; see `instanceArn`. */
  identityStoreId?: string;
  /** Endpoint override (an emulator, a VPC endpoint) for both clients. */
  endpoint?: string;
  /** Defaults to the SDK's default credential chain. */
  credentials?: IdentityCenterCredentials;
  /** Identity Store attribute `resolvePrincipalId` matches. Default `userName`. */
  principalAttribute?: 'userName' | 'emails.value';
  /**
   * Identity Center quotas. Defaults: 20 SSO Admin calls/s, 10 creations in
   * flight, 20 Identity Store calls/s (a separate API, throttled apart:
   * user lookups are paced on their own, so they never delay grants and
   * revocations). Calls are paced at 95% of the rates, to absorb timing
   * jitter.
   */
  limits?: {
    callsPerSecond?: number;
    maxCreatesInFlight?: number;
    identityStoreCallsPerSecond?: number;
  };
  /** A limiter of SSO Admin calls to share with other gateways of the process (then `limits` is ignored for them). */
  limiter?: RateLimiter;
  /** A limiter of Identity Store calls to share with other gateways of the process. */
  identityStoreLimiter?: RateLimiter;
  /** Retries of one API call on transient failures. Default 8 attempts, 200 ms doubling to 10 s. */
  retry?: Partial<RetryPolicy>;
  /** Shorthand for `retry.maxAttempts`. */
  maxAttempts?: number;
  /** Time one HTTP request may take before it counts as a (transient) timeout. Default 10 s. */
  requestTimeoutMs?: number;
  /** First delay between status polls of an asynchronous operation. Default 500 ms. */
  pollIntervalMs?: number;
  /** The poll delay grows by half each time up to this. Default 5 s. */
  maxPollIntervalMs?: number;
  /** Overall time an assignment, provisioning or deletion may take. Default 5 minutes. */
  operationTimeoutMs?: number;
  /** How long a resolved principal id is reused. Default 10 minutes. */
  principalCacheTtlMs?: number;
  logger?: LoggerService;
}

/**
 * Share of the calls-per-second quota left unused. Calls leave on an even
 * schedule, but late timers and the network can bring two of them closer
 * together on arrival than they left; 5% (one call a second at 20/s) absorbs
 * that, so Identity Center never sees more than the quota in any second.
 */
const RATE_HEADROOM = 0.05;

/**
 * The config both SDK clients share. The SDK's own retries are off
 * (`maxAttempts: 1`) so the gateway's loop is the only one: otherwise each
 * layer would multiply the other's attempts, and the SDK's retries would
 * bypass the limiter.
 */
export function sdkClientConfig(options: SdkIdentityCenterGatewayOptions) {
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  return {
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: 1,
    requestHandler: {
      requestTimeout,
      connectionTimeout: Math.min(5_000, requestTimeout),
      // Without it the SDK only logs a warning when the timeout passes,
      // and a request that is never answered would hang a grant forever.
      throwOnRequestTimeout: true,
    },
  };
}

/** The limiter of the options, or one paced just under their quotas. */
export function rateLimiterOf(
  options: SdkIdentityCenterGatewayOptions,
): RateLimiter {
  return (
    options.limiter ??
    new RateLimiter({
      callsPerSecond:
        (options.limits?.callsPerSecond ?? 20) * (1 - RATE_HEADROOM),
      maxCreatesInFlight: options.limits?.maxCreatesInFlight ?? 10,
    })
  );
}

/** The Identity Store limiter of the options, or one paced just under its quota. */
export function identityStoreLimiterOf(
  options: SdkIdentityCenterGatewayOptions,
): RateLimiter {
  return (
    options.identityStoreLimiter ??
    new RateLimiter({
      callsPerSecond:
        (options.limits?.identityStoreCallsPerSecond ?? 20) *
        (1 - RATE_HEADROOM),
      // the Identity Store API has no asynchronous operations
      maxCreatesInFlight: 1,
    })
  );
}

/** The default retry policy with the options' changes. */
export function retryPolicyOf(
  options: SdkIdentityCenterGatewayOptions,
): RetryPolicy {
  return {
    ...DEFAULT_RETRY_POLICY,
    ...options.retry,
    ...(options.maxAttempts !== undefined
      ? { maxAttempts: options.maxAttempts }
      : {}),
  };
}

/**
 * Credentials from the `aws` integration config (for `accountId` if set,
 * else its main account or the default credential chain). When `endpoint`
 * points at a local emulator and no `aws` config exists, static dummy
 * credentials sign the requests, since the SDK always signs.
 */
function credentialsFromConfig(
  config: Config,
  endpoint: string | undefined,
  accountId: string | undefined,
  credentialsManager: AwsCredentialsManager | undefined,
): IdentityCenterCredentials {
  if (endpoint && !config.has('aws') && !credentialsManager) {
    return {
      accessKeyId: 'jit-access-local',
      secretAccessKey: 'jit-access-local',
    };
  }
  const manager =
    credentialsManager ?? DefaultAwsCredentialsManager.fromConfig(config);
  // Resolve the provider once and reuse it (it refreshes its own
  // credentials); forget it after a failure so the next call tries again.
  let provider:
    | Promise<Exclude<IdentityCenterCredentials, { accessKeyId: string }>>
    | undefined;
  return async () => {
    provider ??= manager
      .getCredentialProvider(accountId ? { accountId } : undefined)
      .then(p => p.sdkCredentialProvider);
    try {
      return await (
        await provider
      )();
    } catch (e) {
      provider = undefined;
      throw e;
    }
  };
}

/**
 * The gateway options `jitAccess.identityCenter` describes (`region`,
 * `instanceArn?`, `identityStoreId?`, `endpoint?`, `accountId?`,
 * `principalAttribute?`, `limits?`); see config.d.ts.
 */
export function gatewayOptionsFromConfig(
  config: Config,
  deps: { logger: LoggerService; credentialsManager?: AwsCredentialsManager },
): SdkIdentityCenterGatewayOptions {
  const c = config.getConfig('jitAccess.identityCenter');
  const endpoint = c.getOptionalString('endpoint');
  checkIdentityCenterEndpoint(endpoint, {
    nodeEnv: process.env.NODE_ENV,
    allowInProduction: c.getOptionalBoolean('allowEndpointInProduction'),
  });
  const principalAttribute =
    c.getOptionalString('principalAttribute') ?? 'userName';
  if (
    principalAttribute !== 'userName' &&
    principalAttribute !== 'emails.value'
  ) {
    throw new Error(
      `jitAccess.identityCenter.principalAttribute must be 'userName' or 'emails.value', not '${principalAttribute}'`,
    );
  }
  return {
    region: c.getString('region'),
    instanceArn: c.getOptionalString('instanceArn'),
    identityStoreId: c.getOptionalString('identityStoreId'),
    endpoint,
    credentials: credentialsFromConfig(
      config,
      endpoint,
      c.getOptionalString('accountId'),
      deps.credentialsManager,
    ),
    principalAttribute,
    limits: {
      callsPerSecond: c.getOptionalNumber('limits.callsPerSecond'),
      maxCreatesInFlight: c.getOptionalNumber('limits.maxCreatesInFlight'),
      identityStoreCallsPerSecond: c.getOptionalNumber(
        'limits.identityStoreCallsPerSecond',
      ),
    },
    logger: deps.logger.child({ component: 'identity-center' }),
  };
}
