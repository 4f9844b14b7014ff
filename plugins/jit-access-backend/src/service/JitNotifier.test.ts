import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(60_000);

const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';

describe('who is notified of each transition', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init('SQLITE_3'));
  });
  afterAll(async () => h.close());

  /** Notifications are sent in the background after the transition commits. */
  async function next(count: number) {
    for (let i = 0; i < 100 && h.sent.length < count; i++) await new Promise(r => setTimeout(r, 20));
    return h.sent.splice(0, h.sent.length);
  }

  it('standard: owners and admins on submission; the requester on activation', async () => {
    h.sent.length = 0;
    const created = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: 'logs',
    });
    const [submitted] = await next(1);
    expect(submitted.recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/team-alpha', 'group:default/platform-admins', 'group:default/sso-admins'],
      excludeEntityRef: ['user:default/alice'],
    });
    expect(submitted.payload).toMatchObject({
      title: `${created.body.id}: Alice requests ReadOnlyAccess on sandbox`,
      link: `/jit-access/requests/${created.body.id}`,
    });
    await h.as('bob').post(`/requests/${created.body.id}/approve`, {});
    const [active] = await next(1);
    expect(active.recipients).toMatchObject({ entityRef: ['user:default/alice'] });
    expect(active.payload.title).toBe(`${created.body.id}: your access to ReadOnlyAccess on sandbox is active`);
  });

  it('custom: owners only for step 1, then admins only for step 2, never the step-1 approver', async () => {
    h.sent.length = 0;
    const created = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      customPolicy: POLICY,
      durationMinutes: 30,
      reason: 'logs',
    });
    const [step1] = await next(1);
    expect(step1.recipients).toMatchObject({ entityRef: ['group:default/team-alpha'] });
    await h.as('bob').post(`/requests/${created.body.id}/approve`, {});
    const [step2] = await next(1);
    expect(step2.recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/platform-admins', 'group:default/sso-admins'],
      excludeEntityRef: ['user:default/alice', 'user:default/bob'],
    });
    expect(step2.payload.description).toMatch(/^Step 2 of 2 needs you\./);
  });

  it('rejection: the requester, with the comment and who rejected', async () => {
    const created = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      permissionSetArn: await h.arnOf('ReadOnlyAccess'),
      durationMinutes: 30,
      reason: 'logs',
    });
    await next(1);
    await h.as('bob').post(`/requests/${created.body.id}/reject`, { comment: 'Not during the freeze' });
    const [rejected] = await next(1);
    expect(rejected.recipients).toMatchObject({ entityRef: ['user:default/alice'] });
    expect(rejected.payload).toMatchObject({
      title: `${created.body.id} was rejected by Bob`,
      description: '“Not during the freeze”',
    });
  });
});
