// In a real browser: deciding where the approver looks (issue 20). Bulk
// approval on Pending approvals with one request refused by the server, done
// with the keyboard only; approving from the account's entity page; rejecting
// from a Pending approvals row and what is disabled and why; the second page
// of Request history; a row approved with the keyboard only.
// Screenshots of every step: e2e/output/browser-decide/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, screenshots, signIn as signInWith } from '../browser.mjs';
import { FRONTEND, api, waitFor } from '../lib.mjs';

const screenshot = screenshots('browser-decide');
/** A screenshot once the dialogs' and tooltips' transitions have ended (not half faded in). */
async function shot(page, name) {
  // Endless ones (a progress indicator) are not waited for.
  await page.waitForFunction(() =>
    document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
  await screenshot(page, name);
}
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});
const signIn = user => signInWith(browser, user);

const GRANTED = ['approved', 'provisioning', 'active'];

let accounts;
/** A standard request made through the API; returns its id. */
async function request(user, accountName, permissionSetName, reason) {
  accounts ??= (await api('alice', 'GET', '/accounts')).body.items;
  const account = accounts.find(a => a.name === accountName);
  const { status, body } = await api(user, 'POST', '/requests', {
    accountId: account.accountId,
    permissionSetArn: account.permissionSets.find(p => p.name === permissionSetName).arn,
    durationMinutes: 60,
    reason,
  });
  assert.equal(status, 201, JSON.stringify(body));
  return body.id;
}

const get = async id => (await api('alice', 'GET', `/requests/${id}`)).body;

/**
 * Presses Tab (and nothing else) until the focused element's accessible label
 * (aria-label, else its text, else its id) matches; fails after `max` presses.
 */
async function tabTo(page, label, max = 80) {
  const passed = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    // textContent, not innerText: the buttons' text is shown upper-case.
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el) return '';
      return (el.getAttribute('aria-label') || el.textContent || el.id || '').trim();
    });
    if (focused === label) return;
    passed.push(focused);
  }
  throw new Error(`${max} presses of Tab never reached ${label}; passed: ${passed.join(' | ')}`);
}

const focusedTestId = page => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);

/** The request ids of the rows of the page's table, in order. */
async function rowIds(page) {
  return page.locator('table tbody a').filter({ hasText: /^JIT-/ }).allInnerTexts();
}

/** The width of the page's table and of the box it scrolls in (wider: a horizontal scroll bar). */
async function tableOverflow(page) {
  return page.evaluate(() => {
    let box = document.querySelector('table');
    while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
    return { scrollWidth: box.scrollWidth, clientWidth: box.clientWidth };
  });
}

async function openApprovals(page) {
  await page.goto(`${FRONTEND}/jit-access?tab=approvals`);
  await page.getByText('Waiting for your decision').first().waitFor();
}

