import { Errors } from '../../errors/index.js';
import { policySize, validatePolicy, type PolicyKind } from '../../policy/index.js';
import { arnFor, type Tag } from '../common.js';
import type { ContextValue } from '../authorize.js';

/**
 * What the role/policy actions share: IAM's quotas, document validation with them, tag handling
 * and the NoSuchEntity of a missing policy in IAM's words.
 */
export const MANAGED_POLICIES_PER_ENTITY = 10;
export const POLICY_VERSIONS_MAX = 5;
export const QUOTA = { managed: 6144, user: 2048, group: 5120, role: 10_240, trust: 2048 } as const;

export { arnFor };

export const POLICY_ARN = /^arn:[\w+=/,.@-]+:iam::(aws|\d{12}):policy(\/[\u0021-\u007E]*)$/;

/** Tag context for authorization: aws:RequestTag/<k> and aws:TagKeys. */
export function tagContext(tags: Tag[] | undefined): Record<string, ContextValue> {
  const c: Record<string, ContextValue> = {};
  if (!tags || tags.length === 0) return c;
  for (const t of tags) c[`aws:RequestTag/${t.Key}`] = t.Value;
  c['aws:TagKeys'] = tags.map((t) => t.Key);
  return c;
}

/** Merge tags: new values replace existing keys (compared case-insensitively, new spelling kept). */
export function mergeTags(existing: Tag[], add: Tag[]): Tag[] {
  const out = existing.filter((e) => !add.some((a) => a.Key.toLowerCase() === e.Key.toLowerCase()));
  return [...out, ...add];
}

export const removeTags = (existing: Tag[], keys: string[]) => {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
};

export function assertTagQuota(tags: Tag[]): void {
  if (tags.length > 50) throw Errors.limitExceeded('The number of tags has reached the maximum limit.');
}

/** Validates a policy document for `kind`; throws MalformedPolicyDocument as IAM does. */
export function validateDocument(text: string, kind: PolicyKind): void {
  const v = validatePolicy(text, { kind });
  if (!v.ok) throw v.error;
}

export function checkManagedSize(text: string): void {
  if (policySize(text) > QUOTA.managed) throw Errors.limitExceeded(`Cannot exceed quota for PolicySize: ${QUOTA.managed}`);
}

export function checkTrustSize(text: string): void {
  if (policySize(text) > QUOTA.trust) throw Errors.limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${QUOTA.trust}`);
}

export const policyNotFound = (arn: string) => Errors.noSuchEntity(`Policy ${arn} was not found.`);
