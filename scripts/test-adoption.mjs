#!/usr/bin/env node
/*
 * Adoption test: proves a platform team can adopt the packed packages into a
 * fresh Backstage app by following the READMEs (npm run test:adoption).
 *
 *   1. pack       scripts/pack.sh: the three plugins and the emulator as tarballs
 *   2. create     npx @backstage/create-app@CREATE_APP (new frontend system app
 *                 and the --legacy one)
 *   3. install    the tarballs (file: dependencies, the common package through
 *                 resolutions) and one @backstage release, with the app's Yarn:
 *                 the new system app stays on the release create-app makes
 *                 (the oldest supported, pinned by adoption/release.mjs), the
 *                 legacy app moves to the newest (yarn up '@backstage/*');
 *                 the adopted packages' ranges must accept what is installed
 *   4. snippets   exactly the code blocks the READMEs mark with
 *                 <!-- adoption:<side> -->, applied to the app's files; prints
 *                 the lines added per side and fails above MAX_LINES
 *   5. tsc        the app type checks
 *   6. start      the emulator from its tarball's bin, the app (yarn start)
 *   7. browser    Chromium: alice requests access to the sandbox account, bob
 *                 approves on its entity page tab, the emulator holds the
 *                 assignment; screenshots in e2e/output/adoption-<app>/
 *
 * Steps 2-5 of the apps run at the same time; 6 and 7 one app after the
 * other (both use ports 3000, 7007 and 7311).
 *
 *   npm run test:adoption                  both apps
 *   ADOPTION_APPS=new npm run test:adoption   only the new frontend system app
 *   SKIP_PACK=1 ...     use dist-packs/ as it is
 *   ADOPTION_DIR=...    where the apps are made (default /tmp/jit-adoption; wiped)
 *   ADOPTION_REUSE=1    keep an installed app from an earlier run (skips 2 and 3)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runBrowserFlow } from './adoption/browserFlow.mjs';
import {
  isRunning,
  runAsync,
  start as startProcess,
  stop,
  tail,
  waitForFreePorts,
} from './adoption/processes.mjs';
import {
  checkRanges,
  pinTemplateRelease,
  releaseOf,
} from './adoption/release.mjs';
import {
  addedLines,
  applySnippet,
  readSnippets,
} from './adoption/snippets.mjs';

const ROOT = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
/** The create-app release the test makes its apps with (and so the Backstage release it starts from). */
const CREATE_APP = '0.9.2';
const MAX_LINES = 5;
const APP_NAME = 'jit-adoption';
const WORK = path.resolve(process.env.ADOPTION_DIR ?? '/tmp/jit-adoption');
const APPS = (process.env.ADOPTION_APPS ?? 'new,legacy')
  .split(',')
  .map(s => s.trim())
  .filter(Boolean);
const READMES = [
  'plugins/jit-access-backend/README.md',
  'plugins/jit-access/README.md',
  'README.md',
].map(f => path.join(ROOT, f));
const PACKS = {
  common: 'jit-access-plugin-jit-access-common.tgz',
  backend: 'jit-access-plugin-jit-access-backend.tgz',
  frontend: 'jit-access-plugin-jit-access.tgz',
  emulator: 'jit-access-identity-center-emulator.tgz',
};

/** Which release each app runs on: the one create-app makes, or the newest. */
const RELEASE = { new: 'template', legacy: 'newest' };
/** What a started app listens on: the frontend, the backend, the emulator. */
const PORTS = [3000, 7007, 7311];
const RELEASE_NAME = {
  template: "create-app's release, every @backstage package pinned to it",
  newest: "the newest release (yarn up '@backstage/*')",
};
const ADOPTED = [
  '@jit-access/plugin-jit-access',
  '@jit-access/plugin-jit-access-backend',
  '@jit-access/plugin-jit-access-common',
];

const timings = [];
const env = toolchainEnv();
const T0 = Date.now();

/** A timed step; phases of different apps may overlap, so each records when it began. */
async function phase(name, fn) {
  const start = Date.now();
  console.log(`\n=== ${name} ===`);
  try {
    return await fn();
  } finally {
    const s = (Date.now() - start) / 1000;
    timings.push([name, s, (start - T0) / 1000]);
    console.log(`--- ${name}: ${fmt(s)}`);
  }
}

