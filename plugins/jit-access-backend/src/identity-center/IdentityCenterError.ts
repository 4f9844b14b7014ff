import { NotFoundError } from '@backstage/errors';

/**
 * Marks errors that count as {@link IdentityCenterError}s. A symbol rather
 * than the prototype chain, so that `instanceof IdentityCenterError` also
 * holds for {@link IdentityCenterUserNotFoundError} (which has to be a
 * Backstage NotFoundError) and across duplicated module instances.
 */
const IDENTITY_CENTER_ERROR = Symbol.for('jit-access.IdentityCenterError');

/**
 * An Identity Center failure as the lifecycle engine needs to see it:
 * `transient` (throttling, conflicts, 5xx, network errors, timeouts: try
 * again later) or permanent (retrying cannot help; the AWS message is kept and
 * shown on the request).
 * @public
 */
export class IdentityCenterError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== IdentityCenterError) {
      return Function.prototype[Symbol.hasInstance].call(this, value);
    }
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[IDENTITY_CENTER_ERROR] === true
    );
  }

  readonly [IDENTITY_CENTER_ERROR] = true;
  /** Whether trying again later may succeed. */
  readonly transient: boolean;
  /**
   * The AWS exception name (`ThrottlingException`, `ValidationException`, ...)
   * or one of the gateway's own codes: `OperationFailed` (an asynchronous
   * operation ended FAILED), `OperationTimeout`, `UserNotFound`,
   * `PermissionSetNameTaken`, `NetworkError`.
   */
  readonly code: string;
  /** The SSO Admin / Identity Store operation that failed. */
  readonly operation?: string;
  /** The message as AWS sent it (or the FailureReason of a FAILED operation). */
  readonly awsMessage?: string;
  /** HTTP status of the failed response, when there was one. */
  readonly httpStatus?: number;

  constructor(
    message: string,
    options: {
      transient: boolean;
      code: string;
      operation?: string;
      awsMessage?: string;
      httpStatus?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = 'IdentityCenterError';
    this.transient = options.transient;
    this.code = options.code;
    this.operation = options.operation;
    this.awsMessage = options.awsMessage;
    this.httpStatus = options.httpStatus;
  }
}

/**
 * No Identity Store user has the attribute value a Backstage user was
 * matched with. It is a Backstage `NotFoundError` (HTTP 404 through the
 * error handler) and also counts as a permanent {@link IdentityCenterError}
 * (`instanceof IdentityCenterError`, `transient: false`, `code: 'UserNotFound'`).
 * @public
 */
export class IdentityCenterUserNotFoundError extends NotFoundError {
  readonly [IDENTITY_CENTER_ERROR] = true;
  readonly transient = false;
  readonly code = 'UserNotFound';
  readonly operation = 'GetUserId';

  constructor(message: string, readonly awsMessage?: string) {
    super(message);
  }
}

/** AWS exceptions that say "not now" rather than "no". */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ConflictException',
  'InternalServerException',
  'InternalFailure',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'CredentialsProviderError',
]);

/** Node and undici network error codes. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TRANSIENT_MESSAGE =
  /socket hang up|timed? ?out|ECONNRESET|ECONNREFUSED|network|EPIPE/i;

/**
 * Whether a FailureReason of a FAILED asynchronous operation describes a
 * passing condition (AWS reports e.g. "Received a 500 status error" or
 * throttling inside operations) rather than a refusal.
 * @public
 */
export function isTransientFailureReason(reason: string | undefined): boolean {
  return /\b5\d\d status|internal (server )?error|throttl|rate exceeded|try again|timed out|concurrent/i.test(
    reason ?? '',
  );
}

/**
 * Turns whatever the AWS SDK (or the network below it) threw into an
 * {@link IdentityCenterError}, classified transient or permanent.
 * @public
 */
export function toIdentityCenterError(
  e: unknown,
  operation: string,
): IdentityCenterError {
  if (e instanceof IdentityCenterError) return e;
  const err = (e ?? {}) as {
    name?: string;
    message?: string;
    code?: string;
    $fault?: 'client' | 'server';
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const name = err.name && err.name !== 'Error' ? err.name : undefined;
  const status = err.$metadata?.httpStatusCode;
  const message = err.message ?? String(e);
  const network = err.code !== undefined && TRANSIENT_CODES.has(err.code);
  const transient =
    (name !== undefined && TRANSIENT_NAMES.has(name)) ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    network ||
    Boolean(err.$retryable) ||
    (status === undefined && TRANSIENT_MESSAGE.test(message));
  const code = name ?? (network ? 'NetworkError' : 'UnknownError');
  return new IdentityCenterError(`${operation}: ${code}: ${message}`, {
    transient,
    code,
    operation,
    awsMessage: message,
    httpStatus: status,
    cause: e,
  });
}

/**
 * Identity Center's answer for a resource (permission set, user, account
 * assignment request) that does not exist.
 */
export function isNotFound(e: unknown): boolean {
  return (
    e instanceof IdentityCenterError && e.code === 'ResourceNotFoundException'
  );
}

/**
 * What `read` returns, or `undefined` where Identity Center answers that the
 * resource is gone (deleted meanwhile, or never there).
 */
export async function unlessGone<T>(
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
