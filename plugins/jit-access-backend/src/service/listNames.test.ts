/*
 * People by name on list pages and in the timeline: every list item carries
 * its requester's display name (and the name of who closed its break-glass
 * review), resolved in one catalog read per page, never one per row; the
 * events of a request detail carry their actor's name, "JIT Access" for the
 * engine. The approvals page's shared response changes with the names.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity, UserEntity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createHarness, demoUserInfo, ENTITIES } from '../__testUtils__/harness';
import { DIRECTORY_CACHE_MS } from './AccountDirectory';

jest.setTimeout(60_000);

const NAMES: Record<string, string> = {
  alice: 'Alice Anders',
  bob: 'Bob Brown',
  frank: 'Frank Fischer',
  erin: 'Erin Eriksen',
  carol: 'Carol Chen',
  dave: 'Dave Dupont',
};

/** The demo catalog with full display names, and the user refs each catalog call asked for. */
function countingCatalog() {
  const entities: Entity[] = structuredClone(ENTITIES);
  const users = new Map<string, UserEntity>();
  for (const e of entities) {
    if (e.kind !== 'User') continue;
    const u = e as UserEntity;
    u.spec.profile!.displayName = NAMES[u.metadata.name];
    users.set(u.metadata.name, u);
  }
  const mock = catalogServiceMock({ entities });
  /** One entry per catalog call that read users by ref: the refs it asked for. */
  const userReads: string[][] = [];
  const service = new Proxy(mock, {
    get(target, prop, receiver) {
      if (prop === 'getEntityByRef') {
        return (ref: string, options: object) => {
          userReads.push([ref]);
          return target.getEntityByRef(ref, options as any);
        };
      }
      if (prop === 'getEntitiesByRefs') {
        return (request: { entityRefs: string[] }, options: object) => {
          userReads.push([...request.entityRefs]);
          return target.getEntitiesByRefs(request as any, options as any);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as CatalogService;
  return { entities, users, service, userReads };
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('names on list pages and in the timeline (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  let catalog: ReturnType<typeof countingCatalog>;
  /** How far the clock has been moved on, to let the directory's cache expire. */
  let skew = 0;
  const realNow = Date.now.bind(Date);
  const expireDirectoryCache = () => {
    skew += DIRECTORY_CACHE_MS + 1_000;
  };
  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
    catalog = countingCatalog();
    h = await createHarness(await databases.init(id), {
      catalog: { entities: catalog.entities, userInfo: demoUserInfo, service: catalog.service },
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await h.close();
  });

  const sandbox = async (user: string, extra: object = {}) => {
    const res = await h.as(user).post('/requests', {
      accountId: '111111111111',
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: `names test by ${user}`,
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  type Item = { id: string; requester: string; requesterName?: string; review?: { closedBy?: string; closedByName?: string } };
  const items = async (user: string, query: string): Promise<Item[]> => {
    const res = await h.as(user).get(query);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const nameOf = (list: Item[], reqId: string) => list.find(r => r.id === reqId)?.requesterName;

  it('every list page names its requesters, read from the catalog in one call per page', async () => {
    const byUser = new Map<string, string>();
    for (const user of ['alice', 'erin', 'frank', 'dave']) byUser.set(user, await sandbox(user));

    expireDirectoryCache();
    catalog.userReads.length = 0;
    const history = await items('bob', '/requests?view=history&limit=200');
    for (const [user, reqId] of byUser) expect(nameOf(history, reqId)).toBe(NAMES[user]);
    // One read of users by ref for the whole page, not one per row.
    const reads = catalog.userReads.filter(refs => refs.some(r => r.startsWith('user:')));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toEqual(expect.arrayContaining([...byUser.keys()].map(u => `user:default/${u}`)));

    // Cached for the next pages: no catalog read at all.
    catalog.userReads.length = 0;
    await items('bob', '/requests?view=history&limit=2');
    expect(catalog.userReads).toEqual([]);

    const approvals = await items('bob', '/requests?view=approvals');
    for (const [user, reqId] of byUser) expect(nameOf(approvals, reqId)).toBe(NAMES[user]);
    expect(nameOf(await items('alice', '/requests?view=mine'), byUser.get('alice')!)).toBe(NAMES.alice);
    expect(nameOf(await items('frank', '/sessions?view=mine'), byUser.get('frank')!)).toBeUndefined(); // not active
  });

  it('pages through the history with the cursor, each page named', async () => {
    const seen: Item[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await h.as('carol').get(`/requests?view=history&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen.map(r => r.id)).size).toBe(seen.length);
    for (const r of seen) expect(r.requesterName).toBe(NAMES[r.requester.split('/')[1]]);
  });

  it('break-glass: the review queue names the requester, the history who closed the review', async () => {
    const reason = 'INC-1234: the primary is down, fail over';
    const closed = await sandbox('alice', { breakGlass: true, reason });
    const open = await sandbox('erin', { breakGlass: true, reason });
    expect((await h.as('bob').post(`/requests/${closed}/review`, { comment: 'Checked the incident' })).status).toBe(200);

    const reviews = await items('bob', '/requests?view=reviews');
    expect(nameOf(reviews, open)).toBe(NAMES.erin);
    const history = await items('carol', '/requests?view=history&limit=200');
    expect(history.find(r => r.id === closed)?.review).toMatchObject({ closedBy: 'user:default/bob', closedByName: NAMES.bob });
  });

  it("the timeline names each event's actor, the engine as JIT Access", async () => {
    const reqId = await sandbox('alice');
    expect((await h.as('bob').post(`/requests/${reqId}/approve`, {})).status).toBe(200);
    type Event = { type: string; actor: string; actorName?: string };
    let events: Event[] = [];
    // The approval starts the grant at once; wait for the engine's first event.
    for (let i = 0; i < 200 && !events.some(e => e.type === 'start-provisioning'); i++) {
      await h.jit.engine.process(reqId);
      events = (await h.as('alice').get(`/requests/${reqId}`)).body.events;
      await new Promise(r => setTimeout(r, 20));
    }
    expect(events.find(e => e.type === 'created')).toMatchObject({ actor: 'user:default/alice', actorName: NAMES.alice });
    expect(events.find(e => e.type === 'approve-final')).toMatchObject({ actor: 'user:default/bob', actorName: NAMES.bob });
    expect(events.find(e => e.type === 'start-provisioning')).toMatchObject({ actor: 'system:jit-access', actorName: 'JIT Access' });
  });

  it("the approvals page's shared response holds the names: a name changed in the catalog shows", async () => {
    const reqId = await sandbox('dave');
    const first = await h.as('bob').get('/requests?view=approvals');
    const again = await h.as('bob').get('/requests?view=approvals');
    expect(again.headers.etag).toBe(first.headers.etag); // the same shared response
    expect(nameOf(first.body.items, reqId)).toBe(NAMES.dave);

    catalog.users.get('dave')!.spec.profile!.displayName = 'Dave D. Renamed';
    expireDirectoryCache();
    const renamed = await h.as('bob').get('/requests?view=approvals');
    expect(renamed.headers.etag).not.toBe(first.headers.etag);
    expect(nameOf(renamed.body.items, reqId)).toBe('Dave D. Renamed');
    catalog.users.get('dave')!.spec.profile!.displayName = NAMES.dave;
  });
});
