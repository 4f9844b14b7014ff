#!/usr/bin/env node
/*
 * Compares two trees' benchmarks in one session, old and new code alternated
 * (see docs/benchmarks.md, "Refactor check"):
 *
 *   node scripts/bench-compare.mjs --base <git ref> [--head <git ref>]
 *     [--runs 3] [--which api,lifecycle] [--out-dir DIR] [bench options]
 *   node scripts/bench-compare.mjs --render docs/benchmarks/compare.json
 *
 * The base (and the head, when --head is given; otherwise the head is this
 * working tree, uncommitted changes included) is checked out in a temporary
 * `git worktree add --detach`, made runnable without an install by copying
 * this tree's node_modules directories into it (the workspace packages in
 * node_modules/@jit-access are relative symlinks, so a copy points at the
 * worktree's own sources) and linking .toolchain. Each benchmark then runs
 * through the measured tree's own `scripts/bench.sh <name>`, --runs times per
 * side, in the order base, head, head, base, base, head, … (so neither side
 * always runs first or last while the machine's load drifts), each run
 * writing its JSON to a temporary file (`--out`).
 *
 * Written: docs/benchmarks/compare.md and compare.json (--out-dir to put
 * them elsewhere), rewritten after every run so an interrupted comparison
 * leaves what it measured. Per metric: each side's median, head/base, each
 * side's run-to-run spread ((max − min) / median) and "within spread": the
 * medians differ by no more than the larger of the two spreads.
 *
 * Bench options: unprefixed ones (`--duration 5`) go to every benchmark,
 * `--api-duration 5` or `--lifecycle-sessions 300` to one. Defaults keep a
 * run short (a comparison with --runs 3 takes ~25 minutes on two cores):
 *   api        --duration 3 --rounds 1, JIT_BENCH_REQUESTS=50000
 *   lifecycle  --sessions 200 --under 50 --replicas 1
 * Environment variables (JIT_BENCH_REQUESTS, JIT_BENCH_IDENTITY, …) pass
 * through to both sides.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = ['api', 'lifecycle'];
const DEFAULTS = {
  api: { duration: '3', rounds: '1' },
  lifecycle: { sessions: '200', under: '50', replicas: '1' },
};
const DEFAULT_ENV = { api: { JIT_BENCH_REQUESTS: '50000' }, lifecycle: {} };

function parseArgs(argv) {
  const opts = {
    runs: 3,
    which: BENCHES,
    outDir: 'docs/benchmarks',
    head: undefined,
    base: undefined,
  };
  const common = {};
  const perBench = { api: {}, lifecycle: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const name = a.slice(2);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--'))
      throw new Error(`${a} needs a value`);
    i++;
    if (name === 'base') opts.base = value;
    else if (name === 'head') opts.head = value;
    else if (name === 'runs') opts.runs = Number(value);
    else if (name === 'which') opts.which = value.split(',').filter(Boolean);
    else if (name === 'out-dir') opts.outDir = value;
    else if (name === 'out')
      throw new Error('--out is set per run by the comparison; use --out-dir');
    else {
      const bench = BENCHES.find(b => name.startsWith(`${b}-`));
      if (bench) perBench[bench][name.slice(bench.length + 1)] = value;
      else common[name] = value;
    }
  }
  if (!opts.base) throw new Error('--base <git ref> is required');
  if (!Number.isInteger(opts.runs) || opts.runs < 1)
    throw new Error('--runs must be a positive integer');
  for (const w of opts.which)
    if (!BENCHES.includes(w))
      throw new Error(`--which: unknown benchmark ${w}`);
  opts.benchArgs = Object.fromEntries(
    BENCHES.map(b => [b, { ...DEFAULTS[b], ...common, ...perBench[b] }]),
  );
  return opts;
}

const git = (...args) =>
  execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' }).trim();

/** A detached worktree of `ref` with this tree's dependencies copied in. */
function makeWorktree(ref, parent, name) {
  const dir = join(parent, name);
  git('worktree', 'add', '--detach', dir, ref);
  const started = Date.now();
  const copies = ['node_modules'];
  for (const group of ['packages', 'plugins']) {
    if (!existsSync(join(ROOT, group))) continue;
    for (const p of readdirSync(join(ROOT, group))) {
      const nm = join(group, p, 'node_modules');
      if (existsSync(join(ROOT, nm)) && existsSync(join(dir, group, p)))
        copies.push(nm);
    }
  }
  for (const nm of copies) {
    // cp -a keeps the relative symlinks (node_modules/@jit-access/* -> ../../plugins/*).
    execFileSync('cp', ['-a', join(ROOT, nm), join(dir, nm)]);
  }
  if (existsSync(join(ROOT, '.toolchain')))
    symlinkSync(join(ROOT, '.toolchain'), join(dir, '.toolchain'));
  console.error(
    `worktree ${dir} (${ref}): ${copies.join(', ')} copied in ${(
      (Date.now() - started) /
      1000
    ).toFixed(0)} s`,
  );
  return dir;
}

