import type { Sql } from './db.js';
import { isUniqueViolation, PgConstraintError } from './pg-errors.js';
import type { KeysetQuery, Tag } from './types.js';

/** A user of an account, as Tessera keeps it: an IAM user, or the account's root user (`isRoot`). */
export interface User {
  id: string;
  accountId: string;
  name: string;
  path: string;
  isRoot: boolean;
  permissionsBoundary?: string;
  tags: Tag[];
  createdAt: Date;
  passwordLastUsed?: Date;
}

export type NewUser = Pick<User, 'id' | 'accountId' | 'name' | 'path' | 'permissionsBoundary' | 'tags' | 'createdAt'>;

/** A user's console password: the scrypt hash only ("scrypt$N$r$p$salt$hash"). */
export interface LoginProfile {
  userId: string;
  passwordHash: string;
  passwordResetRequired: boolean;
  createdAt: Date;
  passwordChangedAt: Date;
}

/**
 * What still hangs on a user that AWS makes the caller remove before DeleteUser, in the order
 * AWS names them (the first kind found is reported).
 */
export type UserDependent = 'inlinePolicies' | 'attachedPolicies' | 'loginProfile' | 'accessKeys' | 'mfaDevices' | 'groups';

/** A role whose trust policy is bound to a principal's unique id (see iam/policies/trust-binding.ts). */
export interface TrustBinding {
  roleId: string;
  trustPolicy: string;
  /** Principal ARN → unique id. */
  trustPrincipals: Record<string, string>;
}

/** The key IAM users are listed by (ListUsers): the name, case-folded. */
export const userSortKey = (u: Pick<User, 'name'>) => u.name.toLowerCase();

export interface UserRepository {
  /** The IAM user (never root) named `name`, case-insensitively, or null. `lock`: FOR UPDATE (in a transaction). */
  get(accountId: string, name: string, opts?: { lock?: boolean }): Promise<User | null>;
  /** The user (IAM or root) with this unique id, or null. */
  getById(userId: string, opts?: { lock?: boolean }): Promise<User | null>;
  /** IAM users whose path starts with `pathPrefix`, in sort-key order, after `q.after`. */
  page(accountId: string, pathPrefix: string, q: KeysetQuery): Promise<User[]>;
  /** Inserts an IAM user; 'exists' when one of that name (case-insensitively) exists. */
  insert(user: NewUser): Promise<User | 'exists'>;
  /** Renames/moves the user; 'exists' when the new name is taken; false when the user is gone. */
  rename(userId: string, name: string, path: string): Promise<boolean | 'exists'>;
  setTags(userId: string, tags: Tag[]): Promise<void>;
  /**
   * Whether `arn` names a managed policy usable as this account's permissions boundary: one of
   * the account's own or an AWS managed policy. Key-share locks the policy row until commit, so
   * a concurrent DeletePolicy (which locks it FOR UPDATE, then counts boundary uses) either waits
   * and sees this use or deletes first and this finds nothing.
   */
  lockBoundaryPolicy(accountId: string, arn: string): Promise<boolean>;
  /** The first kind of dependent the user still has (see UserDependent), or null. */
  firstDependent(userId: string): Promise<UserDependent | null>;
  /**
   * Roles whose trust policy is bound to `userId`, locked FOR UPDATE, in role-id order (the
   * deleting transaction rewrites them with `unbindTrust`).
   */
  trustBindings(userId: string): Promise<TrustBinding[]>;
  /** Stores a role's rewritten trust policy and bindings, dropping `userId` from the bound ids. */
  unbindTrust(userId: string, b: TrustBinding): Promise<void>;
  /**
   * Deletes the user (its password history, inline and attached policies go with it). 'conflict'
   * when a row still references it (a dependent `firstDependent` does not know); false when gone.
   */
  delete(userId: string): Promise<boolean | 'conflict'>;

  /** Records a console-password sign-in (GetUser's PasswordLastUsed), never moving it back. */
  markPasswordUsed(userId: string, at: Date): Promise<void>;
  /** The user's login profile, or null. `lock`: FOR UPDATE. */
  loginProfile(userId: string, opts?: { lock?: boolean }): Promise<LoginProfile | null>;
  /** 'exists' when the user already has one. */
  insertLoginProfile(p: LoginProfile): Promise<LoginProfile | 'exists'>;
  /** Changes what is given; false when the user has no login profile. */
  updateLoginProfile(userId: string, change: { passwordHash?: string; passwordChangedAt?: Date; passwordResetRequired?: boolean }): Promise<boolean>;
  /** False when the user had none. */
  deleteLoginProfile(userId: string): Promise<boolean>;
  /** The user's newest `n` password hashes (current included), newest first. */
  passwordHistory(userId: string, n: number): Promise<string[]>;
  /** Records a password hash in the user's history, keeping the newest `keep`. */
  rememberPassword(userId: string, passwordHash: string, at: Date, keep: number): Promise<void>;
}

