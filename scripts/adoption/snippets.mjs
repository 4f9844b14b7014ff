// The install snippets of the READMEs, read from the READMEs themselves so the
// adoption test applies exactly what the docs say. A snippet is the one code
// block between `<!-- adoption:<side> [key=value ...] -->` and
// `<!-- /adoption -->`. Sides:
//   backend        a ```diff for packages/backend/src/index.ts: the `-` lines
//                  are removed (they must be there), the `+` lines go in their
//                  place, or before `backend.start();` when nothing is removed
//   app-config     ```yaml appended to app-config.yaml (its top-level keys must
//                  be new to the file)
//   new-app        the new frontend system app: ```tsx/```diff for file=...
//   legacy-app     the old frontend system app: ```tsx with file=... and
//                  before="<the line to insert the JSX before>" (optionally
//                  after="<a line above it>" when the before line repeats)
//   trial-*        the trial setup (not the install): counted apart
// Lines added are the non-blank lines a snippet adds (comment lines that only
// name the file are not counted; they are not added).
import fs from 'node:fs';
import path from 'node:path';

const OPEN = /^<!-- adoption:([\w-]+)((?:\s+[\w-]+="[^"]*")*)\s*-->$/;
const CLOSE = '<!-- /adoption -->';

/** Every marked snippet of the given README files, in file order. */
export function readSnippets(files) {
  const snippets = [];
  for (const file of files) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = lines[i].trim().match(OPEN);
      if (!m) continue;
      const attrs = Object.fromEntries(
        [...m[2].matchAll(/([\w-]+)="([^"]*)"/g)].map(a => [a[1], a[2]]),
      );
      const end = lines.findIndex((l, k) => k > i && l.trim() === CLOSE);
      if (end < 0)
        throw new Error(
          `${file}:${i + 1}: adoption:${m[1]} is not closed by ${CLOSE}`,
        );
      const body = lines.slice(i + 1, end);
      const fenceStart = body.findIndex(l => l.trim().startsWith('```'));
      const fenceEnd = body.findIndex(
        (l, k) => k > fenceStart && l.trim().startsWith('```'),
      );
      if (fenceStart < 0 || fenceEnd < 0) {
        throw new Error(
          `${file}:${i + 1}: adoption:${m[1]} holds no code block`,
        );
      }
      snippets.push({
        side: m[1],
        attrs,
        lang: body[fenceStart].trim().slice(3).trim(),
        // a block inside a list item is indented like its fence
        code: body
          .slice(fenceStart + 1, fenceEnd)
          .map(l => l.slice(body[fenceStart].indexOf('`'))),
        where: `${path.relative(process.cwd(), file)}:${i + 1}`,
      });
      i = end;
    }
  }
  return snippets;
}

