import type { Db, Sql } from './db.js';

/** The pool or a transaction's client. */

/**
 * The key repositories: the key ring (table sts_keys), the settings row that holds the
 * master-key check value, and every column sealed under the master key (for its rotation).
 * Rows come back as domain values; callers never see SQL or column names.
 */
export type KeyPurpose = 'session' | 'jwt-RS256' | 'jwt-ES384';

/** A key-ring row as stored: its material still sealed under the master key (AAD: kid). */
export interface StoredKey {
  id: number;
  kid: string;
  purpose: KeyPurpose;
  materialSealed: Buffer;
  publicJwk: Record<string, unknown> | undefined;
  activatesAt: Date;
  retiresAt: Date;
  expiresAt: Date;
}

/** Advisory locks: one per concern, shared by every replica. */
const LOCKS = {
  /** Bootstrap and master-key rotation (no replica bootstraps during a rotation). */
  bootstrap: 7_245_118_002,
  /** Key-ring rotation (racing replicas create exactly one key). */
  keyRing: 7_245_118_005,
} as const;

/** Takes a transaction-scoped advisory lock (released at commit or rollback). */
export async function lockFor(q: Sql, lock: keyof typeof LOCKS): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [LOCKS[lock]]);
}

interface KeyRow {
  key_id: number;
  kid: string;
  purpose: KeyPurpose;
  material_sealed: Buffer;
  public_jwk: Record<string, unknown> | null;
  activates_at: Date;
  retires_at: Date;
  expires_at: Date;
}

