import { InputError } from '@backstage/errors';
import express from 'express';
import type { z } from 'zod';

/** An error with an HTTP status Backstage's error handler passes on. */
export function httpError(statusCode: number, name: string, message: string): Error {
  return Object.assign(new Error(message), { name, statusCode });
}

/**
 * Validates `value` with a schema of the API (-common); a failure is a 400
 * that names each field, or `root` (the body, a path parameter) for the
 * value itself. Strings holding NUL are refused too (PostgreSQL text cannot
 * store one).
 */
export function parse<T extends z.ZodTypeAny>(schema: T, value: unknown, root = 'body'): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const message = result.error.issues.map(i => `${i.path.join('.') || root}: ${i.message}`).join('; ');
    throw new InputError(message);
  }
  const nul = findNul(result.data, []);
  if (nul) throw new InputError(`${nul.join('.') || root}: must not contain NUL characters`);
  return result.data;
}

/** The path of the first string holding a NUL character. */
function findNul(value: unknown, path: Array<string | number>): Array<string | number> | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  let entries: Array<[string | number, unknown]> = [];
  if (Array.isArray(value)) entries = value.map((v, i) => [i, v]);
  else if (value && typeof value === 'object') entries = Object.entries(value);
  for (const [k, v] of entries) {
    const found = findNul(v, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

/**
 * A body is JSON or nothing: anything else is refused before it is read,
 * and the body parser's own errors are said clearly (never its stack).
 */
export function jsonBody(bodyLimit: string): express.RequestHandler[] {
  const onlyJson: express.RequestHandler = (req, _res, next) => {
    if (req.is('application/json') === false) {
      next(httpError(415, 'UnsupportedMediaTypeError', `The request body must be JSON (Content-Type: application/json), not ${req.get('content-type') ?? 'unspecified'}`));
      return;
    }
    next();
  };
  const bodyErrors: express.ErrorRequestHandler = (err, _req, _res, next) => {
    switch (err?.type) {
      case 'entity.parse.failed':
        next(new InputError(`The request body is not valid JSON: ${err.message}`));
        return;
      case 'entity.too.large':
        next(httpError(413, 'PayloadTooLargeError', `The request body is larger than ${bodyLimit}, the limit (jitAccess.requestBodyLimit)`));
        return;
      case 'charset.unsupported':
      case 'encoding.unsupported':
        next(httpError(415, 'UnsupportedMediaTypeError', `The request body's ${err.type.split('.')[0]} is not supported: ${err.message}`));
        return;
      default:
        // e.g. a Content-Encoding: gzip body that is not gzip
        if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
          next(httpError(err.status, 'InputError', `The request body could not be read: ${err.message}`));
          return;
        }
        next(err);
    }
  };
  return [onlyJson, express.json({ limit: bodyLimit }), bodyErrors as unknown as express.RequestHandler];
}
