import {
  INLINE_POLICY_MAX_NON_WHITESPACE,
  INLINE_POLICY_MAX_TOTAL,
} from '../constants';
import type { PolicyValidationError, PolicyValidationResult } from '../types';
import { JsonNode, JsonSyntaxError, parseJsonWithPositions, positionOf } from './jsonWithPositions';

/** The rules a custom inline policy is checked against. @public */
export type PolicyRule =
  | 'empty-policy'
  | 'invalid-json'
  | 'not-an-object'
  | 'duplicate-key'
  | 'unknown-key'
  | 'missing-version'
  | 'invalid-version'
  | 'missing-statement'
  | 'empty-statement'
  | 'invalid-statement'
  | 'missing-effect'
  | 'invalid-effect'
  | 'missing-action'
  | 'action-and-not-action'
  | 'invalid-action'
  | 'missing-resource'
  | 'resource-and-not-resource'
  | 'invalid-resource'
  | 'principal-not-allowed'
  | 'invalid-sid'
  | 'invalid-condition'
  | 'too-large'
  | 'too-large-total';

const VERSIONS = ['2012-10-17', '2008-10-17'];
const TOP_KEYS = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Principal', 'NotPrincipal'];
// service prefix, colon, action with wildcards; or "*"
const ACTION = /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/;
// arn:partition:service:region:account:resource (region/account may be empty; wildcards allowed); or "*"
const ARN = /^(\*|arn:(\*|aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|\$\{[^}]+\}):[a-z0-9*?-]+:[a-z0-9*?-]*:(\d{12}|[*?]+|\$\{[^}]+\})?:.+)$/;

/**
 * Validates a custom permission set's inline IAM policy the way Identity
 * Center will, with the line, column and rule of each problem, and the size
 * against Identity Center's inline-policy limit. The form runs it on every
 * keystroke and the backend before accepting a request: one rule set.
 * @public
 */
export function validatePolicy(text: string, options?: { limit?: number; totalLimit?: number }): PolicyValidationResult {
  const limit = options?.limit ?? INLINE_POLICY_MAX_NON_WHITESPACE;
  const totalLimit = options?.totalLimit ?? INLINE_POLICY_MAX_TOTAL;
  const size = text.replace(/\s/g, '').length;
  const totalSize = text.length;
  const errors: PolicyValidationError[] = [];
  const at = (offset: number) => positionOf(text, offset);
  const add = (rule: PolicyRule, message: string, path: string, offset: number) =>
    errors.push({ rule, message, path, ...at(offset) });

  if (size > limit) {
    add('too-large', `The policy has ${size} non-whitespace characters; Identity Center allows at most ${limit}`, '', 0);
  }
  if (totalSize > totalLimit) {
    add('too-large-total', `The policy has ${totalSize} characters; Identity Center allows at most ${totalLimit}`, '', 0);
  }
  const result = () => ({ valid: errors.length === 0, errors, size, limit, totalSize, totalLimit });

  if (!text.trim()) {
    add('empty-policy', 'The policy is empty: paste a JSON policy document', '', 0);
    return result();
  }
  let root: JsonNode;
  try {
    root = parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      add('invalid-json', `Invalid JSON: ${e.message}`, '', e.offset);
      return result();
    }
    throw e;
  }
  if (root.type !== 'object') {
    add('not-an-object', 'The policy must be a JSON object with "Version" and "Statement"', '', root.offset);
    return result();
  }

  const fields = checkKeys(root, TOP_KEYS, '', add);
  const version = fields.get('Version');
  if (!version) {
    add('missing-version', 'The policy needs "Version": "2012-10-17"', '', root.offset);
  } else if (version.type !== 'string' || !VERSIONS.includes(version.value)) {
    add('invalid-version', `"Version" must be "2012-10-17" (or "2008-10-17"), found ${show(version)}`, 'Version', version.offset);
  }
  const statement = fields.get('Statement');
  if (!statement) {
    add('missing-statement', 'The policy needs a "Statement": an object or a non-empty array of statements', '', root.offset);
    return result();
  }
  let statements: Array<{ node: JsonNode; path: string }>;
  if (statement.type === 'array') {
    if (!statement.items.length) {
      add('empty-statement', '"Statement" must not be empty', 'Statement', statement.offset);
    }
    statements = statement.items.map((node, k) => ({ node, path: `Statement[${k}]` }));
  } else {
    statements = [{ node: statement, path: 'Statement' }];
  }
  for (const { node, path } of statements) {
    if (node.type !== 'object') {
      add('invalid-statement', `${path}: a statement must be an object, found ${show(node)}`, path, node.offset);
      continue;
    }
    checkStatement(node, path, add);
  }
  return result();
}

