import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { AccountAssignments } from './AccountAssignments';
import { IdentityCenterCalls } from './IdentityCenterCalls';
import {
  AssignmentPrincipal,
  AssignmentTarget,
  IdentityCenterGateway,
  NewPermissionSet,
  OperationOptions,
  PermissionSetInfo,
} from './IdentityCenterGateway';
import {
  gatewayOptionsFromConfig,
  identityStoreLimiterOf,
  rateLimiterOf,
  retryPolicyOf,
  sdkClientConfig,
  SdkIdentityCenterGatewayOptions,
} from './gatewayOptions';
import { IdentityStorePrincipals } from './IdentityStorePrincipals';
import { IdentityCenterInstance } from './instanceDiscovery';
import { PermissionSets } from './PermissionSets';
import { RateLimiter } from './RateLimiter';

export type {
  IdentityCenterCredentials,
  SdkIdentityCenterGatewayOptions,
} from './gatewayOptions';

/**
 * {@link IdentityCenterGateway} on the real AWS SDK clients (`SSOAdminClient`,
 * `IdentitystoreClient`).
 *
 * Every call, from every method, goes through one {@link RateLimiter}, which
 * keeps the process under Identity Center's calls-per-second and
 * creations-in-flight quotas. The SDK's own retries are off (`maxAttempts: 1`)
 * so the gateway's loop is the only one: otherwise each layer would multiply
 * the other's attempts, and the SDK's retries would bypass the limiter. The
 * gateway retries throttling, conflicts, 5xx, network errors and timeouts
 * with capped exponential backoff and jitter, and each retry waits for the
 * limiter again.
 * @public
 */
export class SdkIdentityCenterGateway implements IdentityCenterGateway {
  readonly #calls: IdentityCenterCalls;
  readonly #principals: IdentityStorePrincipals;
  readonly #permissionSets: PermissionSets;
  readonly #assignments: AccountAssignments;

  /**
   * Builds the gateway from `jitAccess.identityCenter` (`region`,
   * `instanceArn?`, `identityStoreId?`, `endpoint?`, `accountId?`,
   * `principalAttribute?`, `limits?`). Without `instanceArn` and
   * `identityStoreId`, the instance is found with ListInstances on first
   * use (or when {@link SdkIdentityCenterGateway.instance} is called).
   *
   * Credentials come from the `aws` integration config through
   * `@backstage/integration-aws-node` (for `accountId` if set, else its main
   * account or the default credential chain). When `endpoint` points at a
   * local emulator and no `aws` config exists, static dummy credentials sign
   * the requests, since the SDK always signs.
   */
  static fromConfig(
    config: Config,
    deps: { logger: LoggerService; credentialsManager?: AwsCredentialsManager },
    overrides: Partial<SdkIdentityCenterGatewayOptions> = {},
  ): SdkIdentityCenterGateway {
    return new SdkIdentityCenterGateway({
      ...gatewayOptionsFromConfig(config, deps),
      ...overrides,
    });
  }

  constructor(options: SdkIdentityCenterGatewayOptions) {
    const clientConfig = sdkClientConfig(options);
    this.#calls = new IdentityCenterCalls({
      ...options,
      sso: new SSOAdminClient(clientConfig),
      ids: new IdentitystoreClient(clientConfig),
      limiter: rateLimiterOf(options),
      identityStoreLimiter: identityStoreLimiterOf(options),
      retry: retryPolicyOf(options),
    });
    this.#principals = new IdentityStorePrincipals(this.#calls, options);
    this.#permissionSets = new PermissionSets(this.#calls);
    this.#assignments = new AccountAssignments(this.#calls);
  }

  /**
   * The instance the gateway grants access in: the configured one, or the
   * only one ListInstances returns (looked up once). Rejects with a
   * permanent `IdentityCenterError` naming the config keys to set when
   * ListInstances returns none or several, or is refused.
   */
  instance(): Promise<IdentityCenterInstance> {
    return this.#calls.instance();
  }

  /** The limiter every SSO Admin call of this gateway passes. */
  get limiter(): RateLimiter {
    return this.#calls.limiter;
  }

  /** Closes the clients' keep-alive connections. */
  destroy(): void {
    this.#calls.sso.destroy();
    this.#calls.ids.destroy();
  }

  resolvePrincipalId(userName: string): Promise<string> {
    return this.#principals.resolvePrincipalId(userName);
  }

  listPermissionSets(): Promise<PermissionSetInfo[]> {
    return this.#permissionSets.list();
  }

  listPermissionSetsByTag(
    key: string,
    value: string,
  ): Promise<PermissionSetInfo[]> {
    return this.#permissionSets.listByTag(key, value);
  }

  createPermissionSet(p: NewPermissionSet): Promise<string> {
    return this.#permissionSets.create(p);
  }

  putInlinePolicy(permissionSetArn: string, policy: string): Promise<void> {
    return this.#permissionSets.putInlinePolicy(permissionSetArn, policy);
  }

  provisionPermissionSet(
    permissionSetArn: string,
    accountId?: string,
    options?: OperationOptions,
  ): Promise<void> {
    return this.#permissionSets.provision(permissionSetArn, accountId, options);
  }

  deletePermissionSet(
    permissionSetArn: string,
    options?: OperationOptions,
  ): Promise<void> {
    return this.#permissionSets.delete(permissionSetArn, options);
  }

  listAssignments(
    accountId: string,
    permissionSetArn: string,
  ): Promise<AssignmentPrincipal[]> {
    return this.#assignments.list(accountId, permissionSetArn);
  }

  createAssignment(
    target: AssignmentTarget,
    options?: OperationOptions,
  ): Promise<void> {
    return this.#assignments.create(target, options);
  }

  deleteAssignment(
    target: AssignmentTarget,
    options?: OperationOptions,
  ): Promise<void> {
    return this.#assignments.delete(target, options);
  }
}
