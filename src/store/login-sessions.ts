import type { Sql } from './db.js';

/**
 * The durable registry of login sessions (people signed in in a browser; issue 11) and the
 * sign-in MFA factor of federated identities. The live session state is in the cache
 * (src/sso/login-sessions.ts); these rows are what an administrator lists and revokes, and the
 * TOTP seeds/recovery codes Tessera keeps for connectors that require MFA.
 */
export interface LoginSessionRow {
  id: string;
  accountId: string;
  principalKey: string;
  principalArn: string;
  connectorId: string | undefined;
  subject: string | undefined;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | undefined;
  sourceIp: string;
  userAgent: string;
}

export type LoginSessionFilter =
  | { principalKey: string }
  | { principalArn: string }
  | { connectorId: string; subject: string }
  | { accountId: string };

export interface SignInMfaRecord {
  principalKey: string;
  seedSealed: Buffer;
  lastCounter: number;
  createdAt: Date;
}

export interface LoginSessionRepository {
  insert(s: Omit<LoginSessionRow, 'revokedAt'>): Promise<void>;
  get(id: string): Promise<LoginSessionRow | null>;
  /** Sessions matching the filter, newest first, unexpired and unrevoked unless `all`; keyset on id. */
  list(accountId: string, f: LoginSessionFilter, now: Date, q: { after?: string | undefined; limit: number; all?: boolean }): Promise<LoginSessionRow[]>;
  /** Marks the session revoked (first revocation wins); true when it was live. */
  revoke(id: string, at: Date): Promise<boolean>;
  /** Marks every live session of the principal revoked; returns their ids. */
  revokeAllOf(principalKey: string, at: Date): Promise<string[]>;
  /** Deletes up to `limit` sessions that ended before `before`. */
  purge(before: Date, limit: number): Promise<number>;

  mfa(principalKey: string): Promise<SignInMfaRecord | null>;
  /** Stores the factor and its recovery-code hashes; false when the principal already has one. */
  insertMfa(r: SignInMfaRecord, recoveryHashes: readonly string[]): Promise<boolean>;
  /** Advances the last accepted step atomically; false when it was already at or past it. */
  consumeMfaCounter(principalKey: string, counter: number): Promise<boolean>;
  /** Marks an unused recovery code used; false when unknown or already used. */
  useRecoveryCode(principalKey: string, codeHash: string, at: Date): Promise<boolean>;
  unusedRecoveryCodes(principalKey: string): Promise<number>;
}

interface Row {
  id: string;
  account_id: string;
  principal_key: string;
  principal_arn: string;
  connector_id: string | null;
  subject: string | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  source_ip: string;
  user_agent: string;
}

const COLUMNS = 'id, account_id, principal_key, principal_arn, connector_id, subject, created_at, expires_at, revoked_at, source_ip, user_agent';

const toRow = (r: Row): LoginSessionRow => ({
  id: r.id,
  accountId: r.account_id,
  principalKey: r.principal_key,
  principalArn: r.principal_arn,
  connectorId: r.connector_id ?? undefined,
  subject: r.subject ?? undefined,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at ?? undefined,
  sourceIp: r.source_ip,
  userAgent: r.user_agent,
});

export class PgLoginSessionRepository implements LoginSessionRepository {
  constructor(protected readonly q: Sql) {}

  async insert(s: Omit<LoginSessionRow, 'revokedAt'>): Promise<void> {
    await this.q.query(
      `INSERT INTO login_sessions (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10)`,
      [s.id, s.accountId, s.principalKey, s.principalArn, s.connectorId ?? null, s.subject ?? null, s.createdAt, s.expiresAt, s.sourceIp, s.userAgent],
    );
  }

  async get(id: string): Promise<LoginSessionRow | null> {
    const r = await this.q.query<Row>(`SELECT ${COLUMNS} FROM login_sessions WHERE id = $1`, [id]);
    return r.rows[0] ? toRow(r.rows[0]) : null;
  }

