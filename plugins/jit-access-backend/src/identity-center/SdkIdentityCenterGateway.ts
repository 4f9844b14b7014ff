import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DeletePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListPermissionSetsCommand,
  ListTagsForResourceCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
  SSOAdminClientConfig,
} from '@aws-sdk/client-sso-admin';

/** The AWS SDK's credential provider type, without depending on @aws-sdk/types. */
type AwsCredentialIdentityProvider = Exclude<SSOAdminClientConfig['credentials'], undefined>;
import { GetUserIdCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { IdentityCenterError, toIdentityCenterError } from './IdentityCenterError';
import { IdentityCenterGateway, PermissionSetInfo } from './IdentityCenterGateway';
import { RateLimiter } from './RateLimiter';

/** @public */
export interface SdkIdentityCenterGatewayOptions {
  region: string;
  instanceArn: string;
  identityStoreId: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentityProvider;
  principalAttribute?: 'userName' | 'emails.value';
  limits?: { callsPerSecond?: number; maxCreatesInFlight?: number };
  /** Retries of a transient failure within one gateway call. Default 6. */
  maxAttempts?: number;
  /** First delay between status polls; grows to 5 s. Default 250 ms. */
  pollIntervalMs?: number;
  /** Give up on an assignment operation after this long. Default 5 min. */
  operationTimeoutMs?: number;
  logger?: LoggerService;
}

const PRINCIPAL_CACHE_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * {@link IdentityCenterGateway} on the real AWS SDK clients. One limiter per
 * gateway (one gateway per backend process) sees every call; it is the only
 * retry loop (the SDK's own retries are off, so throttling is never
 * multiplied), with capped exponential backoff and full jitter.
 * @public
 */
export class SdkIdentityCenterGateway implements IdentityCenterGateway {
  readonly #sso: SSOAdminClient;
  readonly #ids: IdentitystoreClient;
  readonly #limiter: RateLimiter;
  readonly #principals = new Map<string, { at: number; id: string }>();

  static fromConfig(config: Config, deps: { logger: LoggerService }): SdkIdentityCenterGateway {
    const c = config.getConfig('jitAccess.identityCenter');
    const endpoint = c.getOptionalString('endpoint');
    let credentials: AwsCredentialIdentityProvider | undefined;
    if (endpoint && !config.has('aws')) {
      // A local endpoint (an emulator) without an aws integration: requests
      // still have to be signed, with anything.
      credentials = async () => ({ accessKeyId: 'jit-access-local', secretAccessKey: 'jit-access-local' });
    } else {
      const manager = DefaultAwsCredentialsManager.fromConfig(config);
      const accountId = c.getOptionalString('accountId');
      credentials = async () => {
        const { sdkCredentialProvider } = await manager.getCredentialProvider(
          accountId ? { accountId } : undefined,
        );
        return sdkCredentialProvider();
      };
    }
    return new SdkIdentityCenterGateway({
      region: c.getString('region'),
      instanceArn: c.getString('instanceArn'),
      identityStoreId: c.getString('identityStoreId'),
      endpoint,
      credentials,
      principalAttribute: c.getOptionalString('principalAttribute') as 'userName' | 'emails.value' | undefined,
      limits: {
        callsPerSecond: c.getOptionalNumber('limits.callsPerSecond'),
        maxCreatesInFlight: c.getOptionalNumber('limits.maxCreatesInFlight'),
      },
      logger: deps.logger.child({ component: 'identity-center' }),
    });
  }

  constructor(private readonly options: SdkIdentityCenterGatewayOptions) {
    const common = {
      region: options.region,
      endpoint: options.endpoint,
      credentials: options.credentials,
      maxAttempts: 1,
      requestHandler: { requestTimeout: 15_000, connectionTimeout: 5_000 },
    };
    this.#sso = new SSOAdminClient(common);
    this.#ids = new IdentitystoreClient(common);
    this.#limiter = new RateLimiter({
      callsPerSecond: options.limits?.callsPerSecond ?? 20,
      maxCreatesInFlight: options.limits?.maxCreatesInFlight ?? 10,
    });
  }

  /** Stops the clients' keep-alive sockets. */
  destroy() {
    this.#sso.destroy();
    this.#ids.destroy();
  }

  /** One API call through the limiter, retried while the failure is transient. */
  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    const maxAttempts = this.options.maxAttempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      await this.#limiter.acquire();
      try {
        return await send();
      } catch (e) {
        const err = toIdentityCenterError(e, operation);
        if (!err.transient || attempt >= maxAttempts) throw err;
        const delay = Math.random() * Math.min(8_000, 200 * 2 ** attempt);
        this.options.logger?.debug(`${operation} attempt ${attempt} failed (${err.code}); retrying in ${Math.round(delay)} ms`);
        await sleep(delay);
      }
    }
  }

  async resolvePrincipalId(userName: string): Promise<string> {
    const hit = this.#principals.get(userName);
    if (hit && Date.now() - hit.at < PRINCIPAL_CACHE_MS) return hit.id;
    const path = this.options.principalAttribute ?? 'userName';
    try {
      const out = await this.call('GetUserId', () =>
        this.#ids.send(
          new GetUserIdCommand({
            IdentityStoreId: this.options.identityStoreId,
            AlternateIdentifier: { UniqueAttribute: { AttributePath: path, AttributeValue: userName } },
          }),
        ),
      );
      this.#principals.set(userName, { at: Date.now(), id: out.UserId! });
      return out.UserId!;
    } catch (e) {
      if (e instanceof IdentityCenterError && e.code === 'ResourceNotFoundException') {
        throw new IdentityCenterError(
          `No Identity Center user has ${path} '${userName}'`,
          { transient: false, code: 'UserNotFound', cause: e },
        );
      }
      throw e;
    }
  }

  async listPermissionSets(): Promise<PermissionSetInfo[]> {
    const arns: string[] = [];
    let token: string | undefined;
    do {
      const cursor = token;
      const page = await this.call('ListPermissionSets', () =>
        this.#sso.send(new ListPermissionSetsCommand({ InstanceArn: this.options.instanceArn, NextToken: cursor })),
      );
      arns.push(...(page.PermissionSets ?? []));
      token = page.NextToken;
    } while (token);
    const result: PermissionSetInfo[] = [];
    for (const arn of arns) {
      const [d, tags] = await Promise.all([
        this.call('DescribePermissionSet', () =>
          this.#sso.send(new DescribePermissionSetCommand({ InstanceArn: this.options.instanceArn, PermissionSetArn: arn })),
        ),
        this.tagsOf(arn),
      ]);
      result.push({
        arn,
        name: d.PermissionSet?.Name ?? arn,
        description: d.PermissionSet?.Description,
        sessionDuration: d.PermissionSet?.SessionDuration,
        tags,
      });
    }
    return result;
  }

  private async tagsOf(arn: string) {
    const tags: Array<{ key: string; value: string }> = [];
    let token: string | undefined;
    do {
      const cursor = token;
      const page = await this.call('ListTagsForResource', () =>
        this.#sso.send(new ListTagsForResourceCommand({ InstanceArn: this.options.instanceArn, ResourceArn: arn, NextToken: cursor })),
      );
      for (const t of page.Tags ?? []) tags.push({ key: t.Key!, value: t.Value ?? '' });
      token = page.NextToken;
    } while (token);
    return tags;
  }

  async listPermissionSetsByTag(key: string, value: string) {
    const all = await this.listPermissionSets();
    return all
      .filter(p => p.tags?.some(t => t.key === key && t.value === value))
      .map(p => ({ arn: p.arn, name: p.name }));
  }

  async listAssignments(accountId: string, permissionSetArn: string) {
    const out: Array<{ principalId: string; principalType: string }> = [];
    let token: string | undefined;
    do {
      const cursor = token;
      const page = await this.call('ListAccountAssignments', () =>
        this.#sso.send(
          new ListAccountAssignmentsCommand({
            InstanceArn: this.options.instanceArn,
            AccountId: accountId,
            PermissionSetArn: permissionSetArn,
            NextToken: cursor,
          }),
        ),
      );
      for (const a of page.AccountAssignments ?? []) {
        out.push({ principalId: a.PrincipalId!, principalType: a.PrincipalType! });
      }
      token = page.NextToken;
    } while (token);
    return out;
  }

  async createAssignment(a: { accountId: string; permissionSetArn: string; principalId: string }) {
    // The slot is held until Identity Center reports a terminal status: that
    // is what its "10 in progress" quota counts.
    await this.#limiter.withCreateSlot(async () => {
      const started = await this.call('CreateAccountAssignment', () =>
        this.#sso.send(
          new CreateAccountAssignmentCommand({
            InstanceArn: this.options.instanceArn,
            TargetId: a.accountId,
            TargetType: 'AWS_ACCOUNT',
            PermissionSetArn: a.permissionSetArn,
            PrincipalType: 'USER',
            PrincipalId: a.principalId,
          }),
        ),
      );
      await this.poll('CreateAccountAssignment', started.AccountAssignmentCreationStatus, async requestId =>
        (
          await this.call('DescribeAccountAssignmentCreationStatus', () =>
            this.#sso.send(
              new DescribeAccountAssignmentCreationStatusCommand({
                InstanceArn: this.options.instanceArn,
                AccountAssignmentCreationRequestId: requestId,
              }),
            ),
          )
        ).AccountAssignmentCreationStatus,
      );
    });
  }

  async deleteAssignment(a: { accountId: string; permissionSetArn: string; principalId: string }) {
    const started = await this.call('DeleteAccountAssignment', () =>
      this.#sso.send(
        new DeleteAccountAssignmentCommand({
          InstanceArn: this.options.instanceArn,
          TargetId: a.accountId,
          TargetType: 'AWS_ACCOUNT',
          PermissionSetArn: a.permissionSetArn,
          PrincipalType: 'USER',
          PrincipalId: a.principalId,
        }),
      ),
    );
    await this.poll('DeleteAccountAssignment', started.AccountAssignmentDeletionStatus, async requestId =>
      (
        await this.call('DescribeAccountAssignmentDeletionStatus', () =>
          this.#sso.send(
            new DescribeAccountAssignmentDeletionStatusCommand({
              InstanceArn: this.options.instanceArn,
              AccountAssignmentDeletionRequestId: requestId,
            }),
          ),
        )
      ).AccountAssignmentDeletionStatus,
    );
  }

  /** Polls an asynchronous operation with backoff until it is terminal. */
  private async poll(
    operation: string,
    initial: { Status?: string; RequestId?: string; FailureReason?: string } | undefined,
    describe: (requestId: string) => Promise<{ Status?: string; FailureReason?: string } | undefined>,
  ) {
    const requestId = initial?.RequestId;
    if (!requestId) {
      throw new IdentityCenterError(`${operation}: no RequestId in the response`, { transient: true, code: 'NoRequestId' });
    }
    const deadline = Date.now() + (this.options.operationTimeoutMs ?? 5 * 60_000);
    let status: { Status?: string; FailureReason?: string } | undefined = initial;
    let wait = this.options.pollIntervalMs ?? 250;
    while (status?.Status === 'IN_PROGRESS' || status?.Status === undefined) {
      if (Date.now() > deadline) {
        throw new IdentityCenterError(`${operation} ${requestId} still in progress after the timeout`, {
          transient: true,
          code: 'OperationTimeout',
        });
      }
      await sleep(wait);
      wait = Math.min(5_000, wait * 1.5);
      status = await describe(requestId);
    }
    if (status.Status === 'FAILED') {
      throw new IdentityCenterError(`${operation} failed: ${status.FailureReason ?? 'no reason given'}`, {
        transient: false,
        code: 'OperationFailed',
      });
    }
  }

  async createPermissionSet(p: { name: string; description?: string; sessionDuration: string; tags: Record<string, string> }) {
    const out = await this.call('CreatePermissionSet', () =>
      this.#sso.send(
        new CreatePermissionSetCommand({
          InstanceArn: this.options.instanceArn,
          Name: p.name,
          Description: p.description,
          SessionDuration: p.sessionDuration,
          Tags: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    );
    return out.PermissionSet!.PermissionSetArn!;
  }

  async putInlinePolicy(permissionSetArn: string, policy: string) {
    await this.call('PutInlinePolicyToPermissionSet', () =>
      this.#sso.send(
        new PutInlinePolicyToPermissionSetCommand({
          InstanceArn: this.options.instanceArn,
          PermissionSetArn: permissionSetArn,
          InlinePolicy: policy,
        }),
      ),
    );
  }

  async deletePermissionSet(permissionSetArn: string) {
    try {
      await this.call('DeletePermissionSet', () =>
        this.#sso.send(
          new DeletePermissionSetCommand({ InstanceArn: this.options.instanceArn, PermissionSetArn: permissionSetArn }),
        ),
      );
    } catch (e) {
      if (e instanceof IdentityCenterError && e.code === 'ResourceNotFoundException') return; // already gone
      throw e;
    }
  }
}