type Add = (rule: PolicyRule, message: string, path: string, offset: number) => void;

function checkKeys(node: Extract<JsonNode, { type: 'object' }>, allowed: string[], path: string, add: Add) {
  const fields = new Map<string, JsonNode>();
  for (const { key, keyOffset, value } of node.entries) {
    const p = path ? `${path}.${key}` : key;
    if (fields.has(key)) {
      add('duplicate-key', `${p}: "${key}" appears more than once`, p, keyOffset);
    } else if (!allowed.includes(key)) {
      const hint = allowed.find(a => a.toLowerCase() === key.toLowerCase());
      add('unknown-key', `${p}: unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`, p, keyOffset);
    }
    fields.set(key, value);
  }
  return fields;
}

function checkStatement(node: Extract<JsonNode, { type: 'object' }>, path: string, add: Add) {
  const f = checkKeys(node, STATEMENT_KEYS, path, add);
  for (const key of ['Principal', 'NotPrincipal']) {
    const v = f.get(key);
    if (v) {
      add('principal-not-allowed', `${path}: "${key}" is not allowed in an identity policy (a permission set's inline policy)`, `${path}.${key}`, v.offset);
    }
  }
  const sid = f.get('Sid');
  if (sid && (sid.type !== 'string' || !/^[A-Za-z0-9]*$/.test(sid.value))) {
    add('invalid-sid', `${path}: "Sid" may contain only letters and digits, found ${show(sid)}`, `${path}.Sid`, sid.offset);
  }
  const effect = f.get('Effect');
  if (!effect) {
    add('missing-effect', `${path}: missing "Effect" ("Allow" or "Deny")`, path, node.offset);
  } else if (effect.type !== 'string' || (effect.value !== 'Allow' && effect.value !== 'Deny')) {
    add('invalid-effect', `${path}: "Effect" must be "Allow" or "Deny", found ${show(effect)}`, `${path}.Effect`, effect.offset);
  }
  pair(f, node, path, 'Action', 'NotAction', 'missing-action', 'action-and-not-action', 'invalid-action', ACTION,
    'an action like "s3:GetObject" (service prefix, colon, action; wildcards allowed) or "*"', add);
  pair(f, node, path, 'Resource', 'NotResource', 'missing-resource', 'resource-and-not-resource', 'invalid-resource', ARN,
    'an ARN like "arn:aws:s3:::my-bucket/*" or "*"', add);
  const condition = f.get('Condition');
  if (condition && condition.type !== 'object') {
    add('invalid-condition', `${path}: "Condition" must be an object, found ${show(condition)}`, `${path}.Condition`, condition.offset);
  }
}

function pair(
  f: Map<string, JsonNode>,
  node: JsonNode,
  path: string,
  key: string,
  notKey: string,
  missing: PolicyRule,
  both: PolicyRule,
  invalid: PolicyRule,
  pattern: RegExp,
  expected: string,
  add: Add,
) {
  const a = f.get(key);
  const n = f.get(notKey);
  if (!a && !n) {
    add(missing, `${path}: missing "${key}" (or "${notKey}")`, path, node.offset);
    return;
  }
  if (a && n) {
    add(both, `${path}: use "${key}" or "${notKey}", not both`, `${path}.${notKey}`, n.offset);
  }
  for (const [k, v] of [[key, a], [notKey, n]] as const) {
    if (!v) continue;
    const values = v.type === 'array' ? v.items.map((item, idx) => ({ item, p: `${path}.${k}[${idx}]` })) : [{ item: v, p: `${path}.${k}` }];
    if (v.type === 'array' && !v.items.length) {
      add(invalid, `${path}.${k}: must not be empty`, `${path}.${k}`, v.offset);
    }
    for (const { item, p } of values) {
      if (item.type !== 'string' || !pattern.test(item.value)) {
        add(invalid, `${p}: expected ${expected}, found ${show(item)}`, p, item.offset);
      }
    }
  }
}

function show(node: JsonNode): string {
  switch (node.type) {
    case 'string':
      return JSON.stringify(node.value.length > 60 ? `${node.value.slice(0, 57)}...` : node.value);
    case 'number':
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    default:
      return `an ${node.type}`;
  }
}
