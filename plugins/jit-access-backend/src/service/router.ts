/*
 * HTTP API of JIT Access (SPEC §4), mounted at /api/jit-access.
 *
 * The router only does HTTP: it authenticates the user, parses and validates
 * input (a 400 names the field), and maps to the services. Errors are thrown
 * as @backstage/errors classes and rendered by the backend's error handler.
 * Decisions always run on the caller's own credentials.
 */
import {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { validatePolicy } from '@jit-access/plugin-jit-access-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ConfigService } from './ConfigService';
import { JitAccessService } from './JitAccessService';
import { Caller } from './types';

const STATUSES = [
  'pending', 'approved', 'provisioning', 'active', 'ending', 'expired',
  'revoked', 'ended', 'rejected', 'cancelled', 'timed_out', 'failed',
] as const;

const createRequestSchema = z
  .object({
    accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    permissionSetArn: z.string().min(1).max(2048).optional(),
    customPolicy: z.string().max(65_536).optional(),
    durationMinutes: z.number().int().min(15).max(12 * 60),
    reason: z.string().trim().min(1, 'is required').max(2000),
    ticket: z.string().trim().max(200).optional(),
    startAt: z.string().datetime({ offset: true }).optional(),
    extendsRequestId: z.string().regex(/^JIT-[0-9A-Z]{6,16}$/, 'is not a request id').optional(),
  })
  .strict();

const decisionSchema = z.object({ comment: z.string().max(2000).optional() }).strict();

const listSchema = z.object({
  view: z.enum(['mine', 'approvals', 'history']).default('mine'),
  status: z
    .string()
    .transform(s => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
  accountId: z.string().regex(/^\d{12}$/).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const sessionsSchema = z.object({
  view: z.enum(['mine', 'managed']).default('mine'),
  accountId: z.string().regex(/^\d{12}$/).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const policySchema = z.object({ policy: z.string().max(1_000_000) }).strict();

const accountUpdateSchema = z
  .object({
    onboarded: z.boolean().optional(),
    enabledPermissionSetArns: z.array(z.string().min(1)).max(200).optional(),
    customPolicyAllowed: z.boolean().optional(),
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
    customMaxDurationMinutes: z.number().int().min(15).max(12 * 60),
    allowRequestsWithoutApprover: z.boolean(),
  })
  .strict();

const permissionSetUpdateSchema = z.object({ requiresTwoLevels: z.boolean() }).strict();

/** Parses with zod; a failure is a 400 that names each field. */
function parse<T extends z.ZodTypeAny>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const message = result.error.issues
      .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ');
    throw new InputError(message);
  }
  return result.data;
}

const idSchema = z.string().regex(/^JIT-[0-9A-Z]{6,16}$/, 'is not a request id');

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  service: JitAccessService;
  configService: ConfigService;
}): Promise<express.Router> {
  const { httpAuth, userInfo, service, configService } = options;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  async function caller(req: Request): Promise<Caller> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const info = await userInfo.getUserInfo(credentials);
    return {
      userEntityRef: info.userEntityRef,
      ownershipEntityRefs: info.ownershipEntityRefs,
      credentials,
    };
  }
  const requestId = (req: Request) => parse(idSchema, req.params.id);

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/me', async (req, res) => {
    res.json(await service.me(await caller(req)));
  });

  router.get('/accounts', async (req, res) => {
    res.json(await service.requestableAccounts(await caller(req)));
  });

  router.post('/requests', async (req, res) => {
    const body = parse(createRequestSchema, req.body);
    res.status(201).json(await service.createRequest(await caller(req), body));
  });

  router.get('/requests', async (req, res) => {
    const q = parse(listSchema, req.query);
    res.json(await service.listRequests(await caller(req), q));
  });

  router.get('/requests/:id', async (req, res) => {
    res.json(await service.getRequest(await caller(req), requestId(req)));
  });

  for (const action of ['approve', 'reject'] as const) {
    router.post(`/requests/:id/${action}`, async (req, res) => {
      const { comment } = parse(decisionSchema, req.body);
      res.json(await service.decide(await caller(req), requestId(req), action, comment));
    });
  }

  router.post('/requests/:id/cancel', async (req, res) => {
    const { comment } = parse(decisionSchema, req.body);
    res.json(await service.cancel(await caller(req), requestId(req), comment));
  });

  router.get('/sessions', async (req, res) => {
    const q = parse(sessionsSchema, req.query);
    res.json(await service.listSessions(await caller(req), q));
  });

  router.post('/sessions/:id/revoke', async (req, res) => {
    const { comment } = parse(decisionSchema, req.body);
    res.json(await service.revoke(await caller(req), requestId(req), comment));
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
    const accountId = parse(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'), req.params.accountId);
    const body = parse(accountUpdateSchema, req.body);
    res.json(await configService.updateAccount(await caller(req), accountId, body));
  });

  router.get('/config/permission-sets', async (req, res) => {
    res.json({ items: await configService.listPermissionSets(await caller(req)) });
  });

  router.post('/config/permission-sets/sync', async (req, res) => {
    res.json({ items: await configService.syncPermissionSets(await caller(req)) });
  });

  router.put('/config/permission-sets/:arn', async (req, res) => {
    const body = parse(permissionSetUpdateSchema, req.body);
    res.json(
      await configService.updatePermissionSet(await caller(req), req.params.arn, body.requiresTwoLevels),
    );
  });

  router.get('/config/settings', async (req, res) => {
    res.json(await configService.getSettings(await caller(req)));
  });

  router.put('/config/settings', async (req, res) => {
    const body = parse(settingsSchema, req.body);
    res.json(await configService.putSettings(await caller(req), body));
  });

  router.get('/config/roles', async (req, res) => {
    res.json(await configService.roles(await caller(req)));
  });

  return router;
}
