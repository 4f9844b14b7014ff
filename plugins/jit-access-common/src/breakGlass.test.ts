import { checkBreakGlass, decideReviewClose } from './breakGlass';
import { stepsFor } from './approval';
import { nextStatus } from './lifecycle';

const sandbox = { accountId: '111111111111', name: 'sandbox', breakGlassAllowed: true };
const ok = { account: sandbox, kind: 'standard' as const, reason: 'prod outage INC-42' };

describe('checkBreakGlass', () => {
  it('accepts a standard permission set on an account that allows it', () => {
    expect(checkBreakGlass(ok)).toBeUndefined();
  });

  it.each([
    { over: { account: { ...sandbox, breakGlassAllowed: false } }, code: 'not-allowed', field: 'breakGlass' },
    { over: { kind: 'custom' as const }, code: 'custom-policy', field: 'customPolicy' },
    { over: { extendsRequestId: 'JIT-7K3F9Q' }, code: 'extension', field: 'extendsRequestId' },
    { over: { startAt: '2030-01-01T00:00:00Z' }, code: 'start-time', field: 'startAt' },
    { over: { reason: '  outage  ' }, code: 'reason-too-short', field: 'reason' },
  ])('refuses $code naming $field', ({ over, code, field }) => {
    expect(checkBreakGlass({ ...ok, ...over })).toMatchObject({ code, field });
  });

  it('says how long the reason must be', () => {
    expect(checkBreakGlass({ ...ok, reason: 'outage' })?.message).toBe(
      'a break-glass request needs a reason of at least 10 characters (6 given): say what the emergency is',
    );
  });

  it('is one self-approved step that moves pending to approved', () => {
    expect(stepsFor({ kind: 'standard', permissionSetRequiresTwoLevels: true, breakGlass: true })).toEqual(['break-glass']);
    expect(nextStatus('pending', 'break-glass')).toBe('approved');
  });
});

describe('decideReviewClose', () => {
  const request = {
    requester: 'user:default/alice',
    accountName: 'sandbox',
    breakGlass: true,
    review: { status: 'open' as const },
  };
  const bob = { userEntityRef: 'user:default/bob', isOwner: true, isAdmin: false };

  it('an owner or an admin closes an open review', () => {
    expect(decideReviewClose({ request, actor: bob })).toEqual({ allowed: true });
    expect(decideReviewClose({ request, actor: { ...bob, isOwner: false, isAdmin: true } })).toEqual({ allowed: true });
  });

  it.each([
    { req: { breakGlass: false, review: undefined }, actor: {}, code: 'not-break-glass' },
    { req: { review: { status: 'closed' as const } }, actor: {}, code: 'closed' },
    { req: {}, actor: { userEntityRef: 'user:default/alice', isAdmin: true }, code: 'own-request' },
    { req: {}, actor: { isOwner: false }, code: 'not-owner-or-admin' },
  ])('refuses: $code', ({ req, actor, code }) => {
    expect(decideReviewClose({ request: { ...request, ...req }, actor: { ...bob, ...actor } })).toMatchObject({
      allowed: false,
      code,
    });
  });
});
