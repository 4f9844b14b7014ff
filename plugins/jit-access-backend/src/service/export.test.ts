import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(60_000);

describe('GET /requests/export.csv', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init('SQLITE_3'));
  });
  afterAll(async () => h.close());

  it('round-trips the history with its filters, and neutralises formulas', async () => {
    const ro = await h.arnOf('ReadOnlyAccess');
    const a = await h.as('alice').post('/requests', { accountId: '111111111111', permissionSetArn: ro, durationMinutes: 30, reason: 'needs "quotes", commas' });
    const b = await h.as('alice').post('/requests', { accountId: '111111111111', permissionSetArn: ro, durationMinutes: 30, reason: '=HYPERLINK("x")' });
    await h.as('bob').post(`/requests/${b.body.id}/reject`, { comment: 'no' });

    const all = await h.as('carol').get('/requests/export.csv');
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = all.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,requester,requesterName,accountId,accountName,kind,permissionSetName,status,requestedDurationMinutes,effectiveDurationMinutes,reason,ticket,createdAt,decidedAt,activatedAt,expiresAt,endedAt,statusReason,breakGlass,reviewedBy,reviewedByName,reviewComment,reviewedAt');
    expect(lines).toHaveLength(3);
    // People by ref, then by display name.
    expect(all.text).toContain(`${a.body.id},user:default/alice,Alice,111111111111,sandbox,standard,ReadOnlyAccess,pending,30,30,"needs ""quotes"", commas"`);
    expect(all.text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(lines.find(l => l.startsWith(a.body.id))).toMatch(/,false,,,,\r?$/); // not break-glass: no review

    const rejected = await h.as('carol').get('/requests/export.csv?status=rejected');
    expect(rejected.text.trim().split('\r\n').slice(1).map(l => l.split(',')[0])).toEqual([b.body.id]);

    expect((await h.as('alice').get('/requests/export.csv')).status).toBe(403); // auditors and approvers only
  });

  it('has the break-glass flag and the review: who closed it (ref and name), the comment and when; empty while open', async () => {
    const reason = 'INC-4711: failover stuck, promote the replica';
    const closed = await h.as('alice').post('/requests', { accountId: '111111111111', permissionSetArn: await h.arnOf('PowerUserAccess'), durationMinutes: 30, reason, breakGlass: true });
    const open = await h.as('erin').post('/requests', { accountId: '111111111111', permissionSetArn: await h.arnOf('ReadOnlyAccess'), durationMinutes: 30, reason, breakGlass: true });
    expect([closed.status, open.status]).toEqual([201, 201]);
    const review = await h.as('bob').post(`/requests/${closed.body.id}/review`, { comment: 'Checked INC-4711, needed' });
    expect(review.status).toBe(200);
    const reviewedAt = review.body.review.closedAt as string;
    expect(reviewedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const lines = (await h.as('carol').get('/requests/export.csv')).text.trim().split('\r\n');
    const row = (reqId: string) => lines.find(l => l.startsWith(`${reqId},`))!;
    expect(row(closed.body.id).endsWith(`,true,user:default/bob,Bob,"Checked INC-4711, needed",${reviewedAt}`)).toBe(true);
    expect(row(closed.body.id)).toContain(`${closed.body.id},user:default/alice,Alice,`);
    expect(row(open.body.id).endsWith(',true,,,,')).toBe(true);
  });
});
