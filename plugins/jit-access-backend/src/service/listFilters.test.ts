import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(60_000);

describe('GET /requests: date range and the batched approvals page', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init('SQLITE_3'));
  });
  afterAll(async () => h.close());

  it('filters the history by creation time, and names a bad bound in a 400', async () => {
    const ro = await h.arnOf('ReadOnlyAccess');
    const before = new Date(Date.now() - 60_000).toISOString();
    const created = await h
      .as('alice')
      .post('/requests', {
        accountId: '111111111111',
        permissionSetArn: ro,
        durationMinutes: 30,
        reason: 'logs',
      });
    expect(created.status).toBe(201);
    const after = new Date(Date.now() + 60_000).toISOString();

    const ids = async (query: string) =>
      (
        await h.as('carol').get(`/requests?view=history&${query}`)
      ).body.items.map((r: { id: string }) => r.id);
    expect(await ids(`createdAfter=${encodeURIComponent(before)}`)).toContain(
      created.body.id,
    );
    expect(await ids(`createdAfter=${encodeURIComponent(after)}`)).toEqual([]);
    expect(await ids(`createdBefore=${encodeURIComponent(before)}`)).toEqual(
      [],
    );
    expect(
      await ids(
        `createdAfter=${encodeURIComponent(
          before,
        )}&createdBefore=${encodeURIComponent(after)}`,
      ),
    ).toContain(created.body.id);

    const bad = await h
      .as('carol')
      .get('/requests?view=history&createdAfter=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('createdAfter');
  });

  it("approvals: an owner sees the pending requests of their accounts they may decide, not their own nor others'", async () => {
    const ro = await h.arnOf('ReadOnlyAccess');
    const sandbox = await h
      .as('alice')
      .post('/requests', {
        accountId: '111111111111',
        permissionSetArn: ro,
        durationMinutes: 30,
        reason: 'a',
      });
    const production = await h
      .as('alice')
      .post('/requests', {
        accountId: '222222222222',
        permissionSetArn: ro,
        durationMinutes: 30,
        reason: 'b',
      });
    const own = await h
      .as('bob')
      .post('/requests', {
        accountId: '111111111111',
        permissionSetArn: ro,
        durationMinutes: 30,
        reason: 'c',
      });
    const page = await h.as('bob').get('/requests?view=approvals'); // bob: team-alpha owns sandbox
    const ids = page.body.items.map((r: { id: string }) => r.id);
    expect(ids).toContain(sandbox.body.id);
    expect(ids).not.toContain(production.body.id);
    expect(ids).not.toContain(own.body.id);
    await h.as('bob').post(`/requests/${sandbox.body.id}/approve`, {});
    const again = await h.as('bob').get('/requests?view=approvals');
    expect(again.body.items.map((r: { id: string }) => r.id)).not.toContain(
      sandbox.body.id,
    );
  });
});