function fmt(s) {
  return s >= 60
    ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`
    : `${s.toFixed(1)} s`;
}

/** Node 22/24, Yarn and npm_config_nodedir as scripts/toolchain.sh sets them. */
function toolchainEnv() {
  const out = execFileSync(
    'bash',
    ['-c', `source "${ROOT}/scripts/toolchain.sh" >&2 && env -0`],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const e = Object.fromEntries(
    out
      .split('\0')
      .filter(Boolean)
      .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  e.YARN_ENABLE_TELEMETRY = '0';
  e.YARN_ENABLE_PROGRESS_BARS = '0';
  e.CI = e.CI ?? 'true';
  e.BACKSTAGE_APP_NAME = APP_NAME;
  return e;
}

function run(cmd, args, { cwd = ROOT, input, log, label } = {}) {
  return runAsync(cmd, args, { cwd, env, input, log, label, root: ROOT });
}

function start(name, cmd, args, { cwd, logDir, extraEnv = {} }) {
  return startProcess(name, cmd, args, {
    cwd,
    logDir,
    env: { ...env, ...extraEnv },
  });
}

async function waitForUrl(
  url,
  { child, timeoutMs = 300_000, ok = r => r.status < 500 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && !isRunning(child)) {
      throw new Error(
        `${child.label} exited before ${url} answered; see ${
          child.log
        }:\n${tail(child.log)}`,
      );
    }
    try {
      const r = await fetch(url);
      if (ok(r)) return r;
    } catch {
      /* not up yet */
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${url} did not answer within ${timeoutMs / 1000} s${
      child ? `; see ${child.log}:\n${tail(child.log)}` : ''
    }`,
  );
}

const readJson = f => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeJson = (f, o) =>
  fs.writeFileSync(f, `${JSON.stringify(o, null, 2)}\n`);

/** Installs the tarballs the way the READMEs say, written into the package.json files. */
function addTarballs(appDir) {
  const packs = Object.fromEntries(
    Object.entries(PACKS).map(([k, f]) => [
      k,
      `file:${path.join(ROOT, 'dist-packs', f)}`,
    ]),
  );
  const root = readJson(path.join(appDir, 'package.json'));
  root.resolutions = {
    ...root.resolutions,
    '@jit-access/plugin-jit-access-common': packs.common,
  };
  root.devDependencies = {
    ...root.devDependencies,
    '@jit-access/identity-center-emulator': packs.emulator,
  };
  writeJson(path.join(appDir, 'package.json'), root);
  const backend = readJson(path.join(appDir, 'packages/backend/package.json'));
  backend.dependencies['@jit-access/plugin-jit-access-backend'] = packs.backend;
  writeJson(path.join(appDir, 'packages/backend/package.json'), backend);
  const app = readJson(path.join(appDir, 'packages/app/package.json'));
  app.dependencies['@jit-access/plugin-jit-access'] = packs.frontend;
  writeJson(path.join(appDir, 'packages/app/package.json'), app);
}

/**
 * The app's files as create-app made them, kept in .adoption-pristine/ at
 * the first run and put back before the snippets are applied again
 * (ADOPTION_REUSE=1); files the snippets create are removed.
 */
function pristine(appDir, snippets) {
  const keep = path.join(appDir, '.adoption-pristine');
  const files = [
    ...new Set(
      snippets.map(
        s =>
          s.attrs.file ??
          (s.side === 'backend'
            ? 'packages/backend/src/index.ts'
            : 'app-config.yaml'),
      ),
    ),
  ];
  for (const f of files) {
    const saved = path.join(keep, f);
    const live = path.join(appDir, f);
    if (fs.existsSync(saved)) fs.copyFileSync(saved, live);
    else if (
      fs.existsSync(path.join(keep, `${f}.absent`)) ||
      !fs.existsSync(live)
    ) {
      fs.rmSync(live, { force: true });
      fs.mkdirSync(path.dirname(path.join(keep, f)), { recursive: true });
      fs.writeFileSync(path.join(keep, `${f}.absent`), '');
    } else {
      fs.mkdirSync(path.dirname(saved), { recursive: true });
      fs.copyFileSync(live, saved);
    }
  }
}

/** The snippets for one app; the other frontend system's are left out. */
function snippetsFor(kind, all) {
  const otherApp = kind === 'new' ? 'legacy-app' : 'new-app';
  return all.filter(s => !s.side.startsWith(otherApp));
}

/** Counts per side: install sides are limited, trial-* and *-optional are reported only. */
function countLines(kind, snippets) {
  // a side with no snippet adds nothing (the new frontend system discovers the plugin)
  const per = new Map([
    [`${kind}-app`, 0],
    ['backend', 0],
    ['app-config', 0],
  ]);
  for (const s of snippets)
    per.set(s.side, (per.get(s.side) ?? 0) + addedLines(s).length);
  return per;
}

