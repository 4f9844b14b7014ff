import { checkIdentityCenterEndpoint } from '../service/config';
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DeletePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsCommand,
  ListTagsForResourceCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
  SSOAdminClientConfig,
} from '@aws-sdk/client-sso-admin';
import {
  GetUserIdCommand,
  IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import {
  IdentityCenterError,
  IdentityCenterUserNotFoundError,
  isNotFound,
  isTransientFailureReason,
  toIdentityCenterError,
} from './IdentityCenterError';
import {
  AssignmentPrincipal,
  AssignmentTarget,
  IdentityCenterGateway,
  NewPermissionSet,
  OperationOptions,
  PermissionSetInfo,
} from './IdentityCenterGateway';
import { RateLimiter } from './RateLimiter';
import { DEFAULT_RETRY_POLICY, RetryPolicy, withRetries } from './retry';

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
  /** `arn:aws:sso:::instance/ssoins-...` */
  instanceArn: string;
  /** `d-...` */
  identityStoreId: string;
  /** Endpoint override (an emulator, a VPC endpoint) for both clients. */
  endpoint?: string;
  /** Defaults to the SDK's default credential chain. */
  credentials?: IdentityCenterCredentials;
  /** Identity Store attribute `resolvePrincipalId` matches. Default `userName`. */
  principalAttribute?: 'userName' | 'emails.value';
  /**
   * Identity Center quotas. Defaults: 20 calls/s, 10 creations in flight.
   * Calls are paced at 95% of `callsPerSecond`, to absorb timing jitter.
   */
  limits?: { callsPerSecond?: number; maxCreatesInFlight?: number };
  /** A limiter to share with other gateways of the process (then `limits` is ignored). */
  limiter?: RateLimiter;
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

/** Per-call retry tuning. */
interface CallOptions {
  /** No attempt starts after this (epoch ms). */
  deadline?: number;
  /** Retry ConflictException beyond maxAttempts until the deadline. */
  retryConflictsUntilDeadline?: boolean;
  /** Reclassify a failure (true: transient, false: permanent, undefined: keep). */
  classify?: (error: IdentityCenterError) => boolean | undefined;
}

type OperationStatus = {
  Status?: string;
  RequestId?: string;
  FailureReason?: string;
};

/**
 * Share of the calls-per-second quota left unused. Calls leave on an even
 * schedule, but late timers and the network can bring two of them closer
 * together on arrival than they left; 5% (one call a second at 20/s) absorbs
 * that, so Identity Center never sees more than the quota in any second.
 */
const RATE_HEADROOM = 0.05;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const isAlreadyExists = (e: IdentityCenterError) =>
  e.code === 'ConflictException' && /already exists/i.test(e.awsMessage ?? '');

/** A copy of `e` with another transient flag. */
function reclassified(
  e: IdentityCenterError,
  transient: boolean,
): IdentityCenterError {
  if (e.transient === transient) return e;
  return new IdentityCenterError(e.message, {
    transient,
    code: e.code,
    operation: e.operation,
    awsMessage: e.awsMessage,
    httpStatus: e.httpStatus,
    cause: e.cause,
  });
}

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
  readonly #sso: SSOAdminClient;
  readonly #ids: IdentitystoreClient;
  readonly #limiter: RateLimiter;
  readonly #retry: RetryPolicy;
  readonly #options: SdkIdentityCenterGatewayOptions;
  readonly #principals = new Map<string, { id: string; expiresAt: number }>();
  readonly #principalLookups = new Map<string, Promise<string>>();

  /**
   * Builds the gateway from `jitAccess.identityCenter` (`region`,
   * `instanceArn`, `identityStoreId`, `endpoint?`, `accountId?`,
   * `principalAttribute?`, `limits?`).
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
    let credentials: IdentityCenterCredentials;
    if (endpoint && !config.has('aws') && !deps.credentialsManager) {
      credentials = {
        accessKeyId: 'jit-access-local',
        secretAccessKey: 'jit-access-local',
      };
    } else {
      const manager =
        deps.credentialsManager ??
        DefaultAwsCredentialsManager.fromConfig(config);
      const accountId = c.getOptionalString('accountId');
      // Resolve the provider once and reuse it (it refreshes its own
      // credentials); forget it after a failure so the next call tries again.
      let provider:
        | Promise<Exclude<IdentityCenterCredentials, { accessKeyId: string }>>
        | undefined;
      credentials = async () => {
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
    return new SdkIdentityCenterGateway({
      region: c.getString('region'),
      instanceArn: c.getString('instanceArn'),
      identityStoreId: c.getString('identityStoreId'),
      endpoint,
      credentials,
      principalAttribute,
      limits: {
        callsPerSecond: c.getOptionalNumber('limits.callsPerSecond'),
        maxCreatesInFlight: c.getOptionalNumber('limits.maxCreatesInFlight'),
      },
      logger: deps.logger.child({ component: 'identity-center' }),
      ...overrides,
    });
  }

  constructor(options: SdkIdentityCenterGatewayOptions) {
    this.#options = options;
    const requestTimeout = options.requestTimeoutMs ?? 10_000;
    const clientConfig = {
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
    this.#sso = new SSOAdminClient(clientConfig);
    this.#ids = new IdentitystoreClient(clientConfig);
    this.#limiter =
      options.limiter ??
      new RateLimiter({
        callsPerSecond:
          (options.limits?.callsPerSecond ?? 20) * (1 - RATE_HEADROOM),
        maxCreatesInFlight: options.limits?.maxCreatesInFlight ?? 10,
      });
    this.#retry = {
      ...DEFAULT_RETRY_POLICY,
      ...options.retry,
      ...(options.maxAttempts !== undefined
        ? { maxAttempts: options.maxAttempts }
        : {}),
    };
  }

  /** The limiter every call of this gateway passes. */
  get limiter(): RateLimiter {
    return this.#limiter;
  }

  /** Closes the clients' keep-alive connections. */
  destroy(): void {
    this.#sso.destroy();
    this.#ids.destroy();
  }

  // -------------------------------------------------------------------------
  // Principals

  async resolvePrincipalId(userName: string): Promise<string> {
    const hit = this.#principals.get(userName);
    if (hit && hit.expiresAt > Date.now()) return hit.id;
    // Concurrent grants of one user share one lookup.
    let lookup = this.#principalLookups.get(userName);
    if (!lookup) {
      lookup = this.#lookUpPrincipal(userName).finally(() =>
        this.#principalLookups.delete(userName),
      );
      this.#principalLookups.set(userName, lookup);
    }
    return lookup;
  }

  async #lookUpPrincipal(userName: string): Promise<string> {
    const attribute = this.#options.principalAttribute ?? 'userName';
    try {
      const out = await this.#call('GetUserId', () =>
        this.#ids.send(
          new GetUserIdCommand({
            IdentityStoreId: this.#options.identityStoreId,
            AlternateIdentifier: {
              UniqueAttribute: {
                AttributePath: attribute,
                AttributeValue: userName,
              },
            },
          }),
        ),
      );
      if (!out.UserId) {
        throw new IdentityCenterError('GetUserId: the answer has no UserId', {
          transient: true,
          code: 'MalformedResponse',
          operation: 'GetUserId',
        });
      }
      this.#principals.set(userName, {
        id: out.UserId,
        expiresAt:
          Date.now() + (this.#options.principalCacheTtlMs ?? 10 * 60_000),
      });
      return out.UserId;
    } catch (e) {
      // ResourceNotFoundException names the missing resource: the user (the
      // usual case) or the identity store itself (a configuration error).
      const resourceType = (e as { cause?: { ResourceType?: string } }).cause
        ?.ResourceType;
      if (
        e instanceof IdentityCenterError &&
        e.code === 'ResourceNotFoundException' &&
        resourceType !== 'IDENTITY_STORE'
      ) {
        throw new IdentityCenterUserNotFoundError(
          `No user in the Identity Center identity store ${
            this.#options.identityStoreId
          } has ${attribute} '${userName}'`,
          e.awsMessage,
        );
      }
      throw e;
    }
  }

  // -------------------------------------------------------------------------
  // Permission sets

  async listPermissionSets(): Promise<PermissionSetInfo[]> {
    const arns = await this.#listPermissionSetArns();
    const sets = await Promise.all(
      arns.map(arn => this.#describePermissionSet(arn)),
    );
    return sets.filter((s): s is PermissionSetInfo => s !== undefined);
  }

  async listPermissionSetsByTag(
    key: string,
    value: string,
  ): Promise<PermissionSetInfo[]> {
    // Tags first, descriptions only of the matches: 1 + N + matches calls
    // instead of 1 + 2N.
    const arns = await this.#listPermissionSetArns();
    const tagged = await Promise.all(
      arns.map(async arn => {
        const tags = await this.#tagsOf(arn);
        return tags?.some(t => t.key === key && t.value === value)
          ? arn
          : undefined;
      }),
    );
    const sets = await Promise.all(
      tagged
        .filter((a): a is string => !!a)
        .map(arn => this.#describePermissionSet(arn)),
    );
    return sets.filter((s): s is PermissionSetInfo => s !== undefined);
  }

  async createPermissionSet(p: NewPermissionSet): Promise<string> {
    try {
      const out = await this.#call(
        'CreatePermissionSet',
        () =>
          this.#sso.send(
            new CreatePermissionSetCommand({
              InstanceArn: this.#options.instanceArn,
              Name: p.name,
              Description: p.description,
              SessionDuration: p.sessionDuration,
              Tags: Object.entries(p.tags).map(([Key, Value]) => ({
                Key,
                Value,
              })),
            }),
          ),
        // "already exists" is a ConflictException, but waiting won't help.
        { classify: e => (isAlreadyExists(e) ? false : undefined) },
      );
      return out.PermissionSet!.PermissionSetArn!;
    } catch (e) {
      if (!(e instanceof IdentityCenterError) || !isAlreadyExists(e)) throw e;
      // An earlier attempt may have created it and lost the answer (a
      // timeout, a crash): adopt the set if it carries our tags.
      const existing = (await this.listPermissionSets()).find(
        s => s.name === p.name,
      );
      const ours =
        existing &&
        Object.keys(p.tags).length > 0 &&
        Object.entries(p.tags).every(([k, v]) =>
          existing.tags.some(t => t.key === k && t.value === v),
        );
      if (existing && ours) return existing.arn;
      throw new IdentityCenterError(
        `CreatePermissionSet: a permission set named ${p.name} already exists and was not made for this request`,
        {
          transient: false,
          code: 'PermissionSetNameTaken',
          operation: 'CreatePermissionSet',
          awsMessage: e.awsMessage,
          cause: e,
        },
      );
    }
  }

  async putInlinePolicy(
    permissionSetArn: string,
    policy: string,
  ): Promise<void> {
    const deadline = Date.now() + this.#operationTimeout();
    // ConflictException: an operation on the set is in progress (e.g. a
    // provisioning); it passes, so keep retrying until the deadline.
    await this.#call(
      'PutInlinePolicyToPermissionSet',
      () =>
        this.#sso.send(
          new PutInlinePolicyToPermissionSetCommand({
            InstanceArn: this.#options.instanceArn,
            PermissionSetArn: permissionSetArn,
            InlinePolicy: policy,
          }),
        ),
      { deadline, retryConflictsUntilDeadline: true },
    );
    // A changed set is not enforced in accounts where it is already
    // provisioned until it is provisioned again (the deny-all revocation
    // relies on this happening now).
    const outdated = await this.#paginate(
      'ListAccountsForProvisionedPermissionSet',
      NextToken =>
        this.#sso.send(
          new ListAccountsForProvisionedPermissionSetCommand({
            InstanceArn: this.#options.instanceArn,
            PermissionSetArn: permissionSetArn,
            ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
            NextToken,
          }),
        ),
      page => page.AccountIds,
    );
    if (outdated.length > 0) {
      await this.provisionPermissionSet(permissionSetArn, undefined, {
        timeoutMs: Math.max(1, deadline - Date.now()),
      });
    }
  }

  async provisionPermissionSet(
    permissionSetArn: string,
    accountId?: string,
    options?: OperationOptions,
  ): Promise<void> {
    const timeoutMs = this.#operationTimeout(options);
    const deadline = Date.now() + timeoutMs;
    const started = await this.#call(
      'ProvisionPermissionSet',
      () =>
        this.#sso.send(
          new ProvisionPermissionSetCommand({
            InstanceArn: this.#options.instanceArn,
            PermissionSetArn: permissionSetArn,
            ...(accountId
              ? { TargetType: 'AWS_ACCOUNT', TargetId: accountId }
              : { TargetType: 'ALL_PROVISIONED_ACCOUNTS' }),
          }),
        ),
      { deadline, retryConflictsUntilDeadline: true },
    );
    await this.#waitFor(
      'ProvisionPermissionSet',
      started.PermissionSetProvisioningStatus,
      async requestId =>
        (
          await this.#call(
            'DescribePermissionSetProvisioningStatus',
            () =>
              this.#sso.send(
                new DescribePermissionSetProvisioningStatusCommand({
                  InstanceArn: this.#options.instanceArn,
                  ProvisionPermissionSetRequestId: requestId,
                }),
              ),
            this.#pollCallOptions(deadline),
          )
        ).PermissionSetProvisioningStatus,
      deadline,
      timeoutMs,
    );
  }

  async deletePermissionSet(
    permissionSetArn: string,
    options?: OperationOptions,
  ): Promise<void> {
    try {
      // ConflictException while assignments (or their deprovisioning) are
      // still draining: retried until the deadline.
      await this.#call(
        'DeletePermissionSet',
        () =>
          this.#sso.send(
            new DeletePermissionSetCommand({
              InstanceArn: this.#options.instanceArn,
              PermissionSetArn: permissionSetArn,
            }),
          ),
        {
          deadline: Date.now() + this.#operationTimeout(options),
          retryConflictsUntilDeadline: true,
        },
      );
    } catch (e) {
      if (isNotFound(e)) {
        return; // already gone
      }
      throw e;
    }
  }

  // -------------------------------------------------------------------------
  // Account assignments

  async listAssignments(
    accountId: string,
    permissionSetArn: string,
  ): Promise<AssignmentPrincipal[]> {
    let assignments;
    try {
      assignments = await this.#paginate(
        'ListAccountAssignments',
        NextToken =>
          this.#sso.send(
            new ListAccountAssignmentsCommand({
              InstanceArn: this.#options.instanceArn,
              AccountId: accountId,
              PermissionSetArn: permissionSetArn,
              NextToken,
            }),
          ),
        page => page.AccountAssignments,
      );
    } catch (e) {
      // A permission set that no longer exists is assigned to no one:
      // Identity Center refuses to delete a set while it has assignments.
      if (isNotFound(e)) return [];
      throw e;
    }
    return assignments.map(a => ({
      principalId: a.PrincipalId!,
      principalType: a.PrincipalType!,
    }));
  }

  async createAssignment(
    target: AssignmentTarget,
    options?: OperationOptions,
  ): Promise<void> {
    const timeoutMs = this.#operationTimeout(options);
    const deadline = Date.now() + timeoutMs;
    // The slot is held from before the call until the operation is terminal:
    // that is what Identity Center's "10 in progress" quota counts.
    await this.#withCreateSlot(deadline, timeoutMs, async () => {
      const started = await this.#call(
        'CreateAccountAssignment',
        () =>
          this.#sso.send(
            new CreateAccountAssignmentCommand({
              InstanceArn: this.#options.instanceArn,
              TargetId: target.accountId,
              TargetType: 'AWS_ACCOUNT',
              PermissionSetArn: target.permissionSetArn,
              PrincipalType: 'USER',
              PrincipalId: target.principalId,
            }),
          ),
        { deadline, retryConflictsUntilDeadline: true },
      );
      await this.#waitFor(
        'CreateAccountAssignment',
        started.AccountAssignmentCreationStatus,
        async requestId =>
          (
            await this.#call(
              'DescribeAccountAssignmentCreationStatus',
              () =>
                this.#sso.send(
                  new DescribeAccountAssignmentCreationStatusCommand({
                    InstanceArn: this.#options.instanceArn,
                    AccountAssignmentCreationRequestId: requestId,
                  }),
                ),
              this.#pollCallOptions(deadline),
            )
          ).AccountAssignmentCreationStatus,
        deadline,
        timeoutMs,
      );
    });
  }

  async deleteAssignment(
    target: AssignmentTarget,
    options?: OperationOptions,
  ): Promise<void> {
    const timeoutMs = this.#operationTimeout(options);
    const deadline = Date.now() + timeoutMs;
    let started;
    try {
      started = await this.#call(
        'DeleteAccountAssignment',
        () =>
          this.#sso.send(
            new DeleteAccountAssignmentCommand({
              InstanceArn: this.#options.instanceArn,
              TargetId: target.accountId,
              TargetType: 'AWS_ACCOUNT',
              PermissionSetArn: target.permissionSetArn,
              PrincipalType: 'USER',
              PrincipalId: target.principalId,
            }),
          ),
        { deadline, retryConflictsUntilDeadline: true },
      );
    } catch (e) {
      // The permission set (or the user) is gone, so is the assignment.
      if (isNotFound(e)) return;
      throw e;
    }
    try {
      await this.#waitFor(
        'DeleteAccountAssignment',
        started.AccountAssignmentDeletionStatus,
        async requestId =>
          (
            await this.#call(
              'DescribeAccountAssignmentDeletionStatus',
              () =>
                this.#sso.send(
                  new DescribeAccountAssignmentDeletionStatusCommand({
                    InstanceArn: this.#options.instanceArn,
                    AccountAssignmentDeletionRequestId: requestId,
                  }),
                ),
              this.#pollCallOptions(deadline),
            )
          ).AccountAssignmentDeletionStatus,
        deadline,
        timeoutMs,
      );
    } catch (e) {
      // A deletion can fail because the assignment was already gone (removed
      // in the console, or by an earlier attempt): the end state holds.
      if (e instanceof IdentityCenterError && e.code === 'OperationFailed') {
        const still = await this.listAssignments(
          target.accountId,
          target.permissionSetArn,
        );
        if (!still.some(a => a.principalId === target.principalId)) return;
      }
      throw e;
    }
  }

  // -------------------------------------------------------------------------
  // Plumbing

  #operationTimeout(options?: OperationOptions): number {
    return options?.timeoutMs ?? this.#options.operationTimeoutMs ?? 5 * 60_000;
  }

  /**
   * One API call through the limiter, retried while the failure is transient
   * (and, for conflicts, optionally until the deadline).
   */
  async #call<T>(
    operation: string,
    send: () => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    return withRetries(
      async () => {
        await this.#limiter.acquire();
        try {
          return await send();
        } catch (e) {
          const err = toIdentityCenterError(e, operation);
          const transient = options.classify?.(err);
          throw transient === undefined ? err : reclassified(err, transient);
        }
      },
      {
        policy: this.#retry,
        deadline: options.deadline,
        isRetryable: e => e instanceof IdentityCenterError && e.transient,
        retryUntilDeadline: e =>
          Boolean(options.retryConflictsUntilDeadline) &&
          e instanceof IdentityCenterError &&
          e.code === 'ConflictException',
        onRetry: (e, attempt, delay) =>
          this.#options.logger?.debug(
            `${operation}: attempt ${attempt} failed (${
              (e as IdentityCenterError).code
            }); retrying in ${Math.round(delay)} ms`,
          ),
      },
    );
  }

  /** Status reads: a just-issued RequestId may not be readable yet (eventual consistency). */
  #pollCallOptions(deadline: number): CallOptions {
    return {
      deadline,
      classify: e =>
        e.code === 'ResourceNotFoundException' ? true : undefined,
    };
  }

  async #withCreateSlot(
    deadline: number,
    timeoutMs: number,
    fn: () => Promise<void>,
  ) {
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new IdentityCenterError(
            `CreateAccountAssignment: no creation slot became free within ${timeoutMs} ms`,
            {
              transient: true,
              code: 'OperationTimeout',
              operation: 'CreateAccountAssignment',
            },
          ),
        ),
      Math.max(0, deadline - Date.now()),
    );
    try {
      await this.#limiter.withCreateSlot(
        async () => {
          clearTimeout(timer);
          await fn();
        },
        { signal: controller.signal },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Polls an asynchronous operation, with growing intervals, until it is
   * SUCCEEDED (resolve) or FAILED (throw, with the FailureReason), or the
   * deadline passes (throw a transient OperationTimeout: the operation may
   * still finish, and repeating the gateway call is safe).
   */
  async #waitFor(
    operation: string,
    initial: OperationStatus | undefined,
    describe: (requestId: string) => Promise<OperationStatus | undefined>,
    deadline: number,
    timeoutMs: number,
  ): Promise<void> {
    const requestId = initial?.RequestId;
    if (!requestId) {
      throw new IdentityCenterError(
        `${operation}: the answer has no RequestId`,
        {
          transient: true,
          code: 'MalformedResponse',
          operation,
        },
      );
    }
    let status: OperationStatus | undefined = initial;
    let interval = this.#options.pollIntervalMs ?? 500;
    const maxInterval = this.#options.maxPollIntervalMs ?? 5_000;
    while (!status?.Status || status.Status === 'IN_PROGRESS') {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new IdentityCenterError(
          `${operation} ${requestId} was still in progress after ${timeoutMs} ms`,
          { transient: true, code: 'OperationTimeout', operation },
        );
      }
      await sleep(Math.min(interval, remaining));
      interval = Math.min(maxInterval, interval * 1.5);
      status = await describe(requestId);
    }
    if (status.Status === 'FAILED') {
      const reason = status.FailureReason ?? 'no reason given';
      throw new IdentityCenterError(`${operation} failed: ${reason}`, {
        transient: isTransientFailureReason(reason),
        code: 'OperationFailed',
        operation,
        awsMessage: reason,
      });
    }
  }

  /** Follows NextToken through every page. */
  async #paginate<P extends { NextToken?: string }, T>(
    operation: string,
    fetchPage: (nextToken: string | undefined) => Promise<P>,
    items: (page: P) => T[] | undefined,
  ): Promise<T[]> {
    const all: T[] = [];
    let token: string | undefined;
    do {
      const cursor = token;
      const page = await this.#call(operation, () => fetchPage(cursor));
      all.push(...(items(page) ?? []));
      token = page.NextToken;
    } while (token);
    return all;
  }

  #listPermissionSetArns(): Promise<string[]> {
    return this.#paginate(
      'ListPermissionSets',
      NextToken =>
        this.#sso.send(
          new ListPermissionSetsCommand({
            InstanceArn: this.#options.instanceArn,
            NextToken,
          }),
        ),
      page => page.PermissionSets,
    );
  }

  /** Tags of a permission set; undefined if it is gone (deleted meanwhile). */
  async #tagsOf(arn: string): Promise<PermissionSetInfo['tags'] | undefined> {
    try {
      const tags = await this.#paginate(
        'ListTagsForResource',
        NextToken =>
          this.#sso.send(
            new ListTagsForResourceCommand({
              InstanceArn: this.#options.instanceArn,
              ResourceArn: arn,
              NextToken,
            }),
          ),
        page => page.Tags,
      );
      return tags.map(t => ({ key: t.Key!, value: t.Value ?? '' }));
    } catch (e) {
      if (isNotFound(e))
        return undefined;
      throw e;
    }
  }

  /** Description and tags of a permission set; undefined if it is gone. */
  async #describePermissionSet(
    arn: string,
  ): Promise<PermissionSetInfo | undefined> {
    try {
      const [out, tags] = await Promise.all([
        this.#call('DescribePermissionSet', () =>
          this.#sso.send(
            new DescribePermissionSetCommand({
              InstanceArn: this.#options.instanceArn,
              PermissionSetArn: arn,
            }),
          ),
        ),
        this.#tagsOf(arn),
      ]);
      const ps = out.PermissionSet;
      if (!ps || !tags) return undefined;
      return {
        arn,
        name: ps.Name ?? arn,
        description: ps.Description,
        // AWS's default when a set was created without one.
        sessionDuration: ps.SessionDuration ?? 'PT1H',
        tags,
      };
    } catch (e) {
      if (isNotFound(e))
        return undefined;
      throw e;
    }
  }
}

