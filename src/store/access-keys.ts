import type { Sql } from './db.js';
import type { KeysetQuery } from './types.js';

/** A long-term (AKIA) access key, without its secret. */
export interface AccessKey {
  id: string;
  accountId: string;
  userId: string;
  status: 'Active' | 'Inactive' | 'Expired';
  createdAt: Date;
  /** When, by which service and in which region the key was last used. */
  lastUsed?: { at: Date; service?: string; region?: string };
}

export interface NewAccessKey {
  id: string;
  accountId: string;
  userId: string;
  /** The secret, sealed to the key id (keys/envelope.ts). */
  secretSealed: Buffer;
  createdAt: Date;
}

/** What the SigV4 credential resolver needs of a key: its sealed secret, status and user. */
export interface KeyCredential {
  secretSealed: Buffer;
  status: AccessKey['status'];
  accountId: string;
  userId: string;
  userName: string;
  path: string;
  isRoot: boolean;
}

/** The order ListAccessKeys pages in: the key id. */
export const accessKeySortKey = (k: Pick<AccessKey, 'id'>) => k.id;

/** Storage of access keys (long-term) and their last use; the credential resolver's lookups. */
export interface AccessKeyRepository {
  /** The key `accessKeyId` of account `accountId`, or null. */
  get(accountId: string, accessKeyId: string): Promise<AccessKey | null>;
  /** How many keys the user has. */
  countForUser(userId: string): Promise<number>;
  /** Inserts an Active key. */
  insert(key: NewAccessKey): Promise<AccessKey>;
  /** Deletes the user's key; false when the user has no such key. */
  delete(userId: string, accessKeyId: string): Promise<boolean>;
  /** Sets the status of the user's key; false when the user has no such key. */
  setStatus(userId: string, accessKeyId: string, status: AccessKey['status']): Promise<boolean>;
  /** The user's keys in key-id order, after `q.after`. */
  pageForUser(userId: string, q: KeysetQuery): Promise<AccessKey[]>;
  /** The key with its sealed secret and its user, for SigV4 (one query); null when unknown. */
  credential(accessKeyId: string): Promise<KeyCredential | null>;
  /** Notes a use of the key; never moves the last use backwards. */
  recordLastUsed(accessKeyId: string, at: Date, service: string, region: string): Promise<void>;
}

interface KeyRow {
  access_key_id: string;
  account_id: string;
  user_id: string;
  status: AccessKey['status'];
  created_at: Date;
  last_used_at: Date | null;
  last_used_service: string | null;
  last_used_region: string | null;
}

const COLUMNS = 'access_key_id, account_id, user_id, status, created_at, last_used_at, last_used_service, last_used_region';

function toKey(r: KeyRow): AccessKey {
  const k: AccessKey = { id: r.access_key_id, accountId: r.account_id, userId: r.user_id, status: r.status, createdAt: r.created_at };
  if (r.last_used_at !== null) {
    k.lastUsed = { at: r.last_used_at };
    if (r.last_used_service !== null) k.lastUsed.service = r.last_used_service;
    if (r.last_used_region !== null) k.lastUsed.region = r.last_used_region;
  }
  return k;
}

export class PgAccessKeyRepository implements AccessKeyRepository {
  constructor(protected readonly q: Sql) {}

  async get(accountId: string, accessKeyId: string): Promise<AccessKey | null> {
    const r = await this.q.query<KeyRow>(`SELECT ${COLUMNS} FROM access_keys WHERE access_key_id = $1 AND account_id = $2`, [accessKeyId, accountId]);
    return r.rows[0] ? toKey(r.rows[0]) : null;
  }

  async countForUser(userId: string): Promise<number> {
    const r = await this.q.query<{ n: number }>('SELECT count(*)::int AS n FROM access_keys WHERE user_id = $1', [userId]);
    return r.rows[0]!.n;
  }

  async insert(key: NewAccessKey): Promise<AccessKey> {
    const r = await this.q.query<KeyRow>(
      `INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed, status, created_at) VALUES ($1, $2, $3, $4, 'Active', $5)
       RETURNING ${COLUMNS}`,
      [key.id, key.accountId, key.userId, key.secretSealed, key.createdAt],
    );
    return toKey(r.rows[0]!);
  }

  async delete(userId: string, accessKeyId: string): Promise<boolean> {
    const r = await this.q.query('DELETE FROM access_keys WHERE access_key_id = $1 AND user_id = $2', [accessKeyId, userId]);
    return r.rowCount === 1;
  }

  async setStatus(userId: string, accessKeyId: string, status: AccessKey['status']): Promise<boolean> {
    const r = await this.q.query('UPDATE access_keys SET status = $3 WHERE access_key_id = $1 AND user_id = $2', [accessKeyId, userId, status]);
    return r.rowCount === 1;
  }

  async pageForUser(userId: string, q: KeysetQuery): Promise<AccessKey[]> {
    const r = await this.q.query<KeyRow>(
      `SELECT ${COLUMNS} FROM access_keys WHERE user_id = $1 AND access_key_id > $2 ORDER BY access_key_id LIMIT $3`,
      [userId, q.after ?? '', q.limit],
    );
    return r.rows.map(toKey);
  }

  async credential(accessKeyId: string): Promise<KeyCredential | null> {
    const r = await this.q.query<{
      secret_sealed: Buffer;
      status: AccessKey['status'];
      account_id: string;
      user_id: string;
      user_name: string;
      path: string;
      is_root: boolean;
    }>(
      `SELECT k.secret_sealed, k.status, k.account_id, u.user_id, u.user_name, u.path, u.is_root
         FROM access_keys k JOIN users u ON u.user_id = k.user_id
        WHERE k.access_key_id = $1`,
      [accessKeyId],
    );
    const row = r.rows[0];
    if (!row) return null;
    return { secretSealed: row.secret_sealed, status: row.status, accountId: row.account_id, userId: row.user_id, userName: row.user_name, path: row.path, isRoot: row.is_root };
  }

  async recordLastUsed(accessKeyId: string, at: Date, service: string, region: string): Promise<void> {
    await this.q.query(
      `UPDATE access_keys SET last_used_at = $2, last_used_service = $3, last_used_region = $4
        WHERE access_key_id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`,
      [accessKeyId, at, service, region],
    );
  }
}
