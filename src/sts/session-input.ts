import { Errors } from '../errors/index.js';
import { validatePolicy } from '../policy/index.js';
import type { PolicyDescriptorType, Tag } from '../protocols/generated/sts.js';
import type { Caller } from '../tokens/caller.js';
import type { ContextValue } from '../iam/authorize.js';

/**
 * Inputs shared by the STS actions that create sessions (AssumeRole, GetFederationToken, and
 * part 2's federation actions): the session policy, managed session policy ARNs, session tags
 * and transitive tag keys (their limits are the STS model's, checked by the protocol layer); and
 * the tag rules across a role chain.
 */
export interface SessionPolicyInput {
  policy: string | undefined;
  policyArns: string[] | undefined;
}

/** The session policy members of a typed STS input (AssumeRole*, GetFederationToken). */
export const sessionPolicyOf = (i: { Policy?: string | undefined; PolicyArns?: PolicyDescriptorType[] | undefined }): SessionPolicyInput => ({
  policy: i.Policy,
  policyArns: i.PolicyArns?.map((p) => p.arn).filter((a): a is string => a !== undefined),
});

export interface SessionTagsInput {
  tags: Tag[] | undefined;
  transitiveTagKeys: string[] | undefined;
}

/** The session tag members of a typed STS input (AssumeRole, GetFederationToken). */
export const sessionTagsOf = (i: { Tags?: Tag[] | undefined; TransitiveTagKeys?: string[] | undefined }): SessionTagsInput => ({
  tags: i.Tags,
  transitiveTagKeys: i.TransitiveTagKeys,
});

/** MalformedPolicyDocument unless the inline session policy is a valid policy. */
export function checkSessionPolicy(s: SessionPolicyInput): void {
  if (s.policy === undefined) return;
  const v = validatePolicy(s.policy, { kind: 'session' });
  if (!v.ok) throw v.error;
}

export interface ResolvedTags {
  tags: Record<string, string> | undefined;
  transitiveTagKeys: string[] | undefined;
  /** Only the tags passed in this request (for aws:RequestTag/* and sts:TagSession). */
  requested: Tag[];
}

/**
 * Session tags of a new session: the caller's transitive tags (role chaining) plus the tags
 * passed now. A passed tag may not override an inherited transitive one; keys are unique
 * case-insensitively; transitive keys must name tags of this session.
 */
export function resolveTags(caller: Caller | null, input: SessionTagsInput): ResolvedTags {
  const requested = input.tags ?? [];
  const seen = new Map<string, string>();
  for (const t of requested) {
    const k = t.Key.toLowerCase();
    if (seen.has(k)) throw Errors.invalidParameterValue('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.set(k, t.Key);
  }
  const tags: Record<string, string> = {};
  const transitive = new Map<string, string>();
  const s = caller?.session;
  for (const k of s?.transitiveTagKeys ?? []) {
    const v = s?.tags?.[k];
    if (v === undefined) continue;
    if (seen.has(k.toLowerCase())) {
      throw Errors.invalidParameterValue(`One or more of the specified transitive tag keys can't be set because it conflicts with a transitive tag key in the calling session: ${k}`);
    }
    tags[k] = v;
    transitive.set(k.toLowerCase(), k);
  }
  for (const t of requested) tags[t.Key] = t.Value;
  for (const k of input.transitiveTagKeys ?? []) {
    const key = seen.get(k.toLowerCase());
    if (key === undefined) throw Errors.invalidParameterValue('The specified transitive tag key must be included in the requested tags.');
    transitive.set(k.toLowerCase(), key);
  }
  const hasTags = Object.keys(tags).length > 0;
  return {
    tags: hasTags ? tags : undefined,
    transitiveTagKeys: transitive.size ? [...transitive.values()] : undefined,
    requested,
  };
}

/** aws:RequestTag/<k>, aws:TagKeys and sts:TransitiveTagKeys for the request context. */
export function tagRequestContext(requested: Tag[], transitiveTagKeys: string[] | undefined): Record<string, ContextValue> {
  const c: Record<string, ContextValue> = {};
  for (const t of requested) c[`aws:RequestTag/${t.Key}`] = t.Value;
  if (requested.length) c['aws:TagKeys'] = requested.map((t) => t.Key);
  if (transitiveTagKeys?.length) c['sts:TransitiveTagKeys'] = transitiveTagKeys;
  return c;
}
