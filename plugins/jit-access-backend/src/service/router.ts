/*
 * HTTP API of JIT Access (SPEC §4), mounted at /api/jit-access.
 *
 * The router only does HTTP: it authenticates the user, parses and validates
 * input (a 400 names the field), and maps to the services. Errors are thrown
 * as @backstage/errors classes and rendered by the backend's error handler.
 * Decisions always run on the caller's own credentials.
 */
import {
  AuditorService,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  AWS_ACCOUNT_ID_PATTERN,
  MAX_REQUEST_MINUTES,
  MIN_REQUEST_MINUTES,
  REQUEST_STATUSES,
  validatePolicy,
  type AccessRequest,
} from '@jit-access/plugin-jit-access-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { InvalidCursorError, REQUEST_ID_PATTERN } from '../database';
import { ConfigService } from './ConfigService';
import { JitAccessService } from './JitAccessService';
import { sendSharedJson } from './sharedJson';
import { Caller } from './types';

/** A path or query parameter that is an AWS account id. */
const accountIdSchema = z.string().regex(AWS_ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account id');

const createRequestSchema = z
  .object({
    accountId: accountIdSchema,
    permissionSetArn: z.string().min(1).max(2048).optional(),
    customPolicy: z.string().max(65_536).optional(),
    durationMinutes: z.number().int().min(MIN_REQUEST_MINUTES).max(MAX_REQUEST_MINUTES),
    reason: z.string().trim().min(1, 'is required').max(2000),
    ticket: z.string().trim().max(200).optional(),
    startAt: z.string().datetime({ offset: true }).optional(),
    extendsRequestId: z.string().regex(REQUEST_ID_PATTERN, 'is not a request id').optional(),
    /** Self-approved emergency access; the service checks the account and the reason. */
    breakGlass: z.boolean().optional(),
  })
  .strict();

const reviewSchema = z
  .object({ comment: z.string().trim().min(1, 'is required to close a break-glass review').max(2000) })
  .strict();

const decisionSchema = z.object({ comment: z.string().max(2000).optional() }).strict();

const listSchema = z.object({
  view: z.enum(['mine', 'approvals', 'history', 'reviews']).default('mine'),
  status: z
    .string()
    .transform(s => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(REQUEST_STATUSES)))
    .optional(),
  accountId: accountIdSchema.optional(),
  /** Created at or after / before these times (ISO 8601), e.g. the history's date range. */
  createdAfter: z.string().datetime({ offset: true }).transform(Date.parse).optional(),
  createdBefore: z.string().datetime({ offset: true }).transform(Date.parse).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const sessionsSchema = z.object({
  view: z.enum(['mine', 'managed']).default('mine'),
  accountId: accountIdSchema.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const accountParamSchema = z.object({ accountId: accountIdSchema });

const activitySchema = z.object({
  days: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days from 1 to 90')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be from 1 to 90').max(90, 'must be from 1 to 90'))
    .default('30'),
});

const policySchema = z.object({ policy: z.string().max(1_000_000) }).strict();

const accountUpdateSchema = z
  .object({
    onboarded: z.boolean().optional(),
    enabledPermissionSetArns: z.array(z.string().min(1)).max(200).optional(),
    customPolicyAllowed: z.boolean().optional(),
    breakGlassAllowed: z.boolean().optional(),
    assignedOwners: z
      .array(z.string().regex(/^(user|group):[\w.-]+\/[\w.@-]+$/, 'must be user:<ns>/<name> or group:<ns>/<name>'))
      .max(100)
      .optional(),
  })
  .strict();

const settingsSchema = z
  .object({
    requireRejectionComment: z.boolean(),
    pendingTimeoutMinutes: z.number().int().min(5).max(60 * 24 * 90),
    customMaxDurationMinutes: z.number().int().min(MIN_REQUEST_MINUTES).max(MAX_REQUEST_MINUTES),
    allowRequestsWithoutApprover: z.boolean(),
  })
  .strict();

const permissionSetUpdateSchema = z.object({ requiresTwoLevels: z.boolean() }).strict();

/** An error with an HTTP status Backstage's error handler passes on. */
function httpError(statusCode: number, name: string, message: string): Error {
  return Object.assign(new Error(message), { name, statusCode });
}

/** Parses with zod; a failure is a 400 that names each field. */
/** Validates `value`; an error names the field, or `root` (the body, a path parameter) for the value itself. */
function parse<T extends z.ZodTypeAny>(schema: T, value: unknown, root = 'body'): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const message = result.error.issues
      .map(i => `${i.path.join('.') || root}: ${i.message}`)
      .join('; ');
    throw new InputError(message);
  }
  const nul = findNul(result.data, []);
  if (nul) throw new InputError(`${nul.join('.') || root}: must not contain NUL characters`);
  return result.data;
}

