/*
 * Revocation that ends live sessions (`jitAccess.endLiveSessions`):
 * before a custom grant's assignment is deleted, its temporary permission
 * set denies everything to credentials issued before the revoke, and that
 * change is provisioned to the account. Off by default.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const POLICY =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}';

describe.each(databases.eachSupportedId())('ending live sessions (%s)', id => {
  async function activeCustomGrant(
    h: Awaited<ReturnType<typeof createHarness>>,
  ) {
    const created = await h
      .as('alice')
      .post('/requests', {
        accountId: '111111111111',
        customPolicy: POLICY,
        durationMinutes: 60,
        reason: 'live sessions',
      });
    expect(created.status).toBe(201);
    await h.as('bob').post(`/requests/${created.body.id}/approve`, {});
    await h.as('carol').post(`/requests/${created.body.id}/approve`, {});
    for (
      let i = 0;
      i < 200 &&
      (await h.store.getRequest(created.body.id))?.status !== 'active';
      i++
    ) {
      await h.jit.engine.runDue();
      await new Promise(r => setTimeout(r, 20));
    }
    const r = (await h.store.getRequest(created.body.id))!;
    expect(r.status).toBe('active');
    return r;
  }
  async function revokeUntil(
    h: Awaited<ReturnType<typeof createHarness>>,
    reqId: string,
    done: () => Promise<boolean>,
  ) {
    expect(
      (
        await h
          .as('carol')
          .post(`/sessions/${reqId}/revoke`, { comment: 'incident' })
      ).status,
    ).toBe(200);
    for (let i = 0; i < 200 && !(await done()); i++) {
      await h.jit.engine.runDue();
      await new Promise(r => setTimeout(r, 20));
    }
  }

  it('on: the temporary set denies tokens issued before the revoke, provisioned, before the assignment is deleted', async () => {
    const h = await createHarness(await databases.init(id), {
      jitAccess: { endLiveSessions: true },
    });
    try {
      const r = await activeCustomGrant(h);
      // Hold the revocation right after the deny: the assignment may not be deleted yet.
      h.emulator.setFaults({ accessDenied: ['DeleteAccountAssignment'] });
      const before = Date.now();
      await revokeUntil(h, r.id, async () =>
        /Retrying/.test((await h.store.getRequest(r.id))?.statusReason ?? ''),
      );
      const state = h.emulator.getState();
      const set = state.permissionSets.find(
        p => p.arn === r.tempPermissionSetArn,
      )!;
      const policy = JSON.parse(set.inlinePolicy!);
      expect(policy.Statement).toEqual([
        expect.objectContaining({
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: {
            DateLessThan: { 'aws:TokenIssueTime': expect.any(String) },
          },
        }),
      ]);
      const cutoff = Date.parse(
        policy.Statement[0].Condition.DateLessThan['aws:TokenIssueTime'],
      );
      expect(cutoff).toBeGreaterThanOrEqual(before - 1000);
      // In force in the account: provisioned after the change.
      expect(state.provisioned).toContainEqual({
        permissionSetArn: set.arn,
        accountId: '111111111111',
        status: 'LATEST_PERMISSION_SET_PROVISIONED',
      });
      expect(state.assignments.some(a => a.permissionSetArn === set.arn)).toBe(
        true,
      );
      const { body } = await h.as('alice').get(`/requests/${r.id}`);
      expect(body.events.map((e: { type: string }) => e.type)).toContain(
        'live-sessions-ended',
      );

      h.emulator.clearFaults();
      await h
        .knex('jit_requests')
        .where({ id: r.id })
        .update({ next_attempt_at: Date.now() });
      for (
        let i = 0;
        i < 200 && (await h.store.getRequest(r.id))?.status !== 'revoked';
        i++
      ) {
        await h.jit.engine.runDue();
        await new Promise(res => setTimeout(res, 20));
      }
      expect((await h.store.getRequest(r.id))?.status).toBe('revoked');
      expect(
        h.emulator.getState().permissionSets.some(p => p.arn === set.arn),
      ).toBe(false);
    } finally {
      await h.close();
    }
  });

  it('off (the default): the policy is left as granted and the set deleted with the assignment', async () => {
    const h = await createHarness(await databases.init(id));
    try {
      const r = await activeCustomGrant(h);
      h.emulator.setFaults({ accessDenied: ['DeleteAccountAssignment'] });
      await revokeUntil(h, r.id, async () =>
        /Retrying/.test((await h.store.getRequest(r.id))?.statusReason ?? ''),
      );
      const set = h.emulator
        .getState()
        .permissionSets.find(p => p.arn === r.tempPermissionSetArn)!;
      expect(JSON.parse(set.inlinePolicy!)).toEqual(JSON.parse(POLICY));
      const { body } = await h.as('alice').get(`/requests/${r.id}`);
      expect(body.events.map((e: { type: string }) => e.type)).not.toContain(
        'live-sessions-ended',
      );
    } finally {
      await h.close();
    }
  });
});
