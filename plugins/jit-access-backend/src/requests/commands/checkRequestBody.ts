import { InputError, NotAllowedError } from '@backstage/errors';
import {
  type CreateRequestBody,
  checkBreakGlass,
  decideExtend,
  validatePolicy,
} from '@jit-access/plugin-jit-access-common';
import type { StoredAccount, StoredPermissionSet } from '../../database';
import type { Caller } from '../../service/types';
import type { RequestsContext } from '../context';

/** A request body that passed every check, with what it refers to. */
export interface CheckedRequest {
  body: CreateRequestBody;
  account: StoredAccount;
  /** Absent for a custom policy. */
  permissionSet?: StoredPermissionSet;
}

/**
 * Checks what a request asks for against the config of now: an onboarded
 * account, a permission set enabled there or a valid custom policy where
 * custom policies are allowed, break-glass where the account allows it, an
 * extension of the caller's own extendable session, a start not in the past.
 * Each refusal names the field and what is wrong (400), or says who may not
 * (403).
 */
export async function checkRequestBody(
  { deps, config, accounts, now }: RequestsContext,
  caller: Caller,
  input: CreateRequestBody,
): Promise<CheckedRequest> {
  let body = input;
  const account = await config.account(body.accountId);
  if (!account || !account.onboarded) {
    throw new InputError(`accountId: AWS account '${body.accountId}' is not onboarded to JIT Access`);
  }
  // Accounts from the catalog whose entity is gone or claimed twice (AccountListView, service/catalogAccounts.ts).
  const unavailable = (await accounts.list()).unavailable.get(account.accountId);
  if (unavailable) throw new InputError(`accountId: ${unavailable.reason}`);
  if (body.breakGlass) {
    const refusal = checkBreakGlass({
      account,
      kind: body.customPolicy !== undefined ? 'custom' : 'standard',
      reason: body.reason,
      extendsRequestId: body.extendsRequestId,
      startAt: body.startAt,
    });
    if (refusal?.code === 'not-allowed') throw new NotAllowedError(`${refusal.field}: ${refusal.message}`);
    if (refusal) throw new InputError(`${refusal.field}: ${refusal.message}`);
  }
  if (body.extendsRequestId) {
    const original = await deps.store.getRequest(body.extendsRequestId);
    if (!original || original.requester !== caller.userEntityRef) {
      throw new InputError(`extendsRequestId: '${body.extendsRequestId}' is not a session of yours`);
    }
    const extend = decideExtend({ request: original, actor: { userEntityRef: caller.userEntityRef } });
    if (!extend.allowed) throw new InputError(`extendsRequestId: ${original.id}: ${extend.reason}`);
    if (original.accountId !== body.accountId) {
      throw new InputError(`accountId: an extension of ${original.id} must be for account ${original.accountId}`);
    }
    if (body.permissionSetArn && body.permissionSetArn !== original.permissionSetArn) {
      throw new InputError(`permissionSetArn: an extension of ${original.id} must be for ${original.permissionSetName}`);
    }
    body = { ...body, permissionSetArn: original.permissionSetArn, customPolicy: undefined };
  }

  let permissionSet: StoredPermissionSet | undefined;
  if (body.permissionSetArn && body.customPolicy) {
    throw new InputError('permissionSetArn, customPolicy: give either a permission set or a custom policy, not both');
  }
  const where = `account ${account.name} (${account.accountId})`;
  if (body.permissionSetArn) {
    if (!account.enabledPermissionSetArns.includes(body.permissionSetArn)) {
      throw new InputError(`permissionSetArn: permission set '${body.permissionSetArn}' is not enabled for ${where}`);
    }
    permissionSet = (await config.permissionSets()).find(s => s.arn === body.permissionSetArn);
    if (!permissionSet) throw new InputError(`permissionSetArn: permission set '${body.permissionSetArn}' is unknown`);
  } else if (body.customPolicy !== undefined) {
    if (!account.customPolicyAllowed) {
      throw new InputError(`customPolicy: custom policies are not allowed for ${where}`);
    }
    const validation = validatePolicy(body.customPolicy);
    if (!validation.valid) {
      const first = validation.errors[0];
      const at = first.line ? ` (line ${first.line}, column ${first.column})` : '';
      const more = validation.errors.length > 1 ? ` and ${validation.errors.length - 1} more error(s)` : '';
      throw new InputError(`customPolicy: ${first.message}${at}${more}`);
    }
  } else {
    throw new InputError('permissionSetArn: a permission set or a custom policy is required');
  }
  if (body.startAt && Date.parse(body.startAt) < now() - 60_000) {
    throw new InputError('startAt: the start time is in the past');
  }
  return { body, account, permissionSet };
}
