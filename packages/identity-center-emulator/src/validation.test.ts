import {
  checkInlinePolicy,
  checkPermissionSetName,
  checkSessionDuration,
  durationMinutes,
  pageSize,
} from './validation';

describe('validation', () => {
  it('parses ISO-8601 durations of hours, minutes and seconds', () => {
    expect(durationMinutes('PT1H')).toBe(60);
    expect(durationMinutes('PT1H30M')).toBe(90);
    expect(durationMinutes('PT90M')).toBe(90);
    expect(durationMinutes('PT3600S')).toBe(60);
    expect(durationMinutes('PT')).toBeUndefined();
    expect(durationMinutes('P1D')).toBeUndefined();
  });

  it('session durations: PT1H to PT12H', () => {
    expect(() => checkSessionDuration('PT1H')).not.toThrow();
    expect(() => checkSessionDuration('PT720M')).not.toThrow();
    expect(() => checkSessionDuration('PT721M')).toThrow(
      'between PT1H and PT12H',
    );
    expect(() => checkSessionDuration(3600)).toThrow();
  });

  it('names: 1 to 32 of [\\w+=,.@-]', () => {
    expect(() => checkPermissionSetName('JIT-7K3F9Q')).not.toThrow();
    expect(() => checkPermissionSetName('x'.repeat(33))).toThrow(
      /length between 1 and 32/,
    );
    expect(() => checkPermissionSetName(undefined)).toThrow();
  });

  it('inline policies: whitespace counts against the total, not the 10,240', () => {
    const body = `{"a":"${'x'.repeat(10_232)}"}`; // 10,240 characters
    expect(body).toHaveLength(10_240);
    expect(() => checkInlinePolicy(`${body}${'\n'.repeat(100)}`)).not.toThrow();
    expect(() => checkInlinePolicy(`{"a":"${'x'.repeat(10_233)}"}`)).toThrow(
      /PolicySize: 10240/,
    );
    expect(() => checkInlinePolicy('')).toThrow();
  });

  it('page sizes: MaxResults 1..100 capped by the emulator', () => {
    expect(pageSize(undefined, 100)).toBe(100);
    expect(pageSize(5, 2)).toBe(2);
    expect(() => pageSize(0, 100)).toThrow();
    expect(() => pageSize(101, 100)).toThrow();
  });
});
