import { Errors } from '../errors/index.js';
import type { Params } from '../http/form.js';

/**
 * Reads an action's typed input from flattened Query parameters, collecting every constraint
 * violation and reporting them together in AWS's wording:
 *   "2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint:
 *    Member must have length greater than or equal to 2; Value null at 'roleArn' …"
 * Lists are `Name.member.N`, maps `Name.entry.N.key` / `.value`, structures `Name.Field`.
 */
export interface StringRules {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** The pattern as AWS prints it in the message. */
  patternText?: string;
  enum?: readonly string[];
  /** Never echo the value in messages (tokens, passwords, assertions). */
  sensitive?: boolean;
}

export interface NumberRules {
  required?: boolean;
  min?: number;
  max?: number;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const memberPath = (name: string) =>
  name
    .split('.')
    .map((seg) => (/^\d+$/.test(seg) ? seg : lowerFirst(seg)))
    .join('.');

/** Length in code points (as AWS counts), without materializing the string as an array. */
const PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const codePoints = (v: string) => (/[\uD800-\uDFFF]/.test(v) ? v.length - (v.match(PAIR)?.length ?? 0) : v.length);

export class Input {
  private readonly problems: string[] = [];

  constructor(
    readonly params: Params,
    private readonly prefix = '',
    private readonly sink?: string[],
  ) {}

  private get errs(): string[] {
    return this.sink ?? this.problems;
  }

