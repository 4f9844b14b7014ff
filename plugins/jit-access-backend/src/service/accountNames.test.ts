/*
 * Accounts and owners by name: an account config does not name takes its
 * catalog entity's title, else the entity's name, else its id, the same on
 * the accounts list, the config page, a new request and its activity;
 * owners carry their display names next to their refs. On SQLite and
 * PostgreSQL.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { createHarness, demoUserInfo, ENTITIES } from '../__testUtils__/harness';
import { accountNameOf } from './AccountDirectory';

jest.setTimeout(60_000);

const SANDBOX = '111111111111';
const PRODUCTION = '222222222222';
const UNLISTED = '444444444444';

/** The demo catalog, where sandbox has a title and team-alpha a display name. */
function titledCatalog(): Entity[] {
  const entities: Entity[] = structuredClone(ENTITIES);
  const sandbox = entities.find(e => e.kind === 'Resource' && e.metadata.name === 'sandbox')!;
  sandbox.metadata.title = 'Sandbox (team alpha)';
  const alpha = entities.find(e => e.kind === 'Group' && e.metadata.name === 'team-alpha')!;
  alpha.spec = { ...alpha.spec, profile: { displayName: 'Team Alpha' } };
  return entities;
}

describe('accountNameOf', () => {
  const entity = (title?: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'sandbox', title },
  });
  it("takes config's name, else the entity's title, else the entity's name, else the id", () => {
    expect(accountNameOf({ accountId: SANDBOX, name: 'Sandbox' }, entity('Title'))).toBe('Sandbox');
    expect(accountNameOf({ accountId: SANDBOX, name: SANDBOX }, entity('Title'))).toBe('Title');
    expect(accountNameOf({ accountId: SANDBOX }, entity())).toBe('sandbox');
    expect(accountNameOf({ accountId: SANDBOX, name: SANDBOX })).toBe(SANDBOX);
  });
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('account and owner names (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id), {
      catalog: { entities: titledCatalog(), userInfo: demoUserInfo },
      jitAccess: {
        accounts: [
          { accountId: SANDBOX, permissionSets: ['ReadOnlyAccess'] },
          { accountId: PRODUCTION, permissionSets: ['ReadOnlyAccess'] },
          { accountId: UNLISTED, permissionSets: ['ReadOnlyAccess'], owners: ['user:default/erin', 'group:default/nowhere'] },
        ],
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists accounts by catalog title, entity name or id, with owner names by ref', async () => {
    const res = await h.as('alice').get('/accounts');
    expect(res.status).toBe(200);
    const byId = new Map<string, any>(res.body.items.map((a: any) => [a.accountId, a]));
    expect(byId.get(SANDBOX)).toMatchObject({
      name: 'Sandbox (team alpha)',
      entityRef: 'resource:default/sandbox',
      owners: ['group:default/team-alpha'],
      ownerNames: { 'group:default/team-alpha': 'Team Alpha' },
    });
    expect(byId.get(PRODUCTION)).toMatchObject({
      name: 'production',
      owners: ['group:default/team-beta'],
      ownerNames: { 'group:default/team-beta': 'team-beta' },
    });
    // Not in the catalog: its id; an owner the catalog does not know keeps its ref only.
    expect(byId.get(UNLISTED)).toMatchObject({
      name: UNLISTED,
      owners: ['user:default/erin', 'group:default/nowhere'],
      ownerNames: { 'user:default/erin': 'Erin' },
    });
    expect(byId.get(UNLISTED).entityRef).toBeUndefined();
  });

  it('shows the same names on the config page', async () => {
    const res = await h.as('carol').get('/config/accounts');
    expect(res.status).toBe(200);
    const sandbox = res.body.items.find((a: any) => a.accountId === SANDBOX);
    expect(sandbox).toMatchObject({
      name: 'Sandbox (team alpha)',
      catalogOwners: ['group:default/team-alpha'],
      ownerNames: { 'group:default/team-alpha': 'Team Alpha' },
    });
    expect(res.body.items.find((a: any) => a.accountId === PRODUCTION).name).toBe('production');
  });

  it('stores the display name on a new request, and names the account in its activity', async () => {
    const created = await h.as('alice').post('/requests', {
      accountId: SANDBOX,
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: 'names',
    });
    expect(created.status).toBe(201);
    expect(created.body.accountName).toBe('Sandbox (team alpha)');
    expect((await h.store.getRequest(created.body.id))!.accountName).toBe('Sandbox (team alpha)');
    const activity = await h.as('bob').get(`/accounts/${SANDBOX}/activity`);
    expect(activity.status).toBe(200);
    expect(activity.body.accountName).toBe('Sandbox (team alpha)');
  });

  it('keeps a name config gives over the catalog title', async () => {
    const named = await createHarness(await databases.init(id), {
      catalog: { entities: titledCatalog(), userInfo: demoUserInfo },
      jitAccess: { accounts: [{ accountId: SANDBOX, name: 'Play', permissionSets: ['ReadOnlyAccess'] }] },
    });
    try {
      const res = await named.as('alice').get('/accounts');
      expect(res.body.items.find((a: any) => a.accountId === SANDBOX).name).toBe('Play');
    } finally {
      await named.close();
    }
  });
});
