/**
 * OpenID Connect provider storage, and the lookups STS federation uses.
 *
 * Contract for AssumeRoleWithWebIdentity (STS):
 *   findOidcProviderByIssuer(db, accountId, issuerUrl) → OidcProvider | null
 *     `issuerUrl` is the token's `iss` claim as is; it is normalized the same way
 *     CreateOpenIDConnectProvider normalizes Url (lower-case host, default port dropped, no
 *     trailing slash) and must match scheme and all. null when the account has no such provider.
 *   getOidcProviderByArn(db, arn) → OidcProvider | null
 *     By provider ARN (`arn:aws:iam::ACCT:oidc-provider/host[:port]/path`), null when unknown or
 *     not an OIDC provider ARN.
 * OidcProvider = { arn, url (issuer with scheme), resource (host[:port]/path, the IAM Url and the
 * `<prov>:` condition-key prefix), accountId, clientIds, thumbprints (lower-case hex), createdAt }.
 */
import { tagsOf, type Sql } from './shared.js';
import type { Tag } from '../common.js';

export interface OidcProvider {
  arn: string;
  accountId: string;
  /** The issuer: `https://host[:port][/path]`. */
  url: string;
  /** `host[:port][/path]`: the ARN's resource part and the condition-key prefix. */
  resource: string;
  clientIds: string[];
  thumbprints: string[];
  createdAt: Date;
}

export interface OidcProviderRow extends OidcProvider {
  tags: Tag[];
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Normalize an issuer URL: https only (http only on loopback when `allowInsecure`), no
 * credentials, query or fragment. Returns null when it isn't an acceptable issuer.
 */
export function normalizeIssuer(raw: string, allowInsecure: boolean): { url: string; resource: string } | null {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && allowInsecure && LOOPBACK.has(u.hostname))) return null;
  if (!u.hostname || u.username || u.password || u.search || u.hash || raw.includes('?') || raw.includes('#')) return null;
  const path = u.pathname.replace(/\/+$/, '');
  const resource = `${u.host}${path}`;
  return { url: `${u.protocol}//${resource}`, resource };
}

const COLS = 'arn, account_id, issuer_url, resource, client_ids, thumbprints, tags, created_at';

export function rowToOidc(r: any): OidcProviderRow {
  return {
    arn: r.arn,
    accountId: r.account_id,
    url: r.issuer_url,
    resource: r.resource,
    clientIds: r.client_ids ?? [],
    thumbprints: r.thumbprints ?? [],
    createdAt: r.created_at,
    tags: tagsOf(r.tags),
  };
}

const publicView = ({ tags: _t, ...p }: OidcProviderRow): OidcProvider => p;

export async function loadOidcProvider(db: Sql, arn: string, forUpdate = false): Promise<OidcProviderRow | null> {
  const r = await db.query(`SELECT ${COLS} FROM oidc_providers WHERE arn = $1${forUpdate ? ' FOR UPDATE' : ''}`, [arn]);
  return r.rows[0] ? rowToOidc(r.rows[0]) : null;
}

export async function getOidcProviderByArn(db: Sql, arn: string): Promise<OidcProvider | null> {
  const p = await loadOidcProvider(db, arn);
  return p ? publicView(p) : null;
}

export async function findOidcProviderByIssuer(db: Sql, accountId: string, issuerUrl: string): Promise<OidcProvider | null> {
  const n = normalizeIssuer(issuerUrl, true);
  if (!n) return null;
  const r = await db.query(`SELECT ${COLS} FROM oidc_providers WHERE account_id = $1 AND resource = $2`, [accountId, n.resource]);
  const p = r.rows[0] ? rowToOidc(r.rows[0]) : null;
  return p && p.url === n.url ? publicView(p) : null;
}
