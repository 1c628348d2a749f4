/**
 * The Principal / NotPrincipal element.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
import type { Locator } from './errors.js';
import type { JsonNode } from './json.js';
import { stringList } from './parse-values.js';
import type { ParsedPrincipal } from './types.js';

const AWS_ARN = /^arn:[a-z0-9-]+:(iam|sts)::(\d{12}|aws):\S+$/;
const ACCOUNT = /^\d{12}$/;
const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/;

const invalid = (loc: Locator, field: string, value: string, path: string, at: number): Error =>
  loc.error(`Invalid principal in policy: "${field}":"${value}"`, path, at);

export function parsePrincipal(node: JsonNode, loc: Locator, path: string): ParsedPrincipal {
  if (node.type === 'string') {
    if (node.value === '*') return { wildcard: true, aws: [], federated: [], service: [], canonicalUser: [] };
    throw loc.error(`Invalid principal in policy: ${JSON.stringify(node.value)}`, path, node.start);
  }
  if (node.type !== 'object' || node.entries.length === 0) {
    throw loc.error('Invalid principal in policy', path, node.start);
  }
  const out = { wildcard: false, aws: [] as string[], federated: [] as string[], service: [] as string[], canonicalUser: [] as string[] };
  for (const e of node.entries) {
    const p = `${path}.${e.key}`;
    const values = stringList(e.value, loc, p);
    if (values.length === 0) throw loc.error('Invalid principal in policy', p, e.value.start);
    for (const v of values) {
      if (v === '' || /\s/.test(v)) throw invalid(loc, e.key, v, p, e.value.start);
    }
    switch (e.key) {
      case 'AWS':
        for (const v of values) {
          if (v !== '*' && !ACCOUNT.test(v) && !AWS_ARN.test(v) && !UNIQUE_ID.test(v)) throw invalid(loc, 'AWS', v, p, e.value.start);
        }
        out.aws.push(...values);
        break;
      case 'Federated':
        out.federated.push(...values);
        break;
      case 'Service':
        out.service.push(...values);
        break;
      case 'CanonicalUser':
        out.canonicalUser.push(...values);
        break;
      default:
        throw loc.error(`Invalid principal in policy: unknown principal type "${e.key}"`, p, e.keyStart);
    }
  }
  return out;
}
