/**
 * A strict JSON reader for policy documents. Unlike JSON.parse it
 * - rejects duplicate keys in one object (IAM does; JSON.parse keeps the last one silently),
 * - records the source offset of every node, so statements can report Line/Column
 *   (SimulateCustomPolicy's StartPosition/EndPosition) and errors can name their location,
 * - bounds nesting depth, so hostile input cannot exhaust the stack.
 * It never throws anything but JsonSyntaxError, which parse.ts turns into MalformedPolicyDocument.
 */

export type JsonNode = JsonObject | JsonArray | JsonString | JsonNumber | JsonBoolean | JsonNull;

interface Span {
  /** Offset of the first character of the value. */
  readonly start: number;
  /** Offset just past the last character of the value. */
  readonly end: number;
}

export interface JsonEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly value: JsonNode;
}
export interface JsonObject extends Span { readonly type: 'object'; readonly entries: JsonEntry[] }
export interface JsonArray extends Span { readonly type: 'array'; readonly items: JsonNode[] }
export interface JsonString extends Span { readonly type: 'string'; readonly value: string }
/** Numbers keep their source text: IAM treats condition values as strings. */
export interface JsonNumber extends Span { readonly type: 'number'; readonly raw: string }
export interface JsonBoolean extends Span { readonly type: 'boolean'; readonly value: boolean }
export interface JsonNull extends Span { readonly type: 'null' }

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export const MAX_JSON_DEPTH = 64;

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export function parseJson(text: string): JsonNode {
  let pos = 0;
  const len = text.length;

  const fail = (msg: string, at = pos): never => {
    throw new JsonSyntaxError(msg, at);
  };
  const skipWs = (): void => {
    while (pos < len && isWs(text.charCodeAt(pos))) pos++;
  };

  const parseString = (): JsonString => {
    const start = pos;
    pos++; // opening quote
    let out = '';
    let chunk = pos;
    for (;;) {
      if (pos >= len) fail('Unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(chunk, pos);
        pos++;
        return { type: 'string', value: out, start, end: pos };
      }
      if (c === 0x5c) {
        out += text.slice(chunk, pos);
        const e = text[pos + 1];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = text.slice(pos + 2, pos + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid unicode escape');
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            fail('Invalid escape sequence');
        }
        pos += 2;
        chunk = pos;
        continue;
      }
      if (c < 0x20) fail('Control character in string');
      pos++;
    }
  };

  const parseNumber = (): JsonNumber => {
    const start = pos;
    if (text[pos] === '-') pos++;
    if (text[pos] === '0') pos++;
    else if (/[1-9]/.test(text[pos] ?? '')) while (/[0-9]/.test(text[pos] ?? '')) pos++;
    else fail('Invalid number', start);
    if (text[pos] === '.') {
      pos++;
      if (!/[0-9]/.test(text[pos] ?? '')) fail('Invalid number', start);
      while (/[0-9]/.test(text[pos] ?? '')) pos++;
    }
    if (text[pos] === 'e' || text[pos] === 'E') {
      pos++;
      if (text[pos] === '+' || text[pos] === '-') pos++;
      if (!/[0-9]/.test(text[pos] ?? '')) fail('Invalid number', start);
      while (/[0-9]/.test(text[pos] ?? '')) pos++;
    }
    return { type: 'number', raw: text.slice(start, pos), start, end: pos };
  };

  const literal = (word: string): void => {
    if (text.startsWith(word, pos)) pos += word.length;
    else fail('Unexpected token');
  };

  const parseValue = (depth: number): JsonNode => {
    if (depth > MAX_JSON_DEPTH) fail('Nesting too deep');
    skipWs();
    if (pos >= len) fail('Unexpected end of input');
    const start = pos;
    const c = text[pos];
    switch (c) {
      case '{': {
        pos++;
        const entries: JsonEntry[] = [];
        const seen = new Set<string>();
        skipWs();
        if (text[pos] === '}') {
          pos++;
          return { type: 'object', entries, start, end: pos };
        }
        for (;;) {
          skipWs();
          if (text[pos] !== '"') fail('Expected a string key');
          const keyStart = pos;
          const key = parseString().value;
          if (seen.has(key)) fail(`Duplicate key "${key}"`, keyStart);
          seen.add(key);
          skipWs();
          if (text[pos] !== ':') fail('Expected ":"');
          pos++;
          const value = parseValue(depth + 1);
          entries.push({ key, keyStart, value });
          skipWs();
          if (text[pos] === ',') { pos++; continue; }
          if (text[pos] === '}') { pos++; return { type: 'object', entries, start, end: pos }; }
          fail('Expected "," or "}"');
        }
      }
      case '[': {
        pos++;
        const items: JsonNode[] = [];
        skipWs();
        if (text[pos] === ']') {
          pos++;
          return { type: 'array', items, start, end: pos };
        }
        for (;;) {
          items.push(parseValue(depth + 1));
          skipWs();
          if (text[pos] === ',') { pos++; continue; }
          if (text[pos] === ']') { pos++; return { type: 'array', items, start, end: pos }; }
          fail('Expected "," or "]"');
        }
      }
      case '"':
        return parseString();
      case 't':
        literal('true');
        return { type: 'boolean', value: true, start, end: pos };
      case 'f':
        literal('false');
        return { type: 'boolean', value: false, start, end: pos };
      case 'n':
        literal('null');
        return { type: 'null', start, end: pos };
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return parseNumber();
        return fail('Unexpected token');
    }
  };

  // A UTF-8 byte order mark is tolerated, as most JSON readers do.
  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  const root = parseValue(0);
  skipWs();
  if (pos < len) fail('Unexpected content after the document');
  return root;
}

/** Line/column (both 1-based) of offsets in a text; built once per document. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x0a) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}
