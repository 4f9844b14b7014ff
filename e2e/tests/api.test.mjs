// The end-to-end flow of a request through the HTTP API of the running demo:
// alice requests ReadOnlyAccess on sandbox, bob (owner through team-alpha)
// approves, the backend creates the assignment in Identity Center and waits
// for SUCCEEDED, and the request is active with its end time.
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { BACKEND, api, emulatorState, waitFor } from '../lib.mjs';

const SANDBOX = '111111111111';

async function readOnlyArn() {
  const { body } = await api('alice', 'GET', '/accounts');
  const sandbox = body.items.find(a => a.accountId === SANDBOX);
  return sandbox.permissionSets.find(p => p.name === 'ReadOnlyAccess').arn;
}

test('alice sees the onboarded accounts with their session limits', async () => {
  const { status, body } = await api('alice', 'GET', '/accounts');
  assert.equal(status, 200);
  const names = body.items.map(a => a.name).sort();
  assert.deepEqual(names, ['orphan', 'production', 'sandbox']);
  const sandbox = body.items.find(a => a.name === 'sandbox');
  const ro = sandbox.permissionSets.find(p => p.name === 'ReadOnlyAccess');
  assert.equal(ro.sessionDuration, 'PT1H');
  assert.equal(ro.sessionDurationMinutes, 60);
});

test('request → owner approval → verified grant in Identity Center → active', async () => {
  const arn = await readOnlyArn();
  const created = await api('alice', 'POST', '/requests', {
    accountId: SANDBOX,
    permissionSetArn: arn,
    durationMinutes: 30,
    reason: 'Investigate the nightly job failure',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.match(id, /^JIT-[0-9A-Z]{6,}$/);
  assert.equal(created.body.status, 'pending');
  assert.equal(created.body.effectiveDurationMinutes, 30);
  assert.deepEqual(
    created.body.approvers.map(a => a.entityRef),
    ['user:default/bob', 'user:default/carol', 'user:default/dave'].sort(),
  );

  // alice may not approve her own request, and is told why
  const own = created.body.actions.find(a => a.action === 'approve');
  assert.equal(own.allowed, false);
  assert.match(own.reason, /own request/i);
  const selfApprove = await api('alice', 'POST', `/requests/${id}/approve`, {});
  assert.equal(selfApprove.status, 403);

  // bob, owner through team-alpha, approves
  const approved = await api('bob', 'POST', `/requests/${id}/approve`, { comment: 'ok' });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  assert.equal(approved.body.steps[0].status, 'approved');
  assert.equal(approved.body.steps[0].decidedBy, 'user:default/bob');

  const active = await waitFor('the request to become active', async () => {
    const { body } = await api('alice', 'GET', `/requests/${id}`);
    if (body.status === 'failed') throw new Error(`failed: ${body.statusReason}`);
    return body.status === 'active' ? body : undefined;
  });
  assert.equal(
    Date.parse(active.expiresAt) - Date.parse(active.activatedAt),
    30 * 60_000,
  );
  const types = active.events.map(e => e.type);
  assert.deepEqual(types, ['created', 'approve-final', 'start-provisioning', 'provisioned']);

  // the emulator holds the assignment for alice's Identity Store user
  const state = await emulatorState();
  const alice = state.users.find(u => u.userName === 'alice@example.com');
  const assignment = state.assignments.find(
    a => a.accountId === SANDBOX && a.permissionSetArn === arn && a.principalId === alice.userId,
  );
  assert.ok(assignment, `no assignment in ${JSON.stringify(state.assignments)}`);

  // a second approval is a 409: the state moved on
  const again = await api('carol', 'POST', `/requests/${id}/approve`, {});
  assert.equal(again.status, 409);
});

test('a standard request on an account without owners goes to the Admins and says so', async () => {
  const { body: accounts } = await api('alice', 'GET', '/accounts');
  const orphan = accounts.items.find(a => a.name === 'orphan');
  assert.equal(orphan.hasApprover, true);
  assert.deepEqual(orphan.ownerless, { adminNames: ['Carol Chen', 'Dave Davis'] });
  const res = await api('alice', 'POST', '/requests', {
    accountId: '333333333333',
    permissionSetArn: orphan.permissionSets[0].arn,
    durationMinutes: 30,
    reason: 'Need logs',
  });
  assert.equal(res.status, 201);
  assert.match(res.body.statusReason, /^orphan has no owner who can approve .*goes to the Admins and SSO Admins: Carol Chen, Dave Davis\./);
  assert.deepEqual(res.body.approvers.map(a => a.name), ['Carol Chen', 'Dave Davis']);
  assert.equal((await api('alice', 'POST', `/requests/${res.body.id}/cancel`, {})).status, 200);
});

test('a request another user may not see is a 404 that says who can see requests', async () => {
  const { body: accounts } = await api('alice', 'GET', '/accounts');
  const production = accounts.items.find(a => a.name === 'production');
  const created = await api('alice', 'POST', '/requests', {
    accountId: production.accountId,
    permissionSetArn: production.permissionSets[0].arn,
    durationMinutes: 30,
    reason: 'visibility',
  });
  const res = await api('bob', 'GET', `/requests/${created.body.id}`);
  assert.equal(res.status, 404);
  assert.match(res.body.error.message, /was not found, or it is not visible to you: a request is visible to its requester, the owners of its account, approvers, and JIT Access admins/);
  assert.equal((await api('alice', 'POST', `/requests/${created.body.id}/cancel`, {})).status, 200);
});

test('the demo sign-in answers only with X-Requested-With, and the demo backend listens on loopback only', async () => {
  const without = await fetch(`${BACKEND}/api/auth/demo/refresh?user=carol`);
  assert.equal(without.status, 401);
  const body = await without.json();
  assert.equal(body.backstageIdentity, undefined);
  assert.match(JSON.stringify(body), /X-Requested-With: XMLHttpRequest/);
  // Listening on 127.0.0.1 only: another address of this machine is refused.
  const other = Object.values(networkInterfaces())
    .flat()
    .find(i => i && i.family === 'IPv4' && !i.internal);
  if (other) {
    await assert.rejects(
      fetch(`http://${other.address}:7007/api/jit-access/health`, { signal: AbortSignal.timeout(3000) }),
      /fetch failed|ECONNREFUSED|timeout/i,
    );
  }
});

test('bad input is a 400 that names the field', async () => {
  const res = await api('alice', 'POST', '/requests', {
    accountId: '12',
    durationMinutes: 30,
    reason: '',
  });
  assert.equal(res.status, 400);
  assert.match(res.body.error.message, /accountId/);
  assert.match(res.body.error.message, /reason/);
});
