#!/usr/bin/env node
/**
 * Frontend benchmark (`npm run bench:frontend`, docs/benchmarks.md): how fast
 * the JIT Access pages become usable in a browser, on the production build as
 * a deployed Backstage serves it, and on the dev server beside it.
 *
 * 1. Builds packages/app for production (`backstage-cli package build`) and
 *    reads its chunks: which hold the plugin's code (from the source maps),
 *    which are initial (in index.html), their sizes raw and gzipped.
 * 2. Starts the demo backend (with the Identity Center emulator) on its own
 *    ports and a fresh SQLite directory; the backend serves packages/app/dist
 *    through @backstage/plugin-app-backend. alice creates one pending request
 *    on sandbox through the API.
 * 3. Debian's Chromium (playwright-core, e2e/browser.mjs's flags) loads, as a
 *    signed-in demo user (the demo sign-in page's choice preset in
 *    localStorage, so every load signs in through the backend as a returning
 *    user does):
 *    - the JIT Access page as alice, until the request form is usable: the
 *      Account select (#jit-account) is in the page, visible, not disabled;
 *      it is rendered only once the accounts have arrived, with one item per
 *      account (checked once per run by opening it: sandbox is offered);
 *    - the sandbox entity's JIT Access tab as bob, until alice's pending
 *      request is listed with an enabled Approve button.
 *    Cold: a new browser context per load (empty cache); warm: one context,
 *    a first load not counted, then a new tab per load (HTTP cache filled).
 *    The time is performance.now() when a MutationObserver first sees the
 *    condition true (0 = navigation start); bytes are what came over the
 *    network (Chrome's encodedDataLength, headers included, 0 for a cache
 *    hit), requests count every request the page made.
 * 4. Optionally (`--dev`) the same loads against `backstage-cli package start`
 *    of packages/app (the dev server), same backend.
 *
 * Options: --loads N (10), --dev (also the dev server), --skip-build (use
 * the existing packages/app/dist), --backend-port (7107), --frontend-port
 * (dev server, 3100), --emulator-port (7411), --out FILE
 * (docs/benchmarks/frontend.json; the .md is written beside it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const flag = name => argv.includes(`--${name}`);

const LOADS = Number(arg('loads', '10'));
const BACKEND_PORT = Number(arg('backend-port', '7107'));
const FRONTEND_PORT = Number(arg('frontend-port', '3100'));
const EMULATOR_PORT = Number(arg('emulator-port', '7411'));
const OUT = resolve(root, arg('out', 'docs/benchmarks/frontend.json'));
const BACKEND = `http://localhost:${BACKEND_PORT}`;
const DEV_FRONTEND = `http://localhost:${FRONTEND_PORT}`;

// e2e/lib.mjs reads the backend's address when it is imported.
process.env.JIT_E2E_BACKEND = BACKEND;
process.env.JIT_E2E_EMULATOR = `http://127.0.0.1:${EMULATOR_PORT}`;
const { api, waitFor } = await import('../lib.mjs');
const { launch } = await import('../browser.mjs');

const work = mkdtempSync(join(tmpdir(), 'jit-bench-frontend-'));
const dataDir = join(work, 'sqlite');
mkdirSync(dataDir);

// One config for the backend (it serves the production build, so the app's
// base URL is the backend's) and one more for the dev server's frontend.
const benchConfig = join(work, 'app-config.bench.yaml');
writeFileSync(
  benchConfig,
  `app:
  baseUrl: ${BACKEND}
backend:
  baseUrl: ${BACKEND}
  listen:
    port: ${BACKEND_PORT}
  cors:
    origin: [${BACKEND}, ${DEV_FRONTEND}]
  database:
    connection:
      directory: ${dataDir}
identityCenterEmulator:
  port: ${EMULATOR_PORT}
jitAccess:
  identityCenter:
    endpoint: http://127.0.0.1:${EMULATOR_PORT}
`,
);
const devConfig = join(work, 'app-config.dev.yaml');
writeFileSync(devConfig, `app:\n  baseUrl: ${DEV_FRONTEND}\n`);
const configArgs = ['--config', join(root, 'app-config.yaml'), '--config', join(root, 'app-config.demo.yaml'), '--config', benchConfig];

const children = [];
function start(name, cwd, args, env = {}) {
  const child = spawn('yarn', args, {
    cwd,
    env: { ...process.env, BROWSER: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = [];
  for (const s of [child.stdout, child.stderr]) s.on('data', d => log.push(String(d)));
  child.on('exit', code => {
    child.exited = true;
    if (code && !child.stopping) console.error(`${name} exited with ${code}:\n${log.join('').split('\n').slice(-40).join('\n')}`);
  });
  child.log = log;
  children.push(child);
  return child;
}
async function stop(child) {
  if (child.exited) return;
  child.stopping = true;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 10_000;
  while (!child.exited && Date.now() < deadline) await new Promise(r => setTimeout(r, 200));
  if (!child.exited) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
}
async function stopAll() {
  await Promise.all(children.map(stop));
}
process.on('SIGINT', async () => {
  await stopAll();
  process.exit(130);
});

async function portInUse(port) {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch (e) {
    return e?.cause?.code !== 'ECONNREFUSED';
  }
}

// ---------------------------------------------------------------- build

const appDir = join(root, 'packages', 'app');
const dist = join(appDir, 'dist');
let buildSeconds;
if (!flag('skip-build')) {
  console.log('building packages/app for production ...');
  const started = Date.now();
  const r = spawnSync('yarn', ['backstage-cli', 'package', 'build', ...configArgs], { cwd: appDir, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    process.exit(1);
  }
  buildSeconds = (Date.now() - started) / 1000;
  console.log(`built in ${buildSeconds.toFixed(0)} s`);
}
if (!existsSync(join(dist, 'index.html'))) {
  console.error(`no production build in ${dist}`);
  process.exit(1);
}

/** The app's JS chunks: size, gzipped size, initial or not, what they hold. */
function readChunks() {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/src="\/static\/([^"]+\.js)"/g)].map(m => m[1]));
  const files = readdirSync(join(dist, 'static')).filter(f => f.endsWith('.js'));
  const chunks = [];
  for (const file of files) {
    const path = join(dist, 'static', file);
    const bytes = readFileSync(path);
    let sources = [];
    if (existsSync(`${path}.map`)) {
      // The sources list sits before sourcesContent; no need to parse the whole map.
      const map = readFileSync(`${path}.map`, 'utf8');
      const m = map.match(/"sources":(\[[^\]]*\])/);
      sources = m ? JSON.parse(m[1]) : [];
    }
    const plugin = sources
      .filter(s => /\/plugins\/jit-access(-common)?\/src\//.test(s))
      .map(s => s.replace(/.*\/plugins\//, ''));
    const packages = [
      ...new Set(
        sources
          .map(s => s.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1])
          .filter(Boolean),
      ),
    ];
    chunks.push({
      file,
      initial: initial.has(file),
      bytes: bytes.length,
      gzipBytes: gzipSync(bytes).length,
      pluginModules: plugin,
      packages,
    });
  }
  return chunks;
}
const chunks = readChunks();
const initialChunks = chunks.filter(c => c.initial);
// The plugin's chunks: those with its code, and those with recharts (its
// account activity chart, the one heavy package only the plugin uses).
const pluginChunks = chunks
  .filter(c => c.pluginModules.length || c.packages.includes('recharts'))
  .sort((a, b) => b.bytes - a.bytes);

