import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  demoSeed,
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import { ENTITIES } from '../__testUtils__/demoCatalog';
import { jitAccessPlugin } from '../plugin';
import { SdkIdentityCenterGateway } from './SdkIdentityCenterGateway';
import {
  rejection,
  RO,
  SANDBOX,
  seed,
  startGatewayEmulator,
  stopGatewayEmulator,
} from './__testUtils__/gatewayEmulator';

jest.setTimeout(60_000);

const EMULATED = {
  instanceArn: seed.instanceArn,
  identityStoreId: seed.identityStoreId,
};
const OTHER = {
  instanceArn: 'arn:aws:sso:::instance/ssoins-0000000000000002',
  identityStoreId: 'd-0000000002',
};
const KEYS =
  /set jitAccess\.identityCenter\.instanceArn and jitAccess\.identityCenter\.identityStoreId/;

describe('the Identity Center instance, found with ListInstances when config names none', () => {
  let emulator: IdentityCenterEmulator;
  let gateway: SdkIdentityCenterGateway;
  const start = async (
    listedInstances?: Array<typeof EMULATED>,
    configured: Partial<typeof EMULATED> = {},
  ) => {
    ({ emulator, gateway } = await startGatewayEmulator(
      { seed: { ...demoSeed(), listedInstances } },
      { instanceArn: undefined, identityStoreId: undefined, ...configured },
    ));
  };
  afterEach(() => stopGatewayEmulator(gateway, emulator));

  it('takes the only instance, looks it up once, and every call works in it', async () => {
    await start();
    const principalId = await gateway.resolvePrincipalId('alice@example.com');
    await gateway.createAssignment({
      accountId: SANDBOX,
      permissionSetArn: RO,
      principalId,
    });
    expect(await gateway.listPermissionSets()).toHaveLength(3);
    expect(await gateway.instance()).toEqual(EMULATED);
    const state = emulator.getState();
    expect(state.assignments).toHaveLength(1);
    expect(state.calls.ListInstances).toBe(1);
  });

  it('with no instance in sight, every call fails permanently, naming the config keys', async () => {
    await start([]);
    const err = await rejection(gateway.listPermissionSets());
    expect(err).toMatchObject({
      transient: false,
      code: 'InstanceNotDiscovered',
    });
    expect(err.message).toMatch(/found no IAM Identity Center instance/);
    expect(err.message).toMatch(KEYS);
    await expect(
      gateway.resolvePrincipalId('alice@example.com'),
    ).rejects.toThrow(KEYS);
    expect(emulator.getState().calls.ListPermissionSets).toBeUndefined();
  });

  it('with several instances, fails naming them and the config keys', async () => {
    await start([EMULATED, OTHER]);
    const err = await rejection(gateway.instance());
    expect(err).toMatchObject({
      transient: false,
      code: 'InstanceNotDiscovered',
    });
    expect(err.message).toContain('found 2 IAM Identity Center instances');
    expect(err.message).toContain(EMULATED.instanceArn);
    expect(err.message).toContain(OTHER.instanceArn);
    expect(err.message).toMatch(KEYS);
  });

  it('with one key configured, takes the one listed instance that matches it', async () => {
    await start([OTHER, EMULATED], { identityStoreId: seed.identityStoreId });
    expect(await gateway.instance()).toEqual(EMULATED);
    await stopGatewayEmulator(gateway, emulator);
    await start([OTHER], { instanceArn: seed.instanceArn });
    const err = await rejection(gateway.instance());
    expect(err.message).toContain(
      `found no IAM Identity Center instance with instance ${seed.instanceArn}`,
    );
    expect(err.message).toContain(OTHER.instanceArn);
  });

  it('with both keys configured, never calls ListInstances', async () => {
    await start([], EMULATED);
    await gateway.listAssignments(SANDBOX, RO);
    expect(emulator.getState().calls.ListInstances).toBeUndefined();
  });

  it('a lookup that failed transiently is not kept: the next call looks again', async () => {
    await start();
    emulator.setFaults({ errorRate: 1, operations: ['ListInstances'] });
    const err = await rejection(gateway.listAssignments(SANDBOX, RO));
    expect(err).toMatchObject({ transient: true });
    emulator.clearFaults();
    expect(await gateway.listAssignments(SANDBOX, RO)).toEqual([]);
  });

  it('a refused lookup says how to do without it', async () => {
    await start();
    emulator.setFaults({ accessDenied: ['ListInstances'] });
    const err = await rejection(gateway.instance());
    expect(err).toMatchObject({
      transient: false,
      code: 'AccessDeniedException',
    });
    expect(err.message).toMatch(KEYS);
    expect(err.message).toContain('allow sso:ListInstances');
  });

  it('fromConfig leaves both keys out when config does', async () => {
    emulator = await startIdentityCenterEmulator({
      timing: { assignmentDelayMs: 20 },
    });
    gateway = SdkIdentityCenterGateway.fromConfig(
      new ConfigReader({
        jitAccess: {
          identityCenter: { region: 'us-east-1', endpoint: emulator.url },
        },
      }),
      { logger: mockServices.logger.mock() },
    );
    expect(await gateway.resolvePrincipalId('alice@example.com')).toBe(
      seed.users[0].userId,
    );
    expect(emulator.getState().calls.ListInstances).toBe(1);
  });

  it('the plugin does not start when no instance is found', async () => {
    emulator = await startIdentityCenterEmulator({
      seed: { ...demoSeed(), listedInstances: [] },
    });
    await expect(
      startTestBackend({
        features: [
          jitAccessPlugin,
          catalogServiceMock.factory({ entities: ENTITIES }),
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              jitAccess: {
                identityCenter: { region: 'us-east-1', endpoint: emulator.url },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      /Plugin 'jit-access' startup failed.*found no IAM Identity Center instance.*jitAccess\.identityCenter\.instanceArn/s,
    );
  });
});
