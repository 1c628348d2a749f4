import { Errors } from '../errors/index.js';

/**
 * Session tags asserted by an IdP (id_session-tags): at most 50 tags, keys 1-128 and values
 * 0-256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, keys unique case-insensitively, transitive
 * keys a subset of the tag keys. OIDC carries them in the claim
 * `"https://aws.amazon.com/tags": {"principal_tags": {"K": ["v"]}, "transitive_tag_keys": ["K"]}`;
 * SAML in `PrincipalTag:K` and `TransitiveTagKeys` attributes.
 */
export interface SessionTags {
  tags: Record<string, string>;
  transitiveTagKeys: string[] | undefined;
}

const KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
export const MAX_SESSION_TAGS = 50;

export function validateSessionTags(tags: Record<string, string>, transitive: string[] | undefined): SessionTags {
  const keys = Object.keys(tags);
  if (keys.length > MAX_SESSION_TAGS) throw Errors.invalidIdentityToken(`Session tags exceed the limit of ${MAX_SESSION_TAGS}`);
  const seen = new Map<string, string>();
  for (const k of keys) {
    if (!KEY.test(k) || k.toLowerCase().startsWith('aws:')) throw Errors.invalidIdentityToken(`Invalid session tag key: ${k.slice(0, 128)}`);
    if (!VALUE.test(tags[k] ?? '')) throw Errors.invalidIdentityToken(`Invalid session tag value for key: ${k}`);
    if (seen.has(k.toLowerCase())) throw Errors.invalidIdentityToken('Duplicate session tag keys (tag keys are case insensitive)');
    seen.set(k.toLowerCase(), k);
  }
  let trans: string[] | undefined;
  if (transitive !== undefined) {
    if (transitive.length > MAX_SESSION_TAGS) throw Errors.invalidIdentityToken(`Transitive tag keys exceed the limit of ${MAX_SESSION_TAGS}`);
    trans = [];
    for (const t of transitive) {
      const k = seen.get(t.toLowerCase());
      if (k === undefined) throw Errors.invalidIdentityToken(`Transitive tag key ${t.slice(0, 128)} is not a session tag`);
      if (!trans.includes(k)) trans.push(k);
    }
  }
  return { tags, transitiveTagKeys: trans };
}

/** The OIDC `https://aws.amazon.com/tags` claim; undefined when absent. */
export function parseTagsClaim(claim: unknown): SessionTags | undefined {
  if (claim === undefined || claim === null) return undefined;
  if (typeof claim !== 'object' || Array.isArray(claim)) throw Errors.invalidIdentityToken('Invalid https://aws.amazon.com/tags claim');
  const c = claim as { principal_tags?: unknown; transitive_tag_keys?: unknown };
  const tags: Record<string, string> = {};
  if (c.principal_tags !== undefined) {
    if (typeof c.principal_tags !== 'object' || c.principal_tags === null || Array.isArray(c.principal_tags)) {
      throw Errors.invalidIdentityToken('Invalid principal_tags in the https://aws.amazon.com/tags claim');
    }
    for (const [k, v] of Object.entries(c.principal_tags as Record<string, unknown>)) {
      const value = Array.isArray(v) && v.length === 1 && typeof v[0] === 'string' ? v[0] : undefined;
      if (value === undefined) throw Errors.invalidIdentityToken(`Invalid value for principal tag ${k.slice(0, 128)}: expected a list of one string`);
      tags[k] = value;
    }
  }
  let transitive: string[] | undefined;
  if (c.transitive_tag_keys !== undefined) {
    if (!Array.isArray(c.transitive_tag_keys) || !c.transitive_tag_keys.every((x) => typeof x === 'string')) {
      throw Errors.invalidIdentityToken('Invalid transitive_tag_keys in the https://aws.amazon.com/tags claim');
    }
    transitive = c.transitive_tag_keys as string[];
  }
  return validateSessionTags(tags, transitive);
}