test('bulk approve, keyboard only: three selected, one withdrawn meanwhile is listed with the server’s reason, the others are approved, the focus is on the outcome', async () => {
  const ids = [];
  for (const n of [1, 2, 3]) ids.push(await request('alice', 'sandbox', 'ReadOnlyAccess', `Bulk approval check ${n}`));
  const [first, withdrawn, last] = ids;

  const bob = await signIn('bob');
  const b = bob.page;
  await openApprovals(b);
  for (const id of ids) await b.getByRole('checkbox', { name: `Select ${id}` }).waitFor();
  // Every listed row is one bob may approve (the list holds no others).
  const listed = await rowIds(b);
  for (const id of ids) assert.ok(listed.includes(id), `${id} is on Pending approvals`);
  const selectable = await b.getByRole('checkbox', { name: /^Select JIT-/ }).count();
  assert.equal(selectable, listed.length, 'each row has its checkbox');
  // At 1280 px the whole row, its checkbox to its Approve and Reject, is in view: no sideways scrolling.
  const { scrollWidth, clientWidth } = await tableOverflow(b);
  assert.ok(scrollWidth <= clientWidth + 1, `Pending approvals is ${scrollWidth} px wide in ${clientWidth} px`);
  assert.deepEqual(await b.getByRole('columnheader').allTextContents(), ['Select', 'Request', 'Requester', 'Account', 'Access', 'Duration', 'Created', 'Actions']);

  // Keyboard only: Tab to "Select all", Space; Tab to "Approve selected", Enter.
  await tabTo(b, 'Select all requests you can approve');
  await b.keyboard.press('Space');
  assert.equal(await b.getByRole('checkbox', { name: 'Select all requests you can approve' }).isChecked(), true);
  for (const id of ids) assert.equal(await b.getByRole('checkbox', { name: `Select ${id}` }).isChecked(), true, `${id} selected`);
  await tabTo(b, `Approve selected (${selectable})`);
  await shot(b, 'bob-all-selected-keyboard');

  // Meanwhile alice withdraws her second request: bob's list does not know yet.
  assert.equal((await api('alice', 'POST', `/requests/${withdrawn}/cancel`, {})).status, 200);

  await b.keyboard.press('Enter');
  const dialog = b.getByRole('dialog');
  await dialog.getByText(`Approve ${selectable} selected request${selectable === 1 ? '' : 's'}`).waitFor();
  const asked = await dialog.innerText();
  for (const id of ids) assert.ok(asked.includes(id), `the dialog names ${id}`);
  await tabTo(b, 'jit-decision-comment');
  await b.keyboard.type('Checked the three tickets');
  await shot(b, 'bob-bulk-dialog-with-comment');
  await tabTo(b, 'Approve', 5);
  await b.keyboard.press('Enter');

  // The outcome: one sentence, and the refused request with the server's reason.
  const refused = b.getByTestId(`bulk-refused-${withdrawn}`);
  await refused.waitFor();
  const result = b.getByTestId('bulk-result');
  assert.match(await result.innerText(), new RegExp(`Approved ${selectable - 1} of ${selectable} requests; 1 was refused:`));
  assert.equal(await b.getByTestId(/^bulk-refused-JIT-/).count(), 1, 'only the withdrawn request is refused');
  // The reason is the server's: the same answer bob gets for approving it now.
  const again = await api('bob', 'POST', `/requests/${withdrawn}/approve`, { comment: 'again' });
  assert.equal(again.status, 409, JSON.stringify(again.body));
  assert.equal(await refused.innerText(), `${withdrawn}: ${again.body.error.message}`);
  assert.match(again.body.error.message, /cancelled/);
  assert.equal(await focusedTestId(b), 'bulk-result', 'the focus is on the outcome');
  await shot(b, 'bob-bulk-outcome-one-refused');

  for (const id of [first, last]) {
    const r = await waitFor(`${id} approved`, async () => {
      const x = await get(id);
      return GRANTED.includes(x.status) && x;
    });
    assert.equal(r.steps[0].decidedBy, 'user:default/bob');
    assert.equal(r.steps[0].comment, 'Checked the three tickets');
  }
  assert.equal((await get(withdrawn)).status, 'cancelled');
  // The list reloaded: none of the three waits any more.
  for (const id of ids) await b.getByRole('checkbox', { name: `Select ${id}` }).waitFor({ state: 'detached' });
  await bob.context.close();
});

