#!/usr/bin/env node
/*
 * Checks the tarballs that scripts/pack.sh made (dist-packs/*.tgz) as a
 * registry would serve them: what they contain, what their package.json
 * says, and whether every module their shipped code imports is one they
 * declare. Prints every problem and exits 1 if there is any.
 *
 *   node scripts/check-packs.mjs [dist-packs/x.tgz ...]
 *
 * What each package must ship is listed in PACKAGES below. A module imported
 * by a shipped .js/.cjs/.mjs/.d.ts file (the migrations included) must be
 * a dependency or peerDependency; a type-only import of a
 * module without its own types also needs its @types package. A declared
 * dependency that nothing shipped imports is an error too (list it in
 * UNIMPORTED_BUT_NEEDED with the reason if it is really needed).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);

/** The publishable packages: their folder and what the tarball must hold. */
const PACKAGES = {
  '@jit-access/plugin-jit-access-common': {
    dir: 'plugins/jit-access-common',
    files: ['dist/index.cjs.js', 'dist/index.esm.js', 'dist/index.d.ts'],
  },
  '@jit-access/plugin-jit-access-backend': {
    dir: 'plugins/jit-access-backend',
    files: [
      'dist/index.cjs.js',
      'dist/index.d.ts',
      'dist/policy.cjs.js',
      'dist/policy.d.ts',
      // prepack compiles config.d.ts into this JSON schema (configSchema)
      'config.schema.json',
    ],
    globs: [{ dir: 'migrations', ext: '.js', what: 'database migrations' }],
  },
  '@jit-access/plugin-jit-access': {
    dir: 'plugins/jit-access',
    files: [
      'dist/index.esm.js',
      'dist/index.d.ts',
      'dist/alpha.esm.js',
      'dist/alpha.d.ts',
    ],
  },
  '@jit-access/identity-center-emulator': {
    dir: 'packages/identity-center-emulator',
    files: ['dist/index.cjs.js', 'dist/index.d.ts'],
    bin: { 'identity-center-emulator': 'bin/identity-center-emulator' },
  },
};

/** Dependencies that no shipped file imports but that must still be installed, with why. */
const UNIMPORTED_BUT_NEEDED = {
  knex: "backend: src imports the Knex type (erased by the build) and the migrations' JSDoc names it; Backstage's no-undeclared-imports lint wants it in dependencies",
  'react-dom':
    'peer of @material-ui/core and @backstage/core-components: the app must provide the one React DOM',
};

const ALWAYS = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];

const problems = [];
const fail = (pkg, msg) => problems.push(`${pkg}: ${msg}`);

const tarballs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : fs
      .readdirSync(path.join(ROOT, 'dist-packs'))
      .filter(f => f.endsWith('.tgz'))
      .map(f => path.join(ROOT, 'dist-packs', f));

const seen = new Set();
for (const tarball of tarballs) {
  checkTarball(path.resolve(tarball));
}
for (const name of Object.keys(PACKAGES)) {
  if (!seen.has(name)) fail(name, 'no tarball was checked for this package');
}

