/**
 * Policy values with variables: `${aws:username}`, `${aws:PrincipalTag/team}`, `${saml:sub}`,
 * defaults `${aws:username, 'nobody'}`, and the escapes `${*}`, `${?}`, `${$}` that produce a
 * literal `*`, `?` or `$` (never a wildcard). Variables are recognised only under Version
 * 2012-10-17; under 2008-10-17 (or no Version) the text is taken literally.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
import { compileGlobParts, QMARK, STAR, type Glob, type GlobPart } from './glob.js';
import type { ContextLookup } from './context.js';

export interface VariablePart {
  readonly variable: string;
  readonly lower: string;
  readonly fallback: string | undefined;
}
export type TemplatePart = GlobPart | VariablePart;

export interface Template {
  readonly parts: readonly TemplatePart[];
  /** Variable keys used, as written. */
  readonly variables: readonly string[];
}

const VAR_BODY = /^\s*([^\s,'{}$]+)\s*(?:,\s*'([^']*)'\s*)?$/;

/** Parse a value. `wildcards`: whether bare `*` / `?` are wildcards; `variables`: whether `${…}` is substituted. */
export function parseTemplate(value: string, wildcards: boolean, variables: boolean): Template {
  const parts: TemplatePart[] = [];
  const vars: string[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) parts.push(lit);
    lit = '';
  };
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (variables && ch === '$' && value[i + 1] === '{') {
      const close = value.indexOf('}', i + 2);
      if (close > 0) {
        const body = value.slice(i + 2, close);
        if (body === '*' || body === '?' || body === '$') {
          lit += body;
          i = close;
          continue;
        }
        const m = VAR_BODY.exec(body);
        if (m) {
          flush();
          const name = m[1] as string;
          parts.push({ variable: name, lower: name.toLowerCase(), fallback: m[2] });
          vars.push(name);
          i = close;
          continue;
        }
      }
    }
    if (wildcards && (ch === '*' || ch === '?')) {
      flush();
      parts.push(ch === '*' ? STAR : QMARK);
      continue;
    }
    lit += ch;
  }
  flush();
  return { parts, variables: vars };
}

const isVar = (p: TemplatePart): p is VariablePart => typeof p === 'object';

/**
 * Substitute variables from the context. Returns null when a variable has no value — its key is
 * absent (and there is no default) or multivalued: the value is then effectively null, which no
 * request value or resource equals or is like (reference_policies_variables.html#policy-vars-no-value).
 */
export function resolveParts(t: Template, ctx: ContextLookup, missing?: Set<string>): GlobPart[] | null {
  if (t.variables.length === 0) return t.parts as GlobPart[];
  const out: GlobPart[] = [];
  let ok = true;
  for (const p of t.parts) {
    if (!isVar(p)) {
      out.push(p);
      continue;
    }
    const v = ctx.single(p.lower);
    if (v === undefined) {
      if (p.fallback !== undefined) {
        out.push(p.fallback);
        continue;
      }
      if (ctx.get(p.lower) === undefined) missing?.add(p.variable);
      ok = false;
      continue;
    }
    out.push(v);
  }
  return ok ? out : null;
}

/** The literal string of resolved parts (wildcards rendered as their characters). */
export function partsToString(parts: readonly GlobPart[]): string {
  let s = '';
  for (const p of parts) s += p === STAR ? '*' : p === QMARK ? '?' : p;
  return s;
}

/** A compiled wildcard pattern that may contain variables. */
export interface PatternMatcher {
  readonly variables: readonly string[];
  /**
   * true / false, or null when a variable has no value (absent key without default, or a
   * multivalued key): the pattern then matches nothing (for Resource: no grant; for NotResource:
   * no exclusion). `missing` collects absent keys.
   */
  match(text: string, ctx: ContextLookup, missing?: Set<string>): boolean | null;
}

export function compilePattern(value: string, opts: { variables: boolean; lowerCase?: boolean }): PatternMatcher {
  const src = opts.lowerCase ? value.toLowerCase() : value;
  const t = parseTemplate(src, true, opts.variables);
  if (t.variables.length === 0) {
    const g = compileGlobParts(t.parts as GlobPart[]);
    return { variables: [], match: (s) => g.match(s) };
  }
  return {
    variables: t.variables,
    match: (s, ctx, missing) => {
      const parts = resolveParts(t, ctx, missing);
      if (parts === null) return null;
      const g: Glob = compileGlobParts(parts);
      return g.match(s);
    },
  };
}
