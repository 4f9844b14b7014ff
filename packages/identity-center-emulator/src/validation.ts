/*
 * Input constraints of the SSO Admin API, as AWS documents and enforces them.
 * Messages follow AWS's "1 validation error detected: ..." style so that what
 * a JIT tool shows its users looks like what it would show against AWS.
 */
import { validationError } from './errors';

/**
 * Permission set names: 1–32 characters of `[\w+=,.@-]`.
 * @internal
 */
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;

/**
 * Inline policy limits: total characters, and characters other than whitespace.
 * @internal
 */
export const INLINE_POLICY_MAX_CHARS = 32_768;
/** @internal */
export const INLINE_POLICY_MAX_NON_WHITESPACE = 10_240;

const DESCRIPTION = /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/;
const ACCOUNT_ID = /^\d{12}$/;
const DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;

function detected(member: string, value: unknown, constraint: string) {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return validationError(
    `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

/**
 * Throws the ValidationException AWS answers for a missing required member.
 * @internal
 */
export function requireMembers(
  input: Record<string, unknown>,
  ...members: string[]
) {
  for (const m of members) {
    if (input[m] === undefined || input[m] === null || input[m] === '') {
      const member = m.charAt(0).toLowerCase() + m.slice(1);
      throw validationError(
        `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
      );
    }
  }
}

/** @internal */
export function checkPermissionSetName(name: unknown) {
  if (typeof name !== 'string' || !PERMISSION_SET_NAME.test(name)) {
    throw detected(
      'name',
      name,
      'Member must have length between 1 and 32 and satisfy regular expression pattern: [\\w+=,.@-]+',
    );
  }
}

/**
 * Minutes of an ISO-8601 duration of the form PT#H#M#S, or undefined.
 * @internal
 */
export function durationMinutes(value: string): number | undefined {
  const m = DURATION.exec(value);
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Number(m[3] ?? 0) / 60;
}

/** @internal */
export function checkSessionDuration(value: unknown) {
  const minutes =
    typeof value === 'string' ? durationMinutes(value) : undefined;
  if (minutes === undefined || minutes < 60 || minutes > 720) {
    throw validationError(
      `Invalid SessionDuration '${value}': it must be an ISO-8601 duration between PT1H and PT12H`,
    );
  }
}

/** @internal */
export function checkDescription(value: unknown) {
  if (value === undefined) return;
  if (
    typeof value !== 'string' ||
    value.length < 1 ||
    value.length > 700 ||
    !DESCRIPTION.test(value)
  ) {
    throw detected(
      'description',
      value,
      'Member must have length between 1 and 700 and contain only printable characters',
    );
  }
}

/** @internal */
export function checkAccountId(member: string, value: unknown) {
  if (typeof value !== 'string' || !ACCOUNT_ID.test(value)) {
    throw detected(
      member,
      value,
      'Member must satisfy regular expression pattern: \\d{12}',
    );
  }
}

/** @internal */
export function checkTags(
  tags: unknown,
): Array<{ Key: string; Value: string }> {
  if (tags === undefined) return [];
  if (!Array.isArray(tags) || tags.length > 50) {
    throw detected(
      'tags',
      tags,
      'Member must have length less than or equal to 50',
    );
  }
  return tags.map(t => {
    const key = t?.Key;
    const value = t?.Value ?? '';
    if (typeof key !== 'string' || key.length < 1 || key.length > 128) {
      throw detected(
        'tags.member.key',
        key,
        'Member must have length between 1 and 128',
      );
    }
    if (typeof value !== 'string' || value.length > 256) {
      throw detected(
        'tags.member.value',
        value,
        'Member must have length less than or equal to 256',
      );
    }
    return { Key: key, Value: value };
  });
}

/**
 * Inline policies: at most 32,768 characters, of which at most 10,240 are not
 * whitespace (AWS counts the policy without whitespace against the quota),
 * and a JSON document.
 * @internal
 */
export function checkInlinePolicy(policy: unknown) {
  if (typeof policy !== 'string' || policy.length === 0) {
    throw detected(
      'inlinePolicy',
      policy,
      'Member must have length greater than or equal to 1',
    );
  }
  if (policy.length > INLINE_POLICY_MAX_CHARS) {
    throw detected(
      'inlinePolicy',
      `<${policy.length} characters>`,
      `Member must have length less than or equal to ${INLINE_POLICY_MAX_CHARS}`,
    );
  }
  const nonWhitespace = policy.replace(/\s/g, '').length;
  if (nonWhitespace > INLINE_POLICY_MAX_NON_WHITESPACE) {
    throw validationError(
      `Cannot exceed quota for PolicySize: ${INLINE_POLICY_MAX_NON_WHITESPACE} (the policy has ${nonWhitespace} characters other than whitespace)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch (e) {
    throw validationError(
      `The inline policy is malformed: ${(e as Error).message}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw validationError(
      'The inline policy is malformed: it must be a JSON object',
    );
  }
}

/**
 * The page size a List call gets: MaxResults (1–100) capped by the emulator's page size.
 * @internal
 */
export function pageSize(maxResults: unknown, cap: number): number {
  if (maxResults === undefined) return cap;
  const n = Number(maxResults);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw detected(
      'maxResults',
      maxResults,
      'Member must have value between 1 and 100',
    );
  }
  return Math.min(n, cap);
}
