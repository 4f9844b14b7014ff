import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(60_000);

describe('audit through the auditor service', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init('SQLITE_3'));
  });
  afterAll(async () => h.close());

  it('records every mutation once, with its outcome; refusals are recorded as failures', async () => {
    h.audits.length = 0;
    const created = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: 'audit',
    });
    await h.as('alice').post(`/requests/${created.body.id}/approve`, {}); // refused: own request
    await h.as('bob').post(`/requests/${created.body.id}/approve`, {});
    await h.as('carol').put('/config/accounts/111111111111', { customPolicyAllowed: false });
    expect(h.audits.map(a => [a.eventId, a.outcome])).toEqual([
      ['request-create', 'success'],
      ['request-decision', 'fail'],
      ['request-decision', 'success'],
      ['config-change', 'success'],
    ]);
    expect(h.audits[0].result).toEqual({ requestId: created.body.id, status: 'pending' });
    expect(h.audits[2].meta).toEqual({ requestId: created.body.id, action: 'approve' });
    expect(h.audits[3].meta).toEqual({ target: 'account', accountId: '111111111111', update: { customPolicyAllowed: false } });
  });

  it('nothing is audited for a request that fails validation before reaching the service', async () => {
    h.audits.length = 0;
    expect((await h.as('alice').post('/requests', { accountId: 'x' })).status).toBe(400);
    expect(h.audits).toEqual([]);
  });
});
