/**
 * A small JSON parser that keeps the position of every key and value, so
 * policy errors can point at a line and column. JSON.parse cannot: its error
 * messages differ between engines and it forgets positions.
 */

/** @public */
export type JsonNode =
  | { type: 'object'; offset: number; entries: Array<{ key: string; keyOffset: number; value: JsonNode }> }
  | { type: 'array'; offset: number; items: JsonNode[] }
  | { type: 'string'; offset: number; value: string }
  | { type: 'number'; offset: number; value: number }
  | { type: 'boolean'; offset: number; value: boolean }
  | { type: 'null'; offset: number };

/** A JSON syntax error at an offset. @public */
export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/**
 * How deep objects and arrays may nest. IAM policies nest four or five
 * levels; the limit keeps a hostile text from exhausting the stack.
 * @public
 */
export const MAX_JSON_DEPTH = 64;

/** Parses JSON text; throws {@link JsonSyntaxError} with the offset of the problem. @public */
export function parseJsonWithPositions(text: string): JsonNode {
  let i = 0;
  let depth = 0;
  const fail = (msg: string, at = i): never => {
    throw new JsonSyntaxError(msg, at);
  };
  const describe = (at: number) =>
    at >= text.length ? 'the end of the text' : `'${text[at]}'`;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  function value(): JsonNode {
    ws();
    const c = text[i];
    const start = i;
    if (c === '{' || c === '[') {
      depth++;
      if (depth > MAX_JSON_DEPTH) fail(`Objects and arrays nest deeper than ${MAX_JSON_DEPTH} levels`);
      const node = c === '{' ? object() : array();
      depth--;
      return node;
    }
    if (c === '"') return { type: 'string', offset: start, value: string() };
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [word, node] of [
      ['true', { type: 'boolean', offset: start, value: true }],
      ['false', { type: 'boolean', offset: start, value: false }],
      ['null', { type: 'null', offset: start }],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return node as JsonNode;
      }
    }
    return fail(`Expected a value but found ${describe(i)}`);
  }
  function string(): string {
    i++; // opening quote
    let out = '';
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in map) {
          out += map[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail('Invalid escape sequence in string');
        }
      } else if (c < ' ') {
        fail('Unescaped control character (e.g. a line break) inside a string');
      } else {
        out += c;
        i++;
      }
    }
    return fail('Unterminated string: missing closing quote', i);
  }
  function number(): JsonNode {
    const start = i;
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) return fail('Invalid number');
    i += m[0].length;
    return { type: 'number', offset: start, value: Number(m[0]) };
  }
  /**
   * The members of an object or an array, after its opening bracket: `member`
   * reads one, then a comma goes on and `close` ends the list. A `close`
   * right after a comma is a trailing comma.
   */
  function members(close: '}' | ']', member: () => void): void {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (let first = true; ; first = false) {
      ws();
      if (text[i] === close && !first) fail(`Trailing comma before ${close}`, i);
      member();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        return;
      }
      fail(`Expected ',' or '${close}' but found ${describe(i)}`);
    }
  }
  function object(): JsonNode {
    const start = i;
    const entries: Array<{ key: string; keyOffset: number; value: JsonNode }> = [];
    members('}', () => {
      if (text[i] !== '"') fail(`Expected a property name in double quotes but found ${describe(i)}`);
      const keyOffset = i;
      const key = string();
      ws();
      if (text[i] !== ':') fail(`Expected ':' after "${key}" but found ${describe(i)}`);
      i++;
      entries.push({ key, keyOffset, value: value() });
    });
    return { type: 'object', offset: start, entries };
  }
  function array(): JsonNode {
    const start = i;
    const items: JsonNode[] = [];
    members(']', () => items.push(value()));
    return { type: 'array', offset: start, items };
  }
  const root = value();
  ws();
  if (i < text.length) fail(`Unexpected ${describe(i)} after the end of the JSON value`);
  return root;
}

/** 1-based line and column of an offset. @public */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
