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
} from '@aws-sdk/client-sso-admin';
import { GetUserIdCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { demoSeed } from './demoSeed';
import { IdentityCenterEmulator, startIdentityCenterEmulator } from './emulator';

const seed = demoSeed();
const INSTANCE = seed.instanceArn;
const RO = seed.permissionSets[0].arn;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('Identity Center emulator, driven by the real AWS SDK', () => {
  let emulator: IdentityCenterEmulator;
  let sso: SSOAdminClient;
  let ids: IdentitystoreClient;

  beforeEach(async () => {
    emulator = await startIdentityCenterEmulator({ timing: { assignmentDelayMs: 50 } });
    sso = new SSOAdminClient({ endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    ids = new IdentitystoreClient({ endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  });
  afterEach(async () => {
    sso.destroy();
    ids.destroy();
    await emulator.close();
  });

  async function aliceId() {
    const out = await ids.send(
      new GetUserIdCommand({
        IdentityStoreId: seed.identityStoreId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'alice@example.com' } },
      }),
    );
    return out.UserId!;
  }

  async function settle(requestId: string, kind: 'create' | 'delete') {
    for (;;) {
      const out =
        kind === 'create'
          ? (await sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: INSTANCE, AccountAssignmentCreationRequestId: requestId }))).AccountAssignmentCreationStatus!
          : (await sso.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: INSTANCE, AccountAssignmentDeletionRequestId: requestId }))).AccountAssignmentDeletionStatus!;
      if (out.Status !== 'IN_PROGRESS') return out;
      await new Promise(r => setTimeout(r, 20));
    }
  }

  it('lists and describes the seeded permission sets', async () => {
    const list = await sso.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE }));
    expect(list.PermissionSets).toHaveLength(3);
    const ro = await sso.send(new DescribePermissionSetCommand({ InstanceArn: INSTANCE, PermissionSetArn: RO }));
    expect(ro.PermissionSet).toMatchObject({ Name: 'ReadOnlyAccess', SessionDuration: 'PT1H' });
    expect(ro.PermissionSet!.CreatedDate).toBeInstanceOf(Date);
  });

  it('finds users by userName and by email, and says when there is none', async () => {
    expect(await aliceId()).toBe(seed.users[0].userId);
    await expect(
      ids.send(new GetUserIdCommand({
        IdentityStoreId: seed.identityStoreId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'nobody@example.com' } },
      })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('creates an assignment asynchronously: IN_PROGRESS, then SUCCEEDED, and only then listed', async () => {
    const principal = await aliceId();
    const created = await sso.send(new CreateAccountAssignmentCommand({
      InstanceArn: INSTANCE, TargetId: '111111111111', TargetType: 'AWS_ACCOUNT', PermissionSetArn: RO, PrincipalType: 'USER', PrincipalId: principal,
    }));
    expect(created.AccountAssignmentCreationStatus!.Status).toBe('IN_PROGRESS');
    expect(emulator.getState().assignments).toEqual([]);
    const done = await settle(created.AccountAssignmentCreationStatus!.RequestId!, 'create');
    expect(done.Status).toBe('SUCCEEDED');
    const listed = await sso.send(new ListAccountAssignmentsCommand({ InstanceArn: INSTANCE, AccountId: '111111111111', PermissionSetArn: RO }));
    expect(listed.AccountAssignments).toEqual([
      { AccountId: '111111111111', PermissionSetArn: RO, PrincipalType: 'USER', PrincipalId: principal },
    ]);

    // creating it again does not fail and does not duplicate it
    const again = await sso.send(new CreateAccountAssignmentCommand({
      InstanceArn: INSTANCE, TargetId: '111111111111', TargetType: 'AWS_ACCOUNT', PermissionSetArn: RO, PrincipalType: 'USER', PrincipalId: principal,
    }));
    expect((await settle(again.AccountAssignmentCreationStatus!.RequestId!, 'create')).Status).toBe('SUCCEEDED');
    expect(emulator.getState().assignments).toHaveLength(1);

    const deleted = await sso.send(new DeleteAccountAssignmentCommand({
      InstanceArn: INSTANCE, TargetId: '111111111111', TargetType: 'AWS_ACCOUNT', PermissionSetArn: RO, PrincipalType: 'USER', PrincipalId: principal,
    }));
    expect((await settle(deleted.AccountAssignmentDeletionStatus!.RequestId!, 'delete')).Status).toBe('SUCCEEDED');
    expect(emulator.getState().assignments).toEqual([]);
  });

  it('fails an assignment for an unknown principal with a FailureReason', async () => {
    const created = await sso.send(new CreateAccountAssignmentCommand({
      InstanceArn: INSTANCE, TargetId: '111111111111', TargetType: 'AWS_ACCOUNT', PermissionSetArn: RO, PrincipalType: 'USER', PrincipalId: 'nope',
    }));
    const done = await settle(created.AccountAssignmentCreationStatus!.RequestId!, 'create');
    expect(done).toMatchObject({ Status: 'FAILED', FailureReason: 'Principal nope does not exist in the identity store' });
  });

  it('custom permission sets: name and size rules, tags, and no delete while assigned', async () => {
    await expect(sso.send(new CreatePermissionSetCommand({ InstanceArn: INSTANCE, Name: 'has space', SessionDuration: 'PT1H' })))
      .rejects.toMatchObject({ name: 'ValidationException' });
    await expect(sso.send(new CreatePermissionSetCommand({ InstanceArn: INSTANCE, Name: 'JIT-X', SessionDuration: 'PT13H' })))
      .rejects.toMatchObject({ name: 'ValidationException' });
    const ps = await sso.send(new CreatePermissionSetCommand({
      InstanceArn: INSTANCE, Name: 'JIT-ABC123', SessionDuration: 'PT2H', Tags: [{ Key: 'jit-access:managed', Value: 'true' }],
    }));
    const arn = ps.PermissionSet!.PermissionSetArn!;
    const tags = await sso.send(new ListTagsForResourceCommand({ InstanceArn: INSTANCE, ResourceArn: arn }));
    expect(tags.Tags).toEqual([{ Key: 'jit-access:managed', Value: 'true' }]);
    await expect(sso.send(new PutInlinePolicyToPermissionSetCommand({ InstanceArn: INSTANCE, PermissionSetArn: arn, InlinePolicy: 'x'.repeat(10241) })))
      .rejects.toMatchObject({ name: 'ValidationException' });
    await sso.send(new PutInlinePolicyToPermissionSetCommand({ InstanceArn: INSTANCE, PermissionSetArn: arn, InlinePolicy: '{"Version":"2012-10-17","Statement":[]}' }));

    const principal = await aliceId();
    const created = await sso.send(new CreateAccountAssignmentCommand({
      InstanceArn: INSTANCE, TargetId: '111111111111', TargetType: 'AWS_ACCOUNT', PermissionSetArn: arn, PrincipalType: 'USER', PrincipalId: principal,
    }));
    await settle(created.AccountAssignmentCreationStatus!.RequestId!, 'create');
    await expect(sso.send(new DeletePermissionSetCommand({ InstanceArn: INSTANCE, PermissionSetArn: arn })))
      .rejects.toMatchObject({ name: 'ConflictException' });
  });

  it('throttles beyond 20 calls per second', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => sso.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE }))),
    );
    const throttled = results.filter(r => r.status === 'rejected' && (r.reason as Error).name === 'ThrottlingException');
    expect(throttled.length).toBeGreaterThanOrEqual(15);
    expect(results.filter(r => r.status === 'fulfilled').length).toBeLessThanOrEqual(25);
  });

  it('allows at most 10 assignment creations in progress', async () => {
    const slow = await startIdentityCenterEmulator({ timing: { assignmentDelayMs: 2000 }, quotas: { callsPerSecond: 1000 } });
    const client = new SSOAdminClient({ endpoint: slow.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      const results = await Promise.allSettled(
        ['111111111111', '222222222222', '333333333333'].flatMap(acct =>
          seed.users.map(u => client.send(new CreateAccountAssignmentCommand({
            InstanceArn: INSTANCE, TargetId: acct, TargetType: 'AWS_ACCOUNT', PermissionSetArn: RO, PrincipalType: 'USER', PrincipalId: u.userId,
          }))),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(10);
      expect(results.filter(r => r.status === 'rejected').map(r => (r as PromiseRejectedResult).reason.name))
        .toEqual(Array(8).fill('ThrottlingException'));
    } finally {
      client.destroy();
      await slow.close();
    }
  });

  it('injects faults: 5xx errors and throttling', async () => {
    emulator.setFaults({ errorRate: 1 });
    await expect(sso.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE }))).rejects.toMatchObject({ name: 'InternalServerException' });
    emulator.setFaults({ errorRate: 0, throttleRate: 1 });
    await expect(sso.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    emulator.setFaults({ throttleRate: 0 });
    await expect(sso.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE }))).resolves.toBeDefined();
  });
});
