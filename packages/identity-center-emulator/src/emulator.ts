/*
 * A local AWS IAM Identity Center: the SSO Admin and Identity Store
 * operations JIT Access uses, over the AWS JSON 1.1 protocol, so the real
 * AWS SDK clients talk to it through their `endpoint` option.
 *
 * It behaves like the service where it matters to a JIT tool: assignment
 * creation and deletion are asynchronous (IN_PROGRESS, then SUCCEEDED or
 * FAILED with a FailureReason), the quotas are enforced with real
 * ThrottlingExceptions, deleting a permission set that is still assigned is a
 * ConflictException, and faults (errors, throttling, latency, hangs) can be
 * injected. `/_emulator/*` endpoints let tests inspect and steer it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { demoSeed } from './demoSeed';
import type {
  EmulatorAssignment,
  EmulatorFaults,
  EmulatorOptions,
  EmulatorPermissionSet,
  EmulatorSeed,
  EmulatorState,
  EmulatorUser,
} from './types';

class AwsError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

type Operation = {
  kind: 'create' | 'delete';
  requestId: string;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  failureReason?: string;
  assignment: EmulatorAssignment;
  createdAt: number;
};

const NAME = /^[\w+=,.@-]{1,32}$/;
const SESSION = /^PT(\d+)H$|^PT(\d+)M$|^PT(\d+)H(\d+)M$/;

function sessionMinutes(v: string): number | undefined {
  const m = SESSION.exec(v);
  if (!m) return undefined;
  if (m[1]) return Number(m[1]) * 60;
  if (m[2]) return Number(m[2]);
  return Number(m[3]) * 60 + Number(m[4]);
}

/** The emulator's state and operations, independent of HTTP. */
class IdentityCenterModel {
  instanceArn = '';
  identityStoreId = '';
  users: EmulatorUser[] = [];
  permissionSets = new Map<string, EmulatorPermissionSet>();
  accounts: string[] = [];
  assignments: EmulatorAssignment[] = [];
  operations = new Map<string, Operation>();
  calls: Record<string, number> = {};
  throttled = 0;
  tokens: number;
  lastRefill = Date.now();
  faults: EmulatorFaults;

  constructor(
    private readonly seed: EmulatorSeed,
    readonly quotas: { callsPerSecond: number; maxCreatesInFlight: number },
    public assignmentDelayMs: number,
    faults: EmulatorFaults,
  ) {
    this.tokens = quotas.callsPerSecond;
    this.faults = { ...faults };
    this.reset();
  }

  reset() {
    const s = this.seed;
    this.instanceArn = s.instanceArn;
    this.identityStoreId = s.identityStoreId;
    this.users = s.users.map(u => ({ ...u, userId: u.userId ?? randomUUID() }));
    this.permissionSets = new Map(
      s.permissionSets.map(p => [p.arn, { ...p, tags: p.tags ?? [], createdAt: Date.now() / 1000 }]),
    );
    this.accounts = [...s.accounts];
    this.assignments = [...(s.assignments ?? [])];
    this.operations.clear();
    this.calls = {};
    this.throttled = 0;
  }

  state(): EmulatorState {
    const inFlight = [...this.operations.values()].filter(o => o.status === 'IN_PROGRESS');
    return {
      instanceArn: this.instanceArn,
      identityStoreId: this.identityStoreId,
      users: this.users,
      permissionSets: [...this.permissionSets.values()],
      accounts: this.accounts,
      assignments: this.assignments,
      inFlight: {
        creates: inFlight.filter(o => o.kind === 'create').length,
        deletes: inFlight.filter(o => o.kind === 'delete').length,
      },
      calls: this.calls,
      throttled: this.throttled,
      faults: this.faults,
    };
  }

