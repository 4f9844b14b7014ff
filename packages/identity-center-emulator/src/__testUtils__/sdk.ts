/*
 * Test helpers: the real AWS SDK clients pointed at an emulator, with the
 * SDK's own retries off so that every refusal is visible to the test.
 */
import {
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetProvisioningStatusCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import http from 'node:http';
import { demoSeed } from '../demoSeed';

/** @internal */
export const seed = demoSeed();
/** @internal */
export const INSTANCE = seed.instanceArn;
/** @internal */
export const STORE = seed.identityStoreId;
/** @internal */
export const [RO, POWER, ADMIN] = seed.permissionSets.map(p => p.arn);
/** @internal */
export const [ALICE, BOB] = seed.users.map(u => u.userId!);
/** @internal */
export const SANDBOX = '111111111111';
/** @internal */
export const PRODUCTION = '222222222222';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** @internal */
export function sdkClients(url: string, requestTimeout?: number) {
  const common = {
    endpoint: url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    // Without throwOnRequestTimeout the SDK only logs a warning on timeout.
    ...(requestTimeout
      ? { requestHandler: { requestTimeout, throwOnRequestTimeout: true } }
      : {}),
  };
  const sso = new SSOAdminClient(common);
  const ids = new IdentitystoreClient(common);
  return {
    sso,
    ids,
    destroy() {
      sso.destroy();
      ids.destroy();
    },
  };
}

/** @internal */
export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Polls an asynchronous operation until it leaves IN_PROGRESS.
 * @internal
 */
export async function settle(
  sso: SSOAdminClient,
  kind: 'create' | 'delete' | 'provision',
  requestId: string,
) {
  for (;;) {
    let status;
    if (kind === 'create') {
      status = (
        await sso.send(
          new DescribeAccountAssignmentCreationStatusCommand({
            InstanceArn: INSTANCE,
            AccountAssignmentCreationRequestId: requestId,
          }),
        )
      ).AccountAssignmentCreationStatus!;
    } else if (kind === 'delete') {
      status = (
        await sso.send(
          new DescribeAccountAssignmentDeletionStatusCommand({
            InstanceArn: INSTANCE,
            AccountAssignmentDeletionRequestId: requestId,
          }),
        )
      ).AccountAssignmentDeletionStatus!;
    } else {
      status = (
        await sso.send(
          new DescribePermissionSetProvisioningStatusCommand({
            InstanceArn: INSTANCE,
            ProvisionPermissionSetRequestId: requestId,
          }),
        )
      ).PermissionSetProvisioningStatus!;
    }
    if (status.Status !== 'IN_PROGRESS') return status;
    await sleep(10);
  }
}

/**
 * The error a promise rejects with (fails the test if it resolves).
 * @internal
 */
export async function errorOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/**
 * A plain HTTP request (for the wire format and the control endpoints).
 * @internal
 */
export function raw(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
  } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', d => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * An AWS JSON 1.1 call without the SDK.
 * @internal
 */
export function awsCall(url: string, target: string, input: unknown) {
  return raw(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': target,
    },
    body: JSON.stringify(input),
  });
}
