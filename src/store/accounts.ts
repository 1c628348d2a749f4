import type { Db, Sql } from './db.js';
import { isUniqueViolation } from './pg-errors.js';

/**
 * The accounts repository, bootstrap part: the installation's root account, its root user and
 * the root user's access keys, as first boot and `tessera apply` need them. (Users, groups and
 * access keys of IAM operations have their own repositories.)
 */

/** An access key as bootstrap sees it: its owner, sealed secret (AAD: the key id) and status. */
export interface StoredAccessKey {
  userId: string;
  secretSealed: Buffer;
  status: string;
}

export const accounts = {
  /** The bootstrap (root) account's id, or undefined before first boot. */
  async bootstrapAccountId(q: Sql): Promise<string | undefined> {
    const r = await q.query<{ account_id: string }>('SELECT account_id FROM accounts WHERE is_bootstrap');
    return r.rows[0]?.account_id;
  },

  /** Creates the bootstrap account `root` and its root user (user id = account id). */
  async createBootstrap(q: Sql, accountId: string): Promise<void> {
    await q.query(`INSERT INTO accounts (account_id, name, is_bootstrap) VALUES ($1, 'root', true)`, [accountId]);
    await q.query(`INSERT INTO users (user_id, account_id, user_name, path, is_root) VALUES ($1, $1, 'root', '/', true)`, [accountId]);
  },

  async accessKey(q: Sql, accessKeyId: string): Promise<StoredAccessKey | undefined> {
    const r = await q.query<{ user_id: string; secret_sealed: Buffer; status: string }>(
      'SELECT user_id, secret_sealed, status FROM access_keys WHERE access_key_id = $1',
      [accessKeyId],
    );
    const row = r.rows[0];
    return row && { userId: row.user_id, secretSealed: row.secret_sealed, status: row.status };
  },

  /** Whether the root user (user id = account id) has any access key. */
  async rootHasAccessKey(q: Sql, accountId: string): Promise<boolean> {
    const r = await q.query('SELECT 1 FROM access_keys WHERE user_id = $1', [accountId]);
    return (r.rowCount ?? 0) > 0;
  },

  /** Inserts the root user's access key, or replaces its secret and activates it (configured root credentials). */
  async putRootAccessKey(q: Sql, accountId: string, accessKeyId: string, secretSealed: Buffer): Promise<void> {
    await q.query(
      `INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed, status)
       VALUES ($1, $2, $2, $3, 'Active')
       ON CONFLICT (access_key_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, status = 'Active'`,
      [accessKeyId, accountId, secretSealed],
    );
  },

  /** Inserts a new root access key (status: the column's default, Active). */
  async insertRootAccessKey(q: Sql, accountId: string, accessKeyId: string, secretSealed: Buffer): Promise<void> {
    await q.query(`INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed) VALUES ($1, $2, $2, $3)`, [accessKeyId, accountId, secretSealed]);
  },
};

/** An account's password policy for its IAM users' console passwords. */
export interface PasswordPolicy {
  minimumPasswordLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  allowUsersToChangePassword: boolean;
  /** Days; absent: passwords do not expire. */
  maxPasswordAge?: number;
  /** How many earlier passwords may not be reused; absent: no reuse prevention. */
  passwordReusePrevention?: number;
  hardExpiry: boolean;
}

/** Storage of accounts: account rows, aliases, the password policy, account-wide counts (GetAccountSummary). */
export interface AccountRepository {
  /** The account's password policy, or null when none is set. */
  passwordPolicy(accountId: string): Promise<PasswordPolicy | null>;
  /** Sets (replaces) the account's password policy. */
  putPasswordPolicy(accountId: string, policy: PasswordPolicy, at: Date): Promise<void>;
  /** False when the account had none. */
  deletePasswordPolicy(accountId: string): Promise<boolean>;
  /** The account's aliases (at most one). */
  aliases(accountId: string): Promise<string[]>;
  /** Sets the account's alias, replacing its old one; 'exists' when another account has it. */
  putAlias(accountId: string, alias: string, at: Date): Promise<void | 'exists'>;
  /** False when the account has no such alias. */
  deleteAlias(accountId: string, alias: string): Promise<boolean>;
  /** The account with this alias (exact), or null (local sign-in's "account ID or alias"). */
  accountOfAlias(alias: string): Promise<string | null>;
}