interface UserRow {
  user_id: string;
  account_id: string;
  user_name: string;
  path: string;
  is_root: boolean;
  permissions_boundary: string | null;
  created_at: Date;
  password_last_used: Date | null;
  tags: Tag[];
}

const COLUMNS = 'user_id, account_id, user_name, path, is_root, permissions_boundary, created_at, password_last_used, tags';

export function toUser(r: UserRow): User {
  const u: User = {
    id: r.user_id,
    accountId: r.account_id,
    name: r.user_name,
    path: r.path,
    isRoot: r.is_root,
    tags: r.tags,
    createdAt: r.created_at,
  };
  if (r.permissions_boundary !== null) u.permissionsBoundary = r.permissions_boundary;
  if (r.password_last_used !== null) u.passwordLastUsed = r.password_last_used;
  return u;
}

interface LoginProfileRow {
  user_id: string;
  password_hash: string;
  password_reset_required: boolean;
  created_at: Date;
  password_changed_at: Date;
}

const LP_COLUMNS = 'user_id, password_hash, password_reset_required, created_at, password_changed_at';

const toLoginProfile = (r: LoginProfileRow): LoginProfile => ({
  userId: r.user_id,
  passwordHash: r.password_hash,
  passwordResetRequired: r.password_reset_required,
  createdAt: r.created_at,
  passwordChangedAt: r.password_changed_at,
});

/** The dependents DeleteUser refuses on, in AWS's order; constant SQL per kind. */
const DEPENDENT_CHECKS: readonly [UserDependent, string][] = [
  ['inlinePolicies', 'SELECT 1 FROM user_policies WHERE user_id = $1 LIMIT 1'],
  ['attachedPolicies', 'SELECT 1 FROM user_policy_attachments WHERE user_id = $1 LIMIT 1'],
  ['loginProfile', 'SELECT 1 FROM login_profiles WHERE user_id = $1 LIMIT 1'],
  ['accessKeys', 'SELECT 1 FROM access_keys WHERE user_id = $1 LIMIT 1'],
  ['mfaDevices', 'SELECT 1 FROM mfa_devices WHERE user_id = $1 LIMIT 1'],
  ['groups', 'SELECT 1 FROM group_members WHERE user_id = $1 LIMIT 1'],
];

export class PgUserRepository implements UserRepository {
  constructor(protected readonly q: Sql) {}

  async get(accountId: string, name: string, opts: { lock?: boolean } = {}): Promise<User | null> {
    const r = await this.q.query<UserRow>(
      `SELECT ${COLUMNS} FROM users WHERE account_id = $1 AND lower(user_name) = lower($2) AND NOT is_root${opts.lock ? ' FOR UPDATE' : ''}`,
      [accountId, name],
    );
    return r.rows[0] ? toUser(r.rows[0]) : null;
  }

