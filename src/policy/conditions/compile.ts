/**
 * Compile one condition (operator + key + values) into a predicate over the request context.
 * The generic rules live here, once, for every operator:
 * - several values of one key are ORed; for negated operators the result is NOR (none matches);
 * - an absent key makes the condition false, or true for negated operators, and true for
 *   `…IfExists`; `Null` tests presence itself;
 * - `ForAllValues:` is true when every request value matches (true for an absent key or an empty
 *   set); `ForAnyValue:` when at least one does (false for an absent key or empty set);
 * - a multivalued key under a plain operator matches when any of its values matches;
 * - policy variables are substituted per request; a value whose variable has no value (absent key
 *   without a default, or a multivalued key) is effectively null: nothing is equal to or like it,
 *   so it matches no request value — a positive operator does not match it, and an inverted one
 *   (StringNotEquals, StringNotLike, ArnNotLike, …) does ("Policy variables with no value",
 *   reference_policies_variables.html#policy-vars-no-value). Under ForAllValues / ForAnyValue the
 *   same per value; …IfExists concerns the condition key, not the variable.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import type { ContextLookup } from '../context.js';
import type { GlobPart } from '../glob.js';
import { parseTemplate, resolveParts, type Template } from '../template.js';
import type { ParsedCondition } from '../types.js';
import type { ConditionOperator } from './operator.js';
import { parseOperator } from './registry.js';

export interface CompiledCondition {
  /** The key as written. */
  readonly key: string;
  readonly lowerKey: string;
  /** Variable keys used in values, as written. */
  readonly variables: readonly string[];
  evaluate(ctx: ContextLookup, missing?: Set<string>): boolean;
}

type Prepared = { readonly fixed: unknown } | { readonly template: Template };

export function compileCondition(c: ParsedCondition, variablesEnabled: boolean): CompiledCondition {
  const spec = parseOperator(c.operator);
  if (!spec) throw new Error(`unknown operator ${c.operator}`); // parse.ts rejects these first
  const { op, set, ifExists } = spec;
  const lowerKey = c.key.toLowerCase();
  const useVars = variablesEnabled && op.variables;

  const variables: string[] = [];
  const prepared: Prepared[] = [];
  for (const raw of c.values) {
    const t = parseTemplate(raw, op.wildcards, useVars);
    if (t.variables.length > 0) {
      variables.push(...t.variables);
      prepared.push({ template: t });
    } else {
      const v = op.compile(t.parts as GlobPart[]);
      if (v !== null) prepared.push({ fixed: v });
    }
  }

  if (op.family === 'null') {
    const wants = prepared.map((p) => ('fixed' in p ? (p.fixed as boolean) : null));
    return {
      key: c.key,
      lowerKey,
      variables,
      evaluate: (ctx) => {
        const v = ctx.get(lowerKey);
        const absent = v === undefined || (typeof v !== 'string' && v.length === 0);
        return wants.some((w) => (w === true ? absent : w === false ? !absent : false));
      },
    };
  }

  const hasTemplates = variables.length > 0;
  const staticValues = prepared.filter((p): p is { fixed: unknown } => 'fixed' in p).map((p) => p.fixed);
  /** The prepared values; a value whose variable has no value is null, which nothing matches: left out. */
  const valuesFor = (ctx: ContextLookup, missing?: Set<string>): unknown[] => {
    if (!hasTemplates) return staticValues;
    const out: unknown[] = [];
    for (const p of prepared) {
      if ('fixed' in p) out.push(p.fixed);
      else {
        const parts = resolveParts(p.template, ctx, missing);
        if (parts === null) continue;
        const v = op.compile(parts);
        if (v !== null) out.push(v);
      }
    }
    return out;
  };
  const anyMatch = (o: ConditionOperator<any>, rv: string, vals: unknown[]): boolean => {
    for (const v of vals) if (o.test(rv, v)) return true;
    return false;
  };
  const negated = op.negated;

  if (set === undefined) {
    return {
      key: c.key,
      lowerKey,
      variables,
      evaluate: (ctx, missing) => {
        const rv = ctx.get(lowerKey);
        if (rv === undefined || (typeof rv !== 'string' && rv.length === 0)) return ifExists || negated;
        const vals = valuesFor(ctx, missing);
        let matched: boolean;
        if (typeof rv === 'string') matched = anyMatch(op, rv, vals);
        else {
          matched = false;
          for (const r of rv) if (anyMatch(op, r, vals)) { matched = true; break; }
        }
        return negated ? !matched : matched;
      },
    };
  }

  const forAll = set === 'ForAllValues';
  return {
    key: c.key,
    lowerKey,
    variables,
    evaluate: (ctx, missing) => {
      const rv = ctx.get(lowerKey);
      if (rv === undefined) return forAll || ifExists;
      const list: readonly string[] = typeof rv === 'string' ? (rv === '' ? [] : [rv]) : rv;
      if (list.length === 0) return forAll;
      const vals = valuesFor(ctx, missing);
      for (const r of list) {
        const ok = anyMatch(op, r, vals) !== negated;
        if (forAll && !ok) return false;
        if (!forAll && ok) return true;
      }
      return forAll;
    },
  };
}
