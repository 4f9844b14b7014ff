import { decideCancel, decideEnd, decideExtend, decideRevoke, type ActionFacts } from './requestActions';
import type { RequestStatus } from './types';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const facts = (status: RequestStatus, actor: Partial<ActionFacts['actor']> = {}, kind: 'standard' | 'custom' = 'standard'): ActionFacts => ({
  request: { requester: ALICE, status, kind },
  actor: { userEntityRef: ALICE, ...actor },
});
const ALL: RequestStatus[] = ['pending', 'approved', 'provisioning', 'active', 'ending', 'expired', 'revoked', 'ended', 'rejected', 'cancelled', 'timed_out', 'failed'];

describe('the verdict of each action on a request', () => {
  it.each(ALL)('cancel, by the requester, of a %s request', status => {
    const allowed = status === 'pending' || status === 'approved';
    expect(decideCancel(facts(status))).toEqual(
      allowed
        ? { allowed: true }
        : { allowed: false, conflict: true, reason: `The request is ${status.replace('_', ' ')}; only pending or approved requests can be cancelled.` },
    );
  });

  it('cancel by anybody else: refused for who they are, not for the state', () => {
    expect(decideCancel(facts('pending', { userEntityRef: BOB, isAdmin: true }))).toEqual({
      allowed: false,
      conflict: false,
      reason: 'Only the requester can cancel a request.',
    });
  });

  it.each(ALL)('end early, by the requester, of a %s session', status => {
    expect(decideEnd(facts(status)).allowed).toBe(status === 'active');
  });

  it('end early by somebody else is a revoke', () => {
    expect(decideEnd(facts('active', { userEntityRef: BOB, isAdmin: true, mayRevoke: true }))).toMatchObject({
      allowed: false,
      conflict: false,
      reason: 'Only the requester can end their own session early; others revoke it.',
    });
  });

  it.each([
    // actor,                                            allowed, reason
    [{ userEntityRef: BOB, isOwner: true, mayRevoke: true }, true, undefined],
    [{ userEntityRef: BOB, isAdmin: true, mayRevoke: true }, true, undefined],
    [{ userEntityRef: BOB, isOwner: true, mayRevoke: false }, false, 'Only an owner of the account or an Admin/SSO Admin can revoke this session.'],
    [{ userEntityRef: BOB, mayRevoke: true }, false, 'Only an owner of the account or an Admin/SSO Admin can revoke this session.'],
    [{ userEntityRef: ALICE, isAdmin: true, mayRevoke: true }, false, 'This is your own session: end it early instead.'],
  ] as const)('revoke of an active session by %j', (actor, allowed, reason) => {
    expect(decideRevoke(facts('active', actor))).toEqual(allowed ? { allowed: true } : { allowed: false, conflict: false, reason });
  });

  it('revoke of a session that is not active is a conflict, whoever asks', () => {
    expect(decideRevoke(facts('ending', { userEntityRef: BOB, isAdmin: true, mayRevoke: true }))).toEqual({
      allowed: false,
      conflict: true,
      reason: 'The request is ending; only active sessions can be revoked.',
    });
  });

  it('extend: the requester, an active session, a standard permission set', () => {
    expect(decideExtend(facts('active'))).toEqual({ allowed: true });
    expect(decideExtend(facts('active', {}, 'custom'))).toMatchObject({ allowed: false, conflict: false, reason: 'Sessions with a custom policy cannot be extended; request a new one.' });
    expect(decideExtend(facts('expired'))).toMatchObject({ allowed: false, conflict: true });
    expect(decideExtend(facts('active', { userEntityRef: BOB }))).toMatchObject({ allowed: false, reason: 'Only the requester can ask to extend their session.' });
  });
});
