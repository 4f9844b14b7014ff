import { ListAccountAssignmentsCommand } from '@aws-sdk/client-sso-admin';
import {
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from './emulator';
import { demoSeed } from './demoSeed';
import {
  ALICE,
  awsCall,
  INSTANCE,
  raw,
  RO,
  SANDBOX,
  sdkClients,
  sleep,
} from './__testUtils__/sdk';

describe('wire format and control endpoints', () => {
  let emulator: IdentityCenterEmulator;
  beforeEach(async () => {
    emulator = await startIdentityCenterEmulator({
      timing: { assignmentDelayMs: 100 },
      faults: { latencyMs: 1 },
    });
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('listens on loopback on a free port', () => {
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.port).toBeGreaterThan(0);
  });

  it('answers AWS JSON 1.1: 200 with x-amz-json-1.1 and a request id', async () => {
    const res = await awsCall(
      emulator.url,
      'SWBExternalService.DescribePermissionSet',
      {
        InstanceArn: INSTANCE,
        PermissionSetArn: RO,
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(res.headers['x-amzn-requestid']).toEqual(expect.any(String));
    expect(res.body.PermissionSet).toEqual({
      Name: 'ReadOnlyAccess',
      PermissionSetArn: RO,
      Description: 'Read-only access to AWS services',
      SessionDuration: 'PT1H',
      CreatedDate: expect.any(Number), // epoch seconds
    });
  });

  it('answers errors as HTTP 400 {"__type", "Message"}', async () => {
    const res = await awsCall(
      emulator.url,
      'SWBExternalService.DescribePermissionSet',
      {
        InstanceArn: INSTANCE,
        PermissionSetArn: `${RO}0`,
      },
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      __type: 'ResourceNotFoundException',
      Message: expect.any(String),
    });
    expect(res.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');

    const missing = await awsCall(
      emulator.url,
      'SWBExternalService.DescribePermissionSet',
      {
        InstanceArn: INSTANCE,
      },
    );
    expect(missing.body).toEqual({
      __type: 'ValidationException',
      Message:
        "1 validation error detected: Value null at 'permissionSetArn' failed to satisfy constraint: Member must not be null",
    });
  });

  it('answers unknown operations and malformed bodies', async () => {
    expect(
      (await awsCall(emulator.url, 'SWBExternalService.ListApplications', {}))
        .body.__type,
    ).toBe('UnknownOperationException');
    expect(
      (await awsCall(emulator.url, 'Nope.ListInstances', {})).body.__type,
    ).toBe('UnknownOperationException');
    const res = await raw(emulator.url, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'SWBExternalService.ListInstances' },
      body: '{',
    });
    expect(res.body.__type).toBe('SerializationException');
  });

  it('GET /_emulator/health', async () => {
    const res = await raw(`${emulator.url}/_emulator/health`);
    expect(res).toMatchObject({
      status: 200,
      body: { status: 'ok', instanceArn: INSTANCE },
    });
  });

  it('GET /_emulator/state: users, permission sets, assignments, operations, counters', async () => {
    await awsCall(emulator.url, 'SWBExternalService.CreateAccountAssignment', {
      InstanceArn: INSTANCE,
      TargetId: SANDBOX,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: RO,
      PrincipalType: 'USER',
      PrincipalId: ALICE,
    });
    const { body } = await raw(`${emulator.url}/_emulator/state`);
    expect(body).toMatchObject({
      instanceArn: INSTANCE,
      identityStoreId: 'd-9067a1b2c3',
      accounts: [
        '111111111111',
        '222222222222',
        '333333333333',
        '444444444444',
      ],
      assignments: [],
      inFlight: { creates: 1, deletes: 0, provisionings: 0 },
      operations: [
        {
          kind: 'CreateAccountAssignment',
          status: 'IN_PROGRESS',
          accountId: SANDBOX,
          permissionSetArn: RO,
          principalId: ALICE,
          principalType: 'USER',
        },
      ],
      calls: { CreateAccountAssignment: 1 },
      quotas: { callsPerSecond: 20, maxCreatesInFlight: 10 },
      faults: { latencyMs: 1 },
      stats: { requests: 1 },
    });
    expect(body.users.map((u: any) => u.userName)).toEqual(
      demoSeed().users.map(u => u.userName),
    );
    expect(
      body.permissionSets.map((p: any) => [p.name, p.sessionDuration]),
    ).toEqual([
      ['ReadOnlyAccess', 'PT1H'],
      ['PowerUserAccess', 'PT4H'],
      ['AdministratorAccess', 'PT8H'],
    ]);
    expect(body).toEqual(emulator.getState());
  });

  it('POST /_emulator/faults merges, null removes, and invalid values are refused', async () => {
    let res = await raw(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ errorRate: 0.5, throttleRate: 0.25 }),
    });
    expect(res.body).toEqual({
      latencyMs: 1,
      errorRate: 0.5,
      throttleRate: 0.25,
    });
    res = await raw(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ errorRate: null }),
    });
    expect(res.body).toEqual({ latencyMs: 1, throttleRate: 0.25 });
    res = await raw(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ hangRate: 'lots' }),
    });
    expect(res.status).toBe(400);
    expect((await raw(`${emulator.url}/_emulator/faults`)).body).toEqual({
      latencyMs: 1,
      throttleRate: 0.25,
    });
  });

  it('POST /_emulator/quotas changes the quotas', async () => {
    const res = await raw(`${emulator.url}/_emulator/quotas`, {
      method: 'POST',
      body: JSON.stringify({ callsPerSecond: 5 }),
    });
    expect(res.body).toEqual({ callsPerSecond: 5, maxCreatesInFlight: 10 });
    expect(emulator.getState().quotas.callsPerSecond).toBe(5);
  });

  it('POST /_emulator/reset returns to the seed, the start faults and zero counters; pending operations are dropped', async () => {
    await awsCall(emulator.url, 'SWBExternalService.CreateAccountAssignment', {
      InstanceArn: INSTANCE,
      TargetId: SANDBOX,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: RO,
      PrincipalType: 'USER',
      PrincipalId: ALICE,
    });
    emulator.setFaults({ errorRate: 1 });
    const res = await raw(`${emulator.url}/_emulator/reset`, {
      method: 'POST',
    });
    expect(res.body).toEqual({ status: 'reset' });
    await sleep(150);
    const state = emulator.getState();
    expect(state.assignments).toEqual([]);
    expect(state.operations).toEqual([]);
    expect(state.calls).toEqual({});
    expect(state.faults).toEqual({ latencyMs: 1 });
  });

  it('unknown control endpoints are 404', async () => {
    expect((await raw(`${emulator.url}/_emulator/nope`)).status).toBe(404);
  });

  it('close() ends hung requests too', async () => {
    emulator.setFaults({ hangRate: 1 });
    const pending = awsCall(
      emulator.url,
      'SWBExternalService.ListInstances',
      {},
    ).catch(e => e);
    await sleep(50);
    await emulator.close();
    expect(await pending).toMatchObject({
      message: expect.stringMatching(/socket hang up|ECONNRESET/),
    });
    emulator = await startIdentityCenterEmulator(); // for afterEach
  });
});

