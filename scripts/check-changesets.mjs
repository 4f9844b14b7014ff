#!/usr/bin/env node
/*
 * Checks .changeset/ before `changeset version` has to: config.json parses
 * and ignores only packages that exist; every .changeset/*.md (README.md
 * aside) has a frontmatter that names only publishable packages of this
 * repository, each once, with patch, minor or major, and a summary for
 * users; every publishable package has a CHANGELOG.md. Prints every problem
 * and exits 1 if there is any.
 *
 *   node scripts/check-changesets.mjs
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const DIR = path.join(ROOT, '.changeset');
const BUMPS = ['patch', 'minor', 'major'];

const problems = [];
const fail = (where, msg) => problems.push(`${where}: ${msg}`);

// The workspace packages, from the root package.json's workspaces globs (dir/*).
const rootPkg = readJson(path.join(ROOT, 'package.json'));
const workspaces = new Map(); // name -> { dir, pkg }
for (const glob of rootPkg.workspaces ?? []) {
  const base = glob.replace(/\/\*$/, '');
  for (const d of fs.readdirSync(path.join(ROOT, base), {
    withFileTypes: true,
  })) {
    const pj = path.join(ROOT, base, d.name, 'package.json');
    if (d.isDirectory() && fs.existsSync(pj)) {
      const pkg = readJson(pj);
      workspaces.set(pkg.name, { dir: path.join(base, d.name), pkg });
    }
  }
}

let config = {};
try {
  config = JSON.parse(fs.readFileSync(path.join(DIR, 'config.json'), 'utf8'));
} catch (e) {
  fail('.changeset/config.json', `cannot be read: ${e.message}`);
}
const ignored = new Set(config.ignore ?? []);
for (const name of ignored) {
  if (!workspaces.has(name))
    fail(
      '.changeset/config.json',
      `ignores "${name}", which is not a workspace package`,
    );
}
const publishable = [...workspaces]
  .filter(([name, { pkg }]) => !pkg.private && !ignored.has(name))
  .map(([name]) => name);

for (const name of publishable) {
  const { dir } = workspaces.get(name);
  if (!fs.existsSync(path.join(ROOT, dir, 'CHANGELOG.md')))
    fail(dir, 'has no CHANGELOG.md');
}

const files = fs
  .readdirSync(DIR)
  .filter(f => f.endsWith('.md') && f !== 'README.md')
  .sort();
for (const file of files) {
  checkChangeset(
    `.changeset/${file}`,
    fs.readFileSync(path.join(DIR, file), 'utf8'),
  );
}

if (problems.length) {
  console.error(`check-changesets: ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  - ${p}`);
  console.error(
    '\nA changeset looks like this (see .changeset/README.md):\n\n' +
      "---\n'@jit-access/plugin-jit-access-backend': patch\n---\n\nWhat changed, in a sentence for users.\n",
  );
  process.exit(1);
}
console.log(
  `check-changesets: ${
    files.length
  } changeset(s) OK; publishable: ${publishable.join(', ')}`,
);

function checkChangeset(where, text) {
  const m = text
    .replace(/\r\n/g, '\n')
    .match(/^---\n([\s\S]*?)\n?---\n([\s\S]*)$/);
  if (!m) {
    fail(where, 'does not start with a frontmatter between two "---" lines');
    return;
  }
  const [, front, body] = m;
  const seen = new Set();
  for (const [i, raw] of front.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const entry = line.match(/^(['"]?)([^'":\s]+)\1\s*:\s*(\S+)$/);
    if (!entry) {
      fail(
        where,
        `frontmatter line ${
          i + 2
        } is not "'<package>': patch|minor|major": ${raw}`,
      );
      continue;
    }
    const [, , name, bump] = entry;
    if (!workspaces.has(name))
      fail(where, `names "${name}", which is not a package of this repository`);
    else if (!publishable.includes(name))
      fail(
        where,
        `names "${name}", which is private or ignored and never released`,
      );
    if (!BUMPS.includes(bump))
      fail(
        where,
        `gives "${name}" the bump "${bump}"; use patch, minor or major`,
      );
    if (seen.has(name)) fail(where, `names "${name}" twice`);
    seen.add(name);
  }
  if (!body.trim())
    fail(
      where,
      'has no summary: say what changed for users under the frontmatter',
    );
  else if (seen.size === 0)
    fail(
      where,
      'names no package (for a change no user sees, write no changeset)',
    );
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