if (problems.length) {
  console.error(`\ncheck-packs: ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(`check-packs: ${seen.size} tarballs OK`);

function checkTarball(tarball) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-packs-'));
  try {
    execFileSync('tar', ['-xzf', tarball, '-C', tmp]);
    const listing = execFileSync('tar', ['-tvzf', tarball], {
      encoding: 'utf8',
    });
    const root = path.join(tmp, 'package');
    const pj = JSON.parse(
      fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
    );
    const name = pj.name;
    const spec = PACKAGES[name];
    const label = `${name} (${path.basename(tarball)})`;
    if (!spec) {
      fail(label, 'not a publishable package of this repository');
      return;
    }
    seen.add(name);
    const files = walk(root).map(f => path.relative(root, f));

    // What it ships
    for (const f of [...ALWAYS, ...spec.files]) {
      if (!files.includes(f)) fail(label, `missing ${f}`);
    }
    for (const g of spec.globs ?? []) {
      if (!files.some(f => f.startsWith(`${g.dir}/`) && f.endsWith(g.ext))) {
        fail(label, `missing ${g.what} (${g.dir}/*${g.ext})`);
      }
    }
    const rootLicense = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    if (
      files.includes('LICENSE') &&
      fs.readFileSync(path.join(root, 'LICENSE'), 'utf8') !== rootLicense
    ) {
      fail(label, 'LICENSE differs from the repository LICENSE');
    }
    const strays = files.filter(f =>
      /(^|\/)(src|__testUtils__)\/|\.test\.|(^|\/)\.env/.test(f),
    );
    if (strays.length)
      fail(label, `ships sources or tests: ${strays.slice(0, 5).join(', ')}`);
    // The benchmarks and the soak, crash and replica harness live in the
    // private packages/jit-access-harness: no tarball may carry them.
    const harness = files.filter(f =>
      /(^|\/)bench\/|(^|\/)(engineWorker|engineProcesses|soakReplica|soak|crashTest|apiBenchServer|benchCatalog|convergence)\./.test(
        f,
      ),
    );
    if (harness.length)
      fail(label, `ships the test harness: ${harness.slice(0, 5).join(', ')}`);

    // Its package.json
    const text = JSON.stringify(pj);
    const ws = text.match(/"[^"]*":"workspace:[^"]*"/g);
    if (ws)
      fail(label, `package.json keeps workspace ranges: ${ws.join(', ')}`);
    if (pj.private) fail(label, 'package.json is private');
    if (pj.license !== 'Apache-2.0') fail(label, `license is ${pj.license}`);
    for (const field of [
      'description',
      'author',
      'homepage',
      'bugs',
      'keywords',
    ]) {
      if (!pj[field]) fail(label, `package.json has no ${field}`);
    }
    if (
      pj.repository?.type !== 'git' ||
      !pj.repository?.url ||
      pj.repository?.directory !== spec.dir
    ) {
      fail(
        label,
        `repository must be {type: git, url, directory: ${spec.dir}}`,
      );
    }
    if (!pj.keywords?.includes('backstage'))
      fail(label, 'keywords lack "backstage"');
    for (const target of entryPoints(pj)) {
      if (!files.includes(target))
        fail(
          label,
          `package.json points at ${target}, which is not in the tarball`,
        );
    }
    if (pj.configSchema && !files.includes(pj.configSchema)) {
      fail(label, `configSchema ${pj.configSchema} is not in the tarball`);
    }
    for (const [cmd, file] of Object.entries(spec.bin ?? {})) {
      const bin =
        typeof pj.bin === 'string'
          ? { [name.split('/').pop()]: pj.bin }
          : pj.bin ?? {};
      if (bin[cmd] !== file)
        fail(label, `bin ${cmd} must be ${file}, is ${bin[cmd]}`);
      const line = listing
        .split('\n')
        .find(l => l.endsWith(` package/${file}`));
      if (!line) fail(label, `bin file ${file} is not in the tarball`);
      else if (!/^-rwx/.test(line))
        fail(
          label,
          `bin file ${file} is not executable (${line.split(' ')[0]})`,
        );
      else if (
        !fs
          .readFileSync(path.join(root, file), 'utf8')
          .startsWith('#!/usr/bin/env node')
      ) {
        fail(label, `bin file ${file} has no node shebang`);
      }
    }

    // Its imports against its dependencies
    checkImports(label, pj, root, files, spec);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function checkImports(label, pj, root, files, spec) {
  const deps = new Set(Object.keys(pj.dependencies ?? {}));
  const peers = new Set(Object.keys(pj.peerDependencies ?? {}));
  const declared = new Set([...deps, ...peers]);
  const builtins = new Set(builtinModules);
  // resolve modules as the workspace does, to see whether they ship types
  const req = createRequire(path.join(ROOT, spec.dir, 'package.json'));

  const importedBy = new Map(); // module -> first file
  const typeOnly = new Map(); // module -> first .d.ts file
  for (const f of files) {
    const isDts = f.endsWith('.d.ts');
    if (!/\.(c|m)?js$/.test(f) && !isDts) continue;
    const src = stripComments(fs.readFileSync(path.join(root, f), 'utf8'));
    for (const spec_ of moduleSpecifiers(src)) {
      if (spec_.startsWith('.') || spec_.startsWith('/')) continue;
      if (spec_.startsWith('node:') || builtins.has(spec_.split('/')[0]))
        continue;
      const mod = packageName(spec_);
      if (mod === pj.name) continue; // its own exports
      if (!importedBy.has(mod)) importedBy.set(mod, f);
      if (isDts && !typeOnly.has(mod)) typeOnly.set(mod, f);
    }
  }

  for (const [mod, file] of importedBy) {
    if (!declared.has(mod)) {
      fail(
        label,
        `${file} imports ${mod}, which is neither a dependency nor a peerDependency`,
      );
    }
  }
  for (const [mod, file] of typeOnly) {
    if (mod.startsWith('@types/') || !declared.has(mod)) continue;
    if (shipsOwnTypes(req, mod)) continue;
    const typesPkg = `@types/${
      mod.startsWith('@') ? mod.slice(1).replace('/', '__') : mod
    }`;
    if (!declared.has(typesPkg)) {
      fail(
        label,
        `${file} uses the types of ${mod}, which come from ${typesPkg}: declare it (dependency, or optional peerDependency)`,
      );
    }
  }
  for (const dep of declared) {
    if (dep.startsWith('@types/')) continue;
    if (!importedBy.has(dep) && !UNIMPORTED_BUT_NEEDED[dep]) {
      fail(label, `declares ${dep} but nothing it ships imports it`);
    }
  }
}

/** Doc comments mention imports (`backend.add(import('...'))`): drop them. */
function stripComments(src) {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/(?!\/\s*<reference).*$/gm, '');
}

/** Module specifiers of import/export/require/import()/reference types. */
function moduleSpecifiers(src) {
  const out = [];
  const S = `['"]([@\\w.][^'"\\s]*)['"]`; // a specifier has no spaces
  const patterns = [
    new RegExp(`\\bfrom\\s*${S}`, 'g'),
    new RegExp(`\\bimport\\s*${S}`, 'g'),
    new RegExp(`\\bimport\\s*\\(\\s*${S}\\s*\\)`, 'g'),
    new RegExp(`\\brequire\\s*\\(\\s*${S}\\s*\\)`, 'g'),
    new RegExp(`///\\s*<reference\\s+types\\s*=\\s*${S}`, 'g'),
  ];
  for (const re of patterns) {
    for (const m of src.matchAll(re)) out.push(m[1]);
  }
  return out;
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function shipsOwnTypes(req, mod) {
  let pjPath;
  try {
    pjPath = req.resolve(`${mod}/package.json`);
  } catch {
    return true; // cannot tell; do not guess
  }
  const mpj = JSON.parse(fs.readFileSync(pjPath, 'utf8'));
  if (mpj.types || mpj.typings) return true;
  if (JSON.stringify(mpj.exports ?? {}).includes('"types"')) return true;
  return fs.existsSync(path.join(path.dirname(pjPath), 'index.d.ts'));
}

function entryPoints(pj) {
  const out = [];
  for (const f of ['main', 'module', 'types', 'browser']) {
    if (typeof pj[f] === 'string') out.push(pj[f]);
  }
  const collect = v => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') {
      // the "backstage" condition names the export's kind (@backstage/BackendFeature), not a file
      Object.entries(v).forEach(([k, x]) => k !== 'backstage' && collect(x));
    }
  };
  collect(pj.exports);
  for (const v of Object.values(pj.typesVersions ?? {})) collect(v);
  return out.map(p => p.replace(/^\.\//, ''));
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}