// ---------------------------------------------------------------- backend

for (const port of [BACKEND_PORT, EMULATOR_PORT, ...(flag('dev') ? [FRONTEND_PORT] : [])]) {
  if (await portInUse(port)) {
    console.error(`port ${port} is in use; choose others with --backend-port, --emulator-port, --frontend-port`);
    process.exit(1);
  }
}

const result = {
  measuredAt: new Date().toISOString(),
  commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
  loads: LOADS,
  // The machine is shared: its load average (1 min) before and after the loads.
  loadAverage: { before: loadavg()[0] },
  buildSeconds,
  chunks: {
    initialJsBytes: initialChunks.reduce((s, c) => s + c.bytes, 0),
    initialJsGzipBytes: initialChunks.reduce((s, c) => s + c.gzipBytes, 0),
    initialFiles: initialChunks.length,
    plugin: pluginChunks,
  },
  runs: [],
};

let code = 1;
try {
  console.log(`starting the demo backend on :${BACKEND_PORT} (emulator :${EMULATOR_PORT}, SQLite in ${dataDir}) ...`);
  const started = Date.now();
  const backend = start('backend', join(root, 'packages', 'backend'), ['backstage-cli', 'package', 'start', ...configArgs]);
  await waitFor('the backend', async () => !backend.exited && (await fetch(`${BACKEND}/api/jit-access/health`)).ok, {
    timeoutMs: 240_000,
    intervalMs: 1000,
  });
  await waitFor(
    'the demo accounts',
    async () => {
      const { status, body } = await api('alice', 'GET', '/accounts');
      return status === 200 && body.items.some(a => a.name === 'sandbox' && a.hasApprover);
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
  console.log(`backend ready after ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const served = await fetch(`${BACKEND}/jit-access`);
  if (!served.ok || !(await served.text()).includes('/static/')) {
    throw new Error(`the backend does not serve the production build at ${BACKEND}/ (${served.status})`);
  }

  const accounts = await api('alice', 'GET', '/accounts');
  const sandbox = accounts.body.items.find(a => a.name === 'sandbox');
  const created = await api('alice', 'POST', '/requests', {
    accountId: sandbox.accountId,
    permissionSetArn: sandbox.permissionSets.find(p => p.name === 'ReadOnlyAccess').arn,
    durationMinutes: 30,
    reason: 'Frontend benchmark: pending request for the entity page',
  });
  if (created.status !== 201) throw new Error(`creating the pending request: ${created.status} ${JSON.stringify(created.body)}`);
  const pendingId = created.body.id;

  const browser = await launch();
  try {
    result.runs.push(...(await measureAll(browser, 'production build', BACKEND, pendingId)));
    if (flag('dev')) {
      console.log(`starting the dev server on :${FRONTEND_PORT} ...`);
      const devStarted = Date.now();
      const dev = start('dev server', appDir, ['backstage-cli', 'package', 'start', ...configArgs, '--config', devConfig]);
      await waitFor('the dev server', async () => !dev.exited && (await fetch(DEV_FRONTEND)).ok, {
        timeoutMs: 300_000,
        intervalMs: 1000,
      });
      console.log(`dev server ready after ${((Date.now() - devStarted) / 1000).toFixed(0)} s`);
      result.runs.push(...(await measureAll(browser, 'dev server', DEV_FRONTEND, pendingId)));
      await stop(dev);
    }
  } finally {
    await browser.close();
  }
  result.loadAverage.after = loadavg()[0];
  report(result);
  code = 0;
} catch (e) {
  console.error(e);
} finally {
  await stopAll();
  rmSync(work, { recursive: true, force: true });
}
process.exit(code);

// ---------------------------------------------------------------- browser

function scenarios(pendingId) {
  return [
    {
      name: 'JIT Access page: request form usable',
      user: 'alice',
      path: '/jit-access',
      // The Account select is rendered once the accounts have arrived.
      condition: `(() => {
        const el = document.getElementById('jit-account');
        return !!el && el.getAttribute('aria-disabled') !== 'true' && el.getClientRects().length > 0;
      })()`,
      async check(page) {
        await page.locator('#jit-account').click();
        const options = await page.getByRole('option').allInnerTexts();
        if (!options.some(o => o.includes('sandbox'))) throw new Error(`the Account select offers ${JSON.stringify(options)}`);
        await page.keyboard.press('Escape');
      },
    },
    {
      name: 'entity page: pending list',
      user: 'bob',
      path: '/catalog/default/resource/sandbox/jit-access',
      condition: `(() => {
        const row = document.querySelector('[data-testid="decision-row-${pendingId}"]');
        return !!row && [...row.querySelectorAll('button')].some(b => /approve/i.test(b.textContent) && !b.disabled);
      })()`,
    },
  ];
}

/** A context signed in as the user (the demo sign-in page's choice), watching for the condition. */
async function newContext(browser, origin, scenario) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    storageState: {
      cookies: [],
      origins: [{ origin, localStorage: [{ name: 'jit-access-demo-user', value: scenario.user }] }],
    },
  });
  await context.addInitScript(`(() => {
    const check = () => {
      if (window.__benchUsableAt === undefined && ${scenario.condition}) {
        window.__benchUsableAt = performance.now();
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document, { childList: true, subtree: true, attributes: true });
  })()`);
  return context;
}

/** Loads the page in a new tab of the context; returns the time and the network. */
async function load(context, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const requests = new Map();
  cdp.on('Network.requestWillBeSent', e => {
    if (e.request.url.startsWith('data:')) return;
    requests.set(e.requestId, { url: e.request.url, type: e.type, start: e.timestamp, bytes: 0, cached: false });
  });
  cdp.on('Network.requestServedFromCache', e => {
    const r = requests.get(e.requestId);
    if (r) r.cached = true;
  });
  cdp.on('Network.responseReceived', e => {
    const r = requests.get(e.requestId);
    if (r) {
      r.status = e.response.status;
      if (e.response.fromDiskCache || e.response.fromPrefetchCache) r.cached = true;
    }
  });
  cdp.on('Network.loadingFinished', e => {
    const r = requests.get(e.requestId);
    if (r) {
      r.bytes = e.encodedDataLength;
      r.end = e.timestamp;
    }
  });
  await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
  const usableMs = await page
    .waitForFunction(() => window.__benchUsableAt, null, { timeout: 60_000, polling: 50 })
    .then(h => h.jsonValue());
  // Requests the page had started by then; later ones (e.g. a chart below
  // the pending list) are counted too, once they have finished.
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  const all = [...requests.values()];
  const t0 = Math.min(...all.map(r => r.start));
  const waterfall = all
    .filter(r => new URL(r.url).pathname.startsWith('/api/') || r.type === 'Script' || r.type === 'Document')
    .map(r => ({
      what: `${r.type === 'Script' ? 'js ' : ''}${new URL(r.url).pathname.replace(/^\/static\//, '')}${new URL(r.url).search}`,
      startMs: Math.round((r.start - t0) * 1000),
      endMs: r.end ? Math.round((r.end - t0) * 1000) : undefined,
      cached: r.cached,
    }))
    .sort((a, b) => a.startMs - b.startMs);
  const net = all.filter(r => !r.cached);
  // When the app's own code has run and it signs the user in: what comes
  // before is Backstage's boot (the same for every page), what follows the
  // sign-in, the page's chunks and its API calls.
  const signIn = all.find(r => new URL(r.url).pathname.startsWith('/api/auth/'));
  return {
    page,
    usableMs: Math.round(usableMs),
    signInStartMs: signIn ? Math.round((signIn.start - t0) * 1000) : undefined,
    requests: all.length,
    networkRequests: net.length,
    bytes: net.reduce((s, r) => s + r.bytes, 0),
    jsRequests: all.filter(r => r.type === 'Script').length,
    apiRequests: all.filter(r => new URL(r.url).pathname.startsWith('/api/')).length,
    waterfall,
  };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
}

function summarize(target, scenario, mode, loads) {
  const row = {
    target,
    scenario: scenario.name,
    mode,
    loads: loads.length,
    usableMsMedian: median(loads.map(l => l.usableMs)),
    usableMsMin: Math.min(...loads.map(l => l.usableMs)),
    usableMsMax: Math.max(...loads.map(l => l.usableMs)),
    bytesMedian: median(loads.map(l => l.bytes)),
    requestsMedian: median(loads.map(l => l.requests)),
    networkRequestsMedian: median(loads.map(l => l.networkRequests)),
    jsRequestsMedian: median(loads.map(l => l.jsRequests)),
    apiRequestsMedian: median(loads.map(l => l.apiRequests)),
    signInStartMsMedian: median(loads.map(l => l.signInStartMs ?? 0)),
    afterSignInMsMedian: median(loads.map(l => l.usableMs - (l.signInStartMs ?? 0))),
    usableMs: loads.map(l => l.usableMs),
    // The load closest to the median, as an example of the request order.
    waterfall: [...loads].sort((a, b) => Math.abs(a.usableMs - median(loads.map(l => l.usableMs))) - Math.abs(b.usableMs - median(loads.map(l => l.usableMs))))[0].waterfall,
  };
  console.log(
    `  ${mode.padEnd(4)} median ${row.usableMsMedian} ms (${row.usableMsMin}-${row.usableMsMax}), ` +
      `sign-in starts at ${row.signInStartMsMedian} ms, ${(row.bytesMedian / 1024).toFixed(0)} KiB, ${row.requestsMedian} requests (${row.networkRequestsMedian} over the network)`,
  );
  return row;
}

async function measureAll(browser, target, base, pendingId) {
  const origin = new URL(base).origin;
  const rows = [];
  for (const scenario of scenarios(pendingId)) {
    console.log(`${target}: ${scenario.name} (${scenario.user}, ${scenario.path})`);
    const url = `${base}${scenario.path}`;
    // One load not counted: the backend's and dev server's first answers.
    {
      const context = await newContext(browser, origin, scenario);
      const first = await load(context, url);
      if (scenario.check) await scenario.check(first.page);
      await context.close();
    }
    const cold = [];
    for (let i = 0; i < LOADS; i += 1) {
      const context = await newContext(browser, origin, scenario);
      const l = await load(context, url);
      cold.push(l);
      await context.close();
    }
    rows.push(summarize(target, scenario, 'cold', cold));
    const warm = [];
    const context = await newContext(browser, origin, scenario);
    await (await load(context, url)).page.close();
    for (let i = 0; i < LOADS; i += 1) {
      const l = await load(context, url);
      warm.push(l);
      await l.page.close();
    }
    await context.close();
    rows.push(summarize(target, scenario, 'warm', warm));
  }
  return rows;
}

// ---------------------------------------------------------------- report

function kib(n) {
  return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KiB`;
}

function report(r) {
  const lines = [];
  lines.push(
    `Frontend benchmark, ${r.measuredAt} (commit ${r.commit}; median of ${r.loads} loads each; ` +
      `${r.buildSeconds ? `production build took ${r.buildSeconds.toFixed(0)} s` : 'existing build'}; ` +
      `machine load average ${r.loadAverage.before.toFixed(1)} before, ${r.loadAverage.after.toFixed(1)} after, on ${cpus().length} cores)`,
  );
  lines.push('');
  lines.push('| served by | page, until | cache | usable p50 | min–max | app booted (sign-in starts) p50 | sign-in to usable p50 | transferred p50 | requests p50 (network) | JS files | API calls |');
  lines.push('| --- | --- | --- | --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const row of r.runs) {
    lines.push(
      `| ${row.target} | ${row.scenario} | ${row.mode} | ${row.usableMsMedian} ms | ${row.usableMsMin}–${row.usableMsMax} ms | ${row.signInStartMsMedian} ms | ${row.afterSignInMsMedian} ms | ${kib(row.bytesMedian)} | ${row.requestsMedian} (${row.networkRequestsMedian}) | ${row.jsRequestsMedian} | ${row.apiRequestsMedian} |`,
    );
  }
  const goal = r.runs.filter(x => x.target === 'production build' && x.scenario.startsWith('JIT Access page'));
  const warm = goal.find(x => x.mode === 'warm');
  const cold = goal.find(x => x.mode === 'cold');
  lines.push('');
  lines.push('| goal | measured | |');
  lines.push('| --- | --- | --- |');
  if (warm) lines.push(`| request form usable ≤ 1.0 s warm (production build) | ${(warm.usableMsMedian / 1000).toFixed(2)} s | ${warm.usableMsMedian <= 1000 ? 'met' : 'missed'} |`);
  if (cold) lines.push(`| request form usable ≤ 2.0 s cold (production build) | ${(cold.usableMsMedian / 1000).toFixed(2)} s | ${cold.usableMsMedian <= 2000 ? 'met' : 'missed'} |`);
  lines.push('');
  lines.push(
    `Initial JS (index.html): ${r.chunks.initialFiles} files, ${kib(r.chunks.initialJsBytes)} (${kib(r.chunks.initialJsGzipBytes)} gzipped).`,
  );
  lines.push('');
  lines.push("The plugin's chunks (its code, or recharts):");
  lines.push('');
  lines.push('| chunk | loaded | size | gzipped | plugin modules | packages |');
  lines.push('| --- | --- | --: | --: | --- | --- |');
  for (const c of r.chunks.plugin) {
    const mods = c.pluginModules.map(m => m.replace(/^jit-access(-common)?\/src\//, (_, common) => (common ? 'common:' : ''))).join(', ');
    lines.push(
      `| ${c.file} | ${c.initial ? '**initial**' : 'lazy'} | ${kib(c.bytes)} | ${kib(c.gzipBytes)} | ${mods || '–'} | ${c.packages.slice(0, 6).join(', ')}${c.packages.length > 6 ? ` +${c.packages.length - 6}` : ''} |`,
    );
  }
  lines.push('');
  for (const row of r.runs.filter(x => x.mode === 'cold')) {
    lines.push(`Request order, one cold load near the median (${row.target}, ${row.scenario}; ms from the document request):`);
    lines.push('');
    lines.push('```');
    for (const w of row.waterfall.filter(w => !w.what.startsWith('js ') || row.target === 'production build')) {
      lines.push(`${String(w.startMs).padStart(6)} → ${String(w.endMs ?? '?').padStart(6)}  ${w.what}${w.cached ? ' (cache)' : ''}`);
    }
    lines.push('```');
    lines.push('');
  }
  const text = lines.join('\n');
  console.log(`\n${text}`);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(OUT.replace(/\.json$/, '.md'), `${text}\n`);
  console.log(`written: ${OUT} and .md`);
}