function describe(tree, ref) {
  const sha = execFileSync('git', ['-C', tree, 'rev-parse', 'HEAD'], {
    encoding: 'utf8',
  }).trim();
  const subject = execFileSync(
    'git',
    ['-C', tree, 'log', '-1', '--format=%s'],
    { encoding: 'utf8' },
  ).trim();
  const dirty =
    ref === undefined
      ? execFileSync(
          'git',
          ['-C', tree, 'status', '--porcelain', '--untracked-files=no'],
          { encoding: 'utf8' },
        ).trim() !== ''
      : false;
  return {
    ref: ref ?? 'working tree',
    sha,
    subject: subject.slice(0, 100),
    uncommittedChanges: dirty,
  };
}

/** base, head, head, base, base, head, …: `runs` of each. */
function order(runs) {
  const seq = [];
  for (let i = 0; seq.length < 2 * runs; i++)
    seq.push(...(i % 2 ? ['head', 'base'] : ['base', 'head']));
  return seq;
}

function runBench(tree, bench, args, env, outFile, logFile) {
  const argv = [join(tree, 'scripts/bench.sh'), bench];
  for (const [k, v] of Object.entries(args)) argv.push(`--${k}`, v);
  argv.push('--out', outFile);
  return new Promise((resolvePromise, reject) => {
    const log = createWriteStream(logFile);
    const child = spawn('bash', argv, {
      cwd: tree,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: stopped with the node processes it starts
    });
    let stdout = '';
    child.stdout.on('data', d => {
      stdout += d;
      log.write(d);
    });
    child.stderr.on('data', d => log.write(d));
    current = child;
    child.on('error', reject);
    child.on('close', code => {
      current = undefined;
      log.end();
      if (code === 0) resolvePromise(stdout);
      else {
        const tail = readFileSync(logFile, 'utf8')
          .split('\n')
          .slice(-30)
          .join('\n');
        reject(
          new Error(
            `${bench} in ${tree} exited with ${code}; log ${logFile}:\n${tail}`,
          ),
        );
      }
    });
  });
}

/** Metrics of one run, from the bench's JSON: { key: { label, unit, value } }. */
function metricsOf(bench, json) {
  const m = {};
  const put = (label, unit, value) => {
    if (typeof value === 'number' && Number.isFinite(value))
      m[label] = { label, unit, value };
  };
  if (bench === 'api') {
    for (const r of json.results ?? []) {
      put(`${r.endpoint}: req/s`, '/s', r.rps);
      put(`${r.endpoint}: p50`, 'ms', r.p50);
      put(`${r.endpoint}: p95`, 'ms', r.p95);
      put(`${r.endpoint}: in server p50`, 'ms', r.server?.p50);
      put(`${r.endpoint}: server CPU per response`, 'ms', r.cpu?.server);
      put(`${r.endpoint}: errors`, '', r.errors);
    }
    put('create + approve: pairs/s', '/s', json.pairsPerSecond);
  } else {
    for (const r of json.revokes ?? []) {
      const s = `${r.scenario}, ${r.sessions} sessions, ${r.replicas} replica${
        r.replicas > 1 ? 's' : ''
      }`;
      put(`${s}: revoke lag p50`, 's', r.lagP50);
      put(`${s}: revoke lag p95`, 's', r.lagP95);
      put(`${s}: revoke lag max`, 's', r.lagMax);
      put(`${s}: SSO Admin calls/s`, '/s', r.callsPerSecond);
      put(`${s}: all ended after`, 's', r.seconds);
      put(`${s}: throttled`, '', r.throttled);
    }
    const t = json.timeToAccess;
    if (t) {
      put(`time-to-access (${t.grants} grants): p50`, 's', t.p50);
      put(`time-to-access (${t.grants} grants): max`, 's', t.max);
    }
  }
  return m;
}

/**
 * Without a JSON file (a bench that writes none): every numeric cell of the
 * markdown tables it printed, named by the row's first cell and the column.
 */
