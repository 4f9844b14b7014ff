import {
  ProvisionPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { IdentityCenterEmulator } from '@jit-access/identity-center-emulator';
import { SdkIdentityCenterGateway } from './SdkIdentityCenterGateway';
import {
  ALICE,
  BOB,
  credentials,
  POLICY,
  POWER,
  PRODUCTION,
  rejection,
  RO,
  SANDBOX,
  seed,
  startGatewayEmulator,
  stopGatewayEmulator,
} from './__testUtils__/gatewayEmulator';

jest.setTimeout(60_000);

describe('SdkIdentityCenterGateway against the Identity Center emulator: permission sets', () => {
  let emulator: IdentityCenterEmulator;
  let gateway: SdkIdentityCenterGateway;
  const start = async (...args: Parameters<typeof startGatewayEmulator>) => {
    ({ emulator, gateway } = await startGatewayEmulator(...args));
  };
  afterEach(() => stopGatewayEmulator(gateway, emulator));

  beforeEach(() => start({ maxPageSize: 1 }));

  it('lists every page, with session durations and tags', async () => {
    const sets = await gateway.listPermissionSets();
    expect(sets.map(s => [s.name, s.sessionDuration])).toEqual([
      ['ReadOnlyAccess', 'PT1H'],
      ['PowerUserAccess', 'PT4H'],
      ['AdministratorAccess', 'PT8H'],
    ]);
    expect(sets[0]).toEqual({
      arn: RO,
      name: 'ReadOnlyAccess',
      description: 'Read-only access to AWS services',
      sessionDuration: 'PT1H',
      tags: [],
    });
    await gateway.createAssignment({
      accountId: SANDBOX,
      permissionSetArn: RO,
      principalId: ALICE,
    });
    await gateway.createAssignment({
      accountId: SANDBOX,
      permissionSetArn: RO,
      principalId: BOB,
    });
    expect(
      (await gateway.listAssignments(SANDBOX, RO)).map(a => a.principalId),
    ).toEqual([ALICE, BOB]);
  });

  it('custom permission set lifecycle: create, policy, find by tag, assign, re-provision, delete after the assignment drains', async () => {
    const tags = {
      'jit-access:managed': 'true',
      'jit-access:request': 'JIT-7K3F9Q',
    };
    const arn = await gateway.createPermissionSet({
      name: 'JIT-7K3F9Q',
      description: 'JIT Access custom policy for alice',
      sessionDuration: 'PT2H',
      tags,
    });
    await gateway.putInlinePolicy(arn, POLICY);
    expect(emulator.getState().calls.ProvisionPermissionSet).toBeUndefined(); // nothing to re-provision yet

    const found = await gateway.listPermissionSetsByTag(
      'jit-access:request',
      'JIT-7K3F9Q',
    );
    expect(found).toEqual([
      {
        arn,
        name: 'JIT-7K3F9Q',
        description: 'JIT Access custom policy for alice',
        sessionDuration: 'PT2H',
        tags: [
          { key: 'jit-access:managed', value: 'true' },
          { key: 'jit-access:request', value: 'JIT-7K3F9Q' },
        ],
      },
    ]);
    expect(
      await gateway.listPermissionSetsByTag('jit-access:request', 'JIT-OTHER'),
    ).toEqual([]);

    const target = {
      accountId: SANDBOX,
      permissionSetArn: arn,
      principalId: ALICE,
    };
    await gateway.createAssignment(target);

    // A new policy on a provisioned set is provisioned again at once.
    const denyAll =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';
    await gateway.putInlinePolicy(arn, denyAll);
    let state = emulator.getState();
    expect(state.permissionSets.find(p => p.arn === arn)!.inlinePolicy).toBe(
      denyAll,
    );
    expect(state.provisioned).toContainEqual({
      permissionSetArn: arn,
      accountId: SANDBOX,
      status: 'LATEST_PERMISSION_SET_PROVISIONED',
    });

    // Deleting the set while assigned conflicts; the gateway keeps retrying
    // while the assignment drains.
    const deleting = gateway.deletePermissionSet(arn);
    await new Promise(r => setTimeout(r, 100));
    await gateway.deleteAssignment(target);
    await deleting;
    state = emulator.getState();
    expect(state.permissionSets.map(p => p.arn)).not.toContain(arn);
    expect(state.calls.DeletePermissionSet).toBeGreaterThan(1);
    await gateway.deletePermissionSet(arn); // already gone: fine

    // A deleted set is assigned to no one, and its assignments count as
    // deleted: what an end resumed after a crash finds.
    expect(await gateway.listAssignments(SANDBOX, arn)).toEqual([]);
    await gateway.deleteAssignment(target);
    const other = await rejection(gateway.putInlinePolicy(arn, POLICY));
    expect(other).toMatchObject({
      code: 'ResourceNotFoundException',
      transient: false,
    });
  });

  it('provisions a set to one account and waits for SUCCEEDED', async () => {
    await gateway.provisionPermissionSet(POWER, PRODUCTION);
    expect(emulator.getState().provisioned).toEqual([
      {
        permissionSetArn: POWER,
        accountId: PRODUCTION,
        status: 'LATEST_PERMISSION_SET_PROVISIONED',
      },
    ]);
    const err = await rejection(
      gateway.provisionPermissionSet(POWER, '999999999999'),
    );
    expect(err).toMatchObject({ transient: false, code: 'OperationFailed' });
  });

  it('retries a ConflictException while another operation on the set is in progress', async () => {
    const arn = await gateway.createPermissionSet({
      name: 'JIT-CONFLICT',
      sessionDuration: 'PT1H',
      tags: { a: 'b' },
    });
    emulator.setFaults({ assignmentDelayMs: 400 });
    const sso = new SSOAdminClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    try {
      await sso.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: seed.instanceArn,
          PermissionSetArn: arn,
          TargetType: 'AWS_ACCOUNT',
          TargetId: SANDBOX,
        }),
      );
    } finally {
      sso.destroy();
    }
    await gateway.putInlinePolicy(arn, POLICY);
    expect(
      emulator.getState().calls.PutInlinePolicyToPermissionSet,
    ).toBeGreaterThan(1);
    expect(
      emulator.getState().permissionSets.find(p => p.arn === arn)!.inlinePolicy,
    ).toBe(POLICY);
  });

  it('creating a set whose answer was lost adopts it; a name taken by someone else is a permanent error', async () => {
    const p = {
      name: 'JIT-LOST01',
      sessionDuration: 'PT1H',
      tags: { 'jit-access:request': 'JIT-LOST01' },
    };
    const arn = await gateway.createPermissionSet(p);
    expect(await gateway.createPermissionSet(p)).toBe(arn);
    const err = await rejection(
      gateway.createPermissionSet({
        ...p,
        tags: { 'jit-access:request': 'JIT-OTHER' },
      }),
    );
    expect(err).toMatchObject({
      transient: false,
      code: 'PermissionSetNameTaken',
    });
    expect(
      emulator.getState().permissionSets.filter(s => s.name === 'JIT-LOST01'),
    ).toHaveLength(1);
  });

  it('invalid input is a permanent error with the AWS message, not retried', async () => {
    const name = await rejection(
      gateway.createPermissionSet({
        name: 'has space',
        sessionDuration: 'PT1H',
        tags: {},
      }),
    );
    expect(name).toMatchObject({
      transient: false,
      code: 'ValidationException',
    });
    expect(name.awsMessage).toContain('[\\w+=,.@-]+');
    const arn = await gateway.createPermissionSet({
      name: 'JIT-BIG',
      sessionDuration: 'PT1H',
      tags: {},
    });
    const big = await rejection(
      gateway.putInlinePolicy(arn, `{"Sid":"${'x'.repeat(10_240)}"}`),
    );
    expect(big).toMatchObject({
      transient: false,
      code: 'ValidationException',
    });
    expect(big.message).toContain('PolicySize');
    expect(emulator.getState().calls.PutInlinePolicyToPermissionSet).toBe(1);
  });
});