test('approve from the entity page: the same dialog as the request’s page, the request becomes active and the card updates', async () => {
  const id = await request('alice', 'sandbox', 'ReadOnlyAccess', 'Approve me from the sandbox entity');
  const bob = await signIn('bob');
  const b = bob.page;

  // The request's own page: its Approve dialog, for comparison.
  await b.goto(`${FRONTEND}/jit-access/requests/${id}`);
  await b.getByRole('button', { name: `Approve ${id}` }).click();
  const dialog = b.getByRole('dialog');
  await dialog.getByLabel('Comment').waitFor();
  const onDetail = await dialog.innerText();
  await dialog.getByRole('button', { name: 'Back' }).click();
  await dialog.waitFor({ state: 'hidden' });

  await b.goto(`${FRONTEND}/catalog/default/resource/sandbox/jit-access`);
  const row = b.getByTestId(`decision-row-${id}`);
  await row.waitFor();
  assert.match(await row.innerText(), /Alice Anders · ReadOnlyAccess/);
  assert.match(await row.innerText(), /Reason: Approve me from the sandbox entity/);
  await b.getByText(/^Pending requests \(\d+\)$/).waitFor();
  const pendingBefore = Number((await b.getByText(/^Pending requests \(\d+\)$/).innerText()).match(/\d+/)[0]);
  await shot(b, 'bob-entity-pending');
  await row.getByRole('button', { name: `Approve ${id}` }).click();
  await dialog.getByLabel('Comment').waitFor();
  assert.equal(await dialog.innerText(), onDetail, 'the entity page asks exactly what the request’s page asks');
  await dialog.getByLabel('Comment').fill('Approved from the account page');
  await shot(b, 'bob-entity-approve-dialog');
  await dialog.getByRole('button', { name: /^Approve$/ }).click();
  await dialog.waitFor({ state: 'hidden' });

  const active = await waitFor('the request to become active', async () => {
    const r = await get(id);
    return r.status === 'active' && r;
  }, { timeoutMs: 90_000 });
  assert.equal(active.steps[0].decidedBy, 'user:default/bob');
  assert.equal(active.steps[0].comment, 'Approved from the account page');
  // The card reloaded by itself: the request left the pending card.
  await b.getByText(`Pending requests (${pendingBefore - 1})`).waitFor();
  assert.equal(await b.getByRole('button', { name: `Approve ${id}` }).count(), 0);
  await shot(b, 'bob-entity-after-approve');
  // Reopened: the session is listed under Active sessions, revocable by bob.
  await b.reload();
  const sessions = b.locator('.MuiCard-root', { has: b.getByText(/^Active sessions \(\d+\)$/) });
  await sessions.getByTestId(`decision-row-${id}`).waitFor();
  assert.equal(await sessions.getByRole('button', { name: `Revoke ${id}` }).isEnabled(), true);
  await shot(b, 'bob-entity-active-session');
  await bob.context.close();
});