function metricsOfTables(stdout) {
  const m = {};
  let header;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    const cells = line
      .split('|')
      .slice(1, -1)
      .map(c => c.trim());
    if (!header) header = cells;
    else if (!cells.every(c => /^:?-+:?$/.test(c))) {
      cells.slice(1).forEach((c, i) => {
        const match = /^(-?[\d,]*\.?\d+)\s*(ms|s|%)?$/.exec(c);
        if (!match) return;
        const label = `${cells[0]}: ${header[i + 1]}`;
        m[label] = {
          label,
          unit: match[2] ?? '',
          value: Number(match[1].replace(/,/g, '')),
        };
      });
    }
  }
  return m;
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const spreadOf = xs => {
  const med = median(xs);
  return med === 0
    ? Math.max(...xs) === Math.min(...xs)
      ? 0
      : Infinity
    : (Math.max(...xs) - Math.min(...xs)) / Math.abs(med);
};

function compare(runs) {
  const rows = [];
  for (const bench of BENCHES) {
    const labels = [];
    for (const r of runs)
      if (r.bench === bench)
        for (const l of Object.keys(r.metrics))
          if (!labels.includes(l)) labels.push(l);
    for (const label of labels) {
      const side = s =>
        runs
          .filter(r => r.bench === bench && r.side === s && r.metrics[label])
          .map(r => r.metrics[label].value);
      const base = side('base');
      const head = side('head');
      const unit = runs.find(r => r.bench === bench && r.metrics[label])
        .metrics[label].unit;
      const row = { bench, metric: label, unit, base, head };
      if (base.length && head.length) {
        row.baseMedian = median(base);
        row.headMedian = median(head);
        row.ratio =
          row.baseMedian === 0
            ? row.headMedian === 0
              ? 1
              : null
            : row.headMedian / row.baseMedian;
        row.baseSpread = spreadOf(base);
        row.headSpread = spreadOf(head);
        const diff =
          row.baseMedian === 0
            ? row.headMedian === 0
              ? 0
              : Infinity
            : Math.abs(row.headMedian - row.baseMedian) /
              Math.abs(row.baseMedian);
        // With one run per side there is no spread to compare against.
        row.withinSpread =
          base.length > 1 && head.length > 1
            ? diff <= Math.max(row.baseSpread, row.headSpread)
            : null;
      }
      rows.push(row);
    }
  }
  return rows;
}

function fmt(x, unit) {
  if (x === undefined || x === null || !Number.isFinite(x)) return '-';
  const abs = Math.abs(x);
  const d =
    abs >= 100 || (unit === '' && Number.isInteger(x)) ? 0 : abs >= 10 ? 1 : 2;
  return `${x.toLocaleString('en-US', {
    minimumFractionDigits: d,
    maximumFractionDigits: d,
  })}${unit && unit !== '/s' ? ` ${unit}` : ''}`;
}
const pct = x =>
  x === undefined || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(0)}%`;

function markdown(report) {
  const { base, head, runsPerSide: perSide, rows, runs } = report;
  const lines = [
    `# Benchmarks, old and new code alternated`,
    '',
    `\`${report.command}\`, ${report.started} to ${
      report.finished ?? '(unfinished)'
    }, ${report.cpus} cores.`,
    '',
    `- base: ${
      base.ref === base.sha.slice(0, base.ref.length)
        ? ''
        : `\`${base.ref}\` = `
    }${base.sha.slice(0, 7)} (${base.subject})`,
    `- head: ${
      head.ref === head.sha.slice(0, head.ref.length)
        ? ''
        : `\`${head.ref}\` = `
    }${head.sha.slice(0, 7)}${
      head.uncommittedChanges ? ' + uncommitted changes' : ''
    } (${head.subject})`,
    `- ${perSide} runs per side, order base, head, head, base, …; bench options: ${Object.entries(
      report.benchArgs,
    )
      .filter(([b]) => report.which.includes(b))
      .map(
        ([b, a]) =>
          `${b} \`${Object.entries(a)
            .map(([k, v]) => `--${k} ${v}`)
            .join(' ')}\`${Object.entries(report.env[b])
            .map(([k, v]) => ` ${k}=${v}`)
            .join('')}`,
      )
      .join('; ')}`,
    '',
    "Median of each side, head/base, each side's run-to-run spread ((max − min) / median), and whether the medians differ by no more than the larger spread:",
    '',
    '| bench | metric | base | head | head/base | base spread | head spread | within spread |',
    '| --- | --- | --: | --: | --: | --: | --: | --- |',
    ...rows.map(
      r =>
        `| ${r.bench} | ${r.metric} | ${fmt(r.baseMedian, r.unit)} | ${fmt(
          r.headMedian,
          r.unit,
        )} | ${r.ratio == null ? '-' : r.ratio.toFixed(2)} | ${
          r.base.length > 1 ? pct(r.baseSpread) : '-'
        } | ${r.head.length > 1 ? pct(r.headSpread) : '-'} | ${
          r.withinSpread == null ? '-' : r.withinSpread ? 'yes' : '**no**'
        } |`,
    ),
    '',
    'Runs (load average of the machine, 1 minute, at the start and the end of each):',
    '',
    '| # | bench | side | started | took | load average |',
    '| --: | --- | --- | --- | --: | --- |',
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${r.bench} | ${r.side} | ${r.started.slice(
          11,
          19,
        )} | ${r.seconds.toFixed(0)} s | ${r.loadBefore.toFixed(
          1,
        )} → ${r.loadAfter.toFixed(1)} |`,
    ),
  ];
  if (report.error) lines.push('', `**Unfinished:** ${report.error}`);
  return `${lines.join('\n')}\n`;
}

