import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DeleteInlinePolicyFromPermissionSetCommand,
  DeletePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListInstancesCommand,
  paginateListInstances,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ListTagsForResourceCommand,
  paginateListPermissionSets,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePermissionSetCommand,
} from '@aws-sdk/client-sso-admin';
import { demoSeed } from './demoSeed';
import {
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from './emulator';
import {
  ALICE,
  BOB,
  errorOf,
  INSTANCE,
  PRODUCTION,
  RO,
  SANDBOX,
  sdkClients,
  settle,
  STORE,
} from './__testUtils__/sdk';

const POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}';

describe('SSO Admin operations, driven by the real AWS SDK', () => {
  let emulator: IdentityCenterEmulator;
  let c: ReturnType<typeof sdkClients>;

  beforeEach(async () => {
    emulator = await startIdentityCenterEmulator({
      timing: { assignmentDelayMs: 40 },
      quotas: { callsPerSecond: 1000 },
    });
    c = sdkClients(emulator.url);
  });
  afterEach(async () => {
    c.destroy();
    await emulator.close();
  });

  const target = (
    PrincipalId: string,
    TargetId: string,
    PermissionSetArn: string,
  ) => ({
    InstanceArn: INSTANCE,
    TargetId,
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn,
    PrincipalType: 'USER' as const,
    PrincipalId,
  });
  const createAssignment = (
    PrincipalId: string,
    TargetId = SANDBOX,
    PermissionSetArn = RO,
  ) =>
    c.sso.send(
      new CreateAccountAssignmentCommand(
        target(PrincipalId, TargetId, PermissionSetArn),
      ),
    );
  const deleteAssignment = (
    PrincipalId: string,
    TargetId = SANDBOX,
    PermissionSetArn = RO,
  ) =>
    c.sso.send(
      new DeleteAccountAssignmentCommand(
        target(PrincipalId, TargetId, PermissionSetArn),
      ),
    );

  async function createPermissionSet(Name = 'JIT-ABC123') {
    const out = await c.sso.send(
      new CreatePermissionSetCommand({
        InstanceArn: INSTANCE,
        Name,
        Description: 'JIT Access custom policy',
        SessionDuration: 'PT2H',
        Tags: [{ Key: 'jit-access:managed', Value: 'true' }],
      }),
    );
    return out.PermissionSet!.PermissionSetArn!;
  }

  describe('instances and permission sets', () => {
    it('lists the instance with its identity store', async () => {
      const out = await c.sso.send(new ListInstancesCommand({}));
      expect(out.Instances).toEqual([
        expect.objectContaining({
          InstanceArn: INSTANCE,
          IdentityStoreId: STORE,
          Status: 'ACTIVE',
        }),
      ]);
      expect(out.Instances![0].CreatedDate).toBeInstanceOf(Date);
    });

    it('lists the instances the seed says the credentials see: none, or others besides the emulated one, page by page', async () => {
      const other = {
        instanceArn: 'arn:aws:sso:::instance/ssoins-0000000000000002',
        identityStoreId: 'd-0000000002',
      };
      const listing = async (
        listedInstances: Array<{
          instanceArn: string;
          identityStoreId: string;
        }>,
      ) => {
        const e = await startIdentityCenterEmulator({
          seed: { ...demoSeed(), listedInstances },
          maxPageSize: 1,
        });
        const sdk = sdkClients(e.url);
        try {
          const arns: string[] = [];
          for await (const page of paginateListInstances(
            { client: sdk.sso },
            {},
          ))
            arns.push(
              ...page.Instances!.map(
                i => `${i.InstanceArn} ${i.IdentityStoreId}`,
              ),
            );
          return arns;
        } finally {
          sdk.destroy();
          await e.close();
        }
      };
      expect(await listing([])).toEqual([]);
      expect(
        await listing([
          { instanceArn: INSTANCE, identityStoreId: STORE },
          other,
        ]),
      ).toEqual([
        `${INSTANCE} ${STORE}`,
        `${other.instanceArn} ${other.identityStoreId}`,
      ]);
    });

    it('lists permission sets page by page with NextToken and MaxResults', async () => {
      const first = await c.sso.send(
        new ListPermissionSetsCommand({ InstanceArn: INSTANCE, MaxResults: 2 }),
      );
      expect(first.PermissionSets).toHaveLength(2);
      expect(first.NextToken).toEqual(expect.any(String));
      const second = await c.sso.send(
        new ListPermissionSetsCommand({
          InstanceArn: INSTANCE,
          MaxResults: 2,
          NextToken: first.NextToken,
        }),
      );
      expect(second.PermissionSets).toHaveLength(1);
      expect(second.NextToken).toBeUndefined();

      const all: string[] = [];
      for await (const page of paginateListPermissionSets(
        { client: c.sso, pageSize: 1 },
        { InstanceArn: INSTANCE },
      )) {
        all.push(...page.PermissionSets!);
      }
      expect(all).toHaveLength(3);
    });

    it('refuses a forged NextToken, a MaxResults out of range and an unknown instance', async () => {
      expect(
        await errorOf(
          c.sso.send(
            new ListPermissionSetsCommand({
              InstanceArn: INSTANCE,
              NextToken: 'forged',
            }),
          ),
        ),
      ).toMatchObject({ name: 'ValidationException' });
      expect(
        await errorOf(
          c.sso.send(
            new ListPermissionSetsCommand({
              InstanceArn: INSTANCE,
              MaxResults: 500,
            }),
          ),
        ),
      ).toMatchObject({ name: 'ValidationException' });
      expect(
        await errorOf(
          c.sso.send(
            new ListPermissionSetsCommand({
              InstanceArn: 'arn:aws:sso:::instance/ssoins-0',
            }),
          ),
        ),
      ).toMatchObject({
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('describes a permission set, CreatedDate as a Date', async () => {
      const out = await c.sso.send(
        new DescribePermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: RO,
        }),
      );
      expect(out.PermissionSet).toMatchObject({
        Name: 'ReadOnlyAccess',
        PermissionSetArn: RO,
        SessionDuration: 'PT1H',
        Description: 'Read-only access to AWS services',
      });
      expect(out.PermissionSet!.CreatedDate).toBeInstanceOf(Date);
      expect(
        await errorOf(
          c.sso.send(
            new DescribePermissionSetCommand({
              InstanceArn: INSTANCE,
              PermissionSetArn: `${RO}0`,
            }),
          ),
        ),
      ).toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it.each([
      ['', 'empty'],
      ['a'.repeat(33), '33 characters'],
      ['has space', 'a space'],
      ['slash/name', 'a slash'],
      ['ümlaut', 'a non-ASCII letter'],
    ])('refuses the name %j (%s)', async Name => {
      const err = await errorOf(
        c.sso.send(
          new CreatePermissionSetCommand({
            InstanceArn: INSTANCE,
            Name,
            SessionDuration: 'PT1H',
          }),
        ),
      );
      expect(err).toMatchObject({ name: 'ValidationException' });
    });

    it.each(['PT59M', 'PT13H', 'P1D', 'PT12H1M', '1h'])(
      'refuses the session duration %s',
      async SessionDuration => {
        const err = await errorOf(
          c.sso.send(
            new CreatePermissionSetCommand({
              InstanceArn: INSTANCE,
              Name: 'JIT-X',
              SessionDuration,
            }),
          ),
        );
        expect(err).toMatchObject({ name: 'ValidationException' });
      },
    );

    it('creates permission sets with the allowed names and durations, and refuses a duplicate name', async () => {
      for (const [Name, SessionDuration] of [
        ['a', 'PT1H'],
        ['a'.repeat(32), 'PT12H'],
        ['JIT_7K3F9Q+=,.@-', 'PT1H30M'],
      ]) {
        const out = await c.sso.send(
          new CreatePermissionSetCommand({
            InstanceArn: INSTANCE,
            Name,
            SessionDuration,
          }),
        );
        expect(out.PermissionSet).toMatchObject({ Name, SessionDuration });
        expect(out.PermissionSet!.PermissionSetArn).toMatch(
          /^arn:aws:sso:::permissionSet\/ssoins-7223a1b2c3d4e5f6\/ps-[0-9a-f]{16}$/,
        );
      }
      const dup = await errorOf(
        c.sso.send(
          new CreatePermissionSetCommand({
            InstanceArn: INSTANCE,
            Name: 'a',
            SessionDuration: 'PT1H',
          }),
        ),
      );
      expect(dup).toMatchObject({
        name: 'ConflictException',
        message: 'PermissionSet with name a already exists.',
      });
    });

    it('updates the session duration and description', async () => {
      const arn = await createPermissionSet();
      await c.sso.send(
        new UpdatePermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
          SessionDuration: 'PT3H',
        }),
      );
      const out = await c.sso.send(
        new DescribePermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
        }),
      );
      expect(out.PermissionSet!.SessionDuration).toBe('PT3H');
    });

    it('tags: create, list, tag (upsert) and untag', async () => {
      const arn = await createPermissionSet();
      await c.sso.send(
        new TagResourceCommand({
          InstanceArn: INSTANCE,
          ResourceArn: arn,
          Tags: [
            { Key: 'jit-access:request', Value: 'JIT-ABC123' },
            { Key: 'jit-access:managed', Value: 'yes' },
          ],
        }),
      );
      const listed = await c.sso.send(
        new ListTagsForResourceCommand({
          InstanceArn: INSTANCE,
          ResourceArn: arn,
        }),
      );
      expect(listed.Tags).toEqual([
        { Key: 'jit-access:request', Value: 'JIT-ABC123' },
        { Key: 'jit-access:managed', Value: 'yes' },
      ]);
      await c.sso.send(
        new UntagResourceCommand({
          InstanceArn: INSTANCE,
          ResourceArn: arn,
          TagKeys: ['jit-access:managed'],
        }),
      );
      expect(
        emulator.getState().permissionSets.find(p => p.arn === arn)!.tags,
      ).toEqual([{ key: 'jit-access:request', value: 'JIT-ABC123' }]);
    });
  });

  describe('inline policies', () => {
    it('puts, gets and deletes an inline policy', async () => {
      const arn = await createPermissionSet();
      await c.sso.send(
        new PutInlinePolicyToPermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
          InlinePolicy: POLICY,
        }),
      );
      const got = await c.sso.send(
        new GetInlinePolicyForPermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
        }),
      );
      expect(got.InlinePolicy).toBe(POLICY);
      expect(
        emulator.getState().permissionSets.find(p => p.arn === arn)!
          .inlinePolicy,
      ).toBe(POLICY);
      await c.sso.send(
        new DeleteInlinePolicyFromPermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
        }),
      );
      const gone = await c.sso.send(
        new GetInlinePolicyForPermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
        }),
      );
      expect(gone.InlinePolicy).toBe('');
    });

    /** A JSON policy of exactly `nonWhitespace` characters besides `padding` spaces. */
    function policyOfSize(nonWhitespace: number, padding = 0) {
      const prefix = '{"Version":"2012-10-17","Statement":[],"Sid":"';
      const suffix = '"}';
      const filler = 'x'.repeat(nonWhitespace - prefix.length - suffix.length);
      return `${prefix}${filler}${suffix}${' '.repeat(padding)}`;
    }

    it('accepts exactly 10,240 non-whitespace characters within 32,768 in total', async () => {
      const arn = await createPermissionSet();
      const policy = policyOfSize(10_240, 32_768 - 10_240);
      expect(policy).toHaveLength(32_768);
      await expect(
        c.sso.send(
          new PutInlinePolicyToPermissionSetCommand({
            InstanceArn: INSTANCE,
            PermissionSetArn: arn,
            InlinePolicy: policy,
          }),
        ),
      ).resolves.toBeDefined();
    });

    it.each([
      ['10,241 non-whitespace characters', policyOfSize(10_241)],
      ['32,769 characters in total', policyOfSize(1_000, 32_769 - 1_000)],
      ['a document that is not JSON', '{"Version": '],
      ['a JSON array', '[]'],
    ])('refuses %s', async (_what, InlinePolicy) => {
      const arn = await createPermissionSet();
      const err = await errorOf(
        c.sso.send(
          new PutInlinePolicyToPermissionSetCommand({
            InstanceArn: INSTANCE,
            PermissionSetArn: arn,
            InlinePolicy,
          }),
        ),
      );
      expect(err).toMatchObject({ name: 'ValidationException' });
      expect(
        emulator.getState().permissionSets.find(p => p.arn === arn)!
          .inlinePolicy,
      ).toBeUndefined();
    });
  });

  describe('account assignments', () => {
    it('are created asynchronously: IN_PROGRESS, then SUCCEEDED, and listed only then', async () => {
      const created = await createAssignment(ALICE);
      const status = created.AccountAssignmentCreationStatus!;
      expect(status).toMatchObject({
        Status: 'IN_PROGRESS',
        RequestId: expect.any(String),
        TargetId: SANDBOX,
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: RO,
        PrincipalType: 'USER',
        PrincipalId: ALICE,
      });
      expect(status.CreatedDate).toBeInstanceOf(Date);
      expect(emulator.getState().assignments).toEqual([]);
      expect(emulator.getState().inFlight.creates).toBe(1);

      const done = await settle(c.sso, 'create', status.RequestId!);
      expect(done.Status).toBe('SUCCEEDED');
      const listed = await c.sso.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: INSTANCE,
          AccountId: SANDBOX,
          PermissionSetArn: RO,
        }),
      );
      expect(listed.AccountAssignments).toEqual([
        {
          AccountId: SANDBOX,
          PermissionSetArn: RO,
          PrincipalType: 'USER',
          PrincipalId: ALICE,
        },
      ]);
      expect(emulator.getState().operations).toEqual([
        expect.objectContaining({
          kind: 'CreateAccountAssignment',
          status: 'SUCCEEDED',
          requestId: status.RequestId,
        }),
      ]);
    });

    it('creating an assignment that exists succeeds without duplicating it', async () => {
      const first = await createAssignment(ALICE);
      await settle(
        c.sso,
        'create',
        first.AccountAssignmentCreationStatus!.RequestId!,
      );
      const again = await createAssignment(ALICE);
      expect(
        (
          await settle(
            c.sso,
            'create',
            again.AccountAssignmentCreationStatus!.RequestId!,
          )
        ).Status,
      ).toBe('SUCCEEDED');
      expect(emulator.getState().assignments).toHaveLength(1);
    });

    it('are deleted asynchronously, and the last one deprovisions the set from the account', async () => {
      for (const p of [ALICE, BOB]) {
        const out = await createAssignment(p);
        await settle(
          c.sso,
          'create',
          out.AccountAssignmentCreationStatus!.RequestId!,
        );
      }
      expect(emulator.getState().provisioned).toEqual([
        {
          permissionSetArn: RO,
          accountId: SANDBOX,
          status: 'LATEST_PERMISSION_SET_PROVISIONED',
        },
      ]);
      const del = await deleteAssignment(ALICE);
      expect(del.AccountAssignmentDeletionStatus).toMatchObject({
        Status: 'IN_PROGRESS',
        PrincipalId: ALICE,
      });
      expect(
        (
          await settle(
            c.sso,
            'delete',
            del.AccountAssignmentDeletionStatus!.RequestId!,
          )
        ).Status,
      ).toBe('SUCCEEDED');
      expect(emulator.getState().assignments.map(a => a.principalId)).toEqual([
        BOB,
      ]);
      expect(emulator.getState().provisioned).toHaveLength(1);

      const last = await deleteAssignment(BOB);
      await settle(
        c.sso,
        'delete',
        last.AccountAssignmentDeletionStatus!.RequestId!,
      );
      expect(emulator.getState().assignments).toEqual([]);
      expect(emulator.getState().provisioned).toEqual([]);
    });

    it('deleting an assignment that does not exist succeeds', async () => {
      const del = await deleteAssignment(ALICE);
      expect(
        (
          await settle(
            c.sso,
            'delete',
            del.AccountAssignmentDeletionStatus!.RequestId!,
          )
        ).Status,
      ).toBe('SUCCEEDED');
    });

    it.each([
      [
        'an unknown principal',
        'nope',
        SANDBOX,
        RO,
        'principal nope does not exist',
      ],
      [
        'an account outside the organization',
        ALICE,
        '999999999999',
        RO,
        'account 999999999999 is not a member',
      ],
      ['an unknown permission set', ALICE, SANDBOX, `${RO}0`, 'does not exist'],
    ])(
      'FAILED with a FailureReason for %s',
      async (_what, principal, account, ps, reason) => {
        const out = await createAssignment(principal, account, ps);
        expect(out.AccountAssignmentCreationStatus!.Status).toBe('IN_PROGRESS');
        const done = await settle(
          c.sso,
          'create',
          out.AccountAssignmentCreationStatus!.RequestId!,
        );
        expect(done.Status).toBe('FAILED');
        expect(done.FailureReason).toContain(reason);
        expect(emulator.getState().assignments).toEqual([]);
      },
    );

    it('refuses malformed targets synchronously and unknown request ids', async () => {
      expect(await errorOf(createAssignment(ALICE, '1234'))).toMatchObject({
        name: 'ValidationException',
      });
      expect(
        await errorOf(
          c.sso.send(
            new DescribeAccountAssignmentCreationStatusCommand({
              InstanceArn: INSTANCE,
              AccountAssignmentCreationRequestId:
                'b0f1cfd4-0000-0000-0000-000000000000',
            }),
          ),
        ),
      ).toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('a create and a delete of the same assignment in progress at once conflict', async () => {
      await createAssignment(ALICE);
      expect(await errorOf(deleteAssignment(ALICE))).toMatchObject({
        name: 'ConflictException',
      });
    });

    it('lists by principal, by account and by permission set', async () => {
      for (const [p, account] of [
        [ALICE, SANDBOX],
        [ALICE, PRODUCTION],
        [BOB, PRODUCTION],
      ]) {
        const out = await createAssignment(p, account);
        await settle(
          c.sso,
          'create',
          out.AccountAssignmentCreationStatus!.RequestId!,
        );
      }
      const forAlice = await c.sso.send(
        new ListAccountAssignmentsForPrincipalCommand({
          InstanceArn: INSTANCE,
          PrincipalId: ALICE,
          PrincipalType: 'USER',
        }),
      );
      expect(forAlice.AccountAssignments!.map(a => a.AccountId)).toEqual([
        SANDBOX,
        PRODUCTION,
      ]);
      const filtered = await c.sso.send(
        new ListAccountAssignmentsForPrincipalCommand({
          InstanceArn: INSTANCE,
          PrincipalId: ALICE,
          PrincipalType: 'USER',
          Filter: { AccountId: PRODUCTION },
        }),
      );
      expect(filtered.AccountAssignments).toEqual([
        {
          AccountId: PRODUCTION,
          PermissionSetArn: RO,
          PrincipalId: ALICE,
          PrincipalType: 'USER',
        },
      ]);
      const toAccount = await c.sso.send(
        new ListPermissionSetsProvisionedToAccountCommand({
          InstanceArn: INSTANCE,
          AccountId: PRODUCTION,
        }),
      );
      expect(toAccount.PermissionSets).toEqual([RO]);
      const accounts = await c.sso.send(
        new ListAccountsForProvisionedPermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: RO,
        }),
      );
      expect(accounts.AccountIds).toEqual([SANDBOX, PRODUCTION]);
    });
  });

  describe('permission set deletion and provisioning', () => {
    it('DeletePermissionSet is a ConflictException while the set is assigned, and works once it is not', async () => {
      const arn = await createPermissionSet();
      const created = await createAssignment(ALICE, SANDBOX, arn);
      // in progress: conflict too
      expect(
        await errorOf(
          c.sso.send(
            new DeletePermissionSetCommand({
              InstanceArn: INSTANCE,
              PermissionSetArn: arn,
            }),
          ),
        ),
      ).toMatchObject({ name: 'ConflictException' });
      await settle(
        c.sso,
        'create',
        created.AccountAssignmentCreationStatus!.RequestId!,
      );
      const err = await errorOf(
        c.sso.send(
          new DeletePermissionSetCommand({
            InstanceArn: INSTANCE,
            PermissionSetArn: arn,
          }),
        ),
      );
      expect(err).toMatchObject({ name: 'ConflictException' });
      expect(err.message).toContain(SANDBOX);

      const del = await deleteAssignment(ALICE, SANDBOX, arn);
      await settle(
        c.sso,
        'delete',
        del.AccountAssignmentDeletionStatus!.RequestId!,
      );
      await c.sso.send(
        new DeletePermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
        }),
      );
      expect(emulator.getState().permissionSets.map(p => p.arn)).not.toContain(
        arn,
      );
      expect(
        await errorOf(
          c.sso.send(
            new DeletePermissionSetCommand({
              InstanceArn: INSTANCE,
              PermissionSetArn: arn,
            }),
          ),
        ),
      ).toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('a changed set is outdated where provisioned until ProvisionPermissionSet SUCCEEDED', async () => {
      const arn = await createPermissionSet();
      const created = await createAssignment(ALICE, SANDBOX, arn);
      await settle(
        c.sso,
        'create',
        created.AccountAssignmentCreationStatus!.RequestId!,
      );
      await c.sso.send(
        new PutInlinePolicyToPermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
          InlinePolicy: POLICY,
        }),
      );
      const outdated = await c.sso.send(
        new ListAccountsForProvisionedPermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
          ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
        }),
      );
      expect(outdated.AccountIds).toEqual([SANDBOX]);

      const started = await c.sso.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
          TargetType: 'ALL_PROVISIONED_ACCOUNTS',
        }),
      );
      expect(started.PermissionSetProvisioningStatus).toMatchObject({
        Status: 'IN_PROGRESS',
        PermissionSetArn: arn,
      });
      // a concurrent change to the same set conflicts while provisioning is in progress
      expect(
        await errorOf(
          c.sso.send(
            new PutInlinePolicyToPermissionSetCommand({
              InstanceArn: INSTANCE,
              PermissionSetArn: arn,
              InlinePolicy: POLICY,
            }),
          ),
        ),
      ).toMatchObject({ name: 'ConflictException' });
      expect(await errorOf(createAssignment(BOB, SANDBOX, arn))).toMatchObject({
        name: 'ConflictException',
      });
      const done = await settle(
        c.sso,
        'provision',
        started.PermissionSetProvisioningStatus!.RequestId!,
      );
      expect(done).toMatchObject({ Status: 'SUCCEEDED' });
      expect(done.CreatedDate).toBeInstanceOf(Date);
      const current = await c.sso.send(
        new ListPermissionSetsProvisionedToAccountCommand({
          InstanceArn: INSTANCE,
          AccountId: SANDBOX,
          ProvisioningStatus: 'LATEST_PERMISSION_SET_PROVISIONED',
        }),
      );
      expect(current.PermissionSets).toEqual([arn]);
    });

    it('provisions to one account, and FAILS for an account outside the organization', async () => {
      const arn = await createPermissionSet();
      const ok = await c.sso.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
          TargetType: 'AWS_ACCOUNT',
          TargetId: PRODUCTION,
        }),
      );
      expect(ok.PermissionSetProvisioningStatus!.AccountId).toBe(PRODUCTION);
      expect(
        (
          await settle(
            c.sso,
            'provision',
            ok.PermissionSetProvisioningStatus!.RequestId!,
          )
        ).Status,
      ).toBe('SUCCEEDED');
      expect(emulator.getState().provisioned).toContainEqual({
        permissionSetArn: arn,
        accountId: PRODUCTION,
        status: 'LATEST_PERMISSION_SET_PROVISIONED',
      });
      const bad = await c.sso.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: INSTANCE,
          PermissionSetArn: arn,
          TargetType: 'AWS_ACCOUNT',
          TargetId: '999999999999',
        }),
      );
      const failed = await settle(
        c.sso,
        'provision',
        bad.PermissionSetProvisioningStatus!.RequestId!,
      );
      expect(failed).toMatchObject({
        Status: 'FAILED',
        FailureReason: expect.stringContaining('999999999999'),
      });
    });
  });
});