const appDirOf = kind => path.join(WORK, `${kind}-app`);
const outDirOf = kind => path.join(ROOT, 'e2e', 'output', `adoption-${kind}`);

/** The app's Yarn install: the new app on create-app's release, the legacy one on the newest. */
async function install(kind, appDir, log) {
  const yarn = args => run('yarn', args, { cwd: appDir, log, label: kind });
  if (RELEASE[kind] === 'template') {
    await pinTemplateRelease(appDir, args => yarn(['install', ...args]));
    await yarn(['install']);
  } else {
    // Without create-app's yarn.lock seed (not reachable from CI), caret
    // ranges mix two releases and the backend dies at start
    // (httpRouter.addWebSocketHandler is not a function): take every
    // @backstage package from the newest release.
    await yarn(['up', '@backstage/*']);
  }
}

/**
 * Steps 2-5 for one app: create, install, the README snippets, tsc. Nothing
 * here listens on a port, so the apps are prepared at the same time.
 */
async function prepare(kind, snippets) {
  const appDir = appDirOf(kind);
  const outDir = outDirOf(kind);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const reuse =
    process.env.ADOPTION_REUSE === '1' &&
    fs.existsSync(path.join(appDir, 'node_modules'));
  const mine = snippetsFor(kind, snippets);

  if (!reuse) {
    await phase(
      `${kind}: create-app@${CREATE_APP}${
        kind === 'legacy' ? ' --legacy' : ''
      }`,
      async () => {
        // asynchronously: removing an installed app takes seconds and would
        // hold up the other app's preparation
        await fs.promises.rm(appDir, { recursive: true, force: true });
        const args = [
          '-y',
          `@backstage/create-app@${CREATE_APP}`,
          '--path',
          appDir,
          '--skip-install',
        ];
        if (kind === 'legacy') args.push('--legacy');
        await run('npx', args, {
          input: `${APP_NAME}\n`,
          log: path.join(outDir, 'create-app.log'),
          label: kind,
        });
      },
    );
    await phase(
      `${kind}: install (tarballs, ${RELEASE_NAME[RELEASE[kind]]})`,
      async () => {
        addTarballs(appDir);
        await install(kind, appDir, path.join(outDir, 'install.log'));
      },
    );
  }
  const ranges = checkRanges(appDir, ADOPTED);
  const own = ranges.filter(r => r.own);
  if (own.length) {
    console.log(
      `[${kind}] adopted packages with a copy of their own (not the app's):\n${own
        .map(r => `  ${r.pkg}: ${r.dep} ${r.version}`)
        .join('\n')}`,
    );
  }

  await phase(`${kind}: apply the README snippets`, () => {
    pristine(appDir, mine);
    for (const s of mine) {
      const file = applySnippet(appDir, s);
      console.log(
        `  [${kind}] ${s.side.padEnd(22)} ${String(
          addedLines(s).length,
        ).padStart(2)} line(s) -> ${file}   (${s.where})`,
      );
    }
  });

  const per = countLines(kind, mine);
  console.log(
    `\nLines added per side (${kind} app; limit ${MAX_LINES} for install sides):`,
  );
  const over = [];
  for (const [side, n] of per) {
    const limited = !side.startsWith('trial-') && !side.endsWith('-optional');
    console.log(
      `  ${side.padEnd(22)} ${String(n).padStart(2)}${
        limited ? '' : '   (not limited)'
      }`,
    );
    if (limited && n > MAX_LINES) over.push(`${side}: ${n}`);
  }
  if (over.length)
    throw new Error(
      `more than ${MAX_LINES} lines on a side: ${over.join(', ')}`,
    );

  await phase(`${kind}: type check the app (yarn tsc)`, () =>
    run('yarn', ['tsc'], {
      cwd: appDir,
      log: path.join(outDir, 'tsc.log'),
      label: kind,
    }),
  );

  const installed = name =>
    readJson(path.join(appDir, 'node_modules', name, 'package.json')).version;
  return {
    release: releaseOf(appDir),
    versions: [
      '@backstage/backend-defaults',
      '@backstage/frontend-plugin-api',
      '@backstage/plugin-catalog-react',
    ].map(n => `${n.replace('@backstage/', '')} ${installed(n)}`),
    per,
  };
}

