/*
 * Resuming an end that a crash interrupted half-way: the engine finds
 * Identity Center already further along than the database says and still
 * converges. Found by the crash test (a custom grant stuck in `ending` with
 * "PermissionSet … does not exist" after a kill between deleting the
 * temporary permission set and recording the end).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const POLICY =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}';
type Harness = Awaited<ReturnType<typeof createHarness>>;

async function settle(h: Harness, id: string, statuses: string[]) {
  for (
    let i = 0;
    i < 200 && !statuses.includes((await h.store.getRequest(id))?.status ?? '');
    i++
  ) {
    await h.jit.engine.runDue();
    await new Promise(r => setTimeout(r, 20));
  }
  return (await h.store.getRequest(id))!;
}

async function activeCustomGrant(h: Harness) {
  const created = await h.as('alice').post('/requests', {
    accountId: '111111111111',
    customPolicy: POLICY,
    durationMinutes: 60,
    reason: 'resume after a crash',
  });
  expect(created.status).toBe(201);
  await h.as('bob').post(`/requests/${created.body.id}/approve`, {});
  await h.as('carol').post(`/requests/${created.body.id}/approve`, {});
  const r = await settle(h, created.body.id, ['active', 'failed']);
  expect(r.status).toBe('active');
  return r;
}

/** What an earlier attempt did before it was killed: everything but recording it. */
async function endInIdentityCenterOnly(h: Harness, id: string) {
  const r = (await h.store.getRequest(id))!;
  const target = {
    accountId: r.accountId,
    permissionSetArn: r.tempPermissionSetArn!,
    principalId: r.principalId!,
  };
  await h.jit.gateway.deleteAssignment(target);
  await h.jit.gateway.deletePermissionSet(target.permissionSetArn);
  expect(
    h.emulator.getState().permissionSets.some(p => p.arn === target.permissionSetArn),
  ).toBe(false);
  return target;
}

describe.each(databases.eachSupportedId())(
  'resuming an interrupted end (%s)',
  id => {
    it.each([
      ['off', false],
      ['on', true],
    ])(
      'a custom grant whose temporary set is already deleted ends as revoked (live-session kill %s)',
      async (_label, endLiveSessions) => {
        const h = await createHarness(await databases.init(id), {
          jitAccess: { endLiveSessions },
        });
        try {
          const r = await activeCustomGrant(h);
          // The revoke is recorded (ending), then the worker dies after
          // Identity Center did all the work.
          expect(
            await h.store.transition({
              requestId: r.id,
              from: 'active',
              patch: { endReason: 'revoke' },
              event: { name: 'revoke', actor: 'user:default/carol', comment: 'incident' },
              now: Date.now(),
            }),
          ).toMatchObject({ request: { id: r.id, status: 'ending' } });
          await endInIdentityCenterOnly(h, r.id);

          const ended = await settle(h, r.id, ['revoked']);
          expect(ended.status).toBe('revoked');
          const state = h.emulator.getState();
          expect(
            state.assignments.filter(a => a.accountId === r.accountId && a.principalId === r.principalId && a.permissionSetArn === r.tempPermissionSetArn),
          ).toEqual([]);
          const { body } = await h.as('alice').get(`/requests/${r.id}`);
          const types = body.events.map((e: { type: string }) => e.type);
          expect(types.filter((t: string) => t === 'ended-revoked')).toHaveLength(1);
          // Nothing was left to deny: no claim that sessions were ended.
          expect(types).not.toContain('live-sessions-ended');
        } finally {
          await h.close();
        }
      },
    );
  },
);
