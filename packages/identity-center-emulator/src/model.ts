/*
 * The emulated Identity Center instance: its data and the semantics of each
 * operation, independent of HTTP. The server (emulator.ts) adds the wire
 * protocol, the calls-per-second quota and fault injection on top.
 *
 * What matters to a JIT tool, and is therefore modelled faithfully:
 * - account assignment creation and deletion and permission set provisioning
 *   are asynchronous: a RequestId with IN_PROGRESS, then SUCCEEDED, or FAILED
 *   with a FailureReason; the assignment exists only once SUCCEEDED;
 * - creating an assignment that exists succeeds and does not duplicate it;
 * - at most `maxCreatesInFlight` creations are IN_PROGRESS (ThrottlingException);
 * - a permission set that is assigned, or has an operation in progress,
 *   cannot be changed or deleted (ConflictException);
 * - an assignment provisions its permission set to the account; changing the
 *   set leaves it outdated there until ProvisionPermissionSet; removing the
 *   last assignment of a set in an account deprovisions it.
 */
import { randomUUID } from 'node:crypto';
import {
  AwsError,
  conflict,
  notFound,
  throttled,
  validationError,
} from './errors';
import type {
  EmulatorAssignment,
  EmulatorOperation,
  EmulatorPermissionSet,
  EmulatorProvisioning,
  EmulatorSeed,
  EmulatorStats,
  EmulatorUser,
} from './types';
import {
  checkAccountId,
  checkDescription,
  checkInlinePolicy,
  checkPermissionSetName,
  checkSessionDuration,
  checkTags,
  pageSize,
  requireMembers,
} from './validation';

type Input = Record<string, any>;

interface PermissionSetRecord extends EmulatorPermissionSet {
  /** Bumped by every change that needs re-provisioning. */
  version: number;
}

/**
 * Settings the model reads at the time it needs them (they change at runtime).
 * @internal
 */
export interface ModelSettings {
  maxCreatesInFlight(): number;
  assignmentDelayMs(): number;
  provisioningDelayMs(): number;
  maxPageSize: number;
}

const nowSeconds = () => Date.now() / 1000;

/**
 * Counters at zero.
 * @internal
 */
export function emptyStats(): EmulatorStats {
  return {
    requests: 0,
    throttledByRate: 0,
    throttledByCreatesInFlight: 0,
    throttledInjected: 0,
    errorsInjected: 0,
    hung: 0,
    peakCallsPerSecond: 0,
    peakCreatesInFlight: 0,
  };
}

/**
 * The state of one emulated instance and the semantics of its operations.
 * `ssoAdmin(op, input)` and `identityStore(op, input)` take the request
 * members as AWS names them and return the response members, or throw an
 * {@link AwsError}.
 * @internal
 */
