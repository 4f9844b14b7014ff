/*
 * The validator against a table of policies: each row is a policy and the
 * rules it must break (empty: valid), with the position of the first error
 * where it matters.
 */
import { validatePolicy } from './validatePolicy';

/** A 2012-10-17 policy around one statement (object) or a raw Statement value (string). */
const stmt = (statement: object | string) =>
  `{"Version":"2012-10-17","Statement":${typeof statement === 'string' ? statement : JSON.stringify(statement)}}`;
const ok = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };

type Row = [name: string, policy: string, rules: string[], position?: [number, number]];

const ROWS: Row[] = [
  // valid
  ['single statement object', stmt(ok), []],
  ['statement array', stmt([ok]), []],
  ['two statements', stmt([ok, { ...ok, Effect: 'Deny' }]), []],
  ['2008 version', stmt(ok).replace('2012-10-17', '2008-10-17'), []],
  ['action list', stmt({ ...ok, Action: ['s3:GetObject', 's3:ListBucket'] }), []],
  ['wildcard action', stmt({ ...ok, Action: 's3:*' }), []],
  ['star action and resource', stmt({ Effect: 'Allow', Action: '*', Resource: '*' }), []],
  ['question-mark wildcard', stmt({ ...ok, Action: 'ec2:Describe?nstances' }), []],
  ['NotAction', stmt({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), []],
  ['NotResource', stmt({ Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::b' }), []],
  ['with Sid', stmt({ ...ok, Sid: 'ReadLogs1' }), []],
  ['with Condition', stmt({ ...ok, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), []],
  ['with Id', `{"Version":"2012-10-17","Id":"p1","Statement":${JSON.stringify(ok)}}`, []],
  ['regional ARN with account', stmt({ ...ok, Resource: 'arn:aws:dynamodb:eu-west-1:111111111111:table/t' }), []],
  ['gov partition', stmt({ ...ok, Resource: 'arn:aws-us-gov:s3:::b' }), []],
  ['pretty printed', JSON.stringify(JSON.parse(stmt(ok)), null, 2), []],
  ['unicode in Condition', stmt({ ...ok, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ålpha' } } }), []],
  // syntax
  ['trailing comma in object', '{\n  "Version": "2012-10-17",\n}', ['invalid-json'], [3, 1]],
  ['trailing comma in array', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"},]}', ['invalid-json'], [1, 57]],
  ['missing closing brace', '{"Version":"2012-10-17"', ['invalid-json'], [1, 24]],
  ['single quotes', "{'Version': '2012-10-17'}", ['invalid-json'], [1, 2]],
  ['unquoted key', '{Version: "2012-10-17"}', ['invalid-json'], [1, 2]],
  ['missing colon', '{"Version" "2012-10-17"}', ['invalid-json'], [1, 12]],
  ['missing comma on line 3', '{\n "Version": "2012-10-17"\n "Statement": []\n}', ['invalid-json'], [3, 2]],
  ['text after the document', `${stmt(ok)} x`, ['invalid-json']],
  ['line break inside a string', '{"Version":"2012-\n10-17"}', ['invalid-json'], [1, 18]],
  ['empty text', '', ['empty-policy']],
  ['array root', '[]', ['not-an-object']],
  // structure
  ['missing Version', `{"Statement":${JSON.stringify(ok)}}`, ['missing-version']],
  ['wrong Version', stmt(ok).replace('2012-10-17', '2024-01-01'), ['invalid-version'], [1, 12]],
  ['numeric Version', `{"Version":2012,"Statement":${JSON.stringify(ok)}}`, ['invalid-version']],
  ['missing Statement', '{"Version":"2012-10-17"}', ['missing-statement']],
  ['empty Statement', stmt([]), ['empty-statement']],
  ['statement is a string', stmt('["x"]'), ['invalid-statement']],
  ['unknown top-level key', `{"Version":"2012-10-17","Statements":[],"Statement":${JSON.stringify(ok)}}`, ['unknown-key']],
  ['duplicate Effect', stmt('{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}'), ['duplicate-key']],
  ['lowercase key', stmt({ effect: 'Allow', Action: '*', Resource: '*' }), ['unknown-key', 'missing-effect']],
  // statements
  ['missing Effect', stmt({ Action: '*', Resource: '*' }), ['missing-effect']],
  ['lowercase Effect value', stmt({ ...ok, Effect: 'allow' }), ['invalid-effect']],
  ['missing Action', stmt({ Effect: 'Allow', Resource: '*' }), ['missing-action']],
  ['Action and NotAction', stmt({ ...ok, NotAction: 'iam:*' }), ['action-and-not-action']],
  ['missing Resource', stmt({ Effect: 'Allow', Action: '*' }), ['missing-resource']],
  ['Resource and NotResource', stmt({ ...ok, NotResource: '*' }), ['resource-and-not-resource']],
  ['Principal present', stmt({ ...ok, Principal: { AWS: '*' } }), ['principal-not-allowed']],
  ['NotPrincipal present', stmt({ ...ok, NotPrincipal: '*' }), ['principal-not-allowed']],
  ['action without service', stmt({ ...ok, Action: 'GetObject' }), ['invalid-action']],
  ['action with space', stmt({ ...ok, Action: 's3: GetObject' }), ['invalid-action']],
  ['empty action list', stmt({ ...ok, Action: [] }), ['invalid-action']],
  ['numeric action', stmt({ ...ok, Action: 42 }), ['invalid-action']],
  ['bucket name as resource', stmt({ ...ok, Resource: 'my-bucket' }), ['invalid-resource']],
  ['ARN missing parts', stmt({ ...ok, Resource: 'arn:aws:s3' }), ['invalid-resource']],
  ['unknown partition', stmt({ ...ok, Resource: 'arn:azure:s3:::b' }), ['invalid-resource']],
  ['Sid with dash', stmt({ ...ok, Sid: 'read-logs' }), ['invalid-sid']],
  ['Condition as string', stmt({ ...ok, Condition: 'yes' }), ['invalid-condition']],
  ['over the non-whitespace limit', stmt({ ...ok, Action: Array.from({ length: 700 }, (_, i) => `s3:Get${i}Object`) }), ['too-large']],
  ['over the total limit, whitespace only', `${stmt(ok)}${' '.repeat(33000)}`, ['too-large-total']],
];

describe('validatePolicy table', () => {
  it('has at least 40 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
  });

  // objects, not arrays: jest would take a missing 4th element for `done`
  const cases = ROWS.map(([name, policy, rules, position]) => ({ name, policy, rules, position }));
  it.each(cases)('$name', ({ policy, rules, position }) => {
    const r = validatePolicy(policy);
    expect([...new Set(r.errors.map(e => e.rule))].sort()).toEqual([...rules].sort());
    expect(r.valid).toBe(rules.length === 0);
    const first = r.errors[0];
    expect(position ? [first?.line, first?.column] : undefined).toEqual(position);
    // every error says what and where
    expect(r.errors.filter(e => e.message.length < 10 || !(e.line! >= 1))).toEqual([]);
  });
});
