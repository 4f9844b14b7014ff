import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('Reconciler (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => h.close());

  const waitFor = (reqId: string, status: string) => h.processUntil(reqId, status);

  const activeGrant = (permissionSet?: string) => h.activeGrant(permissionSet, 'reconcile');

  it('re-creates the assignment of a live grant that vanished from Identity Center', async () => {
    const r = await activeGrant();
    const target = { accountId: r.accountId, permissionSetArn: r.permissionSetArn!, principalId: r.principalId! };
    await h.jit.gateway.deleteAssignment(target); // someone removed it in the console
    const report = await h.jit.reconciler.run();
    expect(report.recreated).toEqual([r.id]);
    expect(h.emulator.getState().assignments).toContainEqual({ ...target, principalType: 'USER' });
    expect((await h.store.getEvents(r.id)).map(e => e.type)).toContain('reconciled');
    expect((await h.jit.reconciler.run()).recreated).toEqual([]); // converged
  });

  it('removes an assignment left behind by an ended grant, but never standing access', async () => {
    const r = await activeGrant('PowerUserAccess');
    const target = { accountId: r.accountId, permissionSetArn: r.permissionSetArn!, principalId: r.principalId! };
    await h.as('alice').post(`/sessions/${r.id}/revoke`, {});
    await waitFor(r.id, 'ended');
    await h.jit.gateway.createAssignment(target); // a lost delete, or a stray re-add
    const report = await h.jit.reconciler.run();
    expect(report.removed).toEqual([r.id]);
    expect(h.emulator.getState().assignments).not.toContainEqual({ ...target, principalType: 'USER' });

    // standing access: the assignment was there before the grant
    await h.jit.gateway.createAssignment(target);
    const standing = await activeGrant('PowerUserAccess');
    expect(standing.assignmentPreexisting).toBe(true);
    await h.as('alice').post(`/sessions/${standing.id}/revoke`, {});
    await waitFor(standing.id, 'ended');
    expect(h.emulator.getState().assignments).toContainEqual({ ...target, principalType: 'USER' });
    expect((await h.jit.reconciler.run()).removed).toEqual([]);
    expect(h.emulator.getState().assignments).toContainEqual({ ...target, principalType: 'USER' });
  });

  it('deletes a temporary permission set whose request is no longer live', async () => {
    const created = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      customPolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
      durationMinutes: 30,
      reason: 'reconcile',
    });
    await h.as('alice').post(`/requests/${created.body.id}/cancel`, {});
    // as if a crashed grant had left its set behind
    await h.jit.gateway.createPermissionSet({
      name: created.body.id,
      sessionDuration: 'PT1H',
      tags: { 'jit-access:managed': 'true', 'jit-access:request': created.body.id },
    });
    const report = await h.jit.reconciler.run();
    expect(report.deletedPermissionSets).toEqual([created.body.id]);
    expect(h.emulator.getState().permissionSets.map(p => p.name)).not.toContain(created.body.id);
  });
});
