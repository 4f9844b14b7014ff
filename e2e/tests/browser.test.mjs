// The thin flow in a real browser (Debian's Chromium driven by playwright-core):
// alice signs in, opens JIT Access and submits a request; bob signs in,
// approves it on the sandbox entity page and sees it active. Screenshots of
// every step go to e2e/output/ (gitignored).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, screenshots, signIn as signInWith } from '../browser.mjs';
import { FRONTEND, api, waitFor } from '../lib.mjs';

const shot = screenshots('browser');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});
const signIn = user => signInWith(browser, user);

test('alice requests sandbox access; bob approves it on the entity page; it is active', async () => {
  const alice = await signIn('alice');
  const p = alice.page;
  await shot(p, 'alice-signed-in');
  await p.goto(`${FRONTEND}/jit-access`);
  await p.getByLabel('Account').click();
  await p.getByRole('option', { name: /sandbox/ }).click();
  await p.getByLabel('Permission set').click();
  await p.getByRole('option', { name: /ReadOnlyAccess/ }).click();
  await p.getByLabel('Duration (minutes)').fill('30');
  await p.getByLabel('Reason').fill('Investigate the nightly job failure');
  await p.getByTestId('effective-duration').waitFor();
  await shot(p, 'alice-request-form');
  await p.getByRole('button', { name: 'Submit request' }).click();
  await p.waitForURL(/\/jit-access\/requests\/JIT-/);
  const id = p.url().match(/(JIT-[0-9A-Z]+)/)[1];
  await p.getByText(/pending/i).first().waitFor();
  await shot(p, 'alice-request-pending');
  await alice.context.close();

  const bob = await signIn('bob');
  const b = bob.page;
  await b.goto(`${FRONTEND}/catalog/default/resource/sandbox/jit-access`);
  await b.getByText(id).first().waitFor();
  await shot(b, 'bob-entity-page-pending');
  await b.getByRole('button', { name: /^Approve/ }).first().click();
  const dialog = b.getByRole('dialog');
  await dialog.getByRole('button', { name: /^Approve/ }).click();

  await waitFor('the request to become active', async () => {
    const { body } = await api('alice', 'GET', `/requests/${id}`);
    return body.status === 'active';
  });
  await b.goto(`${FRONTEND}/jit-access/requests/${id}`);
  await b.getByText(/active/i).first().waitFor();
  await shot(b, 'request-active');
  const text = await b.locator('body').innerText();
  assert.match(text, /Bob Brown/);
  await bob.context.close();
});

test('the custom policy editor validates as you type; admins see accounts without owners flagged', async () => {
  const alice = await signIn('alice');
  const p = alice.page;
  await p.goto(`${FRONTEND}/jit-access`);
  await p.getByLabel('Account').click();
  await p.getByRole('option', { name: /sandbox/ }).click();
  await p.getByLabel('Permission set').click();
  await p.getByRole('option', { name: /Custom policy/ }).click();
  await p.getByRole('textbox', { name: 'Custom policy' }).fill('{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "allow", "Action": "s3:GetObject"}]\n}');
  const validation = p.getByTestId('policy-validation');
  await validation.getByText(/Line 3, column 28: Statement\[0\]: "Effect" must be "Allow" or "Deny"/).waitFor();
  await validation.getByText(/missing "Resource"/).waitFor();
  await p.getByTestId('effective-duration').waitFor();
  // The editor marks the error where it is: line 3, column 28 is the string "allow".
  const editor = p.getByRole('textbox', { name: 'Custom policy' });
  await editor.locator('.cm-lintRange-error', { hasText: '"allow"' }).waitFor();
  assert.equal(await editor.getAttribute('aria-invalid'), 'true');
  assert.equal(await p.locator('.cm-lint-marker-error').count(), 1, 'one error marker in the gutter, on line 3');
  await shot(p, 'alice-custom-policy-validation');
  assert.equal(await p.getByRole('button', { name: 'Submit request' }).isDisabled(), true);
  // Keyboard: Tab leaves the editor (no trap) for the next control.
  await editor.focus();
  await p.keyboard.press('Tab');
  assert.equal(await editor.evaluate(el => el.contains(document.activeElement)), false, 'Tab moves focus out of the editor');
  // Start from the S3 read-only template: valid, nothing marked; a one-line policy is formatted.
  await p.getByRole('button', { name: 'Start from template: S3 read-only' }).click();
  await validation.getByText('The policy is valid.').waitFor();
  assert.equal(await editor.locator('.cm-lintRange-error').count(), 0);
  await editor.fill('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}');
  await p.getByRole('button', { name: 'Format' }).click();
  await editor.getByText('"Effect": "Allow",').waitFor();
  assert.equal((await editor.innerText()).split('\n').length, 8, 'formatted: one key a line');
  await shot(p, 'alice-custom-policy-formatted');
  await alice.context.close();

  const carol = await signIn('carol');
  const c = carol.page;
  await c.goto(`${FRONTEND}/jit-access/config`);
  await c.getByTestId('ownerless-flag').getByText(/No owners: orphan\. Standard requests there go to the Admins and SSO Admins/).waitFor();
  await shot(c, 'carol-config-page');
  await carol.context.close();
});
