import type { Sql } from './db.js';
import { isUniqueViolation } from './pg-errors.js';
import type { Tag } from './types.js';

/** An OpenID Connect identity provider, as Tessera keeps it. */
export interface OidcProvider {
  /** `arn:PART:iam::ACCT:oidc-provider/<resource>`. */
  arn: string;
  accountId: string;
  /** The issuer as registered: `https://host[:port][/path]` (normalizeIssuer's `url`). */
  url: string;
  /** `host[:port][/path]`: the ARN's resource part, IAM's `Url` and the condition-key prefix. */
  resource: string;
  clientIds: string[];
  /** Lower-case hex SHA-1 digests. */
  thumbprints: string[];
  tags: Tag[];
  createdAt: Date;
}

/** A SAML identity provider, as Tessera keeps it (metadata parsed once, at create/update). */
export interface SamlProvider {
  /** `arn:PART:iam::ACCT:saml-provider/<name>`. */
  arn: string;
  accountId: string;
  name: string;
  uuid: string;
  metadataDocument: string;
  /** The IdP's entityID. */
  entityId: string;
  /** PEM certificates the IdP signs with. */
  signingCertificates: string[];
  validUntil: Date;
  tags: Tag[];
  createdAt: Date;
  updatedAt: Date;
}

/** A SAML provider as ListSAMLProviders shows it. */
export type SamlProviderEntry = Pick<SamlProvider, 'arn' | 'validUntil' | 'createdAt'>;

/** What an update may change on a SAML provider: its metadata and what is parsed from it. */
export type SamlMetadataUpdate = Pick<SamlProvider, 'metadataDocument' | 'entityId' | 'signingCertificates' | 'validUntil' | 'updatedAt'>;

/**
 * Storage of OIDC and SAML identity providers. Creates take a per-account quota: they hold a
 * transaction-scoped lock on the account's providers of that kind while counting, so they must run
 * in `store.tx`.
 */
export interface ProviderRepository {
  /** The OIDC provider with this ARN, or null. `lock` holds it FOR UPDATE (in a transaction). */
  getOidc(arn: string, opts?: { lock?: boolean }): Promise<OidcProvider | null>;
  /** The account's OIDC provider whose resource (`host[:port][/path]`) is `resource`, or null. */
  findOidcByResource(accountId: string, resource: string): Promise<OidcProvider | null>;
  /** The account's OIDC provider ARNs, in ARN order (at most the quota, 100). */
  listOidcArns(accountId: string): Promise<string[]>;
  /** Inserts the provider unless the account has `quota` already ('quota') or one with this resource ('exists'). */
  insertOidc(p: OidcProvider, quota: number): Promise<OidcProvider | 'exists' | 'quota'>;
  /** Sets the provider's client ids / thumbprints / tags (those given); false when it is gone. */
  updateOidc(arn: string, change: { clientIds?: string[]; thumbprints?: string[]; tags?: Tag[] }): Promise<boolean>;
  deleteOidc(arn: string): Promise<boolean>;

  /** The account's SAML provider named `name` (case-insensitively), or null. `lock` holds it FOR UPDATE. */
  getSaml(accountId: string, name: string, opts?: { lock?: boolean }): Promise<SamlProvider | null>;
  /** The account's SAML providers, by case-folded name (at most the quota, 100). */
  listSaml(accountId: string): Promise<SamlProviderEntry[]>;
  /** Inserts the provider unless the account has `quota` already ('quota') or one of this name ('exists'). */
  insertSaml(p: SamlProvider, quota: number): Promise<SamlProvider | 'exists' | 'quota'>;
  updateSamlMetadata(arn: string, change: SamlMetadataUpdate): Promise<boolean>;
  updateSamlTags(arn: string, tags: Tag[]): Promise<boolean>;
  deleteSaml(arn: string): Promise<boolean>;
}

interface OidcRow {
  arn: string;
  account_id: string;
  issuer_url: string;
  resource: string;
  client_ids: string[];
  thumbprints: string[];
  tags: Tag[];
  created_at: Date;
}

interface SamlRow {
  arn: string;
  account_id: string;
  name: string;
  provider_uuid: string;
  metadata_document: string;
  entity_id: string;
  signing_certificates: string[];
  valid_until: Date;
  tags: Tag[];
  created_at: Date;
  updated_at: Date;
}

const OIDC_COLUMNS = 'arn, account_id, issuer_url, resource, client_ids, thumbprints, tags, created_at';
const SAML_COLUMNS = 'arn, account_id, name, provider_uuid, metadata_document, entity_id, signing_certificates, valid_until, tags, created_at, updated_at';

const tagsOf = (v: unknown): Tag[] => (Array.isArray(v) ? (v as Tag[]).map((t) => ({ Key: t.Key, Value: t.Value })) : []);

const toOidc = (r: OidcRow): OidcProvider => ({
  arn: r.arn,
  accountId: r.account_id,
  url: r.issuer_url,
  resource: r.resource,
  clientIds: r.client_ids ?? [],
  thumbprints: r.thumbprints ?? [],
  tags: tagsOf(r.tags),
  createdAt: r.created_at,
});

