#!/usr/bin/env node
// Builds the app for production, starts the demo portal (backend :7007, which
// also serves that build as a deployed Backstage does; the dev server :3000;
// emulator :7311) on a fresh SQLite directory, waits until it is ready, runs
// the end-to-end tests in e2e/tests with Node's test runner, and stops the
// portal. The browser tests use the production build; the load-time test
// measures the dev server beside it.
// JIT_E2E_SKIP_BUILD=1 keeps an existing packages/app/dist (refused if the
// frontend's sources changed after it was built).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND, DEV_SERVER, FRONTEND, api, waitFor } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = mkdtempSync(join(tmpdir(), 'jit-e2e-'));
const only = process.argv.slice(2);

// The portal listens on fixed ports (7007, 3000, 7311): runs from several
// checkouts on one machine take turns through a lock directory in /tmp.
const lockDir = join(tmpdir(), 'jit-access-e2e.lock');
const lockWaitStarted = Date.now();
for (;;) {
  try {
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, 'pid'), String(process.pid));
    break;
  } catch {
    let holder = 0;
    let alive = false;
    try {
      holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      process.kill(holder, 0);
      alive = true;
    } catch {
      // no pid yet (just taken), or the holder is gone
    }
    // A dead holder's lock is taken over; a lock without a pid after 10 s too.
    if ((holder && !alive) || (!holder && Date.now() - lockWaitStarted > 10_000)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - lockWaitStarted > 30 * 60_000) {
      console.error(`e2e: another run (pid ${holder}) holds ${lockDir} for 30 minutes; giving up`);
      process.exit(1);
    }
    if (holder) console.log(`e2e: waiting for the run with pid ${holder} to finish`);
    await new Promise(r => setTimeout(r, 5000));
  }
}
const releaseLock = () => rmSync(lockDir, { recursive: true, force: true });

const configArgs = [
  '--config', join(root, 'app-config.yaml'),
  '--config', join(root, 'app-config.demo.yaml'),
  '--config', join(root, 'e2e', 'app-config.e2e.yaml'),
];

// The production build, served by the backend's app plugin (packages/app/dist).
const appDist = join(root, 'packages', 'app', 'dist');
// The browser tests run on that build: a kept build older than the frontend's
// sources would test code that is no longer there, so it is refused.
const newestSource = dir =>
  readdirSync(dir, { withFileTypes: true }).reduce((newest, e) => {
    const path = join(dir, e.name);
    return Math.max(newest, e.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }, 0);
if (process.env.JIT_E2E_SKIP_BUILD && existsSync(join(appDist, 'index.html'))) {
  const sources = ['packages/app/src', 'plugins/jit-access/src', 'plugins/jit-access-common/src'];
  const stale = sources.filter(dir => newestSource(join(root, dir)) > statSync(join(appDist, 'index.html')).mtimeMs);
  if (stale.length) {
    console.error(`e2e: JIT_E2E_SKIP_BUILD=1, but ${stale.join(' and ')} changed after packages/app/dist was built; run without it`);
    releaseLock();
    process.exit(1);
  }
}
if (!(process.env.JIT_E2E_SKIP_BUILD && existsSync(join(appDist, 'index.html')))) {
  const buildStarted = Date.now();
  console.log('e2e: building packages/app for production ...');
  const build = spawnSync('yarn', ['backstage-cli', 'package', 'build', ...configArgs], {
    cwd: join(root, 'packages', 'app'),
    encoding: 'utf8',
    env: { ...process.env, JIT_E2E_DATA_DIR: dataDir },
  });
  if (build.status !== 0) {
    console.error(`${build.stdout}\n${build.stderr}`.split('\n').slice(-60).join('\n'));
    console.error('e2e: the production build of packages/app failed');
    releaseLock();
    process.exit(1);
  }
  console.log(`e2e: built in ${((Date.now() - buildStarted) / 1000).toFixed(0)} s`);
}

const started = Date.now();
const portal = spawn(
  'yarn',
  ['backstage-cli', 'repo', 'start', ...configArgs],
  {
    cwd: root,
    env: { ...process.env, JIT_E2E_DATA_DIR: dataDir, BROWSER: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  },
);
const log = [];
for (const s of [portal.stdout, portal.stderr]) {
  s.on('data', d => log.push(String(d)));
}
let exited = false;
portal.on('exit', code => {
  exited = true;
  if (code) console.error(`portal exited with ${code}`);
});

function stop() {
  if (!exited) {
    try {
      process.kill(-portal.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}
process.on('SIGINT', () => {
  stop();
  releaseLock();
  process.exit(130);
});

let code = 1;
try {
  await waitFor(
    'the backend',
    async () => !exited && (await fetch(`${BACKEND}/api/jit-access/health`)).ok,
    { timeoutMs: 240_000, intervalMs: 1000 },
  );
  await waitFor(
    'the demo accounts (permission set sync, onboarding, catalog owners)',
    async () => {
      const { status, body } = await api('alice', 'GET', '/accounts');
      // sandbox's owner (team-alpha) from its catalog entity: the catalog has read the demo's accounts,
      // not only its users and groups (with those alone the admins could approve, and hasApprover is true).
      return status === 200 && body.items.some(a => a.name === 'sandbox' && a.hasApprover && !a.ownerless && a.owners.length > 0);
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
  console.log(`backend ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await waitFor(
    'the dev server',
    async () => !exited && (await fetch(DEV_SERVER)).ok,
    { timeoutMs: 300_000, intervalMs: 1000 },
  );
  console.log(`portal ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const served = await fetch(`${FRONTEND}/jit-access`);
  if (!served.ok || !(await served.text()).includes('<div id="root">')) {
    throw new Error(`the production build is not served at ${FRONTEND}/jit-access (${served.status})`);
  }

  const files = readdirSync(join(root, 'e2e', 'tests'))
    .filter(f => f.endsWith('.test.mjs'))
    .filter(f => !only.length || only.some(o => f.includes(o)))
    .map(f => join('e2e', 'tests', f));
  const tests = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], {
    cwd: root,
    stdio: 'inherit',
  });
  code = await new Promise(r => tests.on('exit', c => r(c ?? 1)));
} catch (e) {
  console.error(String(e));
  console.error('--- portal output (last 80 lines) ---');
  console.error(log.join('').split('\n').slice(-80).join('\n'));
} finally {
  if (process.env.JIT_E2E_LOG) {
    writeFileSync(process.env.JIT_E2E_LOG, log.join(''));
  }
  stop();
  rmSync(dataDir, { recursive: true, force: true });
  // Let the portal's processes release the ports before the next run starts.
  await new Promise(r => setTimeout(r, 2000));
  releaseLock();
}
process.exit(code);