/** The path of the first string holding a NUL character (PostgreSQL text cannot store one). */
function findNul(value: unknown, path: Array<string | number>): Array<string | number> | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = findNul(v, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

const idSchema = z.string().regex(REQUEST_ID_PATTERN, 'is not a request id');

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  service: JitAccessService;
  configService: ConfigService;
  auditor?: AuditorService;
  /** `jitAccess.requestBodyLimit`; default 256kb. */
  requestBodyLimit?: string;
}): Promise<express.Router> {
  const { httpAuth, userInfo, service, configService, auditor } = options;
  const bodyLimit = options.requestBodyLimit ?? '256kb';

  /**
   * Every mutation is an audit event of Backstage's auditor service (besides
   * the plugin's own append-only event table): success or failure, with what
   * was asked for.
   */
  async function audited<T>(
    eventId: string,
    req: Request,
    meta: JsonObject,
    fn: () => Promise<T>,
    severityLevel: 'low' | 'medium' | 'high' | 'critical' = 'medium',
  ): Promise<T> {
    const event = await auditor?.createEvent({ eventId, request: req, severityLevel, meta });
    try {
      const result = await fn();
      await event?.success({ meta: resultMeta(result) });
      return result;
    } catch (error) {
      await event?.fail({ error: error as Error });
      throw error;
    }
  }
  const router = Router();
  // A body is JSON or nothing; anything else is refused before it is read.
  router.use((req, _res, next) => {
    if (req.is('application/json') === false) {
      next(httpError(415, 'UnsupportedMediaTypeError', `The request body must be JSON (Content-Type: application/json), not ${req.get('content-type') ?? 'unspecified'}`));
      return;
    }
    next();
  });
  router.use(express.json({ limit: bodyLimit }));
  // The body parser's own errors, said clearly (and never its stack).
  router.use(((err, _req, _res, next) => {
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
  }) as express.ErrorRequestHandler);

  async function caller(req: Request): Promise<Caller> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const info = await userInfo.getUserInfo(credentials);
    return {
      userEntityRef: info.userEntityRef,
      ownershipEntityRefs: info.ownershipEntityRefs,
      credentials,
    };
  }
  const requestId = (req: Request) => parse(idSchema, req.params.id, 'request id');

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/me', async (req, res) => {
    res.json(await service.me(await caller(req)));
  });

  router.get('/accounts', async (req, res) => {
    sendSharedJson(req, res, await service.requestableAccounts(await caller(req)));
  });

  router.get('/accounts/:accountId/activity', async (req, res) => {
    const { accountId } = parse(accountParamSchema, req.params);
    const { days } = parse(activitySchema, req.query);
    res.json(await service.accountActivity(await caller(req), accountId, days));
  });

  router.post('/requests', async (req, res) => {
    const body = parse(createRequestSchema, req.body);
    const c = await caller(req);
    // Break-glass grants access without anyone else's decision: its own, high-severity event.
    const created = await audited(
      body.breakGlass ? 'request-break-glass' : 'request-create',
      req,
      { accountId: body.accountId, permissionSetArn: body.permissionSetArn ?? null, custom: !!body.customPolicy, durationMinutes: body.durationMinutes },
      () => service.createRequest(c, body),
      body.breakGlass ? 'high' : 'medium',
    );
    res.status(201).json(created);
  });

  router.get('/requests', async (req, res) => {
    const q = parse(listSchema, req.query);
    const page = await service.listRequests(await caller(req), q);
    // The approvals page is the same object while its requests are
    // unchanged (JitAccessService, PendingPages): encoded once, and a 304
    // for a browser that has it.
    if (q.view === 'approvals') sendSharedJson(req, res, page);
    else res.json(page);
  });

  // Before /requests/:id. For auditors: the history view's filters, as CSV.
  router.get('/requests/export.csv', async (req, res) => {
    const q = parse(listSchema, { ...req.query, view: 'history' });
    const c = await caller(req);
    const rows: AccessRequest[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.listRequests(c, { ...q, cursor, limit: 200 });
      rows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && rows.length < 100_000);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="jit-access-requests.csv"');
    res.send(toCsv(rows));
  });

  router.get('/requests/:id', async (req, res) => {
    res.json(await service.getRequest(await caller(req), requestId(req)));
  });

  for (const action of ['approve', 'reject'] as const) {
    router.post(`/requests/:id/${action}`, async (req, res) => {
      const { comment } = parse(decisionSchema, req.body);
      const id = requestId(req);
      const c = await caller(req);
      res.json(await audited('request-decision', req, { requestId: id, action }, () => service.decide(c, id, action, comment)));
    });
  }

  router.post('/requests/:id/review', async (req, res) => {
    const id = requestId(req);
    const { comment } = parse(reviewSchema, req.body);
    const c = await caller(req);
    res.json(await audited('break-glass-review', req, { requestId: id }, () => service.closeReview(c, id, comment)));
  });

  router.post('/requests/:id/cancel', async (req, res) => {
    const { comment } = parse(decisionSchema, req.body);
    const id = requestId(req);
    const c = await caller(req);
    res.json(await audited('request-decision', req, { requestId: id, action: 'cancel' }, () => service.cancel(c, id, comment)));
  });

  router.get('/sessions', async (req, res) => {
    const q = parse(sessionsSchema, req.query);
    res.json(await service.listSessions(await caller(req), q));
  });

  router.post('/sessions/:id/revoke', async (req, res) => {
    const { comment } = parse(decisionSchema, req.body);
    const id = requestId(req);
    const c = await caller(req);
    res.json(await audited('session-revoke', req, { requestId: id }, () => service.revoke(c, id, comment)));
  });

  router.post('/policies/validate', async (req, res) => {
    await caller(req);
    const { policy } = parse(policySchema, req.body);
    res.json(validatePolicy(policy));
  });

  // ------------------------------------------------------------ admin config

  router.get('/config/accounts', async (req, res) => {
    res.json({ items: await configService.listAccounts(await caller(req)) });
  });

  router.put('/config/accounts/:accountId', async (req, res) => {
    const accountId = parse(accountIdSchema, req.params.accountId, 'accountId');
    const body = parse(accountUpdateSchema, req.body);
    const c = await caller(req);
    res.json(await audited('config-change', req, { target: 'account', accountId, update: body }, () => configService.updateAccount(c, accountId, body)));
  });

  // Before a change is saved: which open requests it would end or give a step.
  router.post('/config/accounts/:accountId/impact', async (req, res) => {
    const accountId = parse(accountIdSchema, req.params.accountId, 'accountId');
    const body = parse(accountUpdateSchema, req.body);
    res.json(await configService.previewAccountUpdate(await caller(req), accountId, body));
  });

  router.post('/config/permission-sets/:arn/impact', async (req, res) => {
    parse(z.object({ arn: z.string().min(1).max(2048) }), req.params);
    const body = parse(permissionSetUpdateSchema, req.body);
    res.json(await configService.previewPermissionSetUpdate(await caller(req), req.params.arn, body.requiresTwoLevels));
  });

  router.get('/config/permission-sets', async (req, res) => {
    res.json({ items: await configService.listPermissionSets(await caller(req)) });
  });

  router.post('/config/permission-sets/sync', async (req, res) => {
    const c = await caller(req);
    res.json({ items: await audited('config-change', req, { target: 'permission-sets', action: 'sync' }, () => configService.syncPermissionSets(c)) });
  });

  router.put('/config/permission-sets/:arn', async (req, res) => {
    parse(z.object({ arn: z.string().min(1).max(2048) }), req.params);
    const body = parse(permissionSetUpdateSchema, req.body);
    const c = await caller(req);
    res.json(
      await audited('config-change', req, { target: 'permission-set', arn: req.params.arn, update: body }, () =>
        configService.updatePermissionSet(c, req.params.arn, body.requiresTwoLevels),
      ),
    );
  });

  router.get('/config/settings', async (req, res) => {
    res.json(await configService.getSettings(await caller(req)));
  });

  router.put('/config/settings', async (req, res) => {
    const body = parse(settingsSchema, req.body);
    const c = await caller(req);
    res.json(await audited('config-change', req, { target: 'settings', update: body }, () => configService.putSettings(c, body)));
  });

  router.get('/config/roles', async (req, res) => {
    res.json(await configService.roles(await caller(req)));
  });

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

