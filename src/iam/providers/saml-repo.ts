/**
 * The SAML provider lookup STS federation uses (a thin face over store.providers, kept so the
 * STS side's call sites need no change).
 *
 *   getSamlProviderByArn(db, arn) → SamlProvider | null
 *     By provider ARN (`arn:aws:iam::ACCT:saml-provider/NAME`; NAME compared case-insensitively,
 *     as names are unique that way). null when unknown or not a SAML provider ARN.
 * SamlProvider = { arn, accountId, name, entityId (the IdP's entityID: compare the assertion's
 * Issuer to it), signingCertificates (PEM, every one is acceptable), validUntil (reject
 * assertions once it has passed), createdAt }.
 */
import type { Sql } from '../../store/db.js';
import { PgProviderRepository, type SamlProvider as StoredSamlProvider } from '../../store/providers.js';

export type SamlProvider = Pick<StoredSamlProvider, 'arn' | 'accountId' | 'name' | 'entityId' | 'signingCertificates' | 'validUntil' | 'createdAt'>;

const ARN = /^arn:[a-z][a-z0-9-]*:iam::(\d{12}):saml-provider\/([\w._-]{1,128})$/;

/** The account and name a SAML provider ARN names, or null when it is not one. */
export function samlArnParts(arn: string): { accountId: string; name: string } | null {
  const m = ARN.exec(arn);
  return m ? { accountId: m[1]!, name: m[2]! } : null;
}

/** The full provider (metadata document included), or null. */
export async function loadSamlProvider(db: Sql, arn: string): Promise<StoredSamlProvider | null> {
  const parts = samlArnParts(arn);
  return parts ? new PgProviderRepository(db).getSaml(parts.accountId, parts.name) : null;
}

export async function getSamlProviderByArn(db: Sql, arn: string): Promise<SamlProvider | null> {
  const p = await loadSamlProvider(db, arn);
  if (!p) return null;
  return { arn: p.arn, accountId: p.accountId, name: p.name, entityId: p.entityId, signingCertificates: p.signingCertificates, validUntil: p.validUntil, createdAt: p.createdAt };
}