const toSaml = (r: SamlRow): SamlProvider => ({
  arn: r.arn,
  accountId: r.account_id,
  name: r.name,
  uuid: r.provider_uuid,
  metadataDocument: r.metadata_document,
  entityId: r.entity_id,
  signingCertificates: r.signing_certificates ?? [],
  validUntil: r.valid_until,
  tags: tagsOf(r.tags),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class PgProviderRepository implements ProviderRepository {
  constructor(protected readonly q: Sql) {}

  async getOidc(arn: string, opts: { lock?: boolean } = {}): Promise<OidcProvider | null> {
    const r = await this.q.query<OidcRow>(`SELECT ${OIDC_COLUMNS} FROM oidc_providers WHERE arn = $1${opts.lock ? ' FOR UPDATE' : ''}`, [arn]);
    return r.rows[0] ? toOidc(r.rows[0]) : null;
  }

  async findOidcByResource(accountId: string, resource: string): Promise<OidcProvider | null> {
    const r = await this.q.query<OidcRow>(`SELECT ${OIDC_COLUMNS} FROM oidc_providers WHERE account_id = $1 AND resource = $2`, [accountId, resource]);
    return r.rows[0] ? toOidc(r.rows[0]) : null;
  }

  async listOidcArns(accountId: string): Promise<string[]> {
    const r = await this.q.query<{ arn: string }>('SELECT arn FROM oidc_providers WHERE account_id = $1 ORDER BY arn', [accountId]);
    return r.rows.map((x) => x.arn);
  }

  async insertOidc(p: OidcProvider, quota: number): Promise<OidcProvider | 'exists' | 'quota'> {
    await this.q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`oidc-providers:${p.accountId}`]);
    const n = await this.q.query<{ n: number }>('SELECT count(*)::int AS n FROM oidc_providers WHERE account_id = $1', [p.accountId]);
    if ((n.rows[0]?.n ?? 0) >= quota) return 'quota';
    try {
      const r = await this.q.query<OidcRow>(
        `INSERT INTO oidc_providers (arn, account_id, issuer_url, resource, client_ids, thumbprints, tags, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${OIDC_COLUMNS}`,
        [p.arn, p.accountId, p.url, p.resource, p.clientIds, p.thumbprints, JSON.stringify(p.tags), p.createdAt],
      );
      return toOidc(r.rows[0]!);
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async updateOidc(arn: string, change: { clientIds?: string[]; thumbprints?: string[]; tags?: Tag[] }): Promise<boolean> {
    const r = await this.q.query(
      `UPDATE oidc_providers SET client_ids = coalesce($2, client_ids), thumbprints = coalesce($3, thumbprints), tags = coalesce($4::jsonb, tags) WHERE arn = $1`,
      [arn, change.clientIds ?? null, change.thumbprints ?? null, change.tags === undefined ? null : JSON.stringify(change.tags)],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async deleteOidc(arn: string): Promise<boolean> {
    const r = await this.q.query('DELETE FROM oidc_providers WHERE arn = $1', [arn]);
    return (r.rowCount ?? 0) > 0;
  }

  async getSaml(accountId: string, name: string, opts: { lock?: boolean } = {}): Promise<SamlProvider | null> {
    const r = await this.q.query<SamlRow>(
      `SELECT ${SAML_COLUMNS} FROM saml_providers WHERE account_id = $1 AND lower(name) = lower($2)${opts.lock ? ' FOR UPDATE' : ''}`,
      [accountId, name],
    );
    return r.rows[0] ? toSaml(r.rows[0]) : null;
  }

  async listSaml(accountId: string): Promise<SamlProviderEntry[]> {
    const r = await this.q.query<{ arn: string; valid_until: Date; created_at: Date }>(
      'SELECT arn, valid_until, created_at FROM saml_providers WHERE account_id = $1 ORDER BY lower(name)',
      [accountId],
    );
    return r.rows.map((x) => ({ arn: x.arn, validUntil: x.valid_until, createdAt: x.created_at }));
  }

  async insertSaml(p: SamlProvider, quota: number): Promise<SamlProvider | 'exists' | 'quota'> {
    await this.q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`saml-providers:${p.accountId}`]);
    const n = await this.q.query<{ n: number }>('SELECT count(*)::int AS n FROM saml_providers WHERE account_id = $1', [p.accountId]);
    if ((n.rows[0]?.n ?? 0) >= quota) return 'quota';
    try {
      const r = await this.q.query<SamlRow>(
        `INSERT INTO saml_providers (arn, account_id, name, provider_uuid, metadata_document, entity_id, signing_certificates, valid_until, tags, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${SAML_COLUMNS}`,
        [p.arn, p.accountId, p.name, p.uuid, p.metadataDocument, p.entityId, p.signingCertificates, p.validUntil, JSON.stringify(p.tags), p.createdAt, p.updatedAt],
      );
      return toSaml(r.rows[0]!);
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async updateSamlMetadata(arn: string, c: SamlMetadataUpdate): Promise<boolean> {
    const r = await this.q.query(
      'UPDATE saml_providers SET metadata_document = $2, entity_id = $3, signing_certificates = $4, valid_until = $5, updated_at = $6 WHERE arn = $1',
      [arn, c.metadataDocument, c.entityId, c.signingCertificates, c.validUntil, c.updatedAt],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async updateSamlTags(arn: string, tags: Tag[]): Promise<boolean> {
    const r = await this.q.query('UPDATE saml_providers SET tags = $2 WHERE arn = $1', [arn, JSON.stringify(tags)]);
    return (r.rowCount ?? 0) > 0;
  }

  async deleteSaml(arn: string): Promise<boolean> {
    const r = await this.q.query('DELETE FROM saml_providers WHERE arn = $1', [arn]);
    return (r.rowCount ?? 0) > 0;
  }
}
