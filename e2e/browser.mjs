// Browser plumbing shared by the browser tests: Debian's Chromium driven by
// playwright-core (never a downloaded browser), demo sign-in, screenshots of
// every step under e2e/output/<suite>/ (gitignored), each page checked by axe
// (e2e/axe.mjs) as it is screenshotted.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { axeChecker, settle } from './axe.mjs';
import { FRONTEND } from './lib.mjs';

export const TIMEOUT = 30_000;

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser context signed in as a demo user, on the home page of the
 * production build the backend serves (or of `base`, e.g. the dev server).
 */
export async function signIn(browser, user, { width = 1280, height = 900, base = FRONTEND } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(base);
  await page.getByRole('button', { name: `Sign in as ${user}` }).click();
  await page.getByText('JIT Access').first().waitFor();
  return { context, page };
}

/**
 * Screenshots numbered in the order taken, in e2e/output/<suite>/; each
 * screenshotted page is checked by axe (results in e2e/output/axe/<suite>.json),
 * and a serious or critical violation fails the step.
 */
export function screenshots(suite) {
  const dir = join(process.cwd(), 'e2e', 'output', suite);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const axe = axeChecker(suite);
  let n = 0;
  return async (page, name) => {
    n += 1;
    const file = `${String(n).padStart(2, '0')}-${name}`;
    await settle(page);
    await page.screenshot({ path: join(dir, `${file}.png`), fullPage: true });
    await axe(page, file);
  };
}

/** Whether the page is wider than its viewport (a horizontal scroll bar). */
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement;
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
  });
}
