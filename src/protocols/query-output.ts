import { XmlRaw, awsDate, escapeXml } from './query-xml.js';
import type { Member, Shape } from './model.js';

/**
 * The AWS Query protocol's output side, driven by the model: an operation's typed output (plain
 * objects keyed by the model's member names, arrays for lists, plain objects for maps, Dates,
 * numbers, booleans, Uint8Arrays) written as the XML AWS sends, members in the model's order,
 * element names from the model (xmlName, `member` / flattened lists, `entry`/`key`/`value` maps).
 * Nothing about an operation's wire shape is written by hand: only what its output shape names
 * is serialized. `omit` names members (paths without list indices, `Role.MaxSessionDuration`)
 * AWS leaves out of this operation's answer although its shape has them (overrides.ts).
 *
 * A value that is already XmlRaw (a large result rendered by this serializer in a worker
 * thread) is emitted as it is.
 */
export function serializeQueryOutput(shape: Shape, value: unknown, omit?: ReadonlySet<string>): string {
  return structure(shape, value as Record<string, unknown>, '', omit);
}

function structure(shape: Shape, v: Record<string, unknown>, path: string, omit: ReadonlySet<string> | undefined): string {
  let s = '';
  for (const m of shape.members) {
    const x = v[m.name];
    if (x === undefined || x === null) continue;
    const p = path ? `${path}.${m.name}` : m.name;
    if (omit?.has(p)) continue;
    s += member(m, x, p, omit);
  }
  return s;
}

function member(m: Member, x: unknown, path: string, omit: ReadonlySet<string> | undefined): string {
  const t = m.target;
  if (t.kind === 'list' && m.flattened && Array.isArray(x)) {
    return x.map((item) => `<${m.wireName}>${content(t.item!.target, item, path, omit)}</${m.wireName}>`).join('');
  }
  return `<${m.wireName}>${content(t, x, path, omit)}</${m.wireName}>`;
}

/** The element content a value of `t` renders to. */
export function content(t: Shape, x: unknown, path: string, omit?: ReadonlySet<string>): string {
  if (x instanceof XmlRaw) return x.xml;
  switch (t.kind) {
    case 'structure':
    case 'union':
      return structure(t, x as Record<string, unknown>, path, omit);
    case 'list': {
      const item = t.item!;
      let s = '';
      for (const i of x as unknown[]) s += `<${item.wireName}>${content(item.target, i, path, omit)}</${item.wireName}>`;
      return s;
    }
    case 'map': {
      const k = t.key!;
      const val = t.value!;
      let s = '';
      for (const [key, v] of Object.entries(x as Record<string, unknown>)) {
        s += `<entry><${k.wireName}>${escapeXml(key)}</${k.wireName}><${val.wireName}>${content(val.target, v, path, omit)}</${val.wireName}></entry>`;
      }
      return s;
    }
    case 'timestamp':
      return awsDate(x as Date);
    case 'boolean':
      return x ? 'true' : 'false';
    case 'blob':
      return Buffer.from(x as Uint8Array).toString('base64');
    case 'integer':
    case 'long':
    case 'short':
    case 'byte':
    case 'float':
    case 'double':
      return String(x);
    default:
      return escapeXml(String(x));
  }
}