export class IdentityCenterModel {
  instanceArn = '';
  identityStoreId = '';
  users: EmulatorUser[] = [];
  permissionSets = new Map<string, PermissionSetRecord>();
  accounts = new Set<string>();
  assignments: EmulatorAssignment[] = [];
  /** Key `${permissionSetArn} ${accountId}` → version provisioned there. */
  provisioned = new Map<
    string,
    { permissionSetArn: string; accountId: string; version: number }
  >();
  operations = new Map<string, EmulatorOperation>();
  calls: Record<string, number> = {};
  stats: EmulatorStats = emptyStats();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly seed: EmulatorSeed,
    private readonly settings: ModelSettings,
  ) {
    this.reset();
  }

  /** Back to the seed: data, operations and counters. Pending completions are dropped. */
  reset() {
    this.dispose();
    const s = this.seed;
    this.instanceArn = s.instanceArn;
    this.identityStoreId = s.identityStoreId;
    this.users = s.users.map(u => ({
      ...u,
      emails: [...u.emails],
      userId: u.userId ?? randomUUID(),
    }));
    const createdAt = Math.floor(nowSeconds());
    this.permissionSets = new Map(
      s.permissionSets.map(p => [
        p.arn,
        { ...p, tags: [...(p.tags ?? [])], createdAt, version: 1 },
      ]),
    );
    this.accounts = new Set(s.accounts);
    this.assignments = (s.assignments ?? []).map(a => ({ ...a }));
    this.provisioned.clear();
    for (const a of this.assignments)
      this.markProvisioned(a.permissionSetArn, a.accountId);
    this.operations.clear();
    this.calls = {};
    this.stats = emptyStats();
  }

  /** Cancels pending operation completions (reset, close). */
  dispose() {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  inFlight(kind?: EmulatorOperation['kind']): EmulatorOperation[] {
    return [...this.operations.values()].filter(
      o => o.status === 'IN_PROGRESS' && (!kind || o.kind === kind),
    );
  }

  provisionings(): EmulatorProvisioning[] {
    return [...this.provisioned.values()].map(p => ({
      permissionSetArn: p.permissionSetArn,
      accountId: p.accountId,
      status:
        this.permissionSets.get(p.permissionSetArn)?.version === p.version
          ? 'LATEST_PERMISSION_SET_PROVISIONED'
          : 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
    }));
  }

  publicPermissionSets(): EmulatorPermissionSet[] {
    return [...this.permissionSets.values()].map(({ version: _v, ...p }) => ({
      ...p,
      tags: p.tags.map(t => ({ ...t })),
    }));
  }

  // ---------------------------------------------------------------------
  // Helpers

  private requireInstance(input: Input) {
    requireMembers(input, 'InstanceArn');
    if (input.InstanceArn !== this.instanceArn) {
      throw notFound(`Instance ${input.InstanceArn} does not exist`);
    }
  }

  private permissionSet(
    arn: unknown,
    member = 'PermissionSetArn',
  ): PermissionSetRecord {
    if (typeof arn !== 'string' || !arn) {
      throw validationError(
        `1 validation error detected: Value null at '${member
          .charAt(0)
          .toLowerCase()}${member.slice(
          1,
        )}' failed to satisfy constraint: Member must not be null`,
      );
    }
    const ps = this.permissionSets.get(arn);
    if (!ps) throw notFound(`PermissionSet ${arn} does not exist`);
    return ps;
  }

  /** Pages a list with an opaque token bound to the operation that issued it. */
  private page<T>(
    op: string,
    items: T[],
    input: Input,
  ): { items: T[]; next?: string } {
    let start = 0;
    if (input.NextToken !== undefined) {
      try {
        const t = JSON.parse(
          Buffer.from(String(input.NextToken), 'base64').toString('utf8'),
        );
        if (t.op !== op || !Number.isInteger(t.offset) || t.offset < 0)
          throw new Error();
        start = t.offset;
      } catch {
        throw validationError('Invalid NextToken');
      }
    }
    const size = pageSize(input.MaxResults, this.settings.maxPageSize);
    const end = start + size;
    return {
      items: items.slice(start, end),
      next:
        end < items.length
          ? Buffer.from(JSON.stringify({ op, offset: end })).toString('base64')
          : undefined,
    };
  }

  private describe(ps: PermissionSetRecord) {
    return {
      Name: ps.name,
      PermissionSetArn: ps.arn,
      Description: ps.description,
      SessionDuration: ps.sessionDuration,
      CreatedDate: ps.createdAt,
    };
  }

  private markProvisioned(permissionSetArn: string, accountId: string) {
    const version = this.permissionSets.get(permissionSetArn)?.version ?? 1;
    this.provisioned.set(`${permissionSetArn} ${accountId}`, {
      permissionSetArn,
      accountId,
      version,
    });
  }

  private same(a: EmulatorAssignment, b: EmulatorAssignment) {
    return (
      a.accountId === b.accountId &&
      a.permissionSetArn === b.permissionSetArn &&
      a.principalId === b.principalId &&
      a.principalType === b.principalType
    );
  }

  /**
   * A change to the permission set itself conflicts with any operation in
   * progress on it (AWS: "a concurrent modification", to be retried).
   */
  private assertIdle(ps: PermissionSetRecord, action: string) {
    const busy = this.inFlight().find(o => o.permissionSetArn === ps.arn);
    if (busy) {
      throw conflict(
        `Cannot ${action} permission set ${ps.name}: ${busy.kind} ${busy.requestId} is in progress on it. Retry later.`,
      );
    }
  }

  private schedule(delayMs: number, fn: () => void) {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, Math.max(0, delayMs));
    timer.unref();
    this.#timers.add(timer);
  }

  private startOperation(
    op: Omit<EmulatorOperation, 'requestId' | 'status' | 'createdAt'>,
    delayMs: number,
    complete: (op: EmulatorOperation) => void,
  ) {
    const operation: EmulatorOperation = {
      ...op,
      requestId: randomUUID(),
      status: 'IN_PROGRESS',
      createdAt: nowSeconds(),
    };
    this.operations.set(operation.requestId, operation);
    this.schedule(delayMs, () => complete(operation));
    return operation;
  }

  private assignmentStatus(op: EmulatorOperation) {
    return {
      Status: op.status,
      RequestId: op.requestId,
      FailureReason: op.failureReason,
      TargetId: op.accountId,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: op.permissionSetArn,
      PrincipalType: op.principalType,
      PrincipalId: op.principalId,
      CreatedDate: op.createdAt,
    };
  }

  private provisioningStatus(op: EmulatorOperation) {
    return {
      Status: op.status,
      RequestId: op.requestId,
      AccountId: op.accountId,
      PermissionSetArn: op.permissionSetArn,
      FailureReason: op.failureReason,
      CreatedDate: op.createdAt,
    };
  }

  private assignmentOutput(a: EmulatorAssignment) {
    return {
      AccountId: a.accountId,
      PermissionSetArn: a.permissionSetArn,
      PrincipalType: a.principalType,
      PrincipalId: a.principalId,
    };
  }

  private findUser(path: string, value: unknown): EmulatorUser | undefined {
    if (typeof value !== 'string') return undefined;
    // Identity Center user names and emails are matched case-insensitively.
    const v = value.toLowerCase();
    return this.users.find(u =>
      path === 'emails.value'
        ? u.emails.some(e => e.toLowerCase() === v)
        : u.userName.toLowerCase() === v,
    );
  }

  // ---------------------------------------------------------------------
  // Account assignments

  private startAssignment(
    kind: 'CreateAccountAssignment' | 'DeleteAccountAssignment',
    input: Input,
  ) {
    this.requireInstance(input);
    requireMembers(
      input,
      'TargetId',
      'TargetType',
      'PermissionSetArn',
      'PrincipalType',
      'PrincipalId',
    );
    checkAccountId('targetId', input.TargetId);
    if (input.TargetType !== 'AWS_ACCOUNT') {
      throw validationError(
        `TargetType must be AWS_ACCOUNT, not ${input.TargetType}`,
      );
    }
    if (input.PrincipalType !== 'USER' && input.PrincipalType !== 'GROUP') {
      throw validationError(
        `PrincipalType must be USER or GROUP, not ${input.PrincipalType}`,
      );
    }
    const assignment: EmulatorAssignment = {
      accountId: input.TargetId,
      permissionSetArn: input.PermissionSetArn,
      principalId: String(input.PrincipalId),
      principalType: input.PrincipalType,
    };
    const inProgress = this.inFlight();
    const provisioning = inProgress.find(
      o =>
        o.kind === 'ProvisionPermissionSet' &&
        o.permissionSetArn === assignment.permissionSetArn,
    );
    if (provisioning) {
      throw conflict(
        `Cannot change assignments of permission set ${assignment.permissionSetArn} while ProvisionPermissionSet ${provisioning.requestId} is in progress. Retry later.`,
      );
    }
    const opposite = inProgress.find(
      o =>
        o.kind !== kind &&
        o.kind !== 'ProvisionPermissionSet' &&
        this.same(assignment, {
          accountId: o.accountId!,
          permissionSetArn: o.permissionSetArn,
          principalId: o.principalId!,
          principalType: o.principalType!,
        }),
    );
    if (opposite) {
      throw conflict(
        `${opposite.kind} ${opposite.requestId} of the same assignment is in progress. Retry later.`,
      );
    }
    if (kind === 'CreateAccountAssignment') {
      const creates = inProgress.filter(
        o => o.kind === 'CreateAccountAssignment',
      ).length;
      if (creates >= this.settings.maxCreatesInFlight()) {
        this.stats.throttledByCreatesInFlight++;
        throw throttled(
          `Rate exceeded: at most ${this.settings.maxCreatesInFlight()} account assignment creations can be in progress`,
        );
      }
    }
    const op = this.startOperation(
      { kind, ...assignment },
      this.settings.assignmentDelayMs(),
      o =>
        kind === 'CreateAccountAssignment'
          ? this.completeCreate(o, assignment)
          : this.completeDelete(o, assignment),
    );
    if (kind === 'CreateAccountAssignment') {
      this.stats.peakCreatesInFlight = Math.max(
        this.stats.peakCreatesInFlight,
        this.inFlight('CreateAccountAssignment').length,
      );
    }
    return op;
  }

  private completeCreate(op: EmulatorOperation, a: EmulatorAssignment) {
    let reason: string | undefined;
    if (!this.accounts.has(a.accountId)) {
      reason = `Received a 404 status error: account ${a.accountId} is not a member of the organization`;
    } else if (!this.permissionSets.has(a.permissionSetArn)) {
      reason = `Received a 404 status error: permission set ${a.permissionSetArn} does not exist`;
    } else if (a.principalType === 'GROUP') {
      reason = `Received a 404 status error: group ${a.principalId} does not exist in identity store ${this.identityStoreId}`;
    } else if (!this.users.some(u => u.userId === a.principalId)) {
      reason = `Received a 404 status error: principal ${a.principalId} does not exist in identity store ${this.identityStoreId}`;
    }
    if (reason) {
      op.status = 'FAILED';
      op.failureReason = reason;
      return;
    }
    if (!this.assignments.some(x => this.same(x, a))) this.assignments.push(a);
    this.markProvisioned(a.permissionSetArn, a.accountId);
    op.status = 'SUCCEEDED';
  }

  private completeDelete(op: EmulatorOperation, a: EmulatorAssignment) {
    // Deleting an assignment that does not exist succeeds: the end state holds.
    this.assignments = this.assignments.filter(x => !this.same(x, a));
    const stillAssigned = this.assignments.some(
      x =>
        x.permissionSetArn === a.permissionSetArn &&
        x.accountId === a.accountId,
    );
    if (!stillAssigned)
      this.provisioned.delete(`${a.permissionSetArn} ${a.accountId}`);
    op.status = 'SUCCEEDED';
  }

  // ---------------------------------------------------------------------
  // Provisioning

  private provision(input: Input) {
    this.requireInstance(input);
    requireMembers(input, 'PermissionSetArn', 'TargetType');
    const ps = this.permissionSet(input.PermissionSetArn);
    if (input.TargetType === 'AWS_ACCOUNT') {
      requireMembers(input, 'TargetId');
      checkAccountId('targetId', input.TargetId);
    } else if (input.TargetType !== 'ALL_PROVISIONED_ACCOUNTS') {
      throw validationError(
        `TargetType must be AWS_ACCOUNT or ALL_PROVISIONED_ACCOUNTS, not ${input.TargetType}`,
      );
    }
    this.assertIdle(ps, 'provision');
    const accountId =
      input.TargetType === 'AWS_ACCOUNT' ? String(input.TargetId) : undefined;
    return this.startOperation(
      { kind: 'ProvisionPermissionSet', permissionSetArn: ps.arn, accountId },
      this.settings.provisioningDelayMs(),
      op => {
        if (!this.permissionSets.has(ps.arn)) {
          op.status = 'FAILED';
          op.failureReason = `Received a 404 status error: permission set ${ps.arn} does not exist`;
        } else if (accountId && !this.accounts.has(accountId)) {
          op.status = 'FAILED';
          op.failureReason = `Received a 404 status error: account ${accountId} is not a member of the organization`;
        } else {
          const targets = accountId
            ? [accountId]
            : [...this.provisioned.values()]
                .filter(p => p.permissionSetArn === ps.arn)
                .map(p => p.accountId);
          for (const t of targets) this.markProvisioned(ps.arn, t);
          op.status = 'SUCCEEDED';
        }
      },
    );
  }

  private provisioningFilter(input: Input) {
    const f = input.ProvisioningStatus;
    if (
      f !== undefined &&
      f !== 'LATEST_PERMISSION_SET_PROVISIONED' &&
      f !== 'LATEST_PERMISSION_SET_NOT_PROVISIONED'
    ) {
      throw validationError(`Invalid ProvisioningStatus ${f}`);
    }
    return (p: EmulatorProvisioning) => f === undefined || p.status === f;
  }

  // ---------------------------------------------------------------------
  // SSO Admin operations (X-Amz-Target: SWBExternalService.<Op>)

  ssoAdmin(op: string, input: Input): unknown {
    switch (op) {
      case 'ListInstances': {
        const listed = this.seed.listedInstances ?? [
          {
            instanceArn: this.instanceArn,
            identityStoreId: this.identityStoreId,
          },
        ];
        const p = this.page(op, listed, input);
        return {
          Instances: p.items.map(i => ({
            InstanceArn: i.instanceArn,
            IdentityStoreId: i.identityStoreId,
            Name: 'jit-access-emulator',
            Status: 'ACTIVE',
            CreatedDate: Math.floor(nowSeconds()),
          })),
          NextToken: p.next,
        };
      }
      case 'ListPermissionSets': {
        this.requireInstance(input);
        const p = this.page(op, [...this.permissionSets.keys()], input);
        return { PermissionSets: p.items, NextToken: p.next };
      }
      case 'DescribePermissionSet':
        this.requireInstance(input);
        return {
          PermissionSet: this.describe(
            this.permissionSet(input.PermissionSetArn),
          ),
        };
      case 'CreatePermissionSet': {
        this.requireInstance(input);
        checkPermissionSetName(input.Name);
        const sessionDuration = input.SessionDuration ?? 'PT1H';
        checkSessionDuration(sessionDuration);
        checkDescription(input.Description);
        const tags = checkTags(input.Tags);
        if (
          [...this.permissionSets.values()].some(p => p.name === input.Name)
        ) {
          throw conflict(
            `PermissionSet with name ${input.Name} already exists.`,
          );
        }
        const instanceId = this.instanceArn.split('/').pop();
        const arn = `arn:aws:sso:::permissionSet/${instanceId}/ps-${randomUUID()
          .replace(/-/g, '')
          .slice(0, 16)}`;
        const ps: PermissionSetRecord = {
          arn,
          name: input.Name,
          description: input.Description,
          sessionDuration,
          tags: tags.map(t => ({ key: t.Key, value: t.Value })),
          createdAt: nowSeconds(),
          version: 1,
        };
        this.permissionSets.set(arn, ps);
        return { PermissionSet: this.describe(ps) };
      }
      case 'UpdatePermissionSet': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.PermissionSetArn);
        if (input.SessionDuration !== undefined)
          checkSessionDuration(input.SessionDuration);
        checkDescription(input.Description);
        this.assertIdle(ps, 'update');
        if (input.SessionDuration !== undefined)
          ps.sessionDuration = input.SessionDuration;
        if (input.Description !== undefined) ps.description = input.Description;
        ps.version++;
        return {};
      }
      case 'DeletePermissionSet': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.PermissionSetArn);
        this.assertIdle(ps, 'delete');
        const assigned = this.assignments.filter(
          a => a.permissionSetArn === ps.arn,
        );
        if (assigned.length > 0) {
          const accounts = [...new Set(assigned.map(a => a.accountId))].join(
            ', ',
          );
          throw conflict(
            `Could not delete because PermissionSet ${ps.name} is provisioned to accounts with account assignments (${accounts}). Delete the assignments first.`,
          );
        }
        for (const [key, p] of this.provisioned) {
          if (p.permissionSetArn === ps.arn) this.provisioned.delete(key);
        }
        this.permissionSets.delete(ps.arn);
        return {};
      }
      case 'PutInlinePolicyToPermissionSet': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.PermissionSetArn);
        checkInlinePolicy(input.InlinePolicy);
        this.assertIdle(ps, 'put an inline policy to');
        ps.inlinePolicy = input.InlinePolicy;
        ps.version++;
        return {};
      }
      case 'GetInlinePolicyForPermissionSet':
        this.requireInstance(input);
        return {
          InlinePolicy:
            this.permissionSet(input.PermissionSetArn).inlinePolicy ?? '',
        };
      case 'DeleteInlinePolicyFromPermissionSet': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.PermissionSetArn);
        this.assertIdle(ps, 'delete the inline policy of');
        if (ps.inlinePolicy !== undefined) {
          ps.inlinePolicy = undefined;
          ps.version++;
        }
        return {};
      }
      case 'ListTagsForResource': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.ResourceArn, 'ResourceArn');
        const p = this.page(op, ps.tags, input);
        return {
          Tags: p.items.map(t => ({ Key: t.key, Value: t.value })),
          NextToken: p.next,
        };
      }
      case 'TagResource': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.ResourceArn, 'ResourceArn');
        requireMembers(input, 'Tags');
        let tags = ps.tags;
        for (const t of checkTags(input.Tags)) {
          tags = tags
            .filter(x => x.key !== t.Key)
            .concat({ key: t.Key, value: t.Value });
        }
        if (tags.length > 50) {
          throw validationError('A permission set can have at most 50 tags');
        }
        ps.tags = tags;
        return {};
      }
      case 'UntagResource': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.ResourceArn, 'ResourceArn');
        requireMembers(input, 'TagKeys');
        const keys = new Set<string>(input.TagKeys);
        ps.tags = ps.tags.filter(t => !keys.has(t.key));
        return {};
      }
      case 'ProvisionPermissionSet':
        return {
          PermissionSetProvisioningStatus: this.provisioningStatus(
            this.provision(input),
          ),
        };
      case 'DescribePermissionSetProvisioningStatus': {
        this.requireInstance(input);
        requireMembers(input, 'ProvisionPermissionSetRequestId');
        const found = this.operations.get(
          input.ProvisionPermissionSetRequestId,
        );
        if (!found || found.kind !== 'ProvisionPermissionSet') {
          throw notFound(
            `Provisioning request ${input.ProvisionPermissionSetRequestId} does not exist`,
          );
        }
        return {
          PermissionSetProvisioningStatus: this.provisioningStatus(found),
        };
      }
      case 'CreateAccountAssignment':
        return {
          AccountAssignmentCreationStatus: this.assignmentStatus(
            this.startAssignment('CreateAccountAssignment', input),
          ),
        };
      case 'DeleteAccountAssignment':
        return {
          AccountAssignmentDeletionStatus: this.assignmentStatus(
            this.startAssignment('DeleteAccountAssignment', input),
          ),
        };
      case 'DescribeAccountAssignmentCreationStatus':
      case 'DescribeAccountAssignmentDeletionStatus': {
        this.requireInstance(input);
        const creation = op === 'DescribeAccountAssignmentCreationStatus';
        const member = creation
          ? 'AccountAssignmentCreationRequestId'
          : 'AccountAssignmentDeletionRequestId';
        requireMembers(input, member);
        const found = this.operations.get(input[member]);
        const kind = creation
          ? 'CreateAccountAssignment'
          : 'DeleteAccountAssignment';
        if (!found || found.kind !== kind) {
          throw notFound(`Request ${input[member]} does not exist`);
        }
        return creation
          ? { AccountAssignmentCreationStatus: this.assignmentStatus(found) }
          : { AccountAssignmentDeletionStatus: this.assignmentStatus(found) };
      }
      case 'ListAccountAssignments': {
        this.requireInstance(input);
        requireMembers(input, 'AccountId', 'PermissionSetArn');
        checkAccountId('accountId', input.AccountId);
        this.permissionSet(input.PermissionSetArn);
        const p = this.page(
          op,
          this.assignments.filter(
            a =>
              a.accountId === input.AccountId &&
              a.permissionSetArn === input.PermissionSetArn,
          ),
          input,
        );
        return {
          AccountAssignments: p.items.map(a => this.assignmentOutput(a)),
          NextToken: p.next,
        };
      }
      case 'ListAccountAssignmentsForPrincipal': {
        this.requireInstance(input);
        requireMembers(input, 'PrincipalId', 'PrincipalType');
        const account = input.Filter?.AccountId;
        const p = this.page(
          op,
          this.assignments.filter(
            a =>
              a.principalId === input.PrincipalId &&
              a.principalType === input.PrincipalType &&
              (account === undefined || a.accountId === account),
          ),
          input,
        );
        return {
          AccountAssignments: p.items.map(a => this.assignmentOutput(a)),
          NextToken: p.next,
        };
      }
      case 'ListPermissionSetsProvisionedToAccount': {
        this.requireInstance(input);
        requireMembers(input, 'AccountId');
        checkAccountId('accountId', input.AccountId);
        const wanted = this.provisioningFilter(input);
        const arns = this.provisionings()
          .filter(p => p.accountId === input.AccountId && wanted(p))
          .map(p => p.permissionSetArn);
        const p = this.page(op, arns, input);
        return { PermissionSets: p.items, NextToken: p.next };
      }
      case 'ListAccountsForProvisionedPermissionSet': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.PermissionSetArn);
        const wanted = this.provisioningFilter(input);
        const accounts = this.provisionings()
          .filter(p => p.permissionSetArn === ps.arn && wanted(p))
          .map(p => p.accountId);
        const p = this.page(op, accounts, input);
        return { AccountIds: p.items, NextToken: p.next };
      }
      default:
        throw new AwsError(
          'UnknownOperationException',
          `The emulator does not implement SWBExternalService.${op}`,
        );
    }
  }

  // ---------------------------------------------------------------------
  // Identity Store operations (X-Amz-Target: AWSIdentityStore.<Op>)

  identityStore(op: string, input: Input): unknown {
    requireMembers(input, 'IdentityStoreId');
    if (input.IdentityStoreId !== this.identityStoreId) {
      throw notFound(`Identity store ${input.IdentityStoreId} does not exist`, {
        ResourceType: 'IDENTITY_STORE',
        ResourceId: input.IdentityStoreId,
      });
    }
    const userOutput = (u: EmulatorUser) => ({
      IdentityStoreId: this.identityStoreId,
      UserId: u.userId,
      UserName: u.userName,
      DisplayName: u.displayName,
      Emails: u.emails.map((e, i) => ({
        Value: e,
        Type: 'work',
        Primary: i === 0,
      })),
    });
    switch (op) {
      case 'GetUserId': {
        const unique = input.AlternateIdentifier?.UniqueAttribute;
        if (!unique) {
          throw validationError(
            'AlternateIdentifier.UniqueAttribute is required by this emulator',
          );
        }
        const path = String(unique.AttributePath ?? '');
        const normalized =
          path.toLowerCase() === 'username' ? 'userName' : path.toLowerCase();
        if (normalized !== 'userName' && normalized !== 'emails.value') {
          throw validationError(
            `Unsupported AttributePath ${path}: use userName or emails.value`,
          );
        }
        const user = this.findUser(normalized, unique.AttributeValue);
        if (!user) {
          throw notFound(
            `USER not found (${path} = ${unique.AttributeValue})`,
            {
              ResourceType: 'USER',
            },
          );
        }
        return { IdentityStoreId: this.identityStoreId, UserId: user.userId };
      }
      case 'DescribeUser': {
        requireMembers(input, 'UserId');
        const user = this.users.find(u => u.userId === input.UserId);
        if (!user) {
          throw notFound(`USER ${input.UserId} not found`, {
            ResourceType: 'USER',
            ResourceId: input.UserId,
          });
        }
        return userOutput(user);
      }
      case 'ListUsers': {
        const filters: Array<{
          AttributePath?: string;
          AttributeValue?: string;
        }> = input.Filters ?? [];
        let users = this.users;
        for (const f of filters) {
          if (String(f.AttributePath).toLowerCase() !== 'username') {
            throw validationError(
              `Unsupported filter AttributePath ${f.AttributePath}: use UserName`,
            );
          }
          users = users.filter(
            u =>
              u.userName.toLowerCase() ===
              String(f.AttributeValue ?? '').toLowerCase(),
          );
        }
        const p = this.page(op, users, input);
        return { Users: p.items.map(userOutput), NextToken: p.next };
      }
      case 'ListGroupMembershipsForMember': {
        // Groups are not emulated: a known user belongs to none.
        const userId = input.MemberId?.UserId;
        if (!this.users.some(u => u.userId === userId)) {
          throw notFound(`USER ${userId} not found`, {
            ResourceType: 'USER',
            ResourceId: userId,
          });
        }
        return { GroupMemberships: [] };
      }
      default:
        throw new AwsError(
          'UnknownOperationException',
          `The emulator does not implement AWSIdentityStore.${op}`,
        );
    }
  }
}
