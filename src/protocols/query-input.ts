import { Errors } from '../errors/index.js';
/** Query parameters: flattened names (`Tags.member.1.Key`) to values, as the form parser reads them. */
export type Params = ReadonlyMap<string, string>;
import type { Constraints, Member, Shape } from './model.js';

/**
 * The AWS Query protocol's input side, driven by the model: flattened form parameters
 * (`Name`, `Name.member.N`, `Name.entry.N.key|value`, `Name.Field`) read into a plain object
 * shaped like the operation's input structure, every constraint of the model checked, and every
 * violation reported together in AWS's wording:
 *   "2 validation errors detected: Value 'x y' at 'roleName' failed to satisfy constraint: Member
 *    must satisfy regular expression pattern: [\w+=,.@-]+; Value null at 'policyArn' failed to
 *    satisfy constraint: Member must not be null"
 * Parameters the shape does not name are ignored, as AWS does. Maps become null-prototype
 * objects; timestamps Dates; blobs Buffers (base64 on the wire); numbers numbers.
 */
export function parseQueryInput(shape: Shape | undefined, params: Params): Record<string, unknown> {
  const problems: string[] = [];
  const out = shape ? readStructure(shape, params, '', problems, prefixesOf(params)) : {};
  throwProblems(problems);
  return out;
}

/**
 * Every proper prefix of a dotted parameter name (`Tags`, `Tags.member`, `Tags.member.1` for
 * `Tags.member.1.Key`), computed once per request: an absent list, map or structure member is
 * then one set lookup instead of a scan of every parameter (the hot path's AssumeRole has four
 * such members, usually absent).
 */
function prefixesOf(params: Params): Set<string> {
  const out = new Set<string>();
  for (const k of params.keys()) {
    let dot = k.indexOf('.');
    while (dot !== -1) {
      out.add(k.slice(0, dot));
      dot = k.indexOf('.', dot + 1);
    }
  }
  return out;
}

