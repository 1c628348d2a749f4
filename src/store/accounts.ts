import type { Db, Sql } from './db.js';

/**
 * The accounts repository, bootstrap part: the installation's root account, its root user and
 * the root user's access keys, as first boot and `tessera apply` need them. (Users, groups and
 * access keys of IAM operations have their own repositories.)
 */
type Queryable = Pick<Db, 'query'>;

/** An access key as bootstrap sees it: its owner, sealed secret (AAD: the key id) and status. */
export interface StoredAccessKey {
  userId: string;
  secretSealed: Buffer;
  status: string;
}

export const accounts = {
  /** The bootstrap (root) account's id, or undefined before first boot. */
  async bootstrapAccountId(q: Queryable): Promise<string | undefined> {
    const r = await q.query<{ account_id: string }>('SELECT account_id FROM accounts WHERE is_bootstrap');
    return r.rows[0]?.account_id;
  },

  /** Creates the bootstrap account `root` and its root user (user id = account id). */
  async createBootstrap(q: Queryable, accountId: string): Promise<void> {
    await q.query(`INSERT INTO accounts (account_id, name, is_bootstrap) VALUES ($1, 'root', true)`, [accountId]);
    await q.query(`INSERT INTO users (user_id, account_id, user_name, path, is_root) VALUES ($1, $1, 'root', '/', true)`, [accountId]);
  },

  async accessKey(q: Queryable, accessKeyId: string): Promise<StoredAccessKey | undefined> {
    const r = await q.query<{ user_id: string; secret_sealed: Buffer; status: string }>(
      'SELECT user_id, secret_sealed, status FROM access_keys WHERE access_key_id = $1',
      [accessKeyId],
    );
    const row = r.rows[0];
    return row && { userId: row.user_id, secretSealed: row.secret_sealed, status: row.status };
  },

  /** Whether the root user (user id = account id) has any access key. */
  async rootHasAccessKey(q: Queryable, accountId: string): Promise<boolean> {
    const r = await q.query('SELECT 1 FROM access_keys WHERE user_id = $1', [accountId]);
    return (r.rowCount ?? 0) > 0;
  },

  /** Inserts the root user's access key, or replaces its secret and activates it (configured root credentials). */
  async putRootAccessKey(q: Queryable, accountId: string, accessKeyId: string, secretSealed: Buffer): Promise<void> {
    await q.query(
      `INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed, status)
       VALUES ($1, $2, $2, $3, 'Active')
       ON CONFLICT (access_key_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, status = 'Active'`,
      [accessKeyId, accountId, secretSealed],
    );
  },

  /** Inserts a new root access key (status: the column's default, Active). */
  async insertRootAccessKey(q: Queryable, accountId: string, accessKeyId: string, secretSealed: Buffer): Promise<void> {
    await q.query(`INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed) VALUES ($1, $2, $2, $3)`, [accessKeyId, accountId, secretSealed]);
  },
};

/** Storage of accounts: account rows, aliases, the password policy, account-wide counts (GetAccountSummary). */
export interface AccountRepository {}

export class PgAccountRepository implements AccountRepository {
  constructor(protected readonly q: Sql) {}
}