const isFileNameComment = l =>
  /^\s*(\/\/|#)\s*[\w./-]+\.(ts|tsx|yaml)\s*$/.test(l);

/** The lines a snippet adds to the app (what counts toward the limit). */
export function addedLines(snippet) {
  if (snippet.lang === 'diff')
    return snippet.code.filter(l => l.startsWith('+')).map(l => l.slice(1));
  return snippet.code.filter(l => l.trim() && !isFileNameComment(l));
}

/** Applies one snippet to the app in appDir; returns the file it changed. */
export function applySnippet(appDir, snippet) {
  if (snippet.side === 'backend') {
    return applyDiff(
      appDir,
      snippet.attrs.file ?? 'packages/backend/src/index.ts',
      snippet,
      'backend.start();',
    );
  }
  if (
    snippet.side === 'app-config' ||
    snippet.side.startsWith('trial-config')
  ) {
    const file = snippet.attrs.file ?? 'app-config.yaml';
    const target = path.join(appDir, file);
    const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    const topKeys = before
      .split('\n')
      .filter(l => /^[\w-]+:/.test(l))
      .map(l => l.split(':')[0]);
    for (const l of addedLines(snippet)) {
      const key = /^([\w-]+):/.exec(l)?.[1];
      if (key && topKeys.includes(key)) {
        throw new Error(
          `${snippet.where}: ${file} already has a top-level ${key}:, appending would repeat the key`,
        );
      }
    }
    fs.writeFileSync(
      target,
      `${before.replace(/\n*$/, '\n')}${before ? '\n' : ''}${snippet.code.join(
        '\n',
      )}\n`,
    );
    return file;
  }
  if (snippet.side.startsWith('trial-file')) {
    const file = snippet.attrs.file;
    fs.mkdirSync(path.dirname(path.join(appDir, file)), { recursive: true });
    fs.writeFileSync(path.join(appDir, file), `${snippet.code.join('\n')}\n`);
    return file;
  }
  if (snippet.lang === 'diff')
    return applyDiff(appDir, snippet.attrs.file, snippet, snippet.attrs.before);
  return applyTsx(appDir, snippet);
}

function applyDiff(appDir, file, snippet, anchor) {
  if (!file) throw new Error(`${snippet.where}: no file="..." for the diff`);
  const target = path.join(appDir, file);
  const lines = fs.readFileSync(target, 'utf8').split('\n');
  const removed = snippet.code
    .filter(l => l.startsWith('-'))
    .map(l => l.slice(1).trim());
  const added = snippet.code
    .filter(l => l.startsWith('+'))
    .map(l => l.slice(1));
  let at;
  if (removed.length) {
    at = lines.findIndex((_, i) =>
      removed.every((r, k) => lines[i + k]?.trim() === r),
    );
    if (at < 0)
      throw new Error(
        `${
          snippet.where
        }: ${file} does not have the lines the snippet removes:\n${removed.join(
          '\n',
        )}`,
      );
    lines.splice(at, removed.length);
  } else {
    at = lines.findIndex(l => l.trim() === anchor);
    if (at < 0)
      throw new Error(
        `${snippet.where}: ${file} has no line "${anchor}" to add before`,
      );
  }
  lines.splice(at, 0, ...added);
  fs.writeFileSync(target, lines.join('\n'));
  return file;
}

/** Imports go after the file's last import; the rest before the `before` line. */
function applyTsx(appDir, snippet) {
  const { file, before } = snippet.attrs;
  if (!file) throw new Error(`${snippet.where}: no file="..."`);
  const target = path.join(appDir, file);
  const lines = fs.readFileSync(target, 'utf8').split('\n');
  const code = addedLines(snippet);
  const imports = code.filter(l => /^import\s/.test(l));
  const rest = code.filter(l => !/^import\s/.test(l));
  if (rest.length) {
    if (!before)
      throw new Error(`${snippet.where}: no before="..." to place the JSX`);
    // with after="...", the first `before` line below that line
    const from = snippet.attrs.after
      ? lines.findIndex(l => l.trim() === snippet.attrs.after)
      : 0;
    if (from < 0)
      throw new Error(
        `${snippet.where}: ${file} has no line "${snippet.attrs.after}"`,
      );
    const at = lines.findIndex((l, i) => i > from && l.trim() === before);
    if (at < 0)
      throw new Error(
        `${snippet.where}: ${file} has no line "${before}"${
          snippet.attrs.after ? ' after the after="..." line' : ''
        }`,
      );
    // children of a closing tag are indented one step more than it
    const indent =
      lines[at].match(/^\s*/)[0] + (before.startsWith('</') ? '  ' : '');
    lines.splice(at, 0, ...rest.map(l => `${indent}${l}`));
  }
  let lastImport = -1;
  lines.forEach((l, i) => {
    if (/^import\s/.test(l) || /^\} from '/.test(l)) lastImport = i;
  });
  lines.splice(lastImport + 1, 0, ...imports);
  fs.writeFileSync(target, lines.join('\n'));
  return file;
}
