import { NotFoundError } from '@backstage/errors';
import {
  IdentityCenterError,
  IdentityCenterUserNotFoundError,
  isTransientFailureReason,
  toIdentityCenterError,
} from './IdentityCenterError';

const awsError = (name: string, status: number, message = `${name} happened`) =>
  Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status },
  });

describe('toIdentityCenterError', () => {
  it.each([
    ['ThrottlingException', 400],
    ['ConflictException', 400],
    ['InternalServerException', 500],
    ['ServiceUnavailableException', 503],
    ['SomethingNew', 502],
  ])('%s (%i) is transient', (name, status) => {
    expect(toIdentityCenterError(awsError(name, status), 'Op')).toMatchObject({
      transient: true,
      code: name,
    });
  });

  it.each([
    ['ValidationException', 400],
    ['AccessDeniedException', 400],
    ['ResourceNotFoundException', 400],
    ['ServiceQuotaExceededException', 400],
  ])('%s is permanent', (name, status) => {
    expect(toIdentityCenterError(awsError(name, status), 'Op')).toMatchObject({
      transient: false,
      code: name,
    });
  });

  it('network failures and timeouts are transient', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), {
      code: 'ECONNRESET',
    });
    expect(toIdentityCenterError(reset, 'Op')).toMatchObject({
      transient: true,
      code: 'NetworkError',
    });
    const timeout = Object.assign(new Error('request timed out'), {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
    });
    expect(toIdentityCenterError(timeout, 'Op')).toMatchObject({
      transient: true,
      code: 'TimeoutError',
    });
    expect(
      toIdentityCenterError(new Error('socket hang up'), 'Op').transient,
    ).toBe(true);
  });

  it('keeps the AWS message, the operation and the status', () => {
    const err = toIdentityCenterError(
      awsError(
        'ValidationException',
        400,
        'Cannot exceed quota for PolicySize: 10240',
      ),
      'PutInlinePolicyToPermissionSet',
    );
    expect(err.message).toBe(
      'PutInlinePolicyToPermissionSet: ValidationException: Cannot exceed quota for PolicySize: 10240',
    );
    expect(err).toMatchObject({
      awsMessage: 'Cannot exceed quota for PolicySize: 10240',
      operation: 'PutInlinePolicyToPermissionSet',
      httpStatus: 400,
    });
    expect(toIdentityCenterError(err, 'Other')).toBe(err);
  });
});

describe('IdentityCenterUserNotFoundError', () => {
  it('is a Backstage NotFoundError and a permanent IdentityCenterError', () => {
    const err = new IdentityCenterUserNotFoundError(
      'no such user',
      'USER not found',
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toBeInstanceOf(IdentityCenterError);
    expect(err.name).toBe('NotFoundError');
    expect(err).toMatchObject({
      transient: false,
      code: 'UserNotFound',
      awsMessage: 'USER not found',
    });
  });

  it('does not make other errors IdentityCenterErrors', () => {
    expect(new Error('x')).not.toBeInstanceOf(IdentityCenterError);
    expect(new NotFoundError('x')).not.toBeInstanceOf(IdentityCenterError);
    expect(null).not.toBeInstanceOf(IdentityCenterError);
    expect(
      new IdentityCenterError('x', { transient: true, code: 'X' }),
    ).toBeInstanceOf(IdentityCenterError);
  });
});

describe('isTransientFailureReason', () => {
  it('tells passing conditions from refusals', () => {
    expect(
      isTransientFailureReason('Received a 500 status error: internal error'),
    ).toBe(true);
    expect(isTransientFailureReason('Request rate exceeded, throttled')).toBe(
      true,
    );
    expect(
      isTransientFailureReason(
        'Received a 404 status error: principal x does not exist',
      ),
    ).toBe(false);
    expect(isTransientFailureReason(undefined)).toBe(false);
  });
});