export const keyRing = {
  /** Every key that still verifies at `now`. */
  async unexpired(q: Sql, now: Date): Promise<StoredKey[]> {
    const r = await q.query<KeyRow>(
      `SELECT key_id, kid, purpose, material_sealed, public_jwk, activates_at, retires_at, expires_at
         FROM sts_keys WHERE expires_at > $1`,
      [now],
    );
    return r.rows.map((row) => ({
      id: row.key_id,
      kid: row.kid,
      purpose: row.purpose,
      materialSealed: row.material_sealed,
      publicJwk: row.public_jwk ?? undefined,
      activatesAt: row.activates_at,
      retiresAt: row.retires_at,
      expiresAt: row.expires_at,
    }));
  },

  /**
   * In one transaction under the key-ring lock: when no key of `purpose` is live at `now`,
   * inserts the one `make()` returns. Returns whether it inserted (false: another replica's key
   * is live).
   */
  async createIfNoneLive(db: Pick<Db, 'tx'>, purpose: KeyPurpose, now: Date, make: () => Omit<StoredKey, 'id'>): Promise<boolean> {
    return db.tx(async (c) => {
      await lockFor(c, 'keyRing');
      const live = await c.query(`SELECT 1 FROM sts_keys WHERE purpose = $1 AND activates_at <= $2 AND retires_at > $2 LIMIT 1`, [purpose, now]);
      if (live.rowCount) return false;
      const k = make();
      await c.query(
        `INSERT INTO sts_keys (kid, purpose, material_sealed, public_jwk, activates_at, retires_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [k.kid, k.purpose, k.materialSealed, k.publicJwk ?? null, k.activatesAt, k.retiresAt, k.expiresAt],
      );
      return true;
    });
  },
};

/** The `settings` rows (key → JSON value). */
export const settings = {
  async get(q: Sql, key: string): Promise<unknown> {
    const r = await q.query<{ value: unknown }>(`SELECT value FROM settings WHERE key = $1`, [key]);
    return r.rows[0]?.value;
  },
  /** Writes `value` unless the key exists (a racing writer's value wins). */
  async insertIfAbsent(q: Sql, key: string, value: unknown): Promise<void> {
    await q.query(`INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [key, JSON.stringify(value)]);
  },
  async replace(q: Sql, key: string, value: unknown): Promise<void> {
    await q.query(`UPDATE settings SET value = $2, updated_at = now() WHERE key = $1`, [key, JSON.stringify(value)]);
  },
};

/** One value sealed under the master key, with its associated data (AAD). */
export interface SealedValue {
  aad: string;
  sealed: Buffer;
}

/**
 * Every column sealed under the master key (AAD in brackets): access_keys.secret_sealed
 * [access_key_id], mfa_devices.seed_sealed [serial_number], sts_keys.material_sealed [kid],
 * sign_in_connectors.secrets_sealed [`sign-in-connector:<account_id>:<id>`], sign_in_mfa.seed_sealed
 * [`sign-in-mfa:<principal_key>`].
 * A new sealed column is one entry here. Each entry's statements are written out (no table or
 * column name is interpolated into SQL).
 */
const SEALED_COLUMNS = {
  'access_keys.secret_sealed': {
    sample: `SELECT secret_sealed AS sealed, access_key_id AS aad FROM access_keys LIMIT 1`,
    lockAll: `SELECT access_key_id AS aad, secret_sealed AS sealed FROM access_keys FOR UPDATE`,
    update: `UPDATE access_keys SET secret_sealed = $2 WHERE access_key_id = $1`,
  },
  'mfa_devices.seed_sealed': {
    sample: `SELECT seed_sealed AS sealed, serial_number AS aad FROM mfa_devices LIMIT 1`,
    lockAll: `SELECT serial_number AS aad, seed_sealed AS sealed FROM mfa_devices FOR UPDATE`,
    update: `UPDATE mfa_devices SET seed_sealed = $2 WHERE serial_number = $1`,
  },
  'sts_keys.material_sealed': {
    sample: `SELECT material_sealed AS sealed, kid AS aad FROM sts_keys LIMIT 1`,
    lockAll: `SELECT kid AS aad, material_sealed AS sealed FROM sts_keys FOR UPDATE`,
    update: `UPDATE sts_keys SET material_sealed = $2 WHERE kid = $1`,
  },
  // AAD binds account and id (src/federation/registry.ts connectorSecretsAad); ids contain no ':'.
  'sign_in_connectors.secrets_sealed': {
    sample: `SELECT secrets_sealed AS sealed, 'sign-in-connector:' || account_id || ':' || id AS aad FROM sign_in_connectors LIMIT 1`,
    lockAll: `SELECT 'sign-in-connector:' || account_id || ':' || id AS aad, secrets_sealed AS sealed FROM sign_in_connectors FOR UPDATE`,
    update: `UPDATE sign_in_connectors SET secrets_sealed = $2 WHERE account_id = split_part($1, ':', 2) AND id = split_part($1, ':', 3)`,
  },
  // Tessera's sign-in TOTP seeds of federated people (src/sso/signin-mfa.ts).
  'sign_in_mfa.seed_sealed': {
    sample: `SELECT seed_sealed AS sealed, 'sign-in-mfa:' || principal_key AS aad FROM sign_in_mfa LIMIT 1`,
    lockAll: `SELECT 'sign-in-mfa:' || principal_key AS aad, seed_sealed AS sealed FROM sign_in_mfa FOR UPDATE`,
    update: `UPDATE sign_in_mfa SET seed_sealed = $2 WHERE 'sign-in-mfa:' || principal_key = $1`,
  },
} as const;

export type SealedColumn = keyof typeof SEALED_COLUMNS;
export const SEALED: readonly SealedColumn[] = Object.keys(SEALED_COLUMNS) as SealedColumn[];

export const sealedValues = {
  /** One existing value of the column, if any (checks a key against old data). */
  async sample(q: Sql, column: SealedColumn): Promise<SealedValue | undefined> {
    const r = await q.query<SealedValue>(SEALED_COLUMNS[column].sample);
    return r.rows[0];
  },
  /** Every value of the column, locked FOR UPDATE (call inside the rotation's transaction). */
  async lockAll(q: Sql, column: SealedColumn): Promise<SealedValue[]> {
    return (await q.query<SealedValue>(SEALED_COLUMNS[column].lockAll)).rows;
  },
  async replace(q: Sql, column: SealedColumn, aad: string, sealed: Buffer): Promise<void> {
    await q.query(SEALED_COLUMNS[column].update, [aad, sealed]);
  },
};
