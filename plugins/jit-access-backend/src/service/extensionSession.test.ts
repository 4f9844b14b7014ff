/*
 * An extension dies with its session: revoking, ending early or expiry of a
 * session ends its extensions that are not granted yet, with that reason;
 * approving an extension whose session is no longer active is a 409 that
 * says so; and nothing grants a fresh session in its place.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createHarness } from '../__testUtils__/harness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('an extension dies with its session (%s)', id => {
  let h: Awaited<ReturnType<typeof createHarness>>;
  beforeAll(async () => {
    h = await createHarness(await databases.init(id));
  });
  afterAll(async () => h.close());

  const waitFor = (reqId: string, status: string) => h.processUntil(reqId, status);

  /** alice's active ReadOnlyAccess session on sandbox, and her pending extension of it. */
  async function sessionWithExtension() {
    const session = await h.activeGrant();
    const ext = await h.as('alice').post('/requests', {
      accountId: '111111111111',
      extendsRequestId: session.id,
      durationMinutes: 60,
      reason: 'more time',
    });
    expect(ext.status).toBe(201);
    return { session: session.id, extension: ext.body.id as string };
  }

  async function expectEnded(extension: string, reason: string) {
    const r = (await h.as('alice').get(`/requests/${extension}`)).body;
    expect(r).toMatchObject({ status: 'cancelled', statusReason: reason });
    expect(r.events.at(-1)).toMatchObject({ type: 'withdraw', actor: 'system:jit-access', comment: reason });
    await h.eventually(() => {
      expect(h.sent.some(n => n.payload.title === `${extension} has ended before any access was granted` && n.payload.description === reason)).toBe(true);
    });
  }

  it('revoking the session ends its pending extension; approving it afterwards is a 409 that says why; no fresh session', async () => {
    const { session, extension } = await sessionWithExtension();
    expect((await h.as('carol').post(`/sessions/${session}/revoke`, { comment: 'incident over' })).status).toBe(200);
    const reason = `The session it extends, ${session}, was revoked by Carol: an extension needs an active session; nothing was granted.`;
    await expectEnded(extension, reason);
    const approve = await h.as('bob').post(`/requests/${extension}/approve`, {});
    expect(approve.status).toBe(409);
    expect(approve.body.error.message).toBe(`This request is cancelled; there is nothing left to approve. ${reason}`);
    await waitFor(session, 'revoked');
    await h.jit.engine.process(extension);
    expect((await h.store.getRequest(extension))!.activatedAt).toBeUndefined();
  });

  it('ending the session early ends its pending extension', async () => {
    const { session, extension } = await sessionWithExtension();
    expect((await h.as('alice').post(`/sessions/${session}/revoke`, {})).status).toBe(200);
    await expectEnded(extension, `The session it extends, ${session}, was ended early by Alice: an extension needs an active session; nothing was granted.`);
  });

  it('expiry of the session ends its pending extension', async () => {
    const { session, extension } = await sessionWithExtension();
    await h.knex('jit_requests').where({ id: session }).update({ expires_at: Date.now() - 1000 });
    await waitFor(session, 'expired');
    expect((await h.store.getEvents(session)).map(e => e.type)).toContain('expire');
    await expectEnded(extension, `The session it extends, ${session}, expired: an extension needs an active session; nothing was granted.`);
  });

  it('a session that ended where no hook saw it (another replica, by hand): the approval finds out, 409, and the extension ends', async () => {
    const { session, extension } = await sessionWithExtension();
    await h.knex('jit_requests').where({ id: session }).update({ status: 'revoked' });
    const approve = await h.as('bob').post(`/requests/${extension}/approve`, {});
    expect(approve.status).toBe(409);
    const reason = `The session it extends, ${session}, is revoked: an extension needs an active session; nothing was granted.`;
    expect(approve.body.error.message).toBe(`${extension} can no longer be approved and has ended: ${reason}`);
    await expectEnded(extension, reason);
  });

  it('an approved extension whose session ended before the grant is not granted as a fresh session', async () => {
    const { session, extension } = await sessionWithExtension();
    // Approved, but its grant not yet begun (a start time), then the session goes.
    await h.knex('jit_requests').where({ id: extension }).update({ start_at: Date.parse('2099-01-01T00:00:00Z') });
    expect((await h.as('bob').post(`/requests/${extension}/approve`, {})).status).toBe(200);
    expect((await h.store.getRequest(extension))!.status).toBe('approved');
    await h.knex('jit_requests').where({ id: session }).update({ status: 'revoked' });
    await h.knex('jit_requests').where({ id: extension }).update({ start_at: null });
    await h.jit.engine.process(extension);
    const r = (await h.store.getRequest(extension))!;
    expect(r.status).toBe('cancelled');
    expect(r.activatedAt).toBeUndefined();
    expect(r.statusReason).toBe(`The session it extends, ${session}, is revoked: an extension needs an active session; nothing was granted.`);
  });
});
