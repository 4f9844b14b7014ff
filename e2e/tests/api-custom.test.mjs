// The two-level flow of a custom policy request through the HTTP API:
// alice asks for a custom policy on sandbox; step 1 needs an owner (bob), and
// an admin cannot take it; bob cannot also approve step 2; dave (SSO Admin)
// approves step 2; the backend creates a temporary permission set with the
// policy, assigns it, and on carol's revoke deletes both.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, emulatorState, waitFor } from '../lib.mjs';

const POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::logs/*'] }],
  },
  null,
  2,
);

const actionOf = (detail, name) => detail.actions.find(a => a.action === name);

test('custom policy: owner, then admin, then a verified temporary permission set; revoke removes it', async () => {
  const created = await api('alice', 'POST', '/requests', {
    accountId: '111111111111',
    customPolicy: POLICY,
    durationMinutes: 300,
    reason: 'Read the nightly logs',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.equal(created.body.kind, 'custom');
  assert.equal(created.body.requiredSteps, 2);
  assert.equal(created.body.effectiveDurationMinutes, 120, 'custom requests are capped at PT2H');
  assert.equal(created.body.durationCause, 'custom-cap');
  assert.deepEqual(created.body.approvers.map(a => a.entityRef), ['user:default/bob']);

  // step 1 is for owners only: carol (Admin) is told why she cannot
  const asCarol = await api('carol', 'GET', `/requests/${id}`);
  assert.equal(actionOf(asCarol.body, 'approve').allowed, false);
  assert.match(actionOf(asCarol.body, 'approve').reason, /Only an owner of sandbox/);
  assert.equal((await api('carol', 'POST', `/requests/${id}/approve`, {})).status, 403);

  const step1 = await api('bob', 'POST', `/requests/${id}/approve`, {});
  assert.equal(step1.status, 200, JSON.stringify(step1.body));
  assert.equal(step1.body.status, 'pending');
  assert.equal(step1.body.currentStep, 2);
  assert.deepEqual(step1.body.approvers.map(a => a.entityRef).sort(), ['user:default/carol', 'user:default/dave']);

  // bob approved step 1, so step 2 needs somebody else
  const bobAgain = await api('bob', 'POST', `/requests/${id}/approve`, {});
  assert.equal(bobAgain.status, 403);
  assert.match(bobAgain.body.error.message, /step 2 needs a different person|Admin or SSO Admin/);
  // erin (Approver role, owns nothing) cannot approve step 2 either
  assert.equal(actionOf((await api('erin', 'GET', `/requests/${id}`)).body, 'approve').allowed, false);

  const step2 = await api('dave', 'POST', `/requests/${id}/approve`, { comment: 'scoped to logs' });
  assert.equal(step2.status, 200, JSON.stringify(step2.body));

  const active = await waitFor('the custom request to become active', async () => {
    const { body } = await api('alice', 'GET', `/requests/${id}`);
    if (body.status === 'failed') throw new Error(`failed: ${body.statusReason}`);
    return body.status === 'active' ? body : undefined;
  });
  assert.equal(Date.parse(active.expiresAt) - Date.parse(active.activatedAt), 120 * 60_000);

  let state = await emulatorState();
  const temp = state.permissionSets.find(p => p.name === id);
  assert.ok(temp, 'a temporary permission set named after the request exists');
  assert.equal(temp.inlinePolicy, POLICY);
  assert.ok(temp.tags.some(t => t.key === 'jit-access:managed' && t.value === 'true'));
  const alice = state.users.find(u => u.userName === 'alice@example.com');
  assert.ok(state.assignments.some(a => a.permissionSetArn === temp.arn && a.principalId === alice.userId));

  // carol (Admin) revokes; the assignment and the temporary set disappear
  const revoked = await api('carol', 'POST', `/sessions/${id}/revoke`, { comment: 'done' });
  assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
  await waitFor('the session to be revoked', async () => {
    const { body } = await api('alice', 'GET', `/requests/${id}`);
    return body.status === 'revoked';
  });
  state = await emulatorState();
  assert.equal(state.permissionSets.find(p => p.name === id), undefined);
  assert.equal(state.assignments.some(a => a.permissionSetArn === temp.arn), false);
});

test('an invalid custom policy is refused with its line and column', async () => {
  const res = await api('alice', 'POST', '/requests', {
    accountId: '111111111111',
    customPolicy: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"}]}',
    durationMinutes: 60,
    reason: 'x',
  });
  assert.equal(res.status, 400);
  assert.match(res.body.error.message, /customPolicy: Statement\[0\]: missing "Resource" \(or "NotResource"\) \(line 1, column 41\)/);
});

test('POST /policies/validate explains every problem with its position', async () => {
  const res = await api('alice', 'POST', '/policies/validate', { policy: '{"Version": "2012-10-17",}' });
  assert.equal(res.status, 200);
  assert.equal(res.body.valid, false);
  assert.deepEqual(
    res.body.errors.map(e => [e.rule, e.line, e.column]),
    [['invalid-json', 1, 26]],
  );
  assert.equal(res.body.limit, 10240);
});
