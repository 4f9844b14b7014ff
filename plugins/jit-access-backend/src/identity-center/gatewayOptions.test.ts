import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import { SdkIdentityCenterGateway } from './SdkIdentityCenterGateway';
import {
  ALICE,
  credentials,
  RO,
  SANDBOX,
  seed,
  stopGatewayEmulator,
} from './__testUtils__/gatewayEmulator';

jest.setTimeout(60_000);

describe('SdkIdentityCenterGateway against the Identity Center emulator: fromConfig', () => {
  let emulator: IdentityCenterEmulator;
  let gateway: SdkIdentityCenterGateway;
  afterEach(() => stopGatewayEmulator(gateway, emulator));

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
