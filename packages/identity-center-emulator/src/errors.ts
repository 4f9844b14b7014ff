/**
 * An error answered the way AWS JSON 1.1 services answer errors: HTTP 400 (or
 * 5xx) with `{"__type": "<Exception>", "Message": "..."}`. The SDK reads the
 * exception name from `__type` and the text from `Message`, and copies any
 * other body member that the exception's shape declares (e.g. `ResourceType`
 * of the Identity Store's ResourceNotFoundException).
 * @internal
 */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { __type: this.type, Message: this.message, ...this.extra };
  }
}

/** @internal */
export const validationError = (message: string) =>
  new AwsError('ValidationException', message);

/** @internal */
export const notFound = (message: string, extra?: Record<string, unknown>) =>
  new AwsError('ResourceNotFoundException', message, 400, extra);

/** @internal */
export const conflict = (message: string) =>
  new AwsError('ConflictException', message);

/** @internal */
export const throttled = (message = 'Rate exceeded') =>
  new AwsError('ThrottlingException', message);
