/**
 * getContextKeys: the distinct condition keys (and policy-variable keys) used by policies, as
 * GetContextKeysForCustomPolicy returns them: in their original case, each key once
 * (compared case-insensitively, first spelling kept).
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForCustomPolicy.html
 */
import { parsePolicy } from './parse.js';
import { parseTemplate } from './template.js';
import type { ParsedPolicy, PolicyKind } from './types.js';

export function getContextKeys(policies: readonly (string | ParsedPolicy)[], kind: PolicyKind = 'identity'): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (k: string): void => {
    const l = k.toLowerCase();
    if (!seen.has(l)) {
      seen.add(l);
      out.push(k);
    }
  };
  for (const input of policies) {
    const p = typeof input === 'string' ? parsePolicy(input, { kind }) : input;
    const vars = p.version === '2012-10-17';
    for (const s of p.statements) {
      for (const c of s.conditions) {
        add(c.key);
        if (vars) for (const v of c.values) parseTemplate(v, false, true).variables.forEach(add);
      }
      if (vars) for (const r of s.resource ?? s.notResource ?? []) parseTemplate(r, true, true).variables.forEach(add);
    }
  }
  return out;
}