describe('seeds', () => {
  it('starts from a custom seed with standing assignments', async () => {
    const seed = demoSeed();
    seed.assignments = [
      {
        accountId: SANDBOX,
        permissionSetArn: RO,
        principalId: ALICE,
        principalType: 'USER',
      },
    ];
    seed.users.push({
      userName: 'zoe@example.com',
      emails: ['zoe@example.com'],
    });
    const emulator = await startIdentityCenterEmulator({ seed });
    const c = sdkClients(emulator.url);
    try {
      const out = await c.sso.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: INSTANCE,
          AccountId: SANDBOX,
          PermissionSetArn: RO,
        }),
      );
      expect(out.AccountAssignments).toHaveLength(1);
      const state = emulator.getState();
      expect(state.provisioned).toEqual([
        {
          permissionSetArn: RO,
          accountId: SANDBOX,
          status: 'LATEST_PERMISSION_SET_PROVISIONED',
        },
      ]);
      // a user without an id gets a UUID
      expect(
        state.users.find(u => u.userName === 'zoe@example.com')!.userId,
      ).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      c.destroy();
      await emulator.close();
    }
  });

  it('demoSeed() is the demo data, fresh on every call', () => {
    const seed = demoSeed();
    expect(seed.instanceArn).toBe(
      'arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6',
    );
    expect(seed.identityStoreId).toBe('d-9067a1b2c3');
    expect(seed.users.map(u => u.userName)).toEqual([
      'alice@example.com',
      'bob@example.com',
      'frank@example.com',
      'erin@example.com',
      'carol@example.com',
      'dave@example.com',
    ]);
    expect(
      seed.permissionSets.map(p => `${p.name} ${p.sessionDuration}`),
    ).toEqual([
      'ReadOnlyAccess PT1H',
      'PowerUserAccess PT4H',
      'AdministratorAccess PT8H',
    ]);
    expect(seed.accounts).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
    ]);
    expect(seed.assignments).toEqual([]);
    expect(demoSeed()).toEqual(seed);
    seed.users.pop();
    expect(demoSeed().users).toHaveLength(6);
  });
});
