import type { Sql } from './db.js';

/**
 * Storage of temporary-credential sessions: revocations (sts_revocations), one-time-use records
 * (one_time_uses), and the owner lookup of GetAccessKeyInfo. The caching around them (Redis
 * fast path, markers, memo) is src/sts/revocation.ts and src/security/one-time-use.ts.
 */
export type RevocationKind = 'session' | 'access-key' | 'role';

export interface Revocation {
  kind: RevocationKind;
  /** Session id, access key id, or role id. */
  subject: string;
  /** Role revocations: sessions issued strictly before this are refused. */
  issuedBefore: Date | undefined;
  expiresAt: Date;
}

export interface SessionRepository {
  /**
   * Records a revocation, merged with any existing one of the same subject: the cutoff and the
   * expiry never move backwards. Returns the stored row.
   */
  recordRevocation(r: { kind: RevocationKind; subject: string; issuedBefore: Date | undefined; now: Date; expiresAt: Date }): Promise<Revocation>;
  /** Unexpired revocations in (kind, subject) order after `after`, at most `limit` (the cache rebuild's batches). */
  revocationsPage(now: Date, after: { kind: string; subject: string } | undefined, limit: number): Promise<Revocation[]>;
  /** The unexpired revocations of these sessions, access keys and roles. */
  findRevocations(now: Date, subjects: { sessions: string[]; accessKeys: string[]; roles: string[] }): Promise<Revocation[]>;
  /** Deletes up to `limit` expired revocations; returns how many. */
  purgeRevocations(now: Date, limit: number): Promise<number>;
  /**
   * Stores the use of (scope, digest) until `expiresAt`: true when this is its first use (or the
   * previous one expired), false for a repeat.
   */
  consumeOnce(scope: string, digest: string, now: Date, expiresAt: Date): Promise<boolean>;
  /** Deletes up to `limit` expired one-time-use records; returns how many. */
  purgeOneTimeUses(now: Date, limit: number): Promise<number>;
  /** The account of a stored (long-term) access key, or null when no such key is stored. */
  accessKeyAccount(accessKeyId: string): Promise<string | null>;
}

interface RevocationRow {
  kind: RevocationKind;
  subject: string;
  issued_before: Date | null;
  expires_at: Date;
}

const toRevocation = (r: RevocationRow): Revocation => ({ kind: r.kind, subject: r.subject, issuedBefore: r.issued_before ?? undefined, expiresAt: r.expires_at });

export class PgSessionRepository implements SessionRepository {
  constructor(protected readonly q: Sql) {}

  async recordRevocation(r: { kind: RevocationKind; subject: string; issuedBefore: Date | undefined; now: Date; expiresAt: Date }): Promise<Revocation> {
    const res = await this.q.query<RevocationRow>(
      `INSERT INTO sts_revocations (kind, subject, issued_before, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, subject) DO UPDATE SET
         issued_before = GREATEST(sts_revocations.issued_before, EXCLUDED.issued_before),
         expires_at = GREATEST(sts_revocations.expires_at, EXCLUDED.expires_at)
       RETURNING kind, subject, issued_before, expires_at`,
      [r.kind, r.subject, r.issuedBefore ?? null, r.now, r.expiresAt],
    );
    return toRevocation(res.rows[0]!);
  }

  async revocationsPage(now: Date, after: { kind: string; subject: string } | undefined, limit: number): Promise<Revocation[]> {
    const res = await this.q.query<RevocationRow>(
      `SELECT kind, subject, issued_before, expires_at FROM sts_revocations
        WHERE expires_at > $1 AND (kind, subject) > ($2, $3) ORDER BY kind, subject LIMIT $4`,
      [now, after?.kind ?? '', after?.subject ?? '', limit],
    );
    return res.rows.map(toRevocation);
  }

  async findRevocations(now: Date, s: { sessions: string[]; accessKeys: string[]; roles: string[] }): Promise<Revocation[]> {
    const res = await this.q.query<RevocationRow>(
      `SELECT kind, subject, issued_before, expires_at FROM sts_revocations
        WHERE expires_at > $1 AND ((kind = 'session' AND subject = ANY($2)) OR (kind = 'access-key' AND subject = ANY($3))
           OR (kind = 'role' AND subject = ANY($4)))`,
      [now, s.sessions, s.accessKeys, s.roles],
    );
    return res.rows.map(toRevocation);
  }

  async purgeRevocations(now: Date, limit: number): Promise<number> {
    const res = await this.q.query(`DELETE FROM sts_revocations WHERE ctid IN (SELECT ctid FROM sts_revocations WHERE expires_at <= $1 LIMIT $2)`, [now, limit]);
    return res.rowCount ?? 0;
  }

  async consumeOnce(scope: string, digest: string, now: Date, expiresAt: Date): Promise<boolean> {
    const res = await this.q.query(
      `INSERT INTO one_time_uses (scope, id, used_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope, id) DO UPDATE SET used_at = EXCLUDED.used_at, expires_at = EXCLUDED.expires_at
         WHERE one_time_uses.expires_at <= EXCLUDED.used_at`,
      [scope, digest, now, expiresAt],
    );
    return res.rowCount === 1;
  }

  async purgeOneTimeUses(now: Date, limit: number): Promise<number> {
    const res = await this.q.query(`DELETE FROM one_time_uses WHERE ctid IN (SELECT ctid FROM one_time_uses WHERE expires_at <= $1 LIMIT $2)`, [now, limit]);
    return res.rowCount ?? 0;
  }

  async accessKeyAccount(accessKeyId: string): Promise<string | null> {
    const res = await this.q.query<{ account_id: string }>('SELECT account_id FROM access_keys WHERE access_key_id = $1', [accessKeyId]);
    return res.rows[0]?.account_id ?? null;
  }
}
