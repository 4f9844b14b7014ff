import { validatePolicy } from './validatePolicy';

const VALID = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"]
    }
  ]
}`;

describe('validatePolicy', () => {
  it('accepts the seed page example and reports its size against the limit', () => {
    const r = validatePolicy(VALID);
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.size).toBe(VALID.replace(/\s/g, '').length);
    expect(r.limit).toBe(10240);
    expect(r.totalLimit).toBe(32768);
  });

  it('syntax error: a trailing comma is reported at its line and column', () => {
    const r = validatePolicy('{\n  "Version": "2012-10-17",\n}');
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      expect.objectContaining({ rule: 'invalid-json', line: 3, column: 1, message: 'Invalid JSON: Trailing comma before }' }),
    ]);
  });

  it.each([
    ['a trailing comma in an array', '{"Action": ["s3:GetObject",\n]}', 2, 1, "Trailing comma before ]"],
    ['a missing comma between members', '{"Version": "2012-10-17"\n "Statement": []}', 2, 2, `Expected ',' or '}' but found '"'`],
    ['a missing comma between items', '{"Action": ["a" "b"]}', 1, 17, `Expected ',' or ']' but found '"'`],
    ['a member without a name', '{"Version": "2012-10-17", 1}', 1, 27, 'Expected a property name in double quotes but found \'1\''],
    ['an unclosed array', '{"Action": ["a"', 1, 16, `Expected ',' or ']' but found the end of the text`],
    ['a missing colon', '{"Version" "2012-10-17"}', 1, 12, `Expected ':' after "Version" but found '"'`],
  ])('syntax error: %s, at its line and column', (_what, text, line, column, message) => {
    const r = validatePolicy(text);
    expect(r.errors).toEqual([expect.objectContaining({ rule: 'invalid-json', line, column, message: `Invalid JSON: ${message}` })]);
  });

  it('deep nesting is refused at the level that breaks the limit, not with a stack overflow', () => {
    for (const open of ['[', '{"a":']) {
      const close = open === '[' ? ']' : '}';
      const text = `${open.repeat(100_000)}1${close.repeat(100_000)}`;
      const r = validatePolicy(text);
      expect(r.valid).toBe(false);
      expect(r.errors.filter(e => e.rule === 'invalid-json')).toEqual([
        expect.objectContaining({ line: 1, column: open.length * 64 + 1, message: 'Invalid JSON: Objects and arrays nest deeper than 64 levels' }),
      ]);
    }
    // 64 levels are still parsed (and then judged as a policy)
    expect(validatePolicy(`${'['.repeat(64)}${']'.repeat(64)}`).errors[0].rule).toBe('not-an-object');
  });

  it('syntax error: an unterminated string', () => {
    const r = validatePolicy('{"Version": "2012-10-17}');
    expect(r.errors[0]).toMatchObject({ rule: 'invalid-json', line: 1, column: 25 });
  });

  it('missing Version', () => {
    const r = validatePolicy('{"Statement": {"Effect":"Allow","Action":"*","Resource":"*"}}');
    expect(r.errors.map(e => e.rule)).toEqual(['missing-version']);
  });

  it('wrong Version points at the value', () => {
    const r = validatePolicy('{\n "Version": "2020-01-01",\n "Statement": {"Effect":"Allow","Action":"*","Resource":"*"}}');
    expect(r.errors).toEqual([
      expect.objectContaining({ rule: 'invalid-version', path: 'Version', line: 2, column: 13 }),
    ]);
  });

  it('Statement must be a non-empty array or an object', () => {
    expect(validatePolicy('{"Version":"2012-10-17","Statement":[]}').errors.map(e => e.rule)).toEqual(['empty-statement']);
    expect(validatePolicy('{"Version":"2012-10-17"}').errors.map(e => e.rule)).toEqual(['missing-statement']);
    expect(validatePolicy('{"Version":"2012-10-17","Statement":["x"]}').errors.map(e => e.rule)).toEqual(['invalid-statement']);
  });

  it('Effect must be Allow or Deny, case-sensitive', () => {
    const r = validatePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}');
    expect(r.errors).toEqual([
      expect.objectContaining({
        rule: 'invalid-effect',
        path: 'Statement[0].Effect',
        message: 'Statement[0]: "Effect" must be "Allow" or "Deny", found "allow"',
      }),
    ]);
  });

  it('needs Action or NotAction, and Resource or NotResource, not both', () => {
    const r = validatePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","NotAction":"s3:*"}}');
    expect(r.errors.map(e => e.rule).sort()).toEqual(['action-and-not-action', 'missing-resource']);
  });

  it('rejects Principal in an identity policy', () => {
    const r = validatePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}');
    expect(r.errors.map(e => e.rule)).toEqual(['principal-not-allowed']);
  });

  it('checks action names and ARNs', () => {
    const r = validatePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3GetObject"],"Resource":["bucket"]}}');
    expect(r.errors.map(e => [e.rule, e.path])).toEqual([
      ['invalid-action', 'Statement.Action[0]'],
      ['invalid-resource', 'Statement.Resource[0]'],
    ]);
  });

  it('flags unknown and duplicate keys with a hint', () => {
    const r = validatePolicy('{"Version":"2012-10-17","Statement":{"effect":"Allow","Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}}');
    expect(r.errors.map(e => e.rule)).toEqual(['unknown-key', 'duplicate-key']);
    expect(r.errors[0].message).toContain('did you mean "Effect"?');
  });

  it('size over the Identity Center limit of 10,240 non-whitespace characters', () => {
    const actions = Array.from({ length: 800 }, (_, i) => `"s3:GetObject${i}"`).join(',');
    const big = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[${actions}],"Resource":"*"}}`;
    const r = validatePolicy(big);
    expect(r.size).toBeGreaterThan(10240);
    expect(r.errors.map(e => e.rule)).toEqual(['too-large']);
  });

  it('empty text', () => {
    expect(validatePolicy('  ').errors.map(e => e.rule)).toEqual(['empty-policy']);
  });
});
