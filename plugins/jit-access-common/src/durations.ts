import type { DurationCause, RequestKind } from './types';

/** Shortest request, minutes. @public */
export const MIN_REQUEST_MINUTES = 15;
/** Longest request, minutes (Identity Center's longest session, PT12H). @public */
export const MAX_REQUEST_MINUTES = 12 * 60;
/** Permission set session durations allowed by Identity Center, minutes. @public */
export const SESSION_DURATION_LIMITS = { min: 60, max: 12 * 60 } as const;

const ISO = /^PT(?:(\d+)H)?(?:(\d+)M)?$/;

/**
 * Minutes of an ISO-8601 session duration such as `PT1H`, `PT4H30M`, `PT90M`.
 * Throws on anything else.
 * @public
 */
export function parseIsoDuration(value: string): number {
  const m = ISO.exec(value);
  if (!m || (m[1] === undefined && m[2] === undefined)) {
    throw new Error(`'${value}' is not an ISO-8601 duration like PT1H or PT4H30M`);
  }
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

/** `PT..` form of a number of minutes. @public */
export function toIsoDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h ? `${h}H` : ''}${m || !h ? `${m}M` : ''}`;
}

/** `1 h 30 min`, `45 min`, `2 h`. @public */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** Error message for a requested duration, or undefined when it is fine. @public */
export function validateRequestedDuration(minutes: number): string | undefined {
  if (!Number.isInteger(minutes)) return 'Duration must be a whole number of minutes';
  if (minutes < MIN_REQUEST_MINUTES) return `Duration must be at least ${MIN_REQUEST_MINUTES} minutes`;
  if (minutes > MAX_REQUEST_MINUTES) return `Duration must be at most ${formatMinutes(MAX_REQUEST_MINUTES)}`;
  return undefined;
}

/** @public */
export interface EffectiveDuration {
  minutes: number;
  cause: DurationCause;
  /** The sentence the form shows before submission. */
  explanation: string;
}

/**
 * The effective duration of a request: min(requested, the permission set's
 * session duration) for standard requests, min(requested, the custom cap) for
 * custom ones. The seed's "Session expired unexpectedly" is this rule.
 * @public
 */
export function effectiveDuration(input: {
  kind: RequestKind;
  requestedMinutes: number;
  sessionDurationMinutes?: number;
  customCapMinutes?: number;
  permissionSetName?: string;
}): EffectiveDuration {
  const { kind, requestedMinutes } = input;
  const limit = kind === 'custom' ? input.customCapMinutes : input.sessionDurationMinutes;
  if (limit === undefined || requestedMinutes <= limit) {
    return {
      minutes: requestedMinutes,
      cause: 'requested',
      explanation: `Access lasts the ${formatMinutes(requestedMinutes)} you asked for${
        limit !== undefined ? ` (the limit is ${formatMinutes(limit)})` : ''
      }.`,
    };
  }
  if (kind === 'custom') {
    return {
      minutes: limit,
      cause: 'custom-cap',
      explanation: `You asked for ${formatMinutes(requestedMinutes)}; custom policy requests last at most ${formatMinutes(limit)}, so access ends after ${formatMinutes(limit)}.`,
    };
  }
  const name = input.permissionSetName ?? 'This permission set';
  return {
    minutes: limit,
    cause: 'permission-set-session',
    explanation: `You asked for ${formatMinutes(requestedMinutes)}; ${name} sessions last at most ${formatMinutes(limit)}, so access ends after ${formatMinutes(limit)}.`,
  };
}
