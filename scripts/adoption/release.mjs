// The Backstage release an adoption app runs on.
//
// create-app writes caret ranges whose lower bounds are the versions of its
// release (backstage.json names it); outside that, online, the app would take
// the rest from create-app's yarn.lock seed, which CI cannot reach. Without it,
// caret ranges pull the newest minor of every dependency and mix releases.
// pinTemplateRelease() rebuilds the release from the registry alone: the
// template's versions, and for every further @backstage package the highest
// version that a pinned package of the release asks for (Backstage publishes
// each package with ^<version in the same release> for its siblings), as
// `resolutions`, until nothing changes.
//
// checkRanges() then proves the adopted packages accept what is installed:
// resolutions override ranges silently, so a too-narrow range in a published
// package.json would otherwise pass unnoticed.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const semver = require('semver');

const readJson = f => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeJson = (f, o) =>
  fs.writeFileSync(f, `${JSON.stringify(o, null, 2)}\n`);

const WORKSPACE_MANIFESTS = [
  'package.json',
  'packages/app/package.json',
  'packages/backend/package.json',
];

/** The release create-app wrote into backstage.json. */
export function releaseOf(appDir) {
  return readJson(path.join(appDir, 'backstage.json')).version;
}

/** name -> version: the lower bounds of the @backstage ranges create-app wrote. */
export function templateVersions(appDir) {
  const pins = new Map();
  for (const f of WORKSPACE_MANIFESTS) {
    const pkg = readJson(path.join(appDir, f));
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const [name, range] of Object.entries(deps ?? {})) {
        if (!name.startsWith('@backstage/')) continue;
        const v = semver.minVersion(range)?.version;
        if (!v) throw new Error(`${f}: ${name} has no version range: ${range}`);
        pins.set(name, v);
      }
    }
  }
  return pins;
}

/**
 * The @backstage entries of a Yarn (berry) lockfile:
 * [{ name, version, deps: { name: range } }].
 */
export function lockedBackstage(lockText) {
  const entries = [];
  let cur;
  let inDeps = false;
  for (const line of lockText.split('\n')) {
    if (/^\S/.test(line)) {
      cur = undefined;
      inDeps = false;
      continue;
    }
    const res = line.match(
      /^ {2}resolution: "(@backstage\/[^@"]+)@npm:([^"]+)"/,
    );
    if (res) {
      cur = { name: res[1], version: res[2], deps: {} };
      entries.push(cur);
      continue;
    }
    if (/^ {2}\S/.test(line)) {
      inDeps = /^ {2}dependencies:$/.test(line);
      continue;
    }
    const dep =
      inDeps && line.match(/^ {4}"?(@backstage\/[^":]+)"?: "?([^"]+)"?$/);
    if (dep && cur) cur.deps[dep[1]] = dep[2].replace(/^npm:/, '');
  }
  return entries;
}

/**
 * Pins every @backstage package of the app to the release create-app makes
 * (see the top of this file); `install` runs `yarn install` with the given
 * extra arguments. Returns the pins.
 */
export async function pinTemplateRelease(appDir, install) {
  const template = templateVersions(appDir);
  const pins = new Map(template);
  const rootFile = path.join(appDir, 'package.json');
  for (let round = 1; round <= 12; round++) {
    const root = readJson(rootFile);
    root.resolutions = {
      ...root.resolutions,
      ...Object.fromEntries([...pins].sort()),
    };
    writeJson(rootFile, root);
    await install(['--mode=update-lockfile']);
    const locked = lockedBackstage(
      fs.readFileSync(path.join(appDir, 'yarn.lock'), 'utf8'),
    );
    let changed = 0;
    for (const e of locked) {
      if (pins.get(e.name) !== e.version) continue;
      for (const [dep, range] of Object.entries(e.deps)) {
        const wanted = semver.minVersion(range)?.version;
        if (!wanted || template.has(dep)) continue;
        const have = pins.get(dep);
        if (!have || semver.gt(wanted, have)) {
          pins.set(dep, wanted);
          changed++;
        }
      }
    }
    console.log(
      `  release pins, round ${round}: ${pins.size} @backstage packages, ${changed} added or raised`,
    );
    if (!changed) return pins;
  }
  throw new Error('the release pins did not settle in 12 rounds');
}

/** Where Node would find `name` from `fromDir`: its package.json. */
function resolvePackageJson(fromDir, name) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const f = path.join(dir, 'node_modules', name, 'package.json');
    if (fs.existsSync(f)) return f;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Every @backstage dependency of the adopted packages, as installed where
 * they find it, must be in the range they declare. Returns
 * [{ pkg, dep, range, version, own }] (own: a copy of their own, not the
 * app's) and throws on any outside its range.
 */
export function checkRanges(appDir, packageNames) {
  const found = [];
  const bad = [];
  for (const pkgName of packageNames) {
    const pkgJson = resolvePackageJson(appDir, pkgName);
    if (!pkgJson) throw new Error(`${pkgName} is not installed in ${appDir}`);
    const pkg = readJson(pkgJson);
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (!dep.startsWith('@backstage/')) continue;
      const depJson = resolvePackageJson(path.dirname(pkgJson), dep);
      const version = depJson ? readJson(depJson).version : '(missing)';
      const appJson = resolvePackageJson(appDir, dep);
      const own = depJson && appJson && depJson !== appJson;
      const row = { pkg: pkgName, dep, range, version, own };
      found.push(row);
      if (!depJson || !semver.satisfies(version, range)) bad.push(row);
    }
  }
  if (bad.length) {
    throw new Error(
      `installed @backstage versions outside the adopted packages' ranges:\n${bad
        .map(r => `  ${r.pkg}: ${r.dep} ${r.range}, installed ${r.version}`)
        .join('\n')}`,
    );
  }
  return found;
}