/** What an audit event keeps of a result: the request id and status. */
function resultMeta(result: unknown): JsonObject {
  if (result && typeof result === 'object' && 'id' in result && 'status' in result) {
    const r = result as { id: string; status: string };
    return { requestId: r.id, status: r.status };
  }
  return {};
}

const CSV_FIELDS: Array<keyof AccessRequest> = [
  'id', 'requester', 'requesterName', 'accountId', 'accountName', 'kind', 'permissionSetName', 'status',
  'requestedDurationMinutes', 'effectiveDurationMinutes', 'reason', 'ticket',
  'createdAt', 'decidedAt', 'activatedAt', 'expiresAt', 'endedAt', 'statusReason',
];

/**
 * Columns of the export: the request's fields, then its break-glass review
 * (closed ones only). People are given by entity ref, each followed by the
 * display name (empty for someone no longer in the catalog).
 */
const CSV_COLUMNS: Array<[string, (r: AccessRequest) => unknown]> = [
  ...CSV_FIELDS.map((f): [string, (r: AccessRequest) => unknown] => [f, r => r[f]]),
  ['breakGlass', r => !!r.breakGlass],
  ['reviewedBy', r => r.review?.closedBy],
  ['reviewedByName', r => r.review?.closedByName],
  ['reviewComment', r => r.review?.comment],
  ['reviewedAt', r => r.review?.closedAt],
];

/** RFC 4180 CSV; cells that a spreadsheet would run as formulas are prefixed with '. */
export function toCsv(rows: AccessRequest[]): string {
  const cell = (v: unknown) => {
    let text = v === undefined || v === null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map(([, value]) => cell(value(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
