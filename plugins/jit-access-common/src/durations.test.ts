import { effectiveDuration, formatMinutes, parseIsoDuration, validateRequestedDuration } from './durations';

describe('durations', () => {
  it('parses Identity Center session durations', () => {
    expect(parseIsoDuration('PT1H')).toBe(60);
    expect(parseIsoDuration('PT4H30M')).toBe(270);
    expect(parseIsoDuration('PT90M')).toBe(90);
    expect(() => parseIsoDuration('P1D')).toThrow(/not an ISO-8601 duration/);
  });

  it('formats minutes for people', () => {
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatMinutes(120)).toBe('2 h');
    expect(formatMinutes(90)).toBe('1 h 30 min');
  });

  it('effective duration = requested when within the session duration', () => {
    expect(effectiveDuration({ kind: 'standard', requestedMinutes: 30, sessionDurationMinutes: 60 })).toMatchObject({
      minutes: 30,
      cause: 'requested',
    });
  });

  it('effective duration is capped by the permission set session (seed: session expired unexpectedly)', () => {
    const d = effectiveDuration({
      kind: 'standard',
      requestedMinutes: 240,
      sessionDurationMinutes: 60,
      permissionSetName: 'ReadOnlyAccess',
    });
    expect(d).toEqual({
      minutes: 60,
      cause: 'permission-set-session',
      explanation: 'You asked for 4 h; ReadOnlyAccess sessions last at most 1 h, so access ends after 1 h.',
    });
  });

  it('custom requests are capped by the custom maximum, not a session duration', () => {
    expect(
      effectiveDuration({ kind: 'custom', requestedMinutes: 300, sessionDurationMinutes: 600, customCapMinutes: 120 }),
    ).toMatchObject({ minutes: 120, cause: 'custom-cap' });
  });

  it('validates requested durations', () => {
    expect(validateRequestedDuration(10)).toBe('Duration must be at least 15 minutes');
    expect(validateRequestedDuration(13 * 60)).toBe('Duration must be at most 12 h');
    expect(validateRequestedDuration(30)).toBeUndefined();
  });
});
