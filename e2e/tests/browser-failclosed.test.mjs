// Fail closed, in a real browser: a config change that affects open requests
// says so on the config page before it is saved; a request that gained an
// approval step says why in its stepper; a request you may not see says who
// can. Screenshots: e2e/output/browser-failclosed/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, screenshots, signIn as signInWith } from '../browser.mjs';
import { FRONTEND, api, waitFor } from '../lib.mjs';

const shot = screenshots('browser-failclosed');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});
const signIn = user => signInWith(browser, user);

async function requestAs(user, accountName, setName) {
  const { body: accounts } = await api(user, 'GET', '/accounts');
  const account = accounts.items.find(a => a.name === accountName);
  const set = account.permissionSets.find(p => p.name === setName);
  const res = await api(user, 'POST', '/requests', {
    accountId: account.accountId,
    permissionSetArn: set.arn,
    durationMinutes: 30,
    reason: `browser fail-closed: ${setName} on ${accountName}`,
  });
  assert.equal(res.status, 201);
  return { id: res.body.id, arn: set.arn };
}

test('marking a permission set two-level: the config page says which open requests gain a step, and the stepper says why', async () => {
  const { id, arn } = await requestAs('alice', 'sandbox', 'PowerUserAccess');
  const carol = await signIn('carol');
  const c = carol.page;
  await c.goto(`${FRONTEND}/jit-access/config`);
  await c.getByRole('checkbox', { name: 'PowerUserAccess needs two levels' }).click();
  const impact = c.getByTestId('config-impact');
  await impact.getByText(new RegExp(`^Adds an approval step to \\d+ open requests? \\(.*${id}`)).waitFor();
  await c.getByRole('button', { name: 'Save the change' }).waitFor();
  await c.waitForTimeout(400); // the dialog's fade-in, for the screenshot
  await shot(c, 'carol-config-change-affects-open-requests');
  await c.getByRole('button', { name: 'Save the change' }).click();
  await waitFor('PowerUserAccess saved as two-level', async () =>
    (await api('carol', 'GET', '/config/permission-sets')).body.items.find(p => p.arn === arn)?.requiresTwoLevels,
  );
  await carol.context.close();

  const alice = await signIn('alice');
  const a = alice.page;
  await a.goto(`${FRONTEND}/jit-access/requests/${id}`);
  await a.getByText('Step 2 of 2: an Admin or SSO Admin').waitFor();
  await a
    .getByTestId('step-added-reason')
    .getByText(/^Added after the request was made: PowerUserAccess was marked as needing two approvals by Carol Chen at \d{4}-\d\d-\d\d \d\d:\d\d UTC: this request now needs an Admin or SSO Admin as well\.$/)
    .waitFor();
  await a.getByText('Step 1 of 2: an owner of sandbox').waitFor();
  await shot(a, 'alice-stepper-after-a-step-was-added');
  await alice.context.close();

  // Back to one level: no open request is affected by that, so it saves without asking.
  assert.equal((await api('carol', 'POST', `/config/permission-sets/${encodeURIComponent(arn)}/impact`, { requiresTwoLevels: false })).body.message, undefined);
  assert.equal((await api('carol', 'PUT', `/config/permission-sets/${encodeURIComponent(arn)}`, { requiresTwoLevels: false })).status, 200);
  assert.equal((await api('alice', 'POST', `/requests/${id}/cancel`, {})).status, 200);
});

test('a request bob may not see: the page says it may exist, and who can see requests', async () => {
  const { id } = await requestAs('alice', 'production', 'ReadOnlyAccess');
  const bob = await signIn('bob');
  const b = bob.page;
  await b.goto(`${FRONTEND}/jit-access/requests/${id}`);
  const panel = b.getByTestId('request-not-visible');
  await panel.getByText('This request was not found, or it is not visible to you.').waitFor();
  await panel.getByText(/A request is visible to its requester, the owners of its AWS account, approvers, and JIT Access admins\./).waitFor();
  await shot(b, 'bob-request-not-visible');
  await bob.context.close();
  assert.equal((await api('alice', 'POST', `/requests/${id}/cancel`, {})).status, 200);
});
