import { Errors } from '../../errors/index.js';
import type { AuthedContext } from '../../protocols/operation.js';
import { accountOf, arnFor, assertUniqueTagKeys, type Page, pageList, partitionOf, type Tag } from '../common.js';

/**
 * Helpers shared by the provider, account and simulation actions: the caller's account and
 * partition, provider ARNs, quotas and tag merging.
 */

export { accountOf, arnFor, partitionOf };

/** Per-account quotas (IAM defaults). */
export const OIDC_PROVIDERS_PER_ACCOUNT = 100;
export const SAML_PROVIDERS_PER_ACCOUNT = 100;
export const CLIENT_IDS_PER_OIDC_PROVIDER = 100;
export const THUMBPRINTS_PER_OIDC_PROVIDER = 5;
export const TAGS_PER_ENTITY = 50;

/** `arn:PART:iam::ACCT:<kind>/<rest>` → its account and rest, or InvalidInput. */
export function parseIamArn(arn: string, kind: 'oidc-provider' | 'saml-provider'): { partition: string; accountId: string; rest: string } {
  const m = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):([a-z-]+)\/(.+)$/.exec(arn);
  if (!m || m[3] !== kind) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
  return { partition: m[1]!, accountId: m[2]!, rest: m[4]! };
}

/** TagX semantics: a given key (case-insensitive) replaces the stored value, others append; at most 50. */
export function mergeTags(existing: Tag[], add: Tag[], quotaName: string): Tag[] {
  assertUniqueTagKeys(add);
  const out = existing.map((t) => ({ ...t }));
  for (const t of add) {
    const i = out.findIndex((e) => e.Key.toLowerCase() === t.Key.toLowerCase());
    if (i >= 0) out[i] = { Key: t.Key, Value: t.Value };
    else out.push({ Key: t.Key, Value: t.Value });
  }
  if (out.length > TAGS_PER_ENTITY) throw Errors.limitExceeded(`Cannot exceed quota for ${quotaName}: ${TAGS_PER_ENTITY}`);
  return out;
}

export function removeTags(existing: Tag[], keys: string[]): Tag[] {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
}

/** Context keys for a request that carries tags (aws:RequestTag/<k>, aws:TagKeys). */
export function tagContext(tags: Tag[] | undefined, keys?: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const t of tags ?? []) out[`aws:RequestTag/${t.Key}`] = t.Value;
  const all = keys ?? (tags ?? []).map((t) => t.Key);
  if (all.length > 0) out['aws:TagKeys'] = all;
  return out;
}

/** A tag page: Marker is the index of the next tag. */
export function pageTags(tags: Tag[], page: Page): { Tags: Tag[]; IsTruncated: boolean; Marker?: string } {
  const r = pageList(tags, page);
  return r.IsTruncated ? { Tags: r.items, IsTruncated: true, Marker: r.Marker! } : { Tags: r.items, IsTruncated: false };
}

/** Tags as the model's Tag list. */
export const tagShapes = (tags: readonly Tag[]): Tag[] => tags.map((t) => ({ Key: t.Key, Value: t.Value }));
