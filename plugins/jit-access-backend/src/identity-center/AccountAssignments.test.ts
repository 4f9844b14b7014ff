import { IdentityCenterEmulator } from '@jit-access/identity-center-emulator';
import { IdentityCenterError } from './IdentityCenterError';
import { SdkIdentityCenterGateway } from './SdkIdentityCenterGateway';
import {
  ALICE,
  rejection,
  RO,
  SANDBOX,
  startGatewayEmulator,
  stopGatewayEmulator,
} from './__testUtils__/gatewayEmulator';

jest.setTimeout(60_000);

describe('SdkIdentityCenterGateway against the Identity Center emulator: grants', () => {
  let emulator: IdentityCenterEmulator;
  let gateway: SdkIdentityCenterGateway;
  const start = async (...args: Parameters<typeof startGatewayEmulator>) => {
    ({ emulator, gateway } = await startGatewayEmulator(...args));
  };
  afterEach(() => stopGatewayEmulator(gateway, emulator));

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
