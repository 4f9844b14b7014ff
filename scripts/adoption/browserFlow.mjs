// The adoption test's browser part: Debian's Chromium driven by playwright-core
// (never a downloaded browser) against the fresh app. The trial signs in as
// the guest, whom app-config.local.yaml names (auth.providers.guest.userEntityRef):
// alice requests ReadOnlyAccess to the sandbox account on the JIT Access page,
// the guest becomes bob, bob approves on the sandbox entity page's JIT Access
// tab, and the emulator must then hold alice's assignment.
import path from 'node:path';
import { chromium } from 'playwright-core';

const FRONTEND = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const EMULATOR = 'http://127.0.0.1:7311';
const ACCOUNT_ID = '111111111111';
const TIMEOUT = 60_000;

async function waitFor(what, fn, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `timed out waiting for ${what}; last: ${
      last instanceof Error ? last.message : JSON.stringify(last)
    }`,
  );
}

/** Who the guest sign-in makes you now. */
async function guestIs() {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok)
    throw new Error(`guest refresh: ${res.status} ${await res.text()}`);
  return (await res.json()).backstageIdentity?.identity?.userEntityRef;
}

/**
 * Waits until JIT Access names the sandbox account from the catalog: the app
 * answers before the catalog has read the trial's entities (and JIT Access
 * caches catalog reads for seconds), and a request for an account without
 * an owner is refused (fail closed).
 */
async function waitForSandboxFromCatalog() {
  await waitFor(
    'JIT Access to list account 111111111111 as the catalog entity sandbox',
    async () => {
      const refresh = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      const token = (await refresh.json()).backstageIdentity?.token;
      const res = await fetch(`${BACKEND}/api/jit-access/accounts`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!res.ok) return false;
      const text = await res.text();
      return (
        text.includes('resource:default/sandbox') ||
        text.includes('"name":"sandbox"')
      );
    },
    180_000,
  );
}

export async function runBrowserFlow({ kind, outDir, switchUser }) {
  let n = 0;
  const shot = async (page, name) => {
    n += 1;
    const file = path.join(outDir, `${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`  screenshot ${path.relative(process.cwd(), file)}`);
  };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

  const signInAs = async user => {
    switchUser(user);
    await waitFor(
      `the guest to be ${user}`,
      async () => (await guestIs()) === `user:default/${user}`,
    );
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(FRONTEND);
    // the guest sign-in page's button; the legacy app's page (auto) may sign in by itself
    const enter = page.getByRole('button', { name: 'Enter' });
    const signedIn = page.getByText('JIT Access').first();
    await Promise.race([
      enter.waitFor({ timeout: 120_000 }),
      signedIn.waitFor({ timeout: 120_000 }),
    ]);
    if (await enter.isVisible()) await enter.click();
    await signedIn.waitFor();
    return { context, page };
  };

  let current;
  try {
    const alice = await signInAs('alice');
    await waitForSandboxFromCatalog();
    current = alice.page;
    const p = alice.page;
    await p.goto(`${FRONTEND}/jit-access`);
    await p.getByLabel('Account').click();
    // named by the catalog title once the names come from the catalog, by its id until then
    await p.getByRole('option', { name: new RegExp(ACCOUNT_ID) }).click();
    await p.getByLabel('Permission set').click();
    await p.getByRole('option', { name: /ReadOnlyAccess/ }).click();
    await p.getByLabel('Duration (minutes)').fill('30');
    await p
      .getByLabel('Reason')
      .fill(`Adoption test (${kind} app): investigate the nightly job`);
    await p.getByTestId('effective-duration').waitFor();
    await shot(p, 'alice-request-form');
    await p.getByRole('button', { name: 'Submit request' }).click();
    await p.waitForURL(/\/jit-access\/requests\/JIT-/);
    const id = p.url().match(/(JIT-[0-9A-Z]+)/)[1];
    await p
      .getByText(/pending/i)
      .first()
      .waitFor();
    await shot(p, 'alice-request-pending');
    await alice.context.close();
    console.log(`  alice requested ${id}`);

    const bob = await signInAs('bob');
    const b = bob.page;
    current = b;
    await b.goto(`${FRONTEND}/catalog/default/resource/sandbox`);
    // the entity page's "JIT Access" tab (a link to its path in both frontend systems)
    await b
      .locator('a[href$="/resource/sandbox/jit-access"]', {
        hasText: 'JIT Access',
      })
      .first()
      .click();
    await b.getByText(id).first().waitFor();
    await shot(b, 'bob-entity-tab-pending');
    await b
      .getByRole('button', { name: /^Approve/ })
      .first()
      .click();
    const dialog = b.getByRole('dialog');
    await dialog.getByRole('button', { name: /^Approve/ }).click();
    console.log(`  bob approved ${id} on the sandbox entity tab`);

    const assignment = await waitFor(
      "alice's assignment in the emulator",
      async () => {
        const state = await (await fetch(`${EMULATOR}/_emulator/state`)).json();
        const aliceUser = state.users.find(
          u => u.userName === 'alice@example.com',
        );
        return state.assignments.find(
          a =>
            a.accountId === ACCOUNT_ID && a.principalId === aliceUser?.userId,
        );
      },
    );
    console.log(`  emulator: assignment ${JSON.stringify(assignment)}`);
    await b.goto(`${FRONTEND}/jit-access/requests/${id}`);
    await b
      .getByText(/active/i)
      .first()
      .waitFor();
    await shot(b, 'request-active');
    await bob.context.close();
  } catch (e) {
    if (current && !current.isClosed())
      await shot(current, 'failure').catch(() => {});
    throw e;
  } finally {
    await browser.close();
  }
}