  /** Token bucket over every SSO Admin call, as AWS's account-wide rate. */
  takeToken(): boolean {
    const now = Date.now();
    const rate = this.quotas.callsPerSecond;
    this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) / 1000) * rate);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private requireInstance(input: any) {
    if (input.InstanceArn !== this.instanceArn) {
      throw new AwsError('ResourceNotFoundException', `Instance ${input.InstanceArn} does not exist`);
    }
  }

  private permissionSet(arn: string): EmulatorPermissionSet {
    const ps = this.permissionSets.get(arn);
    if (!ps) throw new AwsError('ResourceNotFoundException', `PermissionSet ${arn} does not exist`);
    return ps;
  }

  private describe(ps: EmulatorPermissionSet) {
    return {
      Name: ps.name,
      PermissionSetArn: ps.arn,
      Description: ps.description,
      SessionDuration: ps.sessionDuration,
      CreatedDate: ps.createdAt,
    };
  }

  private page<T>(items: T[], input: any): { items: T[]; next?: string } {
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString()) : 0;
    const size = Math.min(Number(input.MaxResults ?? 100), 100);
    const end = start + size;
    return {
      items: items.slice(start, end),
      next: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined,
    };
  }

  private statusOf(op: Operation) {
    return {
      Status: op.status,
      RequestId: op.requestId,
      FailureReason: op.failureReason,
      TargetId: op.assignment.accountId,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: op.assignment.permissionSetArn,
      PrincipalType: op.assignment.principalType,
      PrincipalId: op.assignment.principalId,
      CreatedDate: op.createdAt,
    };
  }

  private same(a: EmulatorAssignment, b: EmulatorAssignment) {
    return (
      a.accountId === b.accountId &&
      a.permissionSetArn === b.permissionSetArn &&
      a.principalId === b.principalId &&
      a.principalType === b.principalType
    );
  }

  private startOperation(kind: 'create' | 'delete', input: any): Operation {
    this.requireInstance(input);
    if (input.TargetType !== 'AWS_ACCOUNT') {
      throw new AwsError('ValidationException', 'TargetType must be AWS_ACCOUNT');
    }
    const assignment: EmulatorAssignment = {
      accountId: String(input.TargetId),
      permissionSetArn: String(input.PermissionSetArn),
      principalId: String(input.PrincipalId),
      principalType: input.PrincipalType === 'GROUP' ? 'GROUP' : 'USER',
    };
    if (kind === 'create') {
      const inFlight = [...this.operations.values()].filter(
        o => o.kind === 'create' && o.status === 'IN_PROGRESS',
      ).length;
      if (inFlight >= this.quotas.maxCreatesInFlight) {
        this.throttled++;
        throw new AwsError(
          'ThrottlingException',
          `Too many account assignment operations in progress (limit ${this.quotas.maxCreatesInFlight})`,
        );
      }
    }
    const op: Operation = {
      kind,
      requestId: randomUUID(),
      status: 'IN_PROGRESS',
      assignment,
      createdAt: Date.now() / 1000,
    };
    this.operations.set(op.requestId, op);
    setTimeout(() => this.complete(op), this.assignmentDelayMs).unref();
    return op;
  }

  private complete(op: Operation) {
    const a = op.assignment;
    if (op.kind === 'create') {
      if (!this.accounts.includes(a.accountId)) {
        op.status = 'FAILED';
        op.failureReason = `Account ${a.accountId} is not part of the organization`;
      } else if (!this.permissionSets.has(a.permissionSetArn)) {
        op.status = 'FAILED';
        op.failureReason = `Permission set ${a.permissionSetArn} does not exist`;
      } else if (a.principalType === 'USER' && !this.users.some(u => u.userId === a.principalId)) {
        op.status = 'FAILED';
        op.failureReason = `Principal ${a.principalId} does not exist in the identity store`;
      } else {
        if (!this.assignments.some(x => this.same(x, a))) this.assignments.push(a);
        op.status = 'SUCCEEDED';
      }
    } else {
      this.assignments = this.assignments.filter(x => !this.same(x, a));
      op.status = 'SUCCEEDED';
    }
  }

  handle(target: string, input: any): unknown {
    const [service, op] = target.split('.');
    this.calls[op] = (this.calls[op] ?? 0) + 1;
    if (service === 'AWSIdentityStore') return this.identityStore(op, input);
    if (service !== 'SWBExternalService') {
      throw new AwsError('UnknownOperationException', `Unknown target ${target}`);
    }
    switch (op) {
      case 'ListInstances':
        return {
          Instances: [
            { InstanceArn: this.instanceArn, IdentityStoreId: this.identityStoreId, Status: 'ACTIVE', Name: 'emulator' },
          ],
        };
      case 'ListPermissionSets': {
        this.requireInstance(input);
        const p = this.page([...this.permissionSets.keys()], input);
        return { PermissionSets: p.items, NextToken: p.next };
      }
      case 'DescribePermissionSet':
        this.requireInstance(input);
        return { PermissionSet: this.describe(this.permissionSet(input.PermissionSetArn)) };
      case 'CreatePermissionSet': {
        this.requireInstance(input);
        if (typeof input.Name !== 'string' || !NAME.test(input.Name)) {
          throw new AwsError('ValidationException', `Name '${input.Name}' must be 1-32 characters of [\\w+=,.@-]`);
        }
        const minutes = sessionMinutes(input.SessionDuration ?? 'PT1H');
        if (minutes === undefined || minutes < 60 || minutes > 720) {
          throw new AwsError('ValidationException', `SessionDuration '${input.SessionDuration}' must be between PT1H and PT12H`);
        }
        if ([...this.permissionSets.values()].some(p => p.name === input.Name)) {
          throw new AwsError('ConflictException', `PermissionSet with name ${input.Name} already exists`);
        }
        const arn = `arn:aws:sso:::permissionSet/${this.instanceArn.split('/').pop()}/ps-${randomBytes(8).toString('hex')}`;
        const ps: EmulatorPermissionSet = {
          arn,
          name: input.Name,
          description: input.Description,
          sessionDuration: input.SessionDuration ?? 'PT1H',
          tags: (input.Tags ?? []).map((t: any) => ({ key: t.Key, value: t.Value })),
          createdAt: Date.now() / 1000,
        };
        this.permissionSets.set(arn, ps);
        return { PermissionSet: this.describe(ps) };
      }
      case 'DeletePermissionSet': {
        this.requireInstance(input);
        this.permissionSet(input.PermissionSetArn);
        const busy =
          this.assignments.some(a => a.permissionSetArn === input.PermissionSetArn) ||
          [...this.operations.values()].some(
            o => o.status === 'IN_PROGRESS' && o.assignment.permissionSetArn === input.PermissionSetArn,
          );
        if (busy) {
          throw new AwsError('ConflictException', `PermissionSet ${input.PermissionSetArn} is still provisioned to accounts`);
        }
        this.permissionSets.delete(input.PermissionSetArn);
        return {};
      }
      case 'PutInlinePolicyToPermissionSet': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.PermissionSetArn);
        const policy = String(input.InlinePolicy ?? '');
        if (policy.length > 32768 || policy.replace(/\s/g, '').length > 10240) {
          throw new AwsError('ValidationException', 'InlinePolicy exceeds the maximum size (10,240 non-whitespace characters, 32,768 in total)');
        }
        try {
          JSON.parse(policy);
        } catch {
          throw new AwsError('ValidationException', 'InlinePolicy is not valid JSON');
        }
        ps.inlinePolicy = policy;
        return {};
      }
      case 'GetInlinePolicyForPermissionSet':
        this.requireInstance(input);
        return { InlinePolicy: this.permissionSet(input.PermissionSetArn).inlinePolicy ?? '' };
      case 'DeleteInlinePolicyFromPermissionSet':
        this.requireInstance(input);
        this.permissionSet(input.PermissionSetArn).inlinePolicy = undefined;
        return {};
      case 'ListTagsForResource': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.ResourceArn);
        return { Tags: ps.tags.map(t => ({ Key: t.key, Value: t.value })) };
      }
      case 'TagResource': {
        this.requireInstance(input);
        const ps = this.permissionSet(input.ResourceArn);
        for (const t of input.Tags ?? []) {
          ps.tags = ps.tags.filter(x => x.key !== t.Key).concat({ key: t.Key, value: t.Value });
        }
        return {};
      }
      case 'CreateAccountAssignment':
        return { AccountAssignmentCreationStatus: this.statusOf(this.startOperation('create', input)) };
      case 'DeleteAccountAssignment':
        return { AccountAssignmentDeletionStatus: this.statusOf(this.startOperation('delete', input)) };
      case 'DescribeAccountAssignmentCreationStatus':
      case 'DescribeAccountAssignmentDeletionStatus': {
        this.requireInstance(input);
        const creation = op === 'DescribeAccountAssignmentCreationStatus';
        const id = creation
          ? input.AccountAssignmentCreationRequestId
          : input.AccountAssignmentDeletionRequestId;
        const found = this.operations.get(id);
        if (!found || found.kind !== (creation ? 'create' : 'delete')) {
          throw new AwsError('ResourceNotFoundException', `Request ${id} does not exist`);
        }
        return creation
          ? { AccountAssignmentCreationStatus: this.statusOf(found) }
          : { AccountAssignmentDeletionStatus: this.statusOf(found) };
      }
      case 'ListAccountAssignments': {
        this.requireInstance(input);
        const matching = this.assignments.filter(
          a => a.accountId === input.AccountId && a.permissionSetArn === input.PermissionSetArn,
        );
        const p = this.page(matching, input);
        return {
          AccountAssignments: p.items.map(a => ({
            AccountId: a.accountId,
            PermissionSetArn: a.permissionSetArn,
            PrincipalType: a.principalType,
            PrincipalId: a.principalId,
          })),
          NextToken: p.next,
        };
      }
      case 'ListAccountAssignmentsForPrincipal': {
        this.requireInstance(input);
        const p = this.page(this.assignments.filter(a => a.principalId === input.PrincipalId), input);
        return {
          AccountAssignments: p.items.map(a => ({
            AccountId: a.accountId,
            PermissionSetArn: a.permissionSetArn,
            PrincipalType: a.principalType,
            PrincipalId: a.principalId,
          })),
          NextToken: p.next,
        };
      }
      default:
        throw new AwsError('UnknownOperationException', `The emulator does not implement ${op}`);
    }
  }

  private identityStore(op: string, input: any): unknown {
    if (input.IdentityStoreId !== this.identityStoreId) {
      throw new AwsError('ResourceNotFoundException', `Identity store ${input.IdentityStoreId} does not exist`);
    }
    switch (op) {
      case 'GetUserId': {
        const attr = input.AlternateIdentifier?.UniqueAttribute;
        const value = attr?.AttributeValue;
        const user = this.users.find(u =>
          attr?.AttributePath === 'emails.value' ? u.emails.includes(value) : u.userName === value,
        );
        if (!user) {
          throw new AwsError('ResourceNotFoundException', `No user with ${attr?.AttributePath} = ${value}`);
        }
        return { UserId: user.userId, IdentityStoreId: this.identityStoreId };
      }
      case 'DescribeUser': {
        const user = this.users.find(u => u.userId === input.UserId);
        if (!user) throw new AwsError('ResourceNotFoundException', `User ${input.UserId} does not exist`);
        return {
          UserId: user.userId,
          UserName: user.userName,
          DisplayName: user.displayName,
          Emails: user.emails.map(e => ({ Value: e, Primary: true })),
          IdentityStoreId: this.identityStoreId,
        };
      }
      case 'ListUsers':
        return {
          Users: this.users.map(u => ({ UserId: u.userId, UserName: u.userName, IdentityStoreId: this.identityStoreId })),
        };
      default:
        throw new AwsError('UnknownOperationException', `The emulator does not implement ${op}`);
    }
  }
}