interface PolicyRow {
  minimum_password_length: number;
  require_symbols: boolean;
  require_numbers: boolean;
  require_uppercase_characters: boolean;
  require_lowercase_characters: boolean;
  allow_users_to_change_password: boolean;
  max_password_age: number | null;
  password_reuse_prevention: number | null;
  hard_expiry: boolean;
}

const POLICY_COLUMNS =
  'minimum_password_length, require_symbols, require_numbers, require_uppercase_characters, require_lowercase_characters, allow_users_to_change_password, max_password_age, password_reuse_prevention, hard_expiry';

function toPolicy(r: PolicyRow): PasswordPolicy {
  const p: PasswordPolicy = {
    minimumPasswordLength: r.minimum_password_length,
    requireSymbols: r.require_symbols,
    requireNumbers: r.require_numbers,
    requireUppercaseCharacters: r.require_uppercase_characters,
    requireLowercaseCharacters: r.require_lowercase_characters,
    allowUsersToChangePassword: r.allow_users_to_change_password,
    hardExpiry: r.hard_expiry,
  };
  if (r.max_password_age !== null) p.maxPasswordAge = r.max_password_age;
  if (r.password_reuse_prevention !== null) p.passwordReusePrevention = r.password_reuse_prevention;
  return p;
}

export class PgAccountRepository implements AccountRepository {
  constructor(protected readonly q: Sql) {}

  async passwordPolicy(accountId: string): Promise<PasswordPolicy | null> {
    const r = await this.q.query<PolicyRow>(`SELECT ${POLICY_COLUMNS} FROM account_password_policy WHERE account_id = $1`, [accountId]);
    return r.rows[0] ? toPolicy(r.rows[0]) : null;
  }

  async putPasswordPolicy(accountId: string, p: PasswordPolicy, at: Date): Promise<void> {
    await this.q.query(
      `INSERT INTO account_password_policy (account_id, ${POLICY_COLUMNS}, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (account_id) DO UPDATE SET minimum_password_length = EXCLUDED.minimum_password_length,
         require_symbols = EXCLUDED.require_symbols, require_numbers = EXCLUDED.require_numbers,
         require_uppercase_characters = EXCLUDED.require_uppercase_characters,
         require_lowercase_characters = EXCLUDED.require_lowercase_characters,
         allow_users_to_change_password = EXCLUDED.allow_users_to_change_password,
         max_password_age = EXCLUDED.max_password_age, password_reuse_prevention = EXCLUDED.password_reuse_prevention,
         hard_expiry = EXCLUDED.hard_expiry, updated_at = EXCLUDED.updated_at`,
      [
        accountId,
        p.minimumPasswordLength,
        p.requireSymbols,
        p.requireNumbers,
        p.requireUppercaseCharacters,
        p.requireLowercaseCharacters,
        p.allowUsersToChangePassword,
        p.maxPasswordAge ?? null,
        p.passwordReusePrevention ?? null,
        p.hardExpiry,
        at,
      ],
    );
  }

  async deletePasswordPolicy(accountId: string): Promise<boolean> {
    const r = await this.q.query('DELETE FROM account_password_policy WHERE account_id = $1', [accountId]);
    return (r.rowCount ?? 0) > 0;
  }

  async accountOfAlias(alias: string): Promise<string | null> {
    const r = await this.q.query<{ account_id: string }>('SELECT account_id FROM account_aliases WHERE alias = $1', [alias]);
    return r.rows[0]?.account_id ?? null;
  }

  async aliases(accountId: string): Promise<string[]> {
    const r = await this.q.query<{ alias: string }>('SELECT alias FROM account_aliases WHERE account_id = $1 ORDER BY alias', [accountId]);
    return r.rows.map((x) => x.alias);
  }

  async putAlias(accountId: string, alias: string, at: Date): Promise<void | 'exists'> {
    try {
      await this.q.query(
        `INSERT INTO account_aliases (account_id, alias, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO UPDATE SET alias = EXCLUDED.alias, created_at = EXCLUDED.created_at`,
        [accountId, alias, at],
      );
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async deleteAlias(accountId: string, alias: string): Promise<boolean> {
    const r = await this.q.query('DELETE FROM account_aliases WHERE account_id = $1 AND alias = $2', [accountId, alias]);
    return (r.rowCount ?? 0) > 0;
  }
}
