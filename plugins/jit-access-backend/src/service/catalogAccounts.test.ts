/*
 * Accounts from the catalog (`jitAccess.catalogAccounts`, issue 21.2): with
 * no `jitAccess.accounts`, the catalog's AWS account entities, in the shape
 * of the AWS organization catalog module, are onboarded with the default
 * permission sets and named by their titles. Fail closed: an id claimed
 * twice, a suspended account or another kind of Resource is not onboarded;
 * an account whose entity disappears takes no new requests and says why; the
 * config page's edits win over the catalog. On SQLite and PostgreSQL.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createHarness, demoUserInfo, ENTITIES } from '../__testUtils__/harness';
import { readJitAccessConfig } from './config';

jest.setTimeout(60_000);

const ORG = 'o-1vl18kc5a3';

/** An AWS account as the AWS organization catalog module emits it. */
function orgAccount(name: string, accountId: string, extra: { title?: string; owner?: string; status?: string; type?: string } = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      ...(extra.title ? { title: extra.title } : {}),
      annotations: {
        'amazonaws.com/account-id': accountId,
        'amazonaws.com/arn': `arn:aws:organizations::192594491037:account/${ORG}/${accountId}`,
        'amazonaws.com/organization-id': ORG,
      },
      ...(extra.status ? { labels: { 'amazonaws.com/account-status': extra.status } } : {}),
    },
    spec: { type: extra.type ?? 'cloud-account', owner: extra.owner ?? 'unknown' },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${extra.owner ?? 'unknown'}` }],
  };
}

const PEOPLE = ENTITIES.filter(e => e.kind !== 'Resource');
const SANDBOX = orgAccount('sandbox-account', '111111111111', { title: 'Sandbox', owner: 'team-alpha', status: 'ACTIVE' });
const PROD = orgAccount('prod-account', '222222222222', { owner: 'team-beta' });
const TWIN_A = orgAccount('twin-a', '555555555555', { title: 'Twin A', owner: 'team-alpha' });
const TWIN_B = orgAccount('twin-b', '555555555555', { title: 'Twin B', owner: 'team-beta' });
const SUSPENDED = orgAccount('old-account', '666666666666', { status: 'SUSPENDED' });
const DATABASE = orgAccount('a-database', '777777777777', { type: 'database' });

/** A catalog whose entities a test can change (read anew on every call). */
function mutableCatalog(initial: Entity[]) {
  const state = { entities: initial };
  const service = new Proxy({} as CatalogService, {
    get: (_, key) => (...args: unknown[]) =>
      (catalogServiceMock({ entities: state.entities }) as any)[key](...args),
  });
  return { state, service };
}

/** Moves Date.now past every cache (config 5 s, catalog 15 s) for the rest of a test. */
function afterCaches() {
  const realNow = Date.now.bind(Date);
  return jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 60_000);
}

describe('readJitAccessConfig: catalogAccounts', () => {
  const read = (jitAccess: object) => readJitAccessConfig(new ConfigReader({ jitAccess }));

  it('reads the default permission sets and flags, with a default schedule', () => {
    const c = read({ catalogAccounts: { permissionSets: ['ReadOnlyAccess'], breakGlassAllowed: true } }).catalogAccounts!;
    expect(c).toMatchObject({ permissionSets: ['ReadOnlyAccess'], customPolicyAllowed: false, breakGlassAllowed: true });
    expect(c.schedule.frequency).toEqual({ minutes: 10 });
    expect(read({}).catalogAccounts).toBeUndefined();
  });

  it('refuses to start with both accounts and catalogAccounts, naming both keys', () => {
    expect(() =>
      read({ accounts: [{ accountId: '111111111111' }], catalogAccounts: { permissionSets: ['ReadOnlyAccess'] } }),
    ).toThrow(/jitAccess.accounts and jitAccess.catalogAccounts are both set/);
  });

  it('needs the permission sets', () => {
    expect(() => read({ catalogAccounts: {} })).toThrow(/permissionSets/);
  });
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('accounts from the catalog (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  let catalog: ReturnType<typeof mutableCatalog>;
  beforeEach(async () => {
    catalog = mutableCatalog([...PEOPLE, SANDBOX, PROD, TWIN_A, TWIN_B, SUSPENDED, DATABASE]);
    h = await createHarness(await databases.init(id), {
      catalog: { entities: [], userInfo: demoUserInfo, service: catalog.service },
      jitAccess: { accounts: undefined, catalogAccounts: { permissionSets: ['ReadOnlyAccess'] } },
    });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await h.close();
  });

  it('onboards the AWS account entities with the default permission sets, named by title, else name', async () => {
    const stored = await h.store.listAccounts();
    expect(stored.map(a => a.accountId).sort()).toEqual(['111111111111', '222222222222']);
    const readOnly = await h.arnOf('ReadOnlyAccess');
    for (const a of stored) {
      expect(a).toMatchObject({ onboarded: true, enabledPermissionSetArns: [readOnly], customPolicyAllowed: false, assignedOwners: [] });
    }
    expect(stored.find(a => a.accountId === '111111111111')!.entityRef).toBe('resource:default/sandbox-account');
    const res = await h.as('alice').get('/accounts');
    expect(res.body.items.map((a: any) => [a.accountId, a.name, a.owners])).toEqual([
      ['222222222222', 'prod-account', ['group:default/team-beta']],
      ['111111111111', 'Sandbox', ['group:default/team-alpha']],
    ]);
    expect(res.body.unavailable).toBeUndefined();
    const created = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      permissionSetArn: readOnly,
      durationMinutes: 30,
      reason: 'from the catalog',
    });
    expect(created.status).toBe(201);
    expect(created.body.accountName).toBe('Sandbox');
  });

  it('does not onboard an id claimed twice, a suspended account or another kind of Resource; the config page says why for the first', async () => {
    for (const accountId of ['555555555555', '666666666666', '777777777777']) {
      expect(await h.store.getAccount(accountId)).toBeUndefined();
    }
    const config = await h.as('carol').get('/config/accounts');
    const twin = config.body.items.find((a: any) => a.accountId === '555555555555');
    expect(twin).toMatchObject({
      onboarded: false,
      name: '555555555555',
      catalogConflict: { entityRefs: ['resource:default/twin-a', 'resource:default/twin-b'] },
    });
  });

  it('leaves what an admin changed on the config page, and onboards entities new to the catalog on the next run', async () => {
    const power = await h.arnOf('PowerUserAccess');
    expect((await h.as('carol').put('/config/accounts/111111111111', { enabledPermissionSetArns: [power] })).status).toBe(200);
    expect((await h.as('carol').put('/config/accounts/222222222222', { onboarded: false })).status).toBe(200);
    catalog.state.entities = [...catalog.state.entities, orgAccount('new-account', '888888888888', { title: 'New' })];
    afterCaches();
    expect(await h.jit.configService.onboardCatalogAccounts()).toEqual(['888888888888']);
    expect((await h.store.getAccount('111111111111'))!.enabledPermissionSetArns).toEqual([power]);
    expect((await h.store.getAccount('222222222222'))!.onboarded).toBe(false);
    const res = await h.as('alice').get('/accounts');
    expect(res.body.items.find((a: any) => a.accountId === '888888888888')).toMatchObject({ name: 'New', ownerless: expect.any(Object) });
  });

  it('takes no new request for an account whose entity disappeared, and says why on the form and the config page', async () => {
    catalog.state.entities = catalog.state.entities.filter(e => e !== SANDBOX);
    afterCaches();
    const res = await h.as('alice').get('/accounts');
    expect(res.body.items.map((a: any) => a.accountId)).toEqual(['222222222222']);
    expect(res.body.unavailable).toEqual([
      { accountId: '111111111111', name: '111111111111', reason: expect.stringMatching(/^No catalog entity carries amazonaws.com\/account-id: 111111111111/) },
    ]);
    const created = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: 'entity gone',
    });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toMatch(/^accountId: No catalog entity carries/);
    const config = await h.as('carol').get('/config/accounts');
    expect(config.body.items.find((a: any) => a.accountId === '111111111111').unavailableReason).toMatch(/Restore the entity/);
  });

  it('takes no new request for an onboarded account once a second entity claims its id', async () => {
    catalog.state.entities = [...catalog.state.entities, orgAccount('prod-copy', '222222222222', { owner: 'approvers' })];
    afterCaches();
    const res = await h.as('alice').get('/accounts');
    expect(res.body.items.map((a: any) => a.accountId)).toEqual(['111111111111']);
    expect(res.body.unavailable[0]).toMatchObject({
      accountId: '222222222222',
      catalogConflict: { entityRefs: ['resource:default/prod-account', 'resource:default/prod-copy'] },
    });
    const created = await h.as('alice').post('/requests', {
      accountId: '222222222222',
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: 'claimed twice',
    });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toMatch(/claimed by 2 catalog entities/);
  });

  it('onboards nothing while a default permission set is unknown, rather than accounts without it', async () => {
    const other = await createHarness(await databases.init(id), {
      catalog: { entities: [], userInfo: demoUserInfo, service: catalog.service },
      jitAccess: { accounts: undefined, catalogAccounts: { permissionSets: ['ReadOnlyAccess', 'NoSuchSet'] } },
    });
    try {
      expect(await other.store.listAccounts()).toEqual([]);
      const res = await other.as('alice').get('/accounts');
      expect(res.body.items).toEqual([]);
      expect(res.body.reason).toMatch(/No AWS accounts are onboarded/);
    } finally {
      await other.close();
    }
  });
});