  async getById(userId: string, opts: { lock?: boolean } = {}): Promise<User | null> {
    const r = await this.q.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE user_id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [userId]);
    return r.rows[0] ? toUser(r.rows[0]) : null;
  }

  async page(accountId: string, pathPrefix: string, q: KeysetQuery): Promise<User[]> {
    const r = await this.q.query<UserRow>(
      `SELECT ${COLUMNS} FROM users
        WHERE account_id = $1 AND NOT is_root AND lower(user_name) > $2 AND starts_with(path, $3)
        ORDER BY lower(user_name) LIMIT $4`,
      [accountId, q.after ?? '', pathPrefix, q.limit],
    );
    return r.rows.map(toUser);
  }

  async insert(user: NewUser): Promise<User | 'exists'> {
    try {
      const r = await this.q.query<UserRow>(
        `INSERT INTO users (user_id, account_id, user_name, path, permissions_boundary, tags, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [user.id, user.accountId, user.name, user.path, user.permissionsBoundary ?? null, JSON.stringify(user.tags), user.createdAt],
      );
      return toUser(r.rows[0]!);
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async rename(userId: string, name: string, path: string): Promise<boolean | 'exists'> {
    try {
      const r = await this.q.query('UPDATE users SET user_name = $2, path = $3 WHERE user_id = $1', [userId, name, path]);
      return (r.rowCount ?? 0) > 0;
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async setTags(userId: string, tags: Tag[]): Promise<void> {
    await this.q.query('UPDATE users SET tags = $2 WHERE user_id = $1', [userId, JSON.stringify(tags)]);
  }

  async lockBoundaryPolicy(accountId: string, arn: string): Promise<boolean> {
    const r = await this.q.query('SELECT 1 FROM policies WHERE arn = $1 AND (account_id = $2 OR account_id IS NULL) FOR KEY SHARE', [arn, accountId]);
    return (r.rowCount ?? 0) > 0;
  }

  async firstDependent(userId: string): Promise<UserDependent | null> {
    for (const [kind, sql] of DEPENDENT_CHECKS) {
      const r = await this.q.query(sql, [userId]);
      if ((r.rowCount ?? 0) > 0) return kind;
    }
    return null;
  }

  async trustBindings(userId: string): Promise<TrustBinding[]> {
    const r = await this.q.query<{ role_id: string; assume_role_policy: string; trust_principals: Record<string, string> }>(
      `SELECT role_id, assume_role_policy, trust_principals FROM roles
        WHERE trust_principal_ids @> ARRAY[$1]::text[] ORDER BY role_id FOR UPDATE`,
      [userId],
    );
    return r.rows.map((x) => ({ roleId: x.role_id, trustPolicy: x.assume_role_policy, trustPrincipals: x.trust_principals }));
  }

  async unbindTrust(userId: string, b: TrustBinding): Promise<void> {
    await this.q.query(
      `UPDATE roles SET assume_role_policy = $2, trust_principals = $3, trust_principal_ids = array_remove(trust_principal_ids, $4) WHERE role_id = $1`,
      [b.roleId, b.trustPolicy, JSON.stringify(b.trustPrincipals), userId],
    );
  }

  async delete(userId: string): Promise<boolean | 'conflict'> {
    try {
      const r = await this.q.query('DELETE FROM users WHERE user_id = $1', [userId]);
      return (r.rowCount ?? 0) > 0;
    } catch (e) {
      if (e instanceof PgConstraintError && e.pgCode === '23503') return 'conflict';
      throw e;
    }
  }

  async markPasswordUsed(userId: string, at: Date): Promise<void> {
    await this.q.query('UPDATE users SET password_last_used = $2 WHERE user_id = $1 AND (password_last_used IS NULL OR password_last_used < $2)', [userId, at]);
  }

  async loginProfile(userId: string, opts: { lock?: boolean } = {}): Promise<LoginProfile | null> {
    const r = await this.q.query<LoginProfileRow>(`SELECT ${LP_COLUMNS} FROM login_profiles WHERE user_id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [userId]);
    return r.rows[0] ? toLoginProfile(r.rows[0]) : null;
  }

  async insertLoginProfile(p: LoginProfile): Promise<LoginProfile | 'exists'> {
    try {
      const r = await this.q.query<LoginProfileRow>(
        `INSERT INTO login_profiles (user_id, password_hash, password_reset_required, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${LP_COLUMNS}`,
        [p.userId, p.passwordHash, p.passwordResetRequired, p.createdAt, p.passwordChangedAt],
      );
      return toLoginProfile(r.rows[0]!);
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async updateLoginProfile(userId: string, change: { passwordHash?: string; passwordChangedAt?: Date; passwordResetRequired?: boolean }): Promise<boolean> {
    // One constant statement: a member left undefined keeps its column.
    const r = await this.q.query(
      `UPDATE login_profiles SET password_hash = COALESCE($2, password_hash), password_changed_at = COALESCE($3, password_changed_at),
         password_reset_required = COALESCE($4, password_reset_required)
        WHERE user_id = $1`,
      [userId, change.passwordHash ?? null, change.passwordChangedAt ?? null, change.passwordResetRequired ?? null],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async deleteLoginProfile(userId: string): Promise<boolean> {
    const r = await this.q.query('DELETE FROM login_profiles WHERE user_id = $1', [userId]);
    return (r.rowCount ?? 0) > 0;
  }

  async passwordHistory(userId: string, n: number): Promise<string[]> {
    const r = await this.q.query<{ password_hash: string }>('SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2', [userId, n]);
    return r.rows.map((x) => x.password_hash);
  }

  async rememberPassword(userId: string, passwordHash: string, at: Date, keep: number): Promise<void> {
    await this.q.query('INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)', [userId, passwordHash, at]);
    await this.q.query(
      `DELETE FROM password_history WHERE user_id = $1 AND id NOT IN (SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)`,
      [userId, keep],
    );
  }
}
