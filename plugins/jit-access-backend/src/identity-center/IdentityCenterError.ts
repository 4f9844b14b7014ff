/**
 * An Identity Center failure as the lifecycle engine needs to see it:
 * transient (throttling, conflicts, 5xx, timeouts: try again later) or
 * permanent (the AWS message is kept and shown on the request).
 * @public
 */
export class IdentityCenterError extends Error {
  readonly transient: boolean;
  readonly code: string;

  constructor(message: string, opts: { transient: boolean; code: string; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.name = 'IdentityCenterError';
    this.transient = opts.transient;
    this.code = opts.code;
  }
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ConflictException',
  'InternalServerException',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/** Classifies an error thrown by the AWS SDK (or the network below it). */
export function toIdentityCenterError(e: unknown, operation: string): IdentityCenterError {
  if (e instanceof IdentityCenterError) return e;
  const err = e as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = err?.name ?? 'Error';
  const status = err?.$metadata?.httpStatusCode;
  const transient =
    TRANSIENT_NAMES.has(name) ||
    (status !== undefined && status >= 500) ||
    (err?.code !== undefined && TRANSIENT_CODES.has(err.code)) ||
    /socket hang up|timed? ?out|ECONNRESET|ECONNREFUSED/i.test(err?.message ?? '');
  return new IdentityCenterError(`${operation}: ${name}: ${err?.message ?? String(e)}`, {
    transient,
    code: name,
    cause: e,
  });
}
