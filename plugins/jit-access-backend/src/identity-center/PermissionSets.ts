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
import { IdentityCenterError, unlessGone } from './IdentityCenterError';
import {
  NewPermissionSet,
  OperationOptions,
  PermissionSetInfo,
} from './IdentityCenterGateway';
import { IdentityCenterCalls, StatusCall } from './IdentityCenterCalls';

const PROVISIONING_STATUS: StatusCall<
  'ProvisionPermissionSetRequestId',
  'PermissionSetProvisioningStatus'
> = {
  operation: 'DescribePermissionSetProvisioningStatus',
  Command: DescribePermissionSetProvisioningStatusCommand,
  requestId: 'ProvisionPermissionSetRequestId',
  status: 'PermissionSetProvisioningStatus',
};

const isAlreadyExists = (e: IdentityCenterError) =>
  e.code === 'ConflictException' && /already exists/i.test(e.awsMessage ?? '');

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
    const permissionSet = {
      Name: p.name,
      Description: p.description,
      SessionDuration: p.sessionDuration,
      Tags: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })),
    };
    try {
      const out = await this.#calls.call(
        'CreatePermissionSet',
        InstanceArn =>
          this.#calls.sso.send(
            new CreatePermissionSetCommand({ InstanceArn, ...permissionSet }),
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
    const limit = this.#calls.deadline();
    // ConflictException: an operation on the set is in progress (e.g. a
    // provisioning); it passes, so keep retrying until the deadline.
    await this.#calls.start(
      'PutInlinePolicyToPermissionSet',
      InstanceArn =>
        this.#calls.sso.send(
          new PutInlinePolicyToPermissionSetCommand({
            InstanceArn,
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
      request =>
        this.#calls.sso.send(
          new ListAccountsForProvisionedPermissionSetCommand({
            ...request,
            PermissionSetArn: permissionSetArn,
            ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
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
    const limit = this.#calls.deadline(options);
    const started = await this.#calls.start(
      'ProvisionPermissionSet',
      InstanceArn =>
        this.#calls.sso.send(
          new ProvisionPermissionSetCommand({
            InstanceArn,
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
      started,
      PROVISIONING_STATUS,
      limit,
    );
  }

  async delete(
    permissionSetArn: string,
    options?: OperationOptions,
  ): Promise<void> {
    // ConflictException while assignments (or their deprovisioning) are
    // still draining: retried until the deadline. A set that is already
    // gone counts as deleted.
    await unlessGone(() =>
      this.#calls.start(
        'DeletePermissionSet',
        InstanceArn =>
          this.#calls.sso.send(
            new DeletePermissionSetCommand({
              InstanceArn,
              PermissionSetArn: permissionSetArn,
            }),
          ),
        this.#calls.deadline(options),
      ),
    );
  }

  async #listArns(): Promise<string[]> {
    return this.#calls.paginate(
      'ListPermissionSets',
      request => this.#calls.sso.send(new ListPermissionSetsCommand(request)),
      page => page.PermissionSets,
    );
  }

  /** Tags of a permission set. */
  async #tagsOf(arn: string): Promise<PermissionSetInfo['tags']> {
    const tags = await this.#calls.paginate(
      'ListTagsForResource',
      request =>
        this.#calls.sso.send(
          new ListTagsForResourceCommand({ ...request, ResourceArn: arn }),
        ),
      page => page.Tags,
    );
    return tags.map(t => ({ key: t.Key!, value: t.Value ?? '' }));
  }

  /** Description and tags of a permission set; undefined if it is gone. */
  async #describe(arn: string): Promise<PermissionSetInfo | undefined> {
    return unlessGone(async () => {
      const [out, tags] = await Promise.all([
        this.#calls.call('DescribePermissionSet', InstanceArn =>
          this.#calls.sso.send(
            new DescribePermissionSetCommand({
              InstanceArn,
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
