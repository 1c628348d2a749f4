/**
 * Rewrite the AWS principal values of a policy text in place, keeping everything else byte for
 * byte (formatting, key order, other elements). IAM does this when a user or role named in a
 * trust policy is deleted: the entry then shows the principal's unique id (AIDA…/AROA…).
 * Pure; text that is not a policy comes back unchanged.
 */
import { parseJson, type JsonNode } from './json.js';

export function rewriteAwsPrincipals(text: string, replace: (value: string) => string | undefined): string {
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch {
    return text;
  }
  const edits: { start: number; end: number; value: string }[] = [];
  const visitValue = (n: JsonNode): void => {
    if (n.type === 'string') {
      const r = replace(n.value);
      if (r !== undefined && r !== n.value) edits.push({ start: n.start, end: n.end, value: JSON.stringify(r) });
    } else if (n.type === 'array') for (const i of n.items) visitValue(i);
  };
  const visitStatement = (n: JsonNode): void => {
    if (n.type !== 'object') return;
    for (const e of n.entries) {
      if ((e.key === 'Principal' || e.key === 'NotPrincipal') && e.value.type === 'object') {
        for (const p of e.value.entries) if (p.key === 'AWS') visitValue(p.value);
      }
    }
  };
  if (root.type !== 'object') return text;
  for (const e of root.entries) {
    if (e.key !== 'Statement') continue;
    if (e.value.type === 'array') for (const s of e.value.items) visitStatement(s);
    else visitStatement(e.value);
  }
  if (edits.length === 0) return text;
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const x of edits) {
    out += text.slice(at, x.start) + x.value;
    at = x.end;
  }
  return out + text.slice(at);
}