/** Steps 6-7 for one app: start it and walk the browser flow. */
async function trial(kind) {
  const appDir = appDirOf(kind);
  const outDir = outDirOf(kind);
  const logDir = outDir;
  let emulator;
  let app;
  await phase(`${kind}: ports 3000, 7007 and 7311 free`, () =>
    waitForFreePorts(PORTS),
  );
  try {
    await phase(
      `${kind}: start the emulator (its bin) and the app (yarn start)`,
      async () => {
        emulator = start(
          'emulator',
          path.join(appDir, 'node_modules/.bin/identity-center-emulator'),
          ['--port', '7311'],
          {
            cwd: appDir,
            logDir,
          },
        );
        await waitForUrl('http://127.0.0.1:7311/_emulator/health', {
          child: emulator,
          timeoutMs: 30_000,
        });
        app = start('app', 'yarn', ['start'], {
          cwd: appDir,
          logDir,
          extraEnv: { BROWSER: 'none' },
        });
        await waitForUrl(
          'http://localhost:7007/.backstage/health/v1/readiness',
          { child: app, ok: r => r.ok },
        );
        await waitForUrl('http://localhost:3000', {
          child: app,
          ok: r => r.ok,
        });
      },
    );
    await phase(
      `${kind}: browser flow (alice requests, bob approves on the entity tab)`,
      () =>
        runBrowserFlow({
          kind,
          appDir,
          outDir,
          switchUser: user => switchGuest(appDir, user),
        }),
    );
  } finally {
    if (app) await stop(app);
    if (emulator) await stop(emulator);
    // until this app's servers have let go of the ports (no quiet period),
    // so the next app does not take them for another test run's
    await waitForFreePorts(PORTS, { timeoutMs: 60_000, quietMs: 0 }).catch(
      () => {},
    );
  }
}

/**
 * The trial signs in as the guest, who is the catalog user that
 * auth.providers.guest.userEntityRef names in app-config.local.yaml; the
 * backend started by `yarn start` reads the change without a restart.
 */
function switchGuest(appDir, user) {
  const file = path.join(appDir, 'app-config.local.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(
    /(userEntityRef:\s*)user:default\/\w+/,
    `$1user:default/${user}`,
  );
  if (next === text && !text.includes(`user:default/${user}`)) {
    throw new Error(
      'app-config.local.yaml has no auth.providers.guest.userEntityRef to switch',
    );
  }
  fs.writeFileSync(file, next);
}

async function main() {
  await phase('pack (scripts/pack.sh)', async () => {
    if (process.env.SKIP_PACK === '1')
      return console.log('SKIP_PACK=1: using dist-packs/ as it is');
    await run('bash', ['scripts/pack.sh'], {
      log: path.join(WORK, 'pack.log'),
    });
  });
  const snippets = readSnippets(READMEs());
  // every app is prepared at once; a failure stops the test only when all
  // preparations have ended, so no install is left writing behind it
  const prepared = await Promise.allSettled(
    APPS.map(kind => prepare(kind, snippets)),
  );
  const failed = prepared.filter(p => p.status === 'rejected');
  if (failed.length) {
    throw new Error(
      failed.map(p => p.reason?.message ?? String(p.reason)).join('\n\n'),
    );
  }
  const results = Object.fromEntries(
    APPS.map((kind, i) => [kind, prepared[i].value]),
  );
  for (const kind of APPS) await trial(kind);

  console.log('\n=== adoption: summary ===');
  for (const [kind, r] of Object.entries(results)) {
    console.log(
      `${kind} app: made by create-app for Backstage ${r.release}, on ${
        RELEASE_NAME[RELEASE[kind]]
      } (${r.versions.join(', ')}); lines per side: ${[...r.per]
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
  }
  printTimings(console.log);
}

/** Each phase with when it began (phases of the two apps overlap) and the wall-clock total. */
function printTimings(print) {
  print(`  ${'began at'.padStart(12)}  ${'took'.padStart(12)}  phase`);
  for (const [name, s, at] of timings)
    print(`  ${`+${fmt(at)}`.padStart(12)}  ${fmt(s).padStart(12)}  ${name}`);
  print(
    `  ${''.padStart(12)}  ${fmt((Date.now() - T0) / 1000).padStart(
      12,
    )}  total`,
  );
}

function READMEs() {
  return READMES;
}

fs.mkdirSync(WORK, { recursive: true });
main().catch(e => {
  console.error(`\nadoption test FAILED: ${e.message}`);
  printTimings(console.error);
  process.exit(1);
});