/** ValidationError "N validation error(s) detected: …" when there are problems. */
export function throwProblems(problems: string[]): void {
  if (problems.length > 0) {
    const n = problems.length;
    throw Errors.validation(`${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
  }
}

/** Length in code points (as AWS counts), without materializing the string as an array. */
const PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const codePoints = (v: string) => (/[\uD800-\uDFFF]/.test(v) ? v.length - (v.match(PAIR)?.length ?? 0) : v.length);
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
/** AWS names a member in messages by its parameter path, each name segment lower-first. */
const messagePath = (key: string) =>
  key
    .split('.')
    .map((seg) => (/^\d+$/.test(seg) ? seg : lowerFirst(seg)))
    .join('.');
const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

export function fail(problems: string[], key: string, value: string | null, constraint: string, sensitive: boolean | undefined): void {
  const shown = value === null ? 'Value null' : sensitive ? 'Value' : `Value '${value}'`;
  problems.push(`${shown} at '${messagePath(key)}' failed to satisfy constraint: ${constraint}`);
}

function readStructure(shape: Shape, params: Params, prefix: string, problems: string[], prefixes: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of shape.members) {
    const key = join(prefix, m.wireName);
    const v = readMember(m, params, key, problems, prefixes);
    if (v === undefined) {
      if (m.required) fail(problems, key, null, 'Member must not be null', false);
    } else {
      out[m.name] = v;
    }
  }
  return out;
}

/** Whether any parameter lies at or under `key`. */
const present = (params: Params, key: string, prefixes: Set<string>): boolean => params.has(key) || prefixes.has(key);

/** The indices N present under `base.N` (ascending); a malformed index is MalformedQueryString. */
function indices(params: Params, base: string): number[] {
  const p = `${base}.`;
  const seen = new Set<number>();
  for (const k of params.keys()) {
    if (!k.startsWith(p)) continue;
    const rest = k.slice(p.length);
    const dot = rest.indexOf('.');
    const idx = dot === -1 ? rest : rest.slice(0, dot);
    if (!/^[1-9]\d{0,4}$/.test(idx)) throw Errors.malformedQueryString(`Invalid list index in parameter ${k}.`);
    seen.add(Number(idx));
  }
  return [...seen].sort((a, b) => a - b);
}

function readMember(m: Member, params: Params, key: string, problems: string[], prefixes: Set<string>): unknown {
  const t = m.target;
  switch (t.kind) {
    case 'structure':
    case 'union':
      return present(params, key, prefixes) ? readStructure(t, params, key, problems, prefixes) : undefined;
    case 'list': {
      if (!prefixes.has(key)) return params.has(key) ? [] : undefined; // an empty list is sent as `Name=`
      const item = t.item!;
      const base = m.flattened ? key : `${key}.${item.wireName}`;
      const idx = indices(params, base);
      if (idx.length === 0) return params.has(key) ? [] : undefined; // an empty list is sent as `Name=`
      checkCount(problems, key, idx.length, m.constraints);
      return idx.map((i) => {
        const k = `${base}.${i}`;
        const v = readMember(item, params, k, problems, prefixes);
        if (v === undefined) fail(problems, k, null, 'Member must not be null', false);
        return v;
      });
    }
    case 'map': {
      if (!prefixes.has(key)) return params.has(key) ? Object.create(null) : undefined;
      const base = m.flattened ? key : `${key}.entry`;
      const idx = indices(params, base);
      if (idx.length === 0) return params.has(key) ? Object.create(null) : undefined;
      checkCount(problems, key, idx.length, m.constraints);
      const out = Object.create(null) as Record<string, unknown>;
      for (const i of idx) {
        const k = readMember(t.key!, params, `${base}.${i}.${t.key!.wireName}`, problems, prefixes);
        const v = readMember(t.value!, params, `${base}.${i}.${t.value!.wireName}`, problems, prefixes);
        if (k === undefined) fail(problems, `${base}.${i}.${t.key!.wireName}`, null, 'Member must not be null', false);
        else if (v === undefined) fail(problems, `${base}.${i}.${t.value!.wireName}`, null, 'Member must not be null', false);
        else out[String(k)] = v;
      }
      return out;
    }
    default: {
      const raw = params.get(key);
      if (raw === undefined) return undefined;
      return readScalar(t, m.constraints, raw, key, problems);
    }
  }
}

export function checkCount(problems: string[], key: string, n: number, c: Constraints): void {
  if (c.min !== undefined && n < c.min) problems.push(`Value at '${messagePath(key)}' failed to satisfy constraint: Member must have length greater than or equal to ${c.min}`);
  if (c.max !== undefined && n > c.max) problems.push(`Value at '${messagePath(key)}' failed to satisfy constraint: Member must have length less than or equal to ${c.max}`);
}

/** A string member's length, pattern, enum and U+0000 checks (the wire's and typed callers'). */
export function checkString(c: Constraints, raw: string, key: string, problems: string[]): void {
  const len = codePoints(raw);
  if (c.min !== undefined && len < c.min) fail(problems, key, raw, `Member must have length greater than or equal to ${c.min}`, c.sensitive);
  if (c.max !== undefined && len > c.max) fail(problems, key, raw, `Member must have length less than or equal to ${c.max}`, c.sensitive);
  const patternOk = !c.pattern || c.pattern.test(raw);
  if (!patternOk) fail(problems, key, raw, `Member must satisfy regular expression pattern: ${c.patternText}`, c.sensitive);
  if (c.enum && !c.enum.includes(raw)) fail(problems, key, raw, `Member must satisfy enum value set: [${c.enum.join(', ')}]`, c.sensitive);
  // No member holds U+0000 (free-form ones included): Postgres text cannot store it, and no
  // AWS member means it. (Lone surrogates cannot arrive: the form parser refuses them.)
  else if (patternOk && raw.includes('\u0000')) fail(problems, key, raw, 'Member must not contain the null character (U+0000)', c.sensitive);
}

/** A number member's range checks; `shown` is the value as the caller sent it. */
export function checkRange(c: Constraints, n: number, shown: string, key: string, problems: string[]): void {
  if (c.rangeMin !== undefined && n < c.rangeMin) fail(problems, key, shown, `Member must have value greater than or equal to ${c.rangeMin}`, c.sensitive);
  if (c.rangeMax !== undefined && n > c.rangeMax) fail(problems, key, shown, `Member must have value less than or equal to ${c.rangeMax}`, c.sensitive);
}

function readScalar(t: Shape, c: Constraints, raw: string, key: string, problems: string[]): unknown {
  switch (t.kind) {
    case 'string':
    case 'enum':
      checkString(c, raw, key, problems);
      return raw;
    case 'integer':
    case 'long':
    case 'short':
    case 'byte': {
      const s = raw.trim();
      if (!/^-?\d{1,15}$/.test(s)) {
        fail(problems, key, raw, 'Member must be a number', c.sensitive);
        return undefined;
      }
      const n = Number(s);
      checkRange(c, n, raw, key, problems);
      return n;
    }
    case 'float':
    case 'double': {
      const n = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(n)) {
        fail(problems, key, raw, 'Member must be a number', c.sensitive);
        return undefined;
      }
      checkRange(c, n, raw, key, problems);
      return n;
    }
    case 'boolean': {
      const l = raw.toLowerCase();
      if (l !== 'true' && l !== 'false') {
        fail(problems, key, raw, 'Member must be a boolean', c.sensitive);
        return undefined;
      }
      return l === 'true';
    }
    case 'timestamp': {
      const d = /^\d{1,12}(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : /^\d{4}-\d{2}-\d{2}T/.test(raw) ? new Date(raw) : new Date(NaN);
      if (Number.isNaN(d.getTime())) {
        fail(problems, key, raw, 'Member must be a timestamp', c.sensitive);
        return undefined;
      }
      return d;
    }
    case 'blob': {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw) || raw.length % 4 !== 0) {
        fail(problems, key, raw, 'Member must be base64 encoded', c.sensitive);
        return undefined;
      }
      const b = Buffer.from(raw, 'base64');
      if (c.min !== undefined && b.length < c.min) fail(problems, key, raw, `Member must have length greater than or equal to ${c.min}`, c.sensitive);
      if (c.max !== undefined && b.length > c.max) fail(problems, key, raw, `Member must have length less than or equal to ${c.max}`, c.sensitive);
      return b;
    }
    default:
      return raw;
  }
}
