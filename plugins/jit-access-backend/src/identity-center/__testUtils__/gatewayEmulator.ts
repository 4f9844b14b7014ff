/*
 * Test helpers: an SdkIdentityCenterGateway against a fresh Identity Center
 * emulator seeded with the demo data, polling and retrying fast.
 */
import {
  demoSeed,
  EmulatorOptions,
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import {
  SdkIdentityCenterGateway,
  SdkIdentityCenterGatewayOptions,
} from '../SdkIdentityCenterGateway';

/** @internal */
export const seed = demoSeed();
/** @internal */
export const [RO, POWER] = seed.permissionSets.map(p => p.arn);
/** @internal */
export const USERS = seed.users.map(u => u.userId!);
/** @internal */
export const [ALICE, BOB] = USERS;
/** @internal */
export const SANDBOX = '111111111111';
/** @internal */
export const PRODUCTION = '222222222222';
/** @internal */
export const POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}';
/** @internal */
export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** 18 distinct (account, user) grants. @internal */
export const GRANTS = ['111111111111', '222222222222', '333333333333'].flatMap(
  accountId =>
    USERS.map(principalId => ({
      accountId,
      permissionSetArn: RO,
      principalId,
    })),
);

/** The error a promise rejects with; fails if it resolves. @internal */
export const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    e => e,
  );

/**
 * An emulator (assignments take 50 ms unless `emulatorOptions` say
 * otherwise) and a gateway against it (polling every 20 ms, retrying from
 * 20 ms up to 500 ms), both to be ended with {@link stopGatewayEmulator}.
 * @internal
 */
export async function startGatewayEmulator(
  emulatorOptions: EmulatorOptions = {},
  gatewayOptions: Partial<SdkIdentityCenterGatewayOptions> = {},
) {
  const emulator: IdentityCenterEmulator = await startIdentityCenterEmulator({
    timing: { assignmentDelayMs: 50 },
    ...emulatorOptions,
  });
  const gateway = new SdkIdentityCenterGateway({
    region: 'us-east-1',
    instanceArn: seed.instanceArn,
    identityStoreId: seed.identityStoreId,
    endpoint: emulator.url,
    credentials,
    pollIntervalMs: 20,
    retry: { baseDelayMs: 20, maxDelayMs: 500 },
    ...gatewayOptions,
  });
  return { emulator, gateway };
}

/** Ends what {@link startGatewayEmulator} started (either may be missing). @internal */
export async function stopGatewayEmulator(
  gateway: SdkIdentityCenterGateway | undefined,
  emulator: IdentityCenterEmulator | undefined,
) {
  gateway?.destroy();
  await emulator?.close();
}
