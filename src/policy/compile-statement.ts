/**
 * A statement compiled to matchers: action globs (lower-case; actions are case-insensitive),
 * resource patterns (case-sensitive, with variables under 2012-10-17), principal matcher,
 * conditions.
 */
import { compileCondition, type CompiledCondition } from './conditions/compile.js';
import type { ContextLookup } from './context.js';
import { compileGlob, type Glob } from './glob.js';
import { compileNotPrincipal, compilePrincipal, type CompiledPrincipal } from './principal.js';
import { compilePattern, type PatternMatcher } from './template.js';
import type { Effect, ParsedStatement, Position } from './types.js';

export interface CompiledStatement {
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly start: Position;
  readonly end: Position;
  /** Literal action names / patterns (lower-case) for the action index; empty for NotAction. */
  readonly actionPatterns: readonly string[];
  readonly notAction: boolean;
  matchesAction(lowerAction: string): boolean;
  /** null when the statement has no Principal/NotPrincipal element. */
  readonly principal: CompiledPrincipal | null;
  matchesResource(resource: string, ctx: ContextLookup, missing?: Set<string>): boolean;
  readonly conditions: readonly CompiledCondition[];
  /** Every context key the statement reads (conditions and variables), as written. */
  readonly contextKeys: readonly string[];
  /** The same keys, lower-cased (context lookups are case-insensitive). */
  readonly lowerContextKeys: readonly string[];
}

const anyGlob = (globs: readonly Glob[], s: string): boolean => {
  for (const g of globs) if (g.match(s)) return true;
  return false;
};

/** `principalIds`: the identity binding of the policy's AWS principal entries (CompileOptions.principalIds). */
export function compileStatement(s: ParsedStatement, variables: boolean, principalIds?: Readonly<Record<string, string>>): CompiledStatement {
  const patterns = (s.action ?? s.notAction ?? []).map((a) => a.toLowerCase());
  const globs = patterns.map(compileGlob);
  const notAction = s.action === undefined;
  const exactActions = new Set(patterns.filter((p) => !p.includes('*') && !p.includes('?')));
  const allExact = exactActions.size === patterns.length;

  const matchesAction = notAction
    ? (a: string) => !anyGlob(globs, a)
    : allExact
      ? (a: string) => exactActions.has(a)
      : (a: string) => exactActions.has(a) || anyGlob(globs, a);

  const resValues = s.resource ?? s.notResource;
  let matchesResource: CompiledStatement['matchesResource'];
  const resourceVariables: string[] = [];
  if (resValues === undefined) {
    matchesResource = () => true; // trust policies: the resource is the role itself
  } else {
    const matchers: PatternMatcher[] = resValues.map((r) => compilePattern(r, { variables }));
    for (const m of matchers) resourceVariables.push(...m.variables);
    const star = resValues.includes('*');
    // A value whose variable has no value matches no resource ("Policy variables with no value",
    // reference_policies_variables.html#policy-vars-no-value): in Resource it grants nothing, in
    // NotResource it excludes nothing (the other values still exclude what they match).
    const any = (r: string, ctx: ContextLookup, missing?: Set<string>): boolean => {
      if (star) return true;
      for (const m of matchers) if (m.match(r, ctx, missing) === true) return true;
      return false;
    };
    // NotResource: the statement applies to a resource no value matches.
    const none = (r: string, ctx: ContextLookup, missing?: Set<string>): boolean => {
      if (star) return false;
      let ok = true;
      // Every value is tried (no early exit) so that `missing` lists each absent variable.
      for (const m of matchers) if (m.match(r, ctx, missing) === true) ok = false;
      return ok;
    };
    matchesResource = s.resource ? any : none;
  }

  const conditions = s.conditions.map((c) => compileCondition(c, variables));
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const k of [...conditions.flatMap((c) => [c.key, ...c.variables]), ...resourceVariables]) {
    const l = k.toLowerCase();
    if (!seen.has(l)) {
      seen.add(l);
      keys.push(k);
    }
  }

  return {
    index: s.index,
    sid: s.sid,
    effect: s.effect,
    start: s.start,
    end: s.end,
    actionPatterns: notAction ? [] : patterns,
    notAction,
    matchesAction,
    principal: s.principal ? compilePrincipal(s.principal, principalIds) : s.notPrincipal ? compileNotPrincipal(s.notPrincipal, principalIds) : null,
    matchesResource,
    conditions,
    contextKeys: keys,
    lowerContextKeys: keys.map((k) => k.toLowerCase()),
  };
}