  private full(name: string) {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  fail(name: string, value: string | null, constraint: string, sensitive = false): void {
    const shown = value === null ? 'Value null' : sensitive ? 'Value' : `Value '${value}'`;
    this.errs.push(`${shown} at '${memberPath(this.full(name))}' failed to satisfy constraint: ${constraint}`);
  }

  has(name: string): boolean {
    return this.params.has(this.full(name));
  }

  string(name: string, rules: StringRules & { required: true }): string;
  string(name: string, rules?: StringRules): string | undefined;
  string(name: string, rules: StringRules = {}): string | undefined {
    const v = this.params.get(this.full(name));
    if (v === undefined) {
      if (rules.required) this.fail(name, null, 'Member must not be null');
      return undefined;
    }
    const len = codePoints(v);
    const s = rules.sensitive ?? false;
    if (rules.min !== undefined && len < rules.min) this.fail(name, v, `Member must have length greater than or equal to ${rules.min}`, s);
    if (rules.max !== undefined && len > rules.max) this.fail(name, v, `Member must have length less than or equal to ${rules.max}`, s);
    const patternOk = !rules.pattern || rules.pattern.test(v);
    if (!patternOk) {
      this.fail(name, v, `Member must satisfy regular expression pattern: ${rules.patternText ?? rules.pattern!.source}`, s);
    }
    if (rules.enum && !rules.enum.includes(v)) this.fail(name, v, `Member must satisfy enum value set: [${rules.enum.join(', ')}]`, s);
    // No member holds U+0000 (free-form ones included): Postgres text cannot store it, and no
    // AWS member means it. (Lone surrogates cannot arrive: the form parser refuses
    // percent-encoded ones.)
    else if (patternOk && v.includes('\u0000')) this.fail(name, v, 'Member must not contain the null character (U+0000)', s);
    return v;
  }

  int(name: string, rules: NumberRules & { required: true }): number;
  int(name: string, rules?: NumberRules): number | undefined;
  int(name: string, rules: NumberRules = {}): number | undefined {
    const v = this.params.get(this.full(name));
    if (v === undefined) {
      if (rules.required) this.fail(name, null, 'Member must not be null');
      return undefined;
    }
    if (!/^-?\d{1,15}$/.test(v.trim())) {
      this.fail(name, v, 'Member must be a number');
      return undefined;
    }
    const n = Number(v.trim());
    if (rules.min !== undefined && n < rules.min) this.fail(name, v, `Member must have value greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && n > rules.max) this.fail(name, v, `Member must have value less than or equal to ${rules.max}`);
    return n;
  }

  bool(name: string, rules: { required?: boolean } = {}): boolean | undefined {
    const v = this.params.get(this.full(name));
    if (v === undefined) {
      if (rules.required) this.fail(name, null, 'Member must not be null');
      return undefined;
    }
    const l = v.toLowerCase();
    if (l !== 'true' && l !== 'false') {
      this.fail(name, v, 'Member must be a boolean');
      return undefined;
    }
    return l === 'true';
  }

  /** The indices N present under `Name.member.N` (or `Name.entry.N`), ascending. */
  private indices(base: string, word: 'member' | 'entry'): number[] {
    const p = `${this.full(base)}.${word}.`;
    const seen = new Set<number>();
    for (const k of this.params.keys()) {
      if (!k.startsWith(p)) continue;
      const rest = k.slice(p.length);
      const dot = rest.indexOf('.');
      const idx = dot === -1 ? rest : rest.slice(0, dot);
      if (!/^[1-9]\d{0,4}$/.test(idx)) {
        throw Errors.malformedQueryString(`Invalid list index in parameter ${k}.`);
      }
      seen.add(Number(idx));
    }
    return [...seen].sort((a, b) => a - b);
  }

  /** `Name.member.N` structures, each read by `item` with a nested reader. */
  list<T>(name: string, item: (r: Input, index: number) => T, rules: { min?: number; max?: number; required?: boolean } = {}): T[] | undefined {
    const idx = this.indices(name, 'member');
    // An empty list is sent as `Name=` by the SDKs.
    if (idx.length === 0) {
      if (this.params.has(this.full(name))) return [];
      if (rules.required) this.fail(name, null, 'Member must not be null');
      return undefined;
    }
    if (rules.min !== undefined && idx.length < rules.min) this.errs.push(`Value at '${memberPath(this.full(name))}' failed to satisfy constraint: Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && idx.length > rules.max) this.errs.push(`Value at '${memberPath(this.full(name))}' failed to satisfy constraint: Member must have length less than or equal to ${rules.max}`);
    return idx.map((i) => item(new Input(this.params, `${this.full(name)}.member.${i}`, this.errs), i));
  }

  /** `Name.member.N` scalar strings. */
  stringList(name: string, rules: StringRules & { minItems?: number; maxItems?: number } = {}): string[] | undefined {
    const idx = this.indices(name, 'member');
    if (idx.length === 0) {
      if (this.params.has(this.full(name))) return [];
      if (rules.required) this.fail(name, null, 'Member must not be null');
      return undefined;
    }
    if (rules.minItems !== undefined && idx.length < rules.minItems) this.errs.push(`Value at '${memberPath(this.full(name))}' failed to satisfy constraint: Member must have length greater than or equal to ${rules.minItems}`);
    if (rules.maxItems !== undefined && idx.length > rules.maxItems) this.errs.push(`Value at '${memberPath(this.full(name))}' failed to satisfy constraint: Member must have length less than or equal to ${rules.maxItems}`);
    const { minItems: _a, maxItems: _b, required: _c, ...itemRules } = rules;
    return idx.map((i) => this.string(`${name}.member.${i}`, { ...itemRules, required: true }));
  }

  /** `Name.entry.N.key` / `.value` maps. */
  map(name: string, rules: { max?: number } = {}): Map<string, string> | undefined {
    const idx = this.indices(name, 'entry');
    if (idx.length === 0) return undefined;
    if (rules.max !== undefined && idx.length > rules.max) this.errs.push(`Value at '${memberPath(this.full(name))}' failed to satisfy constraint: Member must have length less than or equal to ${rules.max}`);
    const m = new Map<string, string>();
    for (const i of idx) {
      const k = this.string(`${name}.entry.${i}.key`, { required: true });
      const v = this.string(`${name}.entry.${i}.value`, { required: true });
      if (k !== undefined && v !== undefined) m.set(k, v);
    }
    return m;
  }

  /** Throws ValidationError listing every problem found so far (call once, at the end). */
  done(): void {
    const errs = this.errs;
    if (errs.length === 0) return;
    const n = errs.length;
    throw Errors.validation(`${n} validation error${n === 1 ? '' : 's'} detected: ${errs.join('; ')}`);
  }
}
