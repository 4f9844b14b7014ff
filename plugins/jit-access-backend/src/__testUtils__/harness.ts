/*
 * Test harness: the plugin's real router, services, store (on a test
 * database), default permission policy and rules, and Identity Center
 * gateway (against the emulator), with the demo catalog in Backstage's
 * catalog service mock and demo users authenticated by mock tokens.
 *
 * Permission decisions run the real JitAccessDefaultPolicy; conditional
 * decisions are applied with the plugin's real rules and getResources, as the
 * permission backend would do over HTTP.
 */
import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { mockCredentials, mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { demoUserInfo, ENTITIES } from './demoCatalog';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  demoSeed,
  EmulatorSeed,
  IdentityCenterEmulator,
  startIdentityCenterEmulator,
} from '@jit-access/identity-center-emulator';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestStore } from '../database/__testUtils__/testStore';
import { SdkIdentityCenterGateway } from '../identity-center';
import { JitAccessDefaultPolicy } from '../policy/JitAccessDefaultPolicy';
import { isAllowedOnRequest, JitRequestResource } from '../permissions/rules';
import { createJitAccess } from '../service/createJitAccess';
import { createRouter } from '../service/router';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';

export { demoUserInfo, ENTITIES, MEMBERSHIPS } from './demoCatalog';

/**
 * `jitAccess` overrides config keys of the plugin (shallow merge);
 * `identityCenterEndpoint` points the gateway at an emulator someone else
 * runs (e.g. the parent of a replica process) instead of the harness's own;
 * `catalog` replaces the demo catalog and its users (the API benchmark's
 * 300 accounts and 5,000 users).
 */
