/*
 * Overlap-safe revocation: ending one grant never removes an
 * assignment that another live grant, or standing access, still needs.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('overlap-safe revocation (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => h.close());

  const waitFor = (reqId: string, status: string) => h.processUntil(reqId, status);

  async function grant(permissionSet: string) {
    const created = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      permissionSetArn: await h.arnOf(permissionSet),
      durationMinutes: 30,
      reason: 'overlap',
    });
    await h.as('bob').post(`/requests/${created.body.id}/approve`, {});
    await waitFor(created.body.id, 'active');
    return (await h.store.getRequest(created.body.id))!;
  }

  const assigned = (r: { accountId: string; permissionSetArn?: string; principalId?: string }) =>
    h.emulator
      .getState()
      .assignments.some(
        a => a.accountId === r.accountId && a.permissionSetArn === r.permissionSetArn && a.principalId === r.principalId,
      );

  it('two grants for the same user, account and permission set: ending one keeps the assignment', async () => {
    const first = await grant('ReadOnlyAccess');
    const second = await grant('ReadOnlyAccess');
    expect(second.assignmentPreexisting).toBe(false); // ours, held by the first grant
    await h.as('bob').post(`/sessions/${first.id}/revoke`, {});
    await waitFor(first.id, 'revoked');
    expect(assigned(second)).toBe(true);
    await h.as('bob').post(`/sessions/${second.id}/revoke`, {});
    await waitFor(second.id, 'revoked');
    expect(assigned(second)).toBe(false); // the last one out removes it
  });

  it('a standing assignment is never removed', async () => {
    const principalId = await h.jit.gateway.resolvePrincipalId('alice@example.com');
    const standing = { accountId: '111111111111', permissionSetArn: await h.arnOf('PowerUserAccess'), principalId };
    await h.jit.gateway.createAssignment(standing);
    const deletesBefore = h.emulator.getState().calls.DeleteAccountAssignment ?? 0;
    const g = await grant('PowerUserAccess');
    expect(g.assignmentPreexisting).toBe(true);
    await h.as('alice').post(`/sessions/${g.id}/revoke`, {});
    await waitFor(g.id, 'ended');
    expect(assigned(standing)).toBe(true);
    expect(h.emulator.getState().calls.DeleteAccountAssignment ?? 0).toBe(deletesBefore);
  });
});