/** A running emulator. @public */
export interface IdentityCenterEmulator {
  url: string;
  port: number;
  getState(): EmulatorState;
  setFaults(faults: EmulatorFaults): void;
  reset(): void;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Starts the emulator on loopback (port 0 picks a free port).
 * @public
 */
export async function startIdentityCenterEmulator(
  options: EmulatorOptions = {},
): Promise<IdentityCenterEmulator> {
  const model = new IdentityCenterModel(
    options.seed ?? demoSeed(),
    {
      callsPerSecond: options.quotas?.callsPerSecond ?? 20,
      maxCreatesInFlight: options.quotas?.maxCreatesInFlight ?? 10,
    },
    options.timing?.assignmentDelayMs ?? 300,
    options.faults ?? {},
  );

  const send = (res: http.ServerResponse, status: number, body: unknown, json = 'application/x-amz-json-1.1') => {
    res.writeHead(status, { 'Content-Type': json, 'x-amzn-RequestId': randomUUID() });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer(async (req, res) => {
    try {
      const url = req.url ?? '/';
      if (url.startsWith('/_emulator/')) {
        const body = req.method === 'POST' ? await readBody(req) : '';
        if (url === '/_emulator/health') return send(res, 200, { status: 'ok' }, 'application/json');
        if (url === '/_emulator/state') return send(res, 200, model.state(), 'application/json');
        if (url === '/_emulator/reset' && req.method === 'POST') {
          model.reset();
          return send(res, 200, { status: 'reset' }, 'application/json');
        }
        if (url === '/_emulator/faults' && req.method === 'POST') {
          model.faults = { ...model.faults, ...JSON.parse(body || '{}') };
          return send(res, 200, model.faults, 'application/json');
        }
        return send(res, 404, { message: 'unknown control endpoint' }, 'application/json');
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const raw = await readBody(req);
      if (req.method !== 'POST' || !target) {
        return send(res, 400, { __type: 'UnknownOperationException', Message: 'POST with X-Amz-Target expected' });
      }
      const f = model.faults;
      if (f.latencyMs) await new Promise(r => setTimeout(r, f.latencyMs));
      if (f.hangRate && Math.random() < f.hangRate) return undefined; // never answered
      const isSsoAdmin = target.startsWith('SWBExternalService.');
      if (isSsoAdmin && !model.takeToken()) {
        model.throttled++;
        return send(res, 400, { __type: 'ThrottlingException', Message: 'Rate exceeded' });
      }
      if (f.throttleRate && Math.random() < f.throttleRate) {
        model.throttled++;
        return send(res, 400, { __type: 'ThrottlingException', Message: 'Rate exceeded (injected)' });
      }
      if (f.errorRate && Math.random() < f.errorRate) {
        return send(res, 500, { __type: 'InternalServerException', Message: 'Injected internal error' });
      }
      let input: any;
      try {
        input = raw ? JSON.parse(raw) : {};
      } catch {
        return send(res, 400, { __type: 'SerializationException', Message: 'Body is not JSON' });
      }
      return send(res, 200, model.handle(target, input));
    } catch (e) {
      if (e instanceof AwsError) {
        return send(res, e.status, { __type: e.type, Message: e.message });
      }
      return send(res, 500, { __type: 'InternalServerException', Message: String(e) });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host}:${port}`,
    port,
    getState: () => JSON.parse(JSON.stringify(model.state())),
    setFaults: faults => {
      model.faults = { ...model.faults, ...faults };
    },
    reset: () => model.reset(),
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
