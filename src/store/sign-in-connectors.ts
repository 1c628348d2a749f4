import type { Sql } from './db.js';
import { isUniqueViolation } from './pg-errors.js';
import type { KeysetQuery } from './types.js';

/** The connector types Tessera knows (src/federation/connector.ts ConnectorType; the table's CHECK). */
export type SignInConnectorType = 'oidc' | 'saml' | 'github' | 'google' | 'microsoft' | 'gitlab';

/**
 * A sign-in connector as stored (migration 0014): its secrets stay sealed here; the admin
 * actions and the connector registry open them (src/federation/registry.ts).
 */
export interface StoredSignInConnector {
  /** Unique per installation: `/signin/<id>` names only the id. */
  id: string;
  accountId: string;
  type: SignInConnectorType;
  displayName: string;
  providerArn: string;
  requireMfa: boolean;
  allowIdpInitiated: boolean;
  enabled: boolean;
  settings: Record<string, unknown>;
  /** One envelope of the JSON secrets map, AAD `sign-in-connector:<accountId>:<id>` (registry.ts). */
  secretsSealed: Buffer;
  createdAt: Date;
  updatedAt: Date;
}

/** What an update may change (id, account, type and creation time never change). */
export type SignInConnectorChange = Pick<
  StoredSignInConnector,
  'displayName' | 'providerArn' | 'requireMfa' | 'allowIdpInitiated' | 'enabled' | 'settings' | 'secretsSealed' | 'updatedAt'
>;

/** The order ListSignInConnectors pages in: the id (byte order). */
export const signInConnectorSortKey = (c: Pick<StoredSignInConnector, 'id'>) => c.id;

export interface SignInConnectorRepository {
  /** The connector `id` of account `accountId`, or null (another account's connector is null too). `lock` holds it FOR UPDATE. */
  get(accountId: string, id: string, opts?: { lock?: boolean }): Promise<StoredSignInConnector | null>;
  /** The account's connectors in id order, after `q.after`. */
  page(accountId: string, q: KeysetQuery): Promise<StoredSignInConnector[]>;
  /** Every enabled connector of the installation, in id order (the registry's load; a handful of rows). */
  listEnabled(): Promise<StoredSignInConnector[]>;
  /**
   * Inserts it unless the account has `quota` connectors already ('quota') or the id is taken in
   * any account ('exists'). Holds a transaction-scoped lock on the account's connectors while
   * counting: run it in `store.tx`.
   */
  insert(c: StoredSignInConnector, quota: number): Promise<StoredSignInConnector | 'exists' | 'quota'>;
  /** Replaces the changeable fields; null when the account has no connector `id`. */
  update(accountId: string, id: string, change: SignInConnectorChange): Promise<StoredSignInConnector | null>;
  delete(accountId: string, id: string): Promise<boolean>;
}

interface Row {
  id: string;
  account_id: string;
  type: SignInConnectorType;
  display_name: string;
  provider_arn: string;
  require_mfa: boolean;
  allow_idp_initiated: boolean;
  enabled: boolean;
  settings: Record<string, unknown>;
  secrets_sealed: Buffer;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, account_id, type, display_name, provider_arn, require_mfa, allow_idp_initiated, enabled, settings, secrets_sealed, created_at, updated_at';

const toConnector = (r: Row): StoredSignInConnector => ({
  id: r.id,
  accountId: r.account_id,
  type: r.type,
  displayName: r.display_name,
  providerArn: r.provider_arn,
  requireMfa: r.require_mfa,
  allowIdpInitiated: r.allow_idp_initiated,
  enabled: r.enabled,
  settings: r.settings && typeof r.settings === 'object' && !Array.isArray(r.settings) ? r.settings : {},
  secretsSealed: r.secrets_sealed,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class PgSignInConnectorRepository implements SignInConnectorRepository {
  constructor(protected readonly q: Sql) {}

  async get(accountId: string, id: string, opts: { lock?: boolean } = {}): Promise<StoredSignInConnector | null> {
    const r = await this.q.query<Row>(`SELECT ${COLUMNS} FROM sign_in_connectors WHERE id = $1 AND account_id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [id, accountId]);
    return r.rows[0] ? toConnector(r.rows[0]) : null;
  }

  async page(accountId: string, q: KeysetQuery): Promise<StoredSignInConnector[]> {
    const r = await this.q.query<Row>(
      `SELECT ${COLUMNS} FROM sign_in_connectors WHERE account_id = $1 AND id COLLATE "C" > $2 ORDER BY id COLLATE "C" LIMIT $3`,
      [accountId, q.after ?? '', q.limit],
    );
    return r.rows.map(toConnector);
  }

  async listEnabled(): Promise<StoredSignInConnector[]> {
    const r = await this.q.query<Row>(`SELECT ${COLUMNS} FROM sign_in_connectors WHERE enabled ORDER BY id COLLATE "C"`);
    return r.rows.map(toConnector);
  }

  async insert(c: StoredSignInConnector, quota: number): Promise<StoredSignInConnector | 'exists' | 'quota'> {
    await this.q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sign-in-connectors:${c.accountId}`]);
    const n = await this.q.query<{ n: number }>('SELECT count(*)::int AS n FROM sign_in_connectors WHERE account_id = $1', [c.accountId]);
    if ((n.rows[0]?.n ?? 0) >= quota) return 'quota';
    try {
      const r = await this.q.query<Row>(
        `INSERT INTO sign_in_connectors (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
        [c.id, c.accountId, c.type, c.displayName, c.providerArn, c.requireMfa, c.allowIdpInitiated, c.enabled, JSON.stringify(c.settings), c.secretsSealed, c.createdAt, c.updatedAt],
      );
      return toConnector(r.rows[0]!);
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async update(accountId: string, id: string, c: SignInConnectorChange): Promise<StoredSignInConnector | null> {
    const r = await this.q.query<Row>(
      `UPDATE sign_in_connectors SET display_name = $3, provider_arn = $4, require_mfa = $5, allow_idp_initiated = $6, enabled = $7,
              settings = $8, secrets_sealed = $9, updated_at = $10
        WHERE id = $1 AND account_id = $2 RETURNING ${COLUMNS}`,
      [id, accountId, c.displayName, c.providerArn, c.requireMfa, c.allowIdpInitiated, c.enabled, JSON.stringify(c.settings), c.secretsSealed, c.updatedAt],
    );
    return r.rows[0] ? toConnector(r.rows[0]) : null;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const r = await this.q.query('DELETE FROM sign_in_connectors WHERE id = $1 AND account_id = $2', [id, accountId]);
    return (r.rowCount ?? 0) > 0;
  }
}
