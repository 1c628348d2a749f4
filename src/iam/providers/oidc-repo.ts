/**
 * The OIDC provider lookups STS federation uses (a thin face over store.providers, kept so the
 * STS side's call sites need no change).
 *
 *   findOidcProviderByIssuer(db, accountId, issuerUrl) → OidcProvider | null
 *     `issuerUrl` is the token's `iss` claim as is; it is normalized by THE issuer canonicalizer
 *     (src/federation/oidc/issuer-url.ts `normalizeIssuer`, as CreateOpenIDConnectProvider
 *     normalizes Url) and must match scheme and all. null when the account has no such provider.
 *   getOidcProviderByArn(db, arn) → OidcProvider | null
 * OidcProvider = { arn, url (issuer with scheme), resource (host[:port]/path, the IAM Url and the
 * `<prov>:` condition-key prefix), accountId, clientIds, thumbprints (lower-case hex), createdAt }.
 */
import { normalizeIssuer } from '../../federation/oidc/issuer-url.js';
import type { Sql } from '../../store/db.js';
import { PgProviderRepository, type OidcProvider as StoredOidcProvider } from '../../store/providers.js';

export { normalizeIssuer };

export type OidcProvider = Omit<StoredOidcProvider, 'tags'>;

const publicView = ({ tags: _t, ...p }: StoredOidcProvider): OidcProvider => p;

export async function getOidcProviderByArn(db: Sql, arn: string): Promise<OidcProvider | null> {
  const p = await new PgProviderRepository(db).getOidc(arn);
  return p ? publicView(p) : null;
}

export async function findOidcProviderByIssuer(db: Sql, accountId: string, issuerUrl: string): Promise<OidcProvider | null> {
  const n = normalizeIssuer(issuerUrl, true);
  if (!n) return null;
  const p = await new PgProviderRepository(db).findOidcByResource(accountId, n.resource);
  return p && p.url === n.url ? publicView(p) : null;
}