let current; // the bench run in progress, stopped on SIGINT/SIGTERM
let cleanup = () => undefined;

async function main() {
  if (process.argv[2] === '--render') {
    // --render compare.json: writes the .md beside it again from the JSON.
    const file = resolve(process.argv[3]);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    report.runsPerSide ??= Math.max(
      ...BENCHES.map(
        b => report.runs.filter(r => r.bench === b && r.side === 'base').length,
      ),
    );
    writeFileSync(file.replace(/\.json$/, '.md'), markdown(report));
    return;
  }
  const opts = parseArgs(process.argv.slice(2));
  const outDir = resolve(ROOT, opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'jit-bench-compare-'));
  const worktrees = [];
  cleanup = () => {
    if (current) {
      try {
        process.kill(-current.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    for (const w of worktrees) {
      // rm -rf is several times faster than rmSync on node_modules' 100,000 files.
      execFileSync('rm', ['-rf', w]);
    }
    try {
      git('worktree', 'prune');
    } catch {
      // nothing to prune
    }
    rmSync(tmp, { recursive: true, force: true });
    cleanup = () => undefined;
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      cleanup();
      process.exit(130);
    });
  }
  const report = {
    command: `node scripts/bench-compare.mjs ${process.argv
      .slice(2)
      .join(' ')}`,
    started: new Date().toISOString(),
    cpus: cpus().length,
    runsPerSide: opts.runs,
    which: opts.which,
    benchArgs: opts.benchArgs,
    env: Object.fromEntries(
      BENCHES.map(b => [
        b,
        Object.fromEntries(
          Object.entries(DEFAULT_ENV[b]).map(([k, v]) => [
            k,
            process.env[k] ?? v,
          ]),
        ),
      ]),
    ),
  };
  const write = () => {
    report.rows = compare(report.runs);
    writeFileSync(
      join(outDir, 'compare.json'),
      `${JSON.stringify(report, null, 2)}\n`,
    );
    writeFileSync(join(outDir, 'compare.md'), markdown(report));
  };
  try {
    const trees = {};
    worktrees.push(makeWorktree(opts.base, tmp, 'base'));
    trees.base = worktrees[0];
    if (opts.head) {
      worktrees.push(makeWorktree(opts.head, tmp, 'head'));
      trees.head = worktrees[1];
    } else trees.head = ROOT;
    report.base = describe(trees.base, opts.base);
    report.head = describe(trees.head, opts.head);
    report.runs = [];
    let n = 0;
    const total = opts.which.length * 2 * opts.runs;
    for (const bench of opts.which) {
      for (const side of order(opts.runs)) {
        n++;
        const outFile = join(tmp, `${bench}-${n}-${side}.json`);
        const logFile = join(tmp, `${bench}-${n}-${side}.log`);
        const env = report.env[bench];
        const loadBefore = loadavg()[0];
        const t0 = Date.now();
        console.error(
          `[${n}/${total}] ${bench}, ${side} (${report[side].sha.slice(
            0,
            7,
          )}), load ${loadBefore.toFixed(1)}...`,
        );
        const stdout = await runBench(
          trees[side],
          bench,
          opts.benchArgs[bench],
          env,
          outFile,
          logFile,
        );
        const metrics = existsSync(outFile)
          ? metricsOf(bench, JSON.parse(readFileSync(outFile, 'utf8')))
          : metricsOfTables(stdout);
        const seconds = (Date.now() - t0) / 1000;
        report.runs.push({
          bench,
          side,
          started: new Date(t0).toISOString(),
          seconds,
          loadBefore,
          loadAfter: loadavg()[0],
          metrics,
        });
        console.error(
          `[${n}/${total}] done in ${seconds.toFixed(0)} s, ${
            Object.keys(metrics).length
          } metrics`,
        );
        write();
      }
    }
    report.finished = new Date().toISOString();
    write();
    console.log(readFileSync(join(outDir, 'compare.md'), 'utf8'));
  } catch (e) {
    report.error = String(e.message ?? e).split('\n')[0];
    if (report.runs && report.base && report.head) write();
    throw e;
  } finally {
    cleanup();
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e.message ?? e);
    process.exit(1);
  },
);
