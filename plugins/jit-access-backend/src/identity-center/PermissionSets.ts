import {
  CreatePermissionSetCommand,
  DeletePermissionSetCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsCommand,
  ListTagsForResourceCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
} from '@aws-sdk/client-sso-admin';
import { IdentityCenterError, isNotFound } from './IdentityCenterError';
import {
  NewPermissionSet,
  OperationOptions,
  PermissionSetInfo,
} from './IdentityCenterGateway';
import { IdentityCenterCalls } from './IdentityCenterCalls';

const isAlreadyExists = (e: IdentityCenterError) =>
  e.code === 'ConflictException' && /already exists/i.test(e.awsMessage ?? '');

/** `undefined` where the resource is gone (deleted meanwhile). */
async function unlessGone<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

const present = <T>(items: Array<T | undefined>): T[] =>
  items.filter((i): i is T => i !== undefined);

/**
 * Permission sets of the instance: listing and describing them, and the
 * temporary ones of custom policy requests (create, inline policy,
 * provisioning, deletion).
 */
export class PermissionSets {
  readonly #calls: IdentityCenterCalls;

  constructor(calls: IdentityCenterCalls) {
    this.#calls = calls;
  }

  async list(): Promise<PermissionSetInfo[]> {
    const arns = await this.#listArns();
    return present(await Promise.all(arns.map(arn => this.#describe(arn))));
  }

  async listByTag(key: string, value: string): Promise<PermissionSetInfo[]> {
    // Tags first, descriptions only of the matches: 1 + N + matches calls
    // instead of 1 + 2N.
    const arns = await this.#listArns();
    const tagged = await Promise.all(
      arns.map(async arn => {
        const tags = await unlessGone(() => this.#tagsOf(arn));
        return tags?.some(t => t.key === key && t.value === value)
          ? arn
          : undefined;
      }),
    );
    return present(
      await Promise.all(present(tagged).map(arn => this.#describe(arn))),
    );
  }

  async create(p: NewPermissionSet): Promise<string> {
    const { instanceArn } = await this.#calls.instance();
    try {
      const out = await this.#calls.call(
        'CreatePermissionSet',
        () =>
          this.#calls.sso.send(
            new CreatePermissionSetCommand({
              InstanceArn: instanceArn,
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
      const existing = (await this.list()).find(s => s.name === p.name);
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
    const { instanceArn } = await this.#calls.instance();
    const limit = this.#calls.deadline();
    // ConflictException: an operation on the set is in progress (e.g. a
    // provisioning); it passes, so keep retrying until the deadline.
    await this.#calls.start(
      'PutInlinePolicyToPermissionSet',
      () =>
        this.#calls.sso.send(
          new PutInlinePolicyToPermissionSetCommand({
            InstanceArn: instanceArn,
            PermissionSetArn: permissionSetArn,
            InlinePolicy: policy,
          }),
        ),
      limit,
    );
    // A changed set is not enforced in accounts where it is already
    // provisioned until it is provisioned again (the deny-all revocation
    // relies on this happening now).
    const outdated = await this.#calls.paginate(
      'ListAccountsForProvisionedPermissionSet',
      NextToken =>
        this.#calls.sso.send(
          new ListAccountsForProvisionedPermissionSetCommand({
            InstanceArn: instanceArn,
            PermissionSetArn: permissionSetArn,
            ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
            NextToken,
          }),
        ),
      page => page.AccountIds,
    );
    if (outdated.length > 0) {
      await this.provision(permissionSetArn, undefined, {
        timeoutMs: Math.max(1, limit.deadline - Date.now()),
      });
    }
  }

  async provision(
    permissionSetArn: string,
    accountId?: string,
    options?: OperationOptions,
  ): Promise<void> {
    const { instanceArn } = await this.#calls.instance();
    const limit = this.#calls.deadline(options);
    const started = await this.#calls.start(
      'ProvisionPermissionSet',
      () =>
        this.#calls.sso.send(
          new ProvisionPermissionSetCommand({
            InstanceArn: instanceArn,
            PermissionSetArn: permissionSetArn,
            ...(accountId
              ? { TargetType: 'AWS_ACCOUNT', TargetId: accountId }
              : { TargetType: 'ALL_PROVISIONED_ACCOUNTS' }),
          }),
        ),
      limit,
    );
    await this.#calls.waitFor(
      'ProvisionPermissionSet',
      started.PermissionSetProvisioningStatus,
      'DescribePermissionSetProvisioningStatus',
      async requestId =>
        (
          await this.#calls.sso.send(
            new DescribePermissionSetProvisioningStatusCommand({
              InstanceArn: instanceArn,
              ProvisionPermissionSetRequestId: requestId,
            }),
          )
        ).PermissionSetProvisioningStatus,
      limit,
    );
  }

  async delete(
    permissionSetArn: string,
    options?: OperationOptions,
  ): Promise<void> {
    const { instanceArn } = await this.#calls.instance();
    // ConflictException while assignments (or their deprovisioning) are
    // still draining: retried until the deadline. A set that is already
    // gone counts as deleted.
    await unlessGone(() =>
      this.#calls.start(
        'DeletePermissionSet',
        () =>
          this.#calls.sso.send(
            new DeletePermissionSetCommand({
              InstanceArn: instanceArn,
              PermissionSetArn: permissionSetArn,
            }),
          ),
        this.#calls.deadline(options),
      ),
    );
  }

  async #listArns(): Promise<string[]> {
    const { instanceArn } = await this.#calls.instance();
    return this.#calls.paginate(
      'ListPermissionSets',
      NextToken =>
        this.#calls.sso.send(
          new ListPermissionSetsCommand({
            InstanceArn: instanceArn,
            NextToken,
          }),
        ),
      page => page.PermissionSets,
    );
  }

  /** Tags of a permission set. */
  async #tagsOf(arn: string): Promise<PermissionSetInfo['tags']> {
    const { instanceArn } = await this.#calls.instance();
    const tags = await this.#calls.paginate(
      'ListTagsForResource',
      NextToken =>
        this.#calls.sso.send(
          new ListTagsForResourceCommand({
            InstanceArn: instanceArn,
            ResourceArn: arn,
            NextToken,
          }),
        ),
      page => page.Tags,
    );
    return tags.map(t => ({ key: t.Key!, value: t.Value ?? '' }));
  }

  /** Description and tags of a permission set; undefined if it is gone. */
  async #describe(arn: string): Promise<PermissionSetInfo | undefined> {
    const { instanceArn } = await this.#calls.instance();
    return unlessGone(async () => {
      const [out, tags] = await Promise.all([
        this.#calls.call('DescribePermissionSet', () =>
          this.#calls.sso.send(
            new DescribePermissionSetCommand({
              InstanceArn: instanceArn,
              PermissionSetArn: arn,
            }),
          ),
        ),
        unlessGone(() => this.#tagsOf(arn)),
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
    });
  }
}
