import { IllegalTransitionError, REQUEST_TRANSITIONS, assertTransition, isTerminal, nextStatus } from './lifecycle';

describe('request lifecycle', () => {
  it('walks the happy path of a custom request', () => {
    let s = nextStatus('pending', 'approve-step');
    expect(s).toBe('pending');
    s = nextStatus(s, 'approve-final');
    s = nextStatus(s, 'start-provisioning');
    s = nextStatus(s, 'provisioned');
    expect(s).toBe('active');
    s = nextStatus(s, 'expire');
    expect(nextStatus(s, 'ended-expired')).toBe('expired');
  });

  it('an extension taking over a session ends it like an early end', () => {
    expect(nextStatus('active', 'supersede')).toBe('ending');
    expect(nextStatus('ending', 'ended-early')).toBe('ended');
    expect(() => nextStatus('pending', 'supersede')).toThrow(IllegalTransitionError);
  });

  it('refuses illegal transitions by construction', () => {
    expect(() => nextStatus('active', 'approve-final')).toThrow(IllegalTransitionError);
    expect(() => nextStatus('rejected', 'cancel')).toThrow('A rejected request cannot cancel');
    expect(() => nextStatus('provisioning', 'cancel')).toThrow(IllegalTransitionError);
  });

  it('a state change that no event makes is refused', () => {
    expect(() => assertTransition('pending', 'active')).toThrow('A pending request cannot become active');
    expect(() => assertTransition('provisioning', 'active')).not.toThrow();
  });

  it('nothing leaves a terminal status', () => {
    for (const t of REQUEST_TRANSITIONS) expect(isTerminal(t.from)).toBe(false);
    expect(isTerminal('failed')).toBe(false);
    expect(isTerminal('expired')).toBe(true);
  });
});
