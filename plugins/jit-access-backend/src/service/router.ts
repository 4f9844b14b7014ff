/*
 * The HTTP API of JIT Access, mounted at /api/jit-access.
 *
 * The router only does HTTP: it authenticates the user, parses and validates
 * input with the API's schemas from -common (a 400 names the field), and
 * maps to the services. Errors are thrown as @backstage/errors classes and
 * rendered by the backend's error handler. Decisions always run on the
 * caller's own credentials.
 */
import { AuditorService, HttpAuthService, UserInfoService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { requestIdSchema } from '@jit-access/plugin-jit-access-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { InvalidCursorError } from '../database';
import { ConfigService } from './ConfigService';
import { auditedWith } from './http/audited';
import { addConfigRoutes } from './http/configRoutes';
import { jsonBody, parse } from './http/parse';
import { addRequestRoutes } from './http/requestRoutes';
import { JitAccessService } from './JitAccessService';
import { Caller } from './types';

export { toCsv } from './http/csv';

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  service: JitAccessService;
  configService: ConfigService;
  auditor?: AuditorService;
  /** `jitAccess.requestBodyLimit`; default 256kb. */
  requestBodyLimit?: string;
}): Promise<express.Router> {
  const { httpAuth, userInfo, service, configService } = options;
  const router = Router();
  router.use(...jsonBody(options.requestBodyLimit ?? '256kb'));

  async function caller(req: Request): Promise<Caller> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const info = await userInfo.getUserInfo(credentials);
    return { userEntityRef: info.userEntityRef, ownershipEntityRefs: info.ownershipEntityRefs, credentials };
  }
  const audited = auditedWith(options.auditor);
  const requestId = (req: Request) => parse(requestIdSchema, req.params.id, 'request id');

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  addRequestRoutes(router, { service, caller, audited, requestId });
  addConfigRoutes(router, { configService, caller, audited });

  // An unknown endpoint, or a path parameter that matches no route, says so.
  router.use((req, _res, next) => {
    next(new NotFoundError(`No such JIT Access endpoint: ${req.method} ${req.path.slice(0, 200)}`));
  });
  router.use(((err, _req, _res, next) => next(httpErrorOf(err))) as express.ErrorRequestHandler);

  return router;
}

/**
 * Errors that are not HTTP errors yet, as the API answers them: the store's
 * (src/database/errors.ts), and a path parameter that is not valid
 * percent-encoding. Backstage's error handler renders the result.
 */
function httpErrorOf(err: unknown): unknown {
  if (err instanceof InvalidCursorError) return new InputError('cursor: is not a cursor returned by this API');
  if (err instanceof URIError) return new InputError(`The request path is not valid percent-encoding: ${err.message}`);
  return err;
}
