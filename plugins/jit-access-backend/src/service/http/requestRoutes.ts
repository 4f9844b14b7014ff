import {
  type AccessRequest,
  accountIdSchema,
  activityQuerySchema,
  createRequestBodySchema,
  decisionBodySchema,
  policyBodySchema,
  requestListQuerySchema,
  reviewBodySchema,
  sessionListQuerySchema,
  validatePolicy,
} from '@jit-access/plugin-jit-access-common';
import type { Request, Router } from 'express';
import { z } from 'zod';
import type { JitAccessService } from '../JitAccessService';
import { sendSharedJson } from '../sharedJson';
import type { Caller } from '../types';
import type { Audited } from './audited';
import { toCsv } from './csv';
import { parse } from './parse';

/** How many requests the CSV export holds at most. */
const MAX_EXPORT_ROWS = 100_000;

/** The requester's and approver's endpoints: accounts, requests, decisions, sessions, policies. */
export function addRequestRoutes(
  router: Router,
  { service, caller, audited, requestId }: {
    service: JitAccessService;
    caller: (req: Request) => Promise<Caller>;
    audited: Audited;
    requestId: (req: Request) => string;
  },
): void {
  router.get('/me', async (req, res) => {
    res.json(await service.me(await caller(req)));
  });

  router.get('/accounts', async (req, res) => {
    sendSharedJson(req, res, await service.requestableAccounts(await caller(req)));
  });

  router.get('/accounts/:accountId/activity', async (req, res) => {
    const { accountId } = parse(z.object({ accountId: accountIdSchema }), req.params);
    const { days } = parse(activityQuerySchema, req.query);
    res.json(await service.accountActivity(await caller(req), accountId, days));
  });

  router.post('/requests', async (req, res) => {
    const body = parse(createRequestBodySchema, req.body);
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
    const q = parse(requestListQuerySchema, req.query);
    const page = await service.listRequests(await caller(req), q);
    // The approvals page is the same object while its requests are
    // unchanged (RequestLists, PendingPages): encoded once, and a 304
    // for a browser that has it.
    if (q.view === 'approvals') sendSharedJson(req, res, page);
    else res.json(page);
  });

  // Before /requests/:id. For auditors: the history view's filters, as CSV.
  router.get('/requests/export.csv', async (req, res) => {
    const q = parse(requestListQuerySchema, { ...req.query, view: 'history' });
    const c = await caller(req);
    const rows: AccessRequest[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.listRequests(c, { ...q, cursor, limit: 200 });
      rows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && rows.length < MAX_EXPORT_ROWS);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="jit-access-requests.csv"');
    res.send(toCsv(rows));
  });

  router.get('/requests/:id', async (req, res) => {
    res.json(await service.getRequest(await caller(req), requestId(req)));
  });

  for (const action of ['approve', 'reject'] as const) {
    router.post(`/requests/:id/${action}`, async (req, res) => {
      const { comment } = parse(decisionBodySchema, req.body);
      const id = requestId(req);
      const c = await caller(req);
      res.json(await audited('request-decision', req, { requestId: id, action }, () => service.decide(c, id, action, comment)));
    });
  }

  router.post('/requests/:id/review', async (req, res) => {
    const id = requestId(req);
    const { comment } = parse(reviewBodySchema, req.body);
    const c = await caller(req);
    res.json(await audited('break-glass-review', req, { requestId: id }, () => service.closeReview(c, id, comment)));
  });

  router.post('/requests/:id/cancel', async (req, res) => {
    const { comment } = parse(decisionBodySchema, req.body);
    const id = requestId(req);
    const c = await caller(req);
    res.json(await audited('request-decision', req, { requestId: id, action: 'cancel' }, () => service.cancel(c, id, comment)));
  });

  router.get('/sessions', async (req, res) => {
    const q = parse(sessionListQuerySchema, req.query);
    res.json(await service.listSessions(await caller(req), q));
  });

  router.post('/sessions/:id/revoke', async (req, res) => {
    const { comment } = parse(decisionBodySchema, req.body);
    const id = requestId(req);
    const c = await caller(req);
    res.json(await audited('session-revoke', req, { requestId: id }, () => service.revoke(c, id, comment)));
  });

  router.post('/policies/validate', async (req, res) => {
    await caller(req);
    const { policy } = parse(policyBodySchema, req.body);
    res.json(validatePolicy(policy));
  });
}
