/**
 * SAML provider storage, and the lookup STS federation uses.
 *
 * Contract for AssumeRoleWithSAML (STS):
 *   getSamlProviderByArn(db, arn) → SamlProvider | null
 *     By provider ARN (`arn:aws:iam::ACCT:saml-provider/NAME`; NAME compared case-insensitively,
 *     as names are unique that way). null when unknown or not a SAML provider ARN.
 * SamlProvider = { arn, accountId, name, entityId (the IdP's entityID: compare the assertion's
 * Issuer to it), signingCertificates (PEM, every one is acceptable), validUntil (reject
 * assertions once it has passed), createdAt }.
 */
import { randomUUID } from 'node:crypto';
import type { Tag } from '../common.js';
import { tagsOf, type Sql } from './shared.js';

export interface SamlProvider {
  arn: string;
  accountId: string;
  name: string;
  entityId: string;
  signingCertificates: string[];
  validUntil: Date;
  createdAt: Date;
}

export interface SamlProviderRow extends SamlProvider {
  uuid: string;
  metadataDocument: string;
  tags: Tag[];
}

const COLS = 'arn, account_id, name, provider_uuid, metadata_document, entity_id, signing_certificates, valid_until, tags, created_at';

export const newProviderUuid = () => randomUUID();

function rowToSaml(r: any): SamlProviderRow {
  return {
    arn: r.arn,
    accountId: r.account_id,
    name: r.name,
    uuid: r.provider_uuid,
    metadataDocument: r.metadata_document,
    entityId: r.entity_id,
    signingCertificates: r.signing_certificates ?? [],
    validUntil: r.valid_until,
    createdAt: r.created_at,
    tags: tagsOf(r.tags),
  };
}

const ARN = /^arn:[a-z][a-z0-9-]*:iam::(\d{12}):saml-provider\/([\w._-]{1,128})$/;

/** Loads the full row (metadata document included). */
export async function loadSamlProvider(db: Sql, arn: string, forUpdate = false): Promise<SamlProviderRow | null> {
  const m = ARN.exec(arn);
  if (!m) return null;
  const r = await db.query(
    `SELECT ${COLS} FROM saml_providers WHERE account_id = $1 AND lower(name) = lower($2)${forUpdate ? ' FOR UPDATE' : ''}`,
    [m[1], m[2]],
  );
  return r.rows[0] ? rowToSaml(r.rows[0]) : null;
}

export async function getSamlProviderByArn(db: Sql, arn: string): Promise<SamlProvider | null> {
  const m = ARN.exec(arn);
  if (!m) return null;
  const r = await db.query(
    `SELECT arn, account_id, name, entity_id, signing_certificates, valid_until, created_at
       FROM saml_providers WHERE account_id = $1 AND lower(name) = lower($2)`,
    [m[1], m[2]],
  );
  const x = r.rows[0];
  if (!x) return null;
  return {
    arn: x.arn,
    accountId: x.account_id,
    name: x.name,
    entityId: x.entity_id,
    signingCertificates: x.signing_certificates ?? [],
    validUntil: x.valid_until,
    createdAt: x.created_at,
  };
}
