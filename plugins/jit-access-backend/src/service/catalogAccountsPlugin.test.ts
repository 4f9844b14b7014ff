/*
 * jitAccess.catalogAccounts through the real plugin wiring (plugin.ts): the
 * catalog's AWS account entities are onboarded at start, after the
 * permission sets are synced, with no jitAccess.accounts at all.
 */
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { demoSeed, type IdentityCenterEmulator, startIdentityCenterEmulator } from '@jit-access/identity-center-emulator';
import request from 'supertest';
import { demoUserInfo, ENTITIES } from '../__testUtils__/demoCatalog';
import { jitAccessPlugin } from '../plugin';

jest.setTimeout(120_000);

/** An AWS account as the AWS organization catalog module emits it. */
const ORG_ACCOUNT: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'test-account',
    namespace: 'default',
    title: 'Test Account',
    annotations: {
      'amazonaws.com/account-id': '111111111111',
      'amazonaws.com/arn': 'arn:aws:organizations::192594491037:account/o-1vl18kc5a3/111111111111',
      'amazonaws.com/organization-id': 'o-1vl18kc5a3',
    },
    labels: { 'amazonaws.com/account-status': 'active' },
  },
  spec: { type: 'cloud-account', owner: 'team-alpha' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-alpha' }],
};

describe('accounts from the catalog, through the plugin', () => {
  let emulator: IdentityCenterEmulator;
  afterAll(async () => {
    await emulator?.close();
  });

  it('onboards the catalog account entities at start, with the default permission sets', async () => {
    const seed = demoSeed();
    emulator = await startIdentityCenterEmulator({ seed, timing: { assignmentDelayMs: 50 } });
    const { server } = await startTestBackend({
      features: [
        jitAccessPlugin,
        catalogServiceMock.factory({ entities: [...ENTITIES.filter(e => e.kind !== 'Resource'), ORG_ACCOUNT] }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        createServiceFactory({ service: coreServices.userInfo, deps: {}, factory: () => demoUserInfo }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            jitAccess: {
              identityCenter: { region: 'us-east-1', instanceArn: seed.instanceArn, identityStoreId: seed.identityStoreId, endpoint: emulator.url },
              catalogAccounts: { permissionSets: ['ReadOnlyAccess'] },
            },
          },
        }),
      ],
    });
    const get = () =>
      request(server).get('/api/jit-access/accounts').set('Authorization', mockCredentials.user.header('user:default/alice'));
    let res = await get();
    for (let i = 0; i < 100 && !res.body.items?.length; i++) {
      await new Promise(r => setTimeout(r, 100));
      res = await get();
    }
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      accountId: '111111111111',
      name: 'Test Account',
      entityRef: 'resource:default/test-account',
      owners: ['group:default/team-alpha'],
      permissionSets: [expect.objectContaining({ name: 'ReadOnlyAccess' })],
    });
  });
});