test('reject from a Pending approvals row with a reason; what bob cannot do is disabled and says why', async () => {
  const id = await request('alice', 'sandbox', 'PowerUserAccess', 'Change the sandbox VPC');
  const own = await request('bob', 'sandbox', 'ReadOnlyAccess', 'Bob’s own look at the sandbox');
  const bob = await signIn('bob');
  const b = bob.page;
  await openApprovals(b);
  await b.getByRole('button', { name: `Reject ${id}` }).waitFor();
  // Bob's own request is not his to decide: not on his list at all.
  assert.equal(await b.getByRole('button', { name: `Approve ${own}` }).count(), 0);
  assert.ok(!(await rowIds(b)).includes(own), 'bob’s own request is not on his Pending approvals');
  // "Approve selected" with nothing selected does nothing and says why.
  const bulk = b.getByRole('button', { name: /^Approve selected \(0\)$/ });
  assert.equal(await bulk.getAttribute('aria-disabled'), 'true');
  assert.equal(await b.locator(`#${await bulk.getAttribute('aria-describedby')}`).innerText(), 'Select requests to approve several at once.');
  await bulk.click({ force: true }); // force: Playwright itself waits for an aria-disabled button to be enabled
  assert.equal(await b.getByRole('dialog').count(), 0, 'no dialog without a selection');

  await b.getByRole('button', { name: `Reject ${id}` }).click();
  const dialog = b.getByRole('dialog');
  await dialog.getByText(`Reject request ${id}`).waitFor();
  assert.match(await dialog.innerText(), /Tell the requester why/);
  await dialog.getByLabel('Comment').fill('PowerUserAccess is too broad; ask for ReadOnlyAccess');
  await shot(b, 'bob-row-reject-dialog');
  await dialog.getByRole('button', { name: /^Reject$/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  await b.getByText(`${id}: rejected`).waitFor();
  await b.getByRole('button', { name: `Reject ${id}` }).waitFor({ state: 'detached' });
  await shot(b, 'bob-row-rejected');
  const rejected = await get(id);
  assert.equal(rejected.status, 'rejected');
  assert.equal(rejected.steps[0].decidedBy, 'user:default/bob');
  assert.equal(rejected.steps[0].comment, 'PowerUserAccess is too broad; ask for ReadOnlyAccess');

  // Bob's own request, on its page: Approve and Reject disabled, the reason as text and as the tooltip.
  await b.goto(`${FRONTEND}/jit-access/requests/${own}`);
  const approve = b.getByRole('button', { name: `Approve ${own}` });
  await approve.waitFor();
  assert.equal(await approve.isDisabled(), true);
  assert.equal(await b.getByRole('button', { name: `Reject ${own}` }).isDisabled(), true);
  const reasons = await b.getByTestId('action-reason').allInnerTexts();
  assert.ok(reasons.includes('You cannot approve your own request.'), JSON.stringify(reasons));
  await approve.locator('xpath=..').hover();
  await b.getByRole('tooltip').getByText('You cannot approve your own request.').waitFor();
  await shot(b, 'bob-own-request-disabled-with-reason');
  assert.equal((await api('bob', 'POST', `/requests/${own}/cancel`, {})).status, 200);
  await bob.context.close();
});

test('row approve, keyboard only: Tab to the row’s Approve, Enter, a comment, Enter', async () => {
  const id = await request('alice', 'sandbox', 'ReadOnlyAccess', 'Approved with the keyboard');
  const bob = await signIn('bob');
  const b = bob.page;
  await openApprovals(b);
  await b.getByRole('button', { name: `Approve ${id}` }).waitFor();
  await tabTo(b, `Approve ${id}`);
  await b.keyboard.press('Enter');
  const dialog = b.getByRole('dialog');
  await dialog.getByText(`Approve request ${id}`).waitFor();
  await tabTo(b, 'jit-decision-comment');
  await b.keyboard.type('Fine from the keyboard');
  await tabTo(b, 'Approve', 5);
  await shot(b, 'bob-keyboard-row-approve-dialog');
  await b.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden' });
  await b.getByRole('button', { name: `Approve ${id}` }).waitFor({ state: 'detached' });
  // The row left the list with its buttons; the focus is on what came of it, not back at the page's start.
  await b.getByTestId('row-result').getByText(`Decided ${id}: now `).waitFor();
  assert.equal(await focusedTestId(b), 'row-result');
  const r = await waitFor(`${id} approved`, async () => {
    const x = await get(id);
    return GRANTED.includes(x.status) && x;
  });
  assert.equal(r.steps[0].decidedBy, 'user:default/bob');
  assert.equal(r.steps[0].comment, 'Fine from the keyboard');
  await shot(b, 'bob-keyboard-row-approved');
  await bob.context.close();
});

test('Request history: "Load more" shows the second page, rows the first page did not show, none twice', async () => {
  // Enough requests for a second page of 25, whatever the tests before made.
  const all = async () => {
    const ids = [];
    let cursor;
    do {
      const { body } = await api('carol', 'GET', `/requests?view=history&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      ids.push(...body.items.map(r => r.id));
      cursor = body.nextCursor;
    } while (cursor);
    return ids;
  };
  const had = (await all()).length;
  for (let n = had; n < 32; n += 1) await request('alice', 'production', 'ReadOnlyAccess', `History paging ${n}`);
  const total = (await all()).length;
  assert.ok(total > 25, `${total} requests`);
  const page1 = (await api('carol', 'GET', '/requests?view=history&limit=25')).body;
  const page2 = (await api('carol', 'GET', `/requests?view=history&limit=25&cursor=${encodeURIComponent(page1.nextCursor)}`)).body;

  const carol = await signIn('carol');
  const c = carol.page;
  await c.goto(`${FRONTEND}/jit-access?tab=history`);
  const count = c.getByTestId('request-count');
  await count.getByText('25 requests shown; more are available.').waitFor();
  const first = await rowIds(c);
  assert.deepEqual(first, page1.items.map(r => r.id), 'the first page is the API’s first page, in order');
  await shot(c, 'carol-history-page-1');

  await c.getByRole('button', { name: 'Load more: Request history' }).click();
  const shown = 25 + page2.items.length;
  await count.getByText(page2.nextCursor ? `${shown} requests shown; more are available.` : `All ${shown} requests shown.`).waitFor();
  const rows = await rowIds(c);
  assert.deepEqual(rows.slice(0, 25), first, 'the first page stays on top');
  const second = rows.slice(25);
  assert.deepEqual(second, page2.items.map(r => r.id), 'then the API’s second page, in order');
  assert.ok(second.length > 0);
  for (const id of second) assert.ok(!first.includes(id), `${id} of page 2 was not on page 1`);
  assert.equal(new Set(rows).size, rows.length, 'no request is shown twice');
  await count.scrollIntoViewIfNeeded();
  await shot(c, 'carol-history-page-2');
  await carol.context.close();
});
