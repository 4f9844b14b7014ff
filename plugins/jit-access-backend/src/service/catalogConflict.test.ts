/*
 * One AWS account id claimed by two catalog entities (fail closed): anyone
 * who can register an entity could add a Resource annotated with a real
 * account id and themselves as owner. Such an id has no catalog entity for
 * JIT Access: no catalog owner (nobody approves through the catalog), no
 * name from either entity, the conflict shown with both refs; owners an
 * admin assigned and Admins still act as the approval rules say. On SQLite
 * and PostgreSQL.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { describeCatalogConflict } from '@jit-access/plugin-jit-access-common';
import { createHarness, demoUserInfo, ENTITIES } from '../__testUtils__/harness';
import { toAccountCatalog } from './AccountDirectory';

jest.setTimeout(60_000);

const SANDBOX = '111111111111';
const UNKNOWN = '555555555555';

/** A Resource claiming `accountId`, owned by `owner`, as a catalog-import PR could register it. */
function claim(name: string, accountId: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default', title: `Claimed by ${owner}`, annotations: { 'amazonaws.com/account-id': accountId } },
    spec: { type: 'aws-account', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const ATTACKER = claim('sandbox-copy', SANDBOX, 'user:default/erin');

describe('toAccountCatalog', () => {
  const legit = ENTITIES.find(e => e.metadata.name === 'sandbox')!;

  it('gives an id two entities claim to neither, whatever order the catalog returns them in', () => {
    for (const items of [[legit, ATTACKER], [ATTACKER, legit]]) {
      const { entities, contested } = toAccountCatalog(items);
      expect(entities.has(SANDBOX)).toBe(false);
      expect(contested.get(SANDBOX)).toEqual({ entityRefs: ['resource:default/sandbox', 'resource:default/sandbox-copy'] });
    }
  });

  it('counts a claim with spaces around the id, and one entity read twice as one claim', () => {
    const spaced = claim('spaced', ` ${SANDBOX} `, 'user:default/erin');
    expect(toAccountCatalog([legit, spaced]).contested.get(SANDBOX)?.entityRefs).toHaveLength(2);
    const once = toAccountCatalog([legit, legit]);
    expect(once.entities.get(SANDBOX)).toBe(legit);
    expect(once.contested.size).toBe(0);
  });
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('an account id claimed by two catalog entities (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id), {
      catalog: {
        // The attacker's entity last: with "the last claim wins" it would be the account's entity.
        entities: [
          ...ENTITIES,
          ATTACKER,
          claim('twin-a', UNKNOWN, 'user:default/erin'),
          claim('twin-b', UNKNOWN, 'group:default/team-beta'),
        ],
        userInfo: demoUserInfo,
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const request = async () => {
    const created = await h.as('alice').post('/requests', {
      accountId: SANDBOX,
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: 'claimed twice',
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  it("gives the attacker's entity no approval right, and the legitimate owner none either until the catalog is fixed", async () => {
    const reqId = await request();
    const asAttacker = await h.as('erin').post(`/requests/${reqId}/approve`, {});
    expect(asAttacker.status).toBe(403);
    // bob (team-alpha, the legitimate entity's owner) is no owner now: he cannot even see the request.
    const asCatalogOwner = await h.as('bob').post(`/requests/${reqId}/approve`, {});
    expect([403, 404]).toContain(asCatalogOwner.status);
    expect((await h.store.getRequest(reqId))!.status).toBe('pending');
    const detail = await h.as('erin').get(`/requests/${reqId}`);
    expect(detail.status === 404 || detail.body.actions?.find((a: any) => a.name === 'approve')?.allowed !== true).toBe(true);
    const me = await h.as('erin').get('/me');
    expect(me.body.ownedAccountIds).not.toContain(SANDBOX);
    // An Admin approves a standard request on an account without owners, as the rules say.
    expect((await h.as('carol').post(`/requests/${reqId}/approve`, {})).status).toBe(200);
  });

  it('shows the account without catalog owner or catalog name, with both entity refs', async () => {
    const res = await h.as('alice').get('/accounts');
    const sandbox = res.body.items.find((a: any) => a.accountId === SANDBOX);
    expect(sandbox).toMatchObject({
      name: 'sandbox', // config's name, not the attacker's title
      owners: [],
      catalogConflict: { entityRefs: ['resource:default/sandbox', 'resource:default/sandbox-copy'] },
      ownerless: { adminNames: expect.arrayContaining(['Carol']) },
    });
    const production = res.body.items.find((a: any) => a.accountId === '222222222222');
    expect(production.catalogConflict).toBeUndefined();
    expect(production.owners).toEqual(['group:default/team-beta']);
  });

  it('flags it on the config page, lists an unknown id claimed twice, and refuses to onboard that one', async () => {
    const res = await h.as('carol').get('/config/accounts');
    const sandbox = res.body.items.find((a: any) => a.accountId === SANDBOX);
    expect(sandbox).toMatchObject({ catalogOwners: [], ownerless: true, catalogConflict: { entityRefs: expect.any(Array) } });
    const twin = res.body.items.find((a: any) => a.accountId === UNKNOWN);
    expect(twin).toMatchObject({ onboarded: false, catalogConflict: { entityRefs: ['resource:default/twin-a', 'resource:default/twin-b'] } });
    const onboard = await h.as('carol').put(`/config/accounts/${UNKNOWN}`, { onboarded: true });
    expect(onboard.status).toBe(409);
    expect(onboard.body.error.message).toBe(describeCatalogConflict(UNKNOWN, twin.catalogConflict));
    expect(await h.store.getAccount(UNKNOWN)).toBeUndefined();
  });

  it('lets an owner an admin assigned approve, as the rules say', async () => {
    expect((await h.as('carol').put(`/config/accounts/${SANDBOX}`, { assignedOwners: ['user:default/frank'] })).status).toBe(200);
    try {
      const reqId = await request();
      expect((await h.as('erin').post(`/requests/${reqId}/approve`, {})).status).toBe(403);
      expect((await h.as('frank').post(`/requests/${reqId}/approve`, {})).status).toBe(200);
    } finally {
      await h.as('carol').put(`/config/accounts/${SANDBOX}`, { assignedOwners: [] });
    }
  });
});
