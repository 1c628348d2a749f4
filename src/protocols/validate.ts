import { type Member, type Shape } from './model.js';
import { checkCount, checkRange, checkString, fail, throwProblems } from './query-input.js';

/**
 * Validation of a typed input (an object shaped like the operation's input structure, as
 * /oauth2/token, `tessera apply` and the console build it) against the model: the same checks
 * and the same wording as the wire (src/protocols/query-input.ts), so a typed caller cannot
 * pass what a Query request could not. Members are named in messages by their wire path
 * (`policyArns.member.1.arn`), exactly as a Query request with the same content would be.
 * Throws ValidationError "N validation errors detected: …"; returns the value unchanged.
 */
export function validateInput<T>(shape: Shape | undefined, value: T): T {
  if (!shape) return value;
  const problems: string[] = [];
  checkStructure(shape, value as Record<string, unknown>, '', problems);
  throwProblems(problems);
  return value;
}

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

function checkStructure(shape: Shape, v: Record<string, unknown>, prefix: string, problems: string[]): void {
  for (const m of shape.members) {
    const key = join(prefix, m.wireName);
    const x = v[m.name];
    if (x === undefined || x === null) {
      if (m.required) fail(problems, key, null, 'Member must not be null', false);
    } else checkMember(m, x, key, problems);
  }
}

function checkMember(m: Member, v: unknown, key: string, problems: string[]): void {
  const t = m.target;
  const c = m.constraints;
  switch (t.kind) {
    case 'structure':
    case 'union':
      if (typeof v !== 'object' || Array.isArray(v)) fail(problems, key, String(v), 'Member must be a structure', c.sensitive);
      else checkStructure(t, v as Record<string, unknown>, key, problems);
      return;
    case 'list': {
      if (!Array.isArray(v)) {
        fail(problems, key, String(v), 'Member must be a list', c.sensitive);
        return;
      }
      const item = t.item!;
      const base = m.flattened ? key : `${key}.${item.wireName}`;
      checkCount(problems, key, v.length, c);
      v.forEach((x, i) => {
        const k = `${base}.${i + 1}`;
        if (x === undefined || x === null) fail(problems, k, null, 'Member must not be null', false);
        else checkMember(item, x, k, problems);
      });
      return;
    }
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) {
        fail(problems, key, String(v), 'Member must be a map', c.sensitive);
        return;
      }
      const entries = Object.entries(v as Record<string, unknown>);
      checkCount(problems, key, entries.length, c);
      const base = m.flattened ? key : `${key}.entry`;
      entries.forEach(([k, x], i) => {
        checkMember(t.key!, k, `${base}.${i + 1}.${t.key!.wireName}`, problems);
        if (x === undefined || x === null) fail(problems, `${base}.${i + 1}.${t.value!.wireName}`, null, 'Member must not be null', false);
        else checkMember(t.value!, x, `${base}.${i + 1}.${t.value!.wireName}`, problems);
      });
      return;
    }
    case 'string':
    case 'enum':
      if (typeof v !== 'string') fail(problems, key, String(v), 'Member must be a string', c.sensitive);
      else checkString(c, v, key, problems);
      return;
    case 'integer':
    case 'long':
    case 'short':
    case 'byte':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(problems, key, String(v), 'Member must be a number', c.sensitive);
      else checkRange(c, v, String(v), key, problems);
      return;
    case 'float':
    case 'double':
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(problems, key, String(v), 'Member must be a number', c.sensitive);
      else checkRange(c, v, String(v), key, problems);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') fail(problems, key, String(v), 'Member must be a boolean', c.sensitive);
      return;
    case 'timestamp':
      if (!(v instanceof Date) || Number.isNaN(v.getTime())) fail(problems, key, String(v), 'Member must be a timestamp', c.sensitive);
      return;
    case 'blob':
      if (!Buffer.isBuffer(v)) fail(problems, key, '', 'Member must be base64 encoded', c.sensitive);
      else {
        if (c.min !== undefined && v.length < c.min) fail(problems, key, v.toString('base64'), `Member must have length greater than or equal to ${c.min}`, c.sensitive);
        if (c.max !== undefined && v.length > c.max) fail(problems, key, v.toString('base64'), `Member must have length less than or equal to ${c.max}`, c.sensitive);
      }
      return;
    default:
      return;
  }
}
