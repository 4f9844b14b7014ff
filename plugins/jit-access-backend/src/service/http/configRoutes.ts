import {
  accountConfigUpdateSchema,
  accountIdSchema,
  permissionSetArnParamSchema,
  permissionSetUpdateSchema,
  settingsSchema,
} from '@jit-access/plugin-jit-access-common';
import type { Request, Router } from 'express';
import type { ConfigService } from '../ConfigService';
import type { Caller } from '../types';
import type { Audited } from './audited';
import { parse } from './parse';

/** The config page's endpoints: accounts, permission sets, settings, roles. */
export function addConfigRoutes(
  router: Router,
  { configService, caller, audited }: {
    configService: ConfigService;
    caller: (req: Request) => Promise<Caller>;
    audited: Audited;
  },
): void {
  const accountId = (req: Request) => parse(accountIdSchema, req.params.accountId, 'accountId');
  const arn = (req: Request) => parse(permissionSetArnParamSchema, req.params).arn;

  router.get('/config/accounts', async (req, res) => {
    res.json({ items: await configService.listAccounts(await caller(req)) });
  });

  router.put('/config/accounts/:accountId', async (req, res) => {
    const id = accountId(req);
    const body = parse(accountConfigUpdateSchema, req.body);
    const c = await caller(req);
    res.json(await audited('config-change', req, { target: 'account', accountId: id, update: body }, () => configService.updateAccount(c, id, body)));
  });

  // Before a change is saved: which open requests it would end or give a step.
  router.post('/config/accounts/:accountId/impact', async (req, res) => {
    const id = accountId(req);
    const body = parse(accountConfigUpdateSchema, req.body);
    res.json(await configService.previewAccountUpdate(await caller(req), id, body));
  });

  router.post('/config/permission-sets/:arn/impact', async (req, res) => {
    const setArn = arn(req);
    const body = parse(permissionSetUpdateSchema, req.body);
    res.json(await configService.previewPermissionSetUpdate(await caller(req), setArn, body.requiresTwoLevels));
  });

  router.get('/config/permission-sets', async (req, res) => {
    res.json({ items: await configService.listPermissionSets(await caller(req)) });
  });

  router.post('/config/permission-sets/sync', async (req, res) => {
    const c = await caller(req);
    res.json({ items: await audited('config-change', req, { target: 'permission-sets', action: 'sync' }, () => configService.syncPermissionSets(c)) });
  });

  router.put('/config/permission-sets/:arn', async (req, res) => {
    const setArn = arn(req);
    const body = parse(permissionSetUpdateSchema, req.body);
    const c = await caller(req);
    res.json(
      await audited('config-change', req, { target: 'permission-set', arn: setArn, update: body }, () =>
        configService.updatePermissionSet(c, setArn, body.requiresTwoLevels),
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
}