  async list(accountId: string, f: LoginSessionFilter, now: Date, q: { after?: string | undefined; limit: number; all?: boolean }): Promise<LoginSessionRow[]> {
    // One statement text: absent filters are NULL parameters.
    const p = 'principalKey' in f ? f.principalKey : null;
    const a = 'principalArn' in f ? f.principalArn : null;
    const c = 'connectorId' in f ? f.connectorId : null;
    const s = 'subject' in f ? f.subject : null;
    const r = await this.q.query<Row>(
      `SELECT ${COLUMNS} FROM login_sessions
        WHERE account_id = $1
          AND ($2::text IS NULL OR principal_key = $2)
          AND ($3::text IS NULL OR principal_arn = $3)
          AND ($4::text IS NULL OR (connector_id = $4 AND subject = $5))
          AND ($6::boolean OR (revoked_at IS NULL AND expires_at > $7))
          AND id COLLATE "C" > $8
        ORDER BY id COLLATE "C" LIMIT $9`,
      [accountId, p, a, c, s, q.all === true, now, q.after ?? '', q.limit],
    );
    return r.rows.map(toRow);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const r = await this.q.query(`UPDATE login_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2`, [id, at]);
    return r.rowCount === 1;
  }

  async revokeAllOf(principalKey: string, at: Date): Promise<string[]> {
    const r = await this.q.query<{ id: string }>(
      `UPDATE login_sessions SET revoked_at = $2 WHERE principal_key = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING id`,
      [principalKey, at],
    );
    return r.rows.map((x) => x.id);
  }

  async purge(before: Date, limit: number): Promise<number> {
    const r = await this.q.query(`DELETE FROM login_sessions WHERE ctid IN (SELECT ctid FROM login_sessions WHERE expires_at < $1 LIMIT $2)`, [before, limit]);
    return r.rowCount ?? 0;
  }

  async mfa(principalKey: string): Promise<SignInMfaRecord | null> {
    const r = await this.q.query<{ principal_key: string; seed_sealed: Buffer; last_counter: string; created_at: Date }>(
      `SELECT principal_key, seed_sealed, last_counter, created_at FROM sign_in_mfa WHERE principal_key = $1`,
      [principalKey],
    );
    const x = r.rows[0];
    return x ? { principalKey: x.principal_key, seedSealed: x.seed_sealed, lastCounter: Number(x.last_counter), createdAt: x.created_at } : null;
  }

  async insertMfa(m: SignInMfaRecord, recoveryHashes: readonly string[]): Promise<boolean> {
    const r = await this.q.query(
      `WITH f AS (
         INSERT INTO sign_in_mfa (principal_key, seed_sealed, last_counter, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (principal_key) DO NOTHING RETURNING principal_key)
       INSERT INTO sign_in_recovery_codes (principal_key, code_hash)
         SELECT f.principal_key, h FROM f, unnest($5::text[]) AS h`,
      [m.principalKey, m.seedSealed, m.lastCounter, m.createdAt, recoveryHashes],
    );
    return (r.rowCount ?? 0) > 0 || (recoveryHashes.length === 0 && (await this.mfa(m.principalKey)) !== null);
  }

  async consumeMfaCounter(principalKey: string, counter: number): Promise<boolean> {
    const r = await this.q.query(`UPDATE sign_in_mfa SET last_counter = $2 WHERE principal_key = $1 AND last_counter < $2`, [principalKey, counter]);
    return r.rowCount === 1;
  }

  async useRecoveryCode(principalKey: string, codeHash: string, at: Date): Promise<boolean> {
    const r = await this.q.query(
      `UPDATE sign_in_recovery_codes SET used_at = $3 WHERE principal_key = $1 AND code_hash = $2 AND used_at IS NULL`,
      [principalKey, codeHash, at],
    );
    return r.rowCount === 1;
  }

  async unusedRecoveryCodes(principalKey: string): Promise<number> {
    const r = await this.q.query<{ n: string }>(`SELECT count(*) AS n FROM sign_in_recovery_codes WHERE principal_key = $1 AND used_at IS NULL`, [principalKey]);
    return Number(r.rows[0]?.n ?? 0);
  }
}
