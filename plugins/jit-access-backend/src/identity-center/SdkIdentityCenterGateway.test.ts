import {
  ProvisionPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import {
  demoSeed,
  EmulatorOptions,
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import { IdentityCenterError } from './IdentityCenterError';
import {
  SdkIdentityCenterGateway,
  SdkIdentityCenterGatewayOptions,
} from './SdkIdentityCenterGateway';
import { seededRandom } from '../__testUtils__/engineProcesses';

jest.setTimeout(60_000);

const seed = demoSeed();
const [RO, POWER] = seed.permissionSets.map(p => p.arn);
const USERS = seed.users.map(u => u.userId!);
const [ALICE, BOB] = USERS;
const SANDBOX = '111111111111';
const PRODUCTION = '222222222222';
const POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** 18 distinct (account, user) grants. */
const GRANTS = ['111111111111', '222222222222', '333333333333'].flatMap(
  accountId =>
    USERS.map(principalId => ({
      accountId,
      permissionSetArn: RO,
      principalId,
    })),
);

describe('SdkIdentityCenterGateway against the Identity Center emulator', () => {
  let emulator: IdentityCenterEmulator;
  let gateway: SdkIdentityCenterGateway;

  async function start(
    emulatorOptions: EmulatorOptions = {},
    gatewayOptions: Partial<SdkIdentityCenterGatewayOptions> = {},
  ) {
    emulator = await startIdentityCenterEmulator({
      timing: { assignmentDelayMs: 50 },
      ...emulatorOptions,
    });
    gateway = new SdkIdentityCenterGateway({
      region: 'us-east-1',
      instanceArn: seed.instanceArn,
      identityStoreId: seed.identityStoreId,
      endpoint: emulator.url,
      credentials,
      pollIntervalMs: 20,
      retry: { baseDelayMs: 20, maxDelayMs: 500 },
      ...gatewayOptions,
    });
  }

  afterEach(async () => {
    gateway?.destroy();
    await emulator?.close();
  });

  const rejection = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a rejection');
      },
      e => e,
    );

  describe('grants', () => {
    beforeEach(() => start());

    it('creates the assignment and resolves only once Identity Center reports SUCCEEDED', async () => {
      const principalId = await gateway.resolvePrincipalId('alice@example.com');
      expect(principalId).toBe(ALICE);
      await gateway.createAssignment({
        accountId: SANDBOX,
        permissionSetArn: RO,
        principalId,
      });
      const state = emulator.getState();
      expect(state.assignments).toEqual([
        {
          accountId: SANDBOX,
          permissionSetArn: RO,
          principalId,
          principalType: 'USER',
        },
      ]);
      expect(state.operations).toEqual([
        expect.objectContaining({
          kind: 'CreateAccountAssignment',
          status: 'SUCCEEDED',
        }),
      ]);
      expect(
        state.calls.DescribeAccountAssignmentCreationStatus,
      ).toBeGreaterThanOrEqual(1);
      expect(await gateway.listAssignments(SANDBOX, RO)).toEqual([
        { principalId, principalType: 'USER' },
      ]);
      expect(gateway.limiter.createsInFlight).toBe(0);
    });

    it('repeating a grant succeeds without duplicating the assignment', async () => {
      const target = {
        accountId: SANDBOX,
        permissionSetArn: RO,
        principalId: ALICE,
      };
      await gateway.createAssignment(target);
      await gateway.createAssignment(target);
      expect(emulator.getState().assignments).toHaveLength(1);
    });

    it('ends access: deletion resolves once SUCCEEDED, and a second deletion is harmless', async () => {
      const target = {
        accountId: SANDBOX,
        permissionSetArn: RO,
        principalId: ALICE,
      };
      await gateway.createAssignment(target);
      await gateway.deleteAssignment(target);
      expect(emulator.getState().assignments).toEqual([]);
      await gateway.deleteAssignment(target);
      expect(await gateway.listAssignments(SANDBOX, RO)).toEqual([]);
    });

    it.each([
      [
        'an unknown principal',
        { accountId: SANDBOX, principalId: 'no-such-user' },
        'principal no-such-user does not exist',
      ],
      [
        'an account outside the organization',
        { accountId: '999999999999', principalId: ALICE },
        'account 999999999999 is not a member',
      ],
    ])(
      'a FAILED creation for %s is a permanent error with the FailureReason',
      async (_what, t, reason) => {
        const err = await rejection(
          gateway.createAssignment({ ...t, permissionSetArn: RO }),
        );
        expect(err).toBeInstanceOf(IdentityCenterError);
        expect(err).toMatchObject({
          transient: false,
          code: 'OperationFailed',
          operation: 'CreateAccountAssignment',
        });
        expect(err.message).toContain(reason);
        expect(err.awsMessage).toContain(reason);
        expect(gateway.limiter.createsInFlight).toBe(0);
      },
    );

    it('an operation still IN_PROGRESS at the timeout is a transient OperationTimeout', async () => {
      emulator.setFaults({ assignmentDelayMs: 5_000 });
      const err = await rejection(
        gateway.createAssignment(
          { accountId: SANDBOX, permissionSetArn: RO, principalId: ALICE },
          { timeoutMs: 300 },
        ),
      );
      expect(err).toMatchObject({ transient: true, code: 'OperationTimeout' });
      expect(gateway.limiter.createsInFlight).toBe(0);
    });
  });

  describe('principals', () => {
    it('resolves userName once, then from the cache; concurrent lookups share one call', async () => {
      await start();
      const ids = await Promise.all([
        gateway.resolvePrincipalId('bob@example.com'),
        gateway.resolvePrincipalId('bob@example.com'),
      ]);
      expect(ids).toEqual([BOB, BOB]);
      expect(await gateway.resolvePrincipalId('bob@example.com')).toBe(BOB);
      expect(emulator.getState().calls.GetUserId).toBe(1);
    });

    it('re-resolves after the cache TTL', async () => {
      await start({}, { principalCacheTtlMs: 1 });
      await gateway.resolvePrincipalId('bob@example.com');
      await new Promise(r => setTimeout(r, 5));
      await gateway.resolvePrincipalId('bob@example.com');
      expect(emulator.getState().calls.GetUserId).toBe(2);
    });

    it('an unknown user is a NotFoundError, and a permanent IdentityCenterError', async () => {
      await start();
      const err = await rejection(
        gateway.resolvePrincipalId('mallory@example.com'),
      );
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err).toBeInstanceOf(IdentityCenterError);
      expect(err).toMatchObject({
        name: 'NotFoundError',
        transient: false,
        code: 'UserNotFound',
      });
      expect(err.message).toContain("has userName 'mallory@example.com'");
    });

    it('matches emails.value when configured', async () => {
      await start({}, { principalAttribute: 'emails.value' });
      expect(await gateway.resolvePrincipalId('alice@example.com')).toBe(ALICE);
    });

    it('a wrong identity store id is a permanent configuration error, not a missing user', async () => {
      await start({}, { identityStoreId: 'd-0000000000' });
      const err = await rejection(
        gateway.resolvePrincipalId('alice@example.com'),
      );
      expect(err).not.toBeInstanceOf(NotFoundError);
      expect(err).toMatchObject({
        transient: false,
        code: 'ResourceNotFoundException',
      });
    });
  });

  describe('quotas and faults', () => {
    it('with 50% throttling and 10% 5xx, every grant completes exactly once and the call rate stays under the quota', async () => {
      await start(
        // a seeded fault stream: with Math.random, 10% 5xx over ~40 calls
        // injected none about once in 70 runs and the test failed by chance
        { faults: { throttleRate: 0.5, errorRate: 0.1 }, random: seededRandom(20261125) },
        { retry: { maxAttempts: 25, baseDelayMs: 50, maxDelayMs: 1_000 } },
      );
      await Promise.all(GRANTS.map(g => gateway.createAssignment(g)));

      const state = emulator.getState();
      // every grant is there once
      expect(state.assignments).toHaveLength(GRANTS.length);
      for (const g of GRANTS) {
        expect(state.assignments).toContainEqual({
          ...g,
          principalType: 'USER',
        });
      }
      // and was started exactly once: failed calls were retried, never repeated after success
      const creations = state.operations.filter(
        o => o.kind === 'CreateAccountAssignment',
      );
      expect(creations).toHaveLength(GRANTS.length);
      expect(creations.every(o => o.status === 'SUCCEEDED')).toBe(true);
      // the faults did happen
      expect(state.stats.throttledInjected).toBeGreaterThan(0);
      expect(state.stats.errorsInjected).toBeGreaterThan(0);
      // the limiter, not Identity Center, kept the pace: no rate throttling,
      // at most the quota's calls within any second, and never more than 10
      // creations in flight
      expect(state.stats.throttledByRate).toBe(0);
      expect(state.stats.peakCallsPerSecond).toBeLessThanOrEqual(20);
      expect(state.stats.throttledByCreatesInFlight).toBe(0);
      expect(state.stats.peakCreatesInFlight).toBeLessThanOrEqual(10);
    });

    it('keeps at most 10 creations in progress, so Identity Center never refuses one', async () => {
      await start(
        {
          timing: { assignmentDelayMs: 300 },
          quotas: { callsPerSecond: 1_000 },
        },
        { limits: { callsPerSecond: 500 } },
      );
      await Promise.all(GRANTS.map(g => gateway.createAssignment(g)));
      const state = emulator.getState();
      expect(state.assignments).toHaveLength(18);
      expect(state.stats.peakCreatesInFlight).toBe(10);
      expect(state.stats.throttledByCreatesInFlight).toBe(0);
    });

    it('retries requests that are never answered once they time out', async () => {
      await start({}, { requestTimeoutMs: 150 });
      emulator.setFaults({ hangRate: 1, operations: ['ListPermissionSets'] });
      setTimeout(() => emulator.clearFaults(), 400);
      const sets = await gateway.listPermissionSets();
      expect(sets).toHaveLength(3);
      expect(emulator.getState().stats.hung).toBeGreaterThanOrEqual(1);
    });

    it('does not retry permanent failures', async () => {
      await start();
      emulator.setFaults({ accessDenied: ['DeletePermissionSet'] });
      const err = await rejection(gateway.deletePermissionSet(POWER));
      expect(err).toMatchObject({
        transient: false,
        code: 'AccessDeniedException',
      });
      expect(emulator.getState().calls.DeletePermissionSet).toBe(1);
    });

    it('gives up on a transient failure after maxAttempts, still transient', async () => {
      await start({ faults: { errorRate: 1 } }, { maxAttempts: 3 });
      const err = await rejection(gateway.listAssignments(SANDBOX, RO));
      expect(err).toMatchObject({
        transient: true,
        code: 'InternalServerException',
      });
      expect(emulator.getState().calls.ListAccountAssignments).toBe(3);
    });
  });

  describe('permission sets', () => {
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
        await gateway.listPermissionSetsByTag(
          'jit-access:request',
          'JIT-OTHER',
        ),
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
        emulator.getState().permissionSets.find(p => p.arn === arn)!
          .inlinePolicy,
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

  describe('fromConfig', () => {
    const identityCenter = (extra: object = {}) => ({
      region: 'us-east-1',
      instanceArn: seed.instanceArn,
      identityStoreId: seed.identityStoreId,
      endpoint: emulator.url,
      ...extra,
    });

    beforeEach(async () => {
      emulator = await startIdentityCenterEmulator({
        timing: { assignmentDelayMs: 20 },
      });
    });

    it('reads jitAccess.identityCenter and signs with dummy credentials for a local endpoint', async () => {
      gateway = SdkIdentityCenterGateway.fromConfig(
        new ConfigReader({
          jitAccess: {
            identityCenter: identityCenter({
              principalAttribute: 'emails.value',
              limits: { callsPerSecond: 10, maxCreatesInFlight: 2 },
            }),
          },
        }),
        { logger: mockServices.logger.mock() },
        { pollIntervalMs: 20 },
      );
      expect(await gateway.resolvePrincipalId('carol@example.com')).toBe(
        seed.users[4].userId,
      );
      await gateway.createAssignment({
        accountId: SANDBOX,
        permissionSetArn: RO,
        principalId: ALICE,
      });
      expect(emulator.getState().assignments).toHaveLength(1);
    });

    it('takes credentials from the aws integration when configured', async () => {
      const provider = jest.fn(async () => credentials);
      const credentialsManager = {
        getCredentialProvider: jest.fn(async () => ({
          sdkCredentialProvider: provider,
        })),
      };
      gateway = SdkIdentityCenterGateway.fromConfig(
        new ConfigReader({
          aws: { mainAccount: {} },
          jitAccess: {
            identityCenter: identityCenter({ accountId: '999999999999' }),
          },
        }),
        { logger: mockServices.logger.mock(), credentialsManager },
      );
      await gateway.listAssignments(SANDBOX, RO);
      await gateway.listAssignments(SANDBOX, RO);
      expect(credentialsManager.getCredentialProvider).toHaveBeenCalledTimes(1);
      expect(credentialsManager.getCredentialProvider).toHaveBeenCalledWith({
        accountId: '999999999999',
      });
      expect(provider).toHaveBeenCalled();
    });

    it('refuses an unknown principalAttribute', () => {
      expect(() =>
        SdkIdentityCenterGateway.fromConfig(
          new ConfigReader({
            jitAccess: {
              identityCenter: identityCenter({ principalAttribute: 'email' }),
            },
          }),
          { logger: mockServices.logger.mock() },
        ),
      ).toThrow(/principalAttribute/);
    });
  });
});
