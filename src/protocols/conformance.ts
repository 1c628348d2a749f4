import { DOMParser, type Element } from '@xmldom/xmldom';
import { XmlRaw } from './query-xml.js';
import type { Member, Shape } from './model.js';

/**
 * Compares an operation's result, as an adapter is about to serialize it, with the model's
 * output shape: every member must exist in the shape, every required member must be present,
 * and each value must have its shape's type (enums one of their values). Returns the problems,
 * one sentence each, with the path of the offending member (`Role.Tags[2].Value`).
 *
 * Results are the adapters' plain objects: structures as objects keyed by member (wire) name,
 * lists as arrays, maps as plain objects, timestamps
 * as Dates, blobs as base64 strings or Buffers. `optional` names required members (paths without
 * list indices, `Role.Path`) that AWS is known to leave out (src/protocols/overrides.ts).
 */
export function checkShape(shape: Shape, value: unknown, path: string, problems: string[] = [], optional: ReadonlySet<string> = NONE): string[] {
  if (value === undefined || value === null) return problems;
  if (value instanceof XmlRaw) {
    // Pre-rendered XML (a result serialized in a worker thread): read it back by the shape, then check that.
    const doc = new DOMParser({ onError: () => {} }).parseFromString(`<r>${value.xml}</r>`, 'text/xml');
    if (!doc.documentElement) {
      problems.push(`${path}: pre-rendered XML does not parse`);
      return problems;
    }
    return checkShape(shape, fromXml(shape, doc.documentElement as unknown as Element, path, problems), path, problems, optional);
  }
  switch (shape.kind) {
    case 'structure':
    case 'union': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
        problems.push(`${path || 'result'}: expected a structure ${shape.name}, got ${describe(value)}`);
        return problems;
      }
      const byWire = new Map<string, Member>();
      for (const m of shape.members) byWire.set(m.wireName, m);
      const present = new Set<string>();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined || v === null) continue;
        const m = byWire.get(k);
        if (!m) {
          problems.push(`${join(path, k)}: ${shape.name} has no member ${k}`);
          continue;
        }
        present.add(m.wireName);
        checkShape(m.target, v, join(path, k), problems, optional);
      }
      for (const m of shape.members) {
        if (m.required && !present.has(m.wireName) && !optional.has(join(path, m.wireName).replace(/\[\d+\]/g, ''))) problems.push(`${join(path, m.wireName)}: required member of ${shape.name} is missing`);
      }
      return problems;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        problems.push(`${path}: expected a list of ${shape.item!.target.name}, got ${describe(value)}`);
        return problems;
      }
      value.forEach((v, i) => checkShape(shape.item!.target, v, `${path}[${i}]`, problems, optional));
      return problems;
    }
    case 'map': {
      const entries = mapEntries(value);
      if (!entries) {
        problems.push(`${path}: expected a map, got ${describe(value)}`);
        return problems;
      }
      for (const [k, v] of entries) {
        checkShape(shape.key!.target, k, `${path}{key}`, problems, optional);
        checkShape(shape.value!.target, v, `${path}{${String(k)}}`, problems, optional);
      }
      return problems;
    }
    case 'string':
    case 'enum': {
      if (typeof value !== 'string') problems.push(`${path}: expected a string, got ${describe(value)}`);
      else if (shape.constraints.enum && !shape.constraints.enum.includes(value)) {
        problems.push(`${path}: '${value}' is not one of ${shape.name}'s values (${shape.constraints.enum.join(', ')})`);
      }
      return problems;
    }
    case 'integer':
    case 'long':
    case 'short':
    case 'byte':
      if (typeof value !== 'number' || !Number.isInteger(value)) problems.push(`${path}: expected an integer, got ${describe(value)}`);
      return problems;
    case 'float':
    case 'double':
      if (typeof value !== 'number') problems.push(`${path}: expected a number, got ${describe(value)}`);
      return problems;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${path}: expected a boolean, got ${describe(value)}`);
      return problems;
    case 'timestamp':
      if (!(value instanceof Date)) problems.push(`${path}: expected a timestamp, got ${describe(value)}`);
      return problems;
    case 'blob':
      if (typeof value !== 'string' && !Buffer.isBuffer(value)) problems.push(`${path}: expected a blob, got ${describe(value)}`);
      return problems;
    case 'document':
      return problems;
  }
}

const NONE: ReadonlySet<string> = new Set();

const childElements = (el: Element): Element[] => {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as unknown as Element);
  return out;
};

/** An element's content read as `shape` says (the Query XML serialization, reversed). */
function fromXml(shape: Shape, el: Element, path: string, problems: string[]): unknown {
  switch (shape.kind) {
    case 'structure':
    case 'union': {
      const out: Record<string, unknown> = {};
      for (const c of childElements(el)) {
        const m = shape.members.find((x) => x.wireName === c.localName);
        out[c.localName ?? ''] = m ? fromXml(m.target, c, join(path, c.localName ?? ''), problems) : c.textContent;
      }
      return out;
    }
    case 'list': {
      const item = shape.item!;
      const members = childElements(el);
      for (const c of members) if (c.localName !== item.wireName) problems.push(`${path}: list element <${c.localName}> is not <${item.wireName}>`);
      return members.filter((c) => c.localName === item.wireName).map((c, i) => fromXml(item.target, c, `${path}[${i}]`, problems));
    }
    case 'map':
      return {
        entries: childElements(el).map((e) => {
          const [k, v] = childElements(e);
          return [k ? fromXml(shape.key!.target, k, path, problems) : undefined, v ? fromXml(shape.value!.target, v, path, problems) : undefined];
        }),
      };
    case 'integer':
    case 'long':
    case 'short':
    case 'byte':
    case 'float':
    case 'double':
      return Number(el.textContent);
    case 'boolean':
      return el.textContent === 'true' ? true : el.textContent === 'false' ? false : el.textContent;
    case 'timestamp':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(el.textContent ?? '') ? new Date(el.textContent!) : el.textContent;
    default:
      return el.textContent ?? '';
  }
}
const join = (path: string, k: string) => (path ? `${path}.${k}` : k);

function mapEntries(v: unknown): [unknown, unknown][] | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) return undefined;
  const e = (v as { entries?: unknown }).entries;
  if (Array.isArray(e)) return e as [unknown, unknown][];
  return Object.entries(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a timestamp';
  return typeof v === 'object' ? 'a structure' : `${typeof v} ${JSON.stringify(v)}`;
}
