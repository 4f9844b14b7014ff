import { formatPolicyText, S3_READ_ONLY_POLICY_TEMPLATE } from './policyText';
import { validatePolicy } from './validatePolicy';

describe('formatPolicyText', () => {
  it('re-indents a one-line policy, two spaces, one key or item a line', () => {
    expect(
      formatPolicyText('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*","Condition":{}}]}'),
    ).toBe(
      [
        '{',
        '  "Version": "2012-10-17",',
        '  "Statement": [',
        '    {',
        '      "Effect": "Allow",',
        '      "Action": [',
        '        "s3:GetObject"',
        '      ],',
        '      "Resource": "*",',
        '      "Condition": {}',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
  });

  it('changes only whitespace: duplicate keys, escapes and number text stay', () => {
    const text = '{ "a" : 1.50e3, "a":"x \\" , { [ y", "b" : [ ] }';
    const formatted = formatPolicyText(text)!;
    expect(formatted).toBe('{\n  "a": 1.50e3,\n  "a": "x \\" , { [ y",\n  "b": []\n}');
    expect(formatted.replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });

  it('leaves text that is not JSON alone', () => {
    expect(formatPolicyText('{"Version": ')).toBeUndefined();
    expect(formatPolicyText('')).toBeUndefined();
  });

  it('the S3 template is a valid policy and already formatted', () => {
    expect(validatePolicy(S3_READ_ONLY_POLICY_TEMPLATE).errors).toEqual([]);
    expect(formatPolicyText(S3_READ_ONLY_POLICY_TEMPLATE)).toBe(S3_READ_ONLY_POLICY_TEMPLATE);
  });
});
