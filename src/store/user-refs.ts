import type { Sql } from './db.js';

/**
 * The few facts about a user that the key, group and MFA actions need: who it is, its name and
 * path (for its ARN), whether it is the account's root user. A read-only view of `users`; the
 * users aggregate itself (store/users.ts) owns the rest. (Interim: the lead may fold these two
 * lookups into UserRepository at merge.)
 */
export interface UserRef {
  id: string;
  accountId: string;
  /** The root user's name is Tessera's internal one; it is never shown (the root has no UserName). */
  name: string;
  path: string;
  isRoot: boolean;
  createdAt: Date;
  passwordLastUsed?: Date;
}

export interface UserRefRepository {
  /** The IAM user (never the root user) named `name`, case-insensitively; `lock` takes FOR UPDATE. */
  byName(accountId: string, name: string, opts?: { lock?: boolean }): Promise<UserRef | null>;
  /** The user (root included) with id `userId`; `lock` takes FOR UPDATE. */
  byId(userId: string, opts?: { lock?: boolean }): Promise<UserRef | null>;
}

export interface UserRefRow {
  user_id: string;
  account_id: string;
  user_name: string;
  path: string;
  is_root: boolean;
  created_at: Date;
  password_last_used: Date | null;
}

export const USER_REF_COLUMNS = 'user_id, account_id, user_name, path, is_root, created_at, password_last_used';

export function toUserRef(r: UserRefRow): UserRef {
  const u: UserRef = { id: r.user_id, accountId: r.account_id, name: r.user_name, path: r.path, isRoot: r.is_root, createdAt: r.created_at };
  if (r.password_last_used !== null) u.passwordLastUsed = r.password_last_used;
  return u;
}

export class PgUserRefRepository implements UserRefRepository {
  constructor(protected readonly q: Sql) {}

  async byName(accountId: string, name: string, opts: { lock?: boolean } = {}): Promise<UserRef | null> {
    const r = await this.q.query<UserRefRow>(
      `SELECT ${USER_REF_COLUMNS} FROM users WHERE account_id = $1 AND lower(user_name) = lower($2) AND NOT is_root${opts.lock ? ' FOR UPDATE' : ''}`,
      [accountId, name],
    );
    return r.rows[0] ? toUserRef(r.rows[0]) : null;
  }

  async byId(userId: string, opts: { lock?: boolean } = {}): Promise<UserRef | null> {
    const r = await this.q.query<UserRefRow>(`SELECT ${USER_REF_COLUMNS} FROM users WHERE user_id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [userId]);
    return r.rows[0] ? toUserRef(r.rows[0]) : null;
  }
}