export async function createHarness(
  knex: Knex,
  options: {
    jitAccess?: Record<string, unknown>;
    identityCenterEndpoint?: string;
    now?: () => number;
    catalog?: { entities: Entity[]; userInfo: UserInfoService; service?: CatalogService };
    /** Where the emulator draws its faults from (default Math.random): a seeded one makes a fault test repeatable. */
    emulatorRandom?: () => number;
    /** The emulator's users, accounts and permission sets (default: the demo's). */
    emulatorSeed?: EmulatorSeed;
    /** Draws request ids (default: random). */
    newRequestId?: () => string;
  } = {},
) {
  const userInfo = options.catalog?.userInfo ?? demoUserInfo;
  const emulator: IdentityCenterEmulator = await startIdentityCenterEmulator({
    timing: { assignmentDelayMs: 20 },
    random: options.emulatorRandom,
    seed: options.emulatorSeed,
  });
  const seed = options.emulatorSeed ?? demoSeed();
  const config = new ConfigReader({
    jitAccess: {
      identityCenter: {
        region: 'us-east-1',
        instanceArn: seed.instanceArn,
        identityStoreId: seed.identityStoreId,
        endpoint: options.identityCenterEndpoint ?? emulator.url,
      },
      roles: {
        approverGroups: ['group:default/approvers'],
        adminGroups: ['group:default/platform-admins'],
        ssoAdminGroups: ['group:default/sso-admins'],
      },
      accounts: [
        { accountId: '111111111111', name: 'sandbox', permissionSets: ['ReadOnlyAccess', 'PowerUserAccess'], customPolicyAllowed: true, breakGlassAllowed: true },
        { accountId: '222222222222', name: 'production', permissionSets: ['ReadOnlyAccess', 'AdministratorAccess'], customPolicyAllowed: true },
        { accountId: '333333333333', name: 'orphan', permissionSets: ['ReadOnlyAccess'] },
      ],
      ...options.jitAccess,
    },
  });
  const store = await createTestStore(knex);
  const gateway = new SdkIdentityCenterGateway({
    region: 'us-east-1',
    instanceArn: seed.instanceArn,
    identityStoreId: seed.identityStoreId,
    endpoint: options.identityCenterEndpoint ?? emulator.url,
    credentials: async () => ({ accessKeyId: 'x', secretAccessKey: 'x' }),
    pollIntervalMs: 20,
  });
  const policy = new JitAccessDefaultPolicy(
    { approverGroups: ['group:default/approvers'], adminGroups: ['group:default/platform-admins'], ssoAdminGroups: ['group:default/sso-admins'] },
    userInfo,
  );
  let getResources: (ids: string[]) => Promise<Array<JitRequestResource | undefined>> = async () => [];
  const permissions: PermissionsService = {
    async authorize(requests: any[], opts: { credentials: BackstageCredentials }) {
      return Promise.all(
        requests.map(async r => {
          const d: PolicyDecision = await policy.handle({ permission: r.permission } as any, { credentials: opts.credentials } as any);
          if (d.result !== AuthorizeResult.CONDITIONAL) return { result: d.result };
          const [resource] = await getResources([r.resourceRef]);
          return { result: isAllowedOnRequest(d, resource) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
        }),
      ) as any;
    },
    // The policy's decision as it is, conditions included, as the permission backend returns it.
    async authorizeConditional(queries: any[], opts: { credentials: BackstageCredentials }) {
      return Promise.all(
        queries.map(q => policy.handle({ permission: q.permission } as any, { credentials: opts.credentials } as any)),
      ) as any;
    },
  };
  const sent: NotificationSendOptions[] = [];
  /** Audit events as Backstage's auditor service receives them. */
  const audits: Array<{
    eventId: string;
    severityLevel?: string;
    meta?: object;
    outcome?: 'success' | 'fail';
    result?: object;
  }> = [];
  const auditor = {
    async createEvent(o: { eventId: string; severityLevel?: string; meta?: object }) {
      const entry: (typeof audits)[number] = { eventId: o.eventId, severityLevel: o.severityLevel, meta: o.meta };
      audits.push(entry);
      return {
        async success(r?: { meta?: object }) {
          entry.outcome = 'success';
          entry.result = r?.meta;
        },
        async fail() {
          entry.outcome = 'fail';
        },
      };
    },
  };
  // A mock logger needs jest; replica and benchmark processes (soakReplica.ts,
  // apiBenchServer.ts in packages/jit-access-harness) have none: they log
  // errors to stderr.
  const processLogger = typeof jest === 'undefined' ? mockServices.rootLogger({ level: 'error' }) : undefined;
  const jit = createJitAccess({
    notifications: { send: async n => void sent.push(n) },
    config,
    logger: processLogger ?? mockServices.logger.mock(),
    store,
    catalog: options.catalog?.service ?? catalogServiceMock({ entities: options.catalog?.entities ?? ENTITIES }),
    auth: mockServices.auth(),
    permissions,
    gateway,
    now: options.now,
    newRequestId: options.newRequestId,
  });
  getResources = jit.getResources;
  await jit.configService.sync();
  await jit.configService.seedConfiguredAccounts(jit.jitConfig.accounts);
  await jit.configService.onboardCatalogAccounts();

  const app = express()
    .use(
      await createRouter({
        httpAuth: mockServices.httpAuth(),
        userInfo,
        service: jit.service,
        configService: jit.configService,
        auditor,
        requestBodyLimit: jit.jitConfig.requestBodyLimit,
      }),
    )
    // Outside jest, Backstage's own error handler: it logs a 500's cause
    // with the logId the response names.
    .use(
      processLogger
        ? MiddlewareFactory.create({ config: mockServices.rootConfig(), logger: processLogger }).error()
        : mockErrorHandler(),
    );

  const as = (name: string) => ({
    get: (path: string) => request(app).get(path).set('Authorization', mockCredentials.user.header(`user:default/${name}`)),
    post: (path: string, body: object = {}) =>
      request(app).post(path).set('Authorization', mockCredentials.user.header(`user:default/${name}`)).send(body),
    put: (path: string, body: object = {}) =>
      request(app).put(path).set('Authorization', mockCredentials.user.header(`user:default/${name}`)).send(body),
  });
  const arnOf = async (name: string) => (await store.listPermissionSets()).find(p => p.name === name)!.arn;
  /** Runs the engine on one request until it has `status` (at most 200 rounds, 20 ms apart). */
  const processUntil = async (reqId: string, status: string) => {
    for (let i = 0; i < 200; i++) {
      if ((await store.getRequest(reqId))?.status === status) return;
      await jit.engine.process(reqId);
      await new Promise(r => setTimeout(r, 20));
    }
    throw new Error(`${reqId} never became ${status}`);
  };
  /**
   * Waits until `check` stops throwing (notifications are sent after the
   * response): at most `timeoutMs`, then fails with the check's error.
   */
  const eventually = async (check: () => void | Promise<void>, timeoutMs = 5_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (e) {
        if (Date.now() > until) throw e;
        await new Promise(r => setTimeout(r, 20));
      }
    }
  };
  /** alice's active session on sandbox (111111111111), approved by bob, as stored. */
  const activeGrant = async (permissionSet = 'ReadOnlyAccess', reason = 'base') => {
    const created = await as('alice').post('/requests', {
      accountId: '111111111111',
      permissionSetArn: await arnOf(permissionSet),
      durationMinutes: 30,
      reason,
    });
    await as('bob').post(`/requests/${created.body.id}/approve`, {});
    await processUntil(created.body.id, 'active');
    return (await store.getRequest(created.body.id))!;
  };

  return {
    app,
    as,
    knex,
    sent,
    audits,
    store,
    jit,
    emulator,
    arnOf,
    processUntil,
    eventually,
    activeGrant,
    async close() {
      gateway.destroy();
      await emulator.close();
    },
  };
}
