import type { Sql } from './db.js';
import { isUniqueViolation } from './pg-errors.js';
import type { KeysetQuery, Tag } from './types.js';

/** The ids a binding holds (indexed: roles.trust_principal_ids), '' (bound to nobody) left out. */
const boundIds = (principals: Record<string, string>) => [...new Set(Object.values(principals).filter((id) => id !== ''))];

/** An IAM role, as Tessera keeps it. */
export interface Role {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  /** The trust policy as stored (bound principals shown as their ARNs, or ids once deleted). */
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  tags: Tag[];
  createdAt: Date;
  lastUsed?: { at: Date; region?: string };
}

export type NewRole = Omit<Role, 'lastUsed'> & {
  /** Principal ARN → unique id of the trust policy's principals that are ours (trust-binding; '' binds to nobody). */
  trustPrincipals: Record<string, string>;
};

/** The key roles are listed by (ListRoles, GetAccountAuthorizationDetails): the name, case-folded, byte order. */
export const roleSortKey = (r: Pick<Role, 'name'>) => r.name.toLowerCase();

/** What STS reads to assume a role (the hot path: one indexed row, only these columns). */
export interface AssumableRole {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  trustPolicy: string;
  /** The trust policy's identity binding: principal ARN → unique id. */
  trustPrincipals: Record<string, string>;
  maxSessionDuration: number;
}

/** A trust policy bound to some principal (what deleting that principal rewrites). */
export interface BoundTrust {
  roleId: string;
  trustPolicy: string;
  trustPrincipals: Record<string, string>;
}

/** A user or role a trust policy may name, as trust binding sees it. */
export interface TrustPrincipal {
  id: string;
  path: string;
}

/**
 * Lock order, for every transaction that takes more than one role (or user) row: the principals
 * a trust policy names or a deletion removes FIRST, the roles whose trust policies bind them
 * AFTER. DeleteRole/DeleteUser lock the principal (FOR UPDATE, to delete it), then the roles
 * bound to it (`boundTo`, FOR NO KEY UPDATE); UpdateAssumeRolePolicy key-shares the principals
 * it names (`keyShareTrustPrincipal`), then locks its own role (`lockForTrustChange`, FOR NO KEY
 * UPDATE). No-key locks do not conflict with key-share ones, so a role named by one transaction
 * and rewritten by another makes no cycle. (Deleting two roles that trust each other, at once,
 * can still deadlock: Postgres then aborts one, answered as ConcurrentModification.)
 */
export interface RoleRepository {
  /** The role named `name` (case-insensitively), or null. `lock` holds it FOR UPDATE (in a transaction). */
  get(accountId: string, name: string, opts?: { lock?: boolean }): Promise<Role | null>;
  /** Roles whose path starts with `pathPrefix`, in sort-key order, after `q.after`. */
  page(accountId: string, pathPrefix: string, q: KeysetQuery): Promise<Role[]>;
  /** Inserts the role; 'exists' when a role of that name (case-insensitively) exists. */
  insert(role: NewRole): Promise<Role | 'exists'>;
  /** Sets the description and/or maximum session duration (absent: unchanged); the role after, or null if gone. */
  update(roleId: string, changes: { description?: string; maxSessionDuration?: number }): Promise<Role | null>;
  /** Replaces the role's tags; false if the role is gone. */
  setTags(roleId: string, tags: Tag[]): Promise<boolean>;
  /** Replaces the trust policy and its binding (principal ARN → id; '' binds to nobody); false if the role is gone. */
  setTrustPolicy(roleId: string, document: string, principals: Record<string, string>): Promise<boolean>;
  /** Holds the role FOR NO KEY UPDATE (in a transaction; see the lock order above); false if it is gone. */
  lockForTrustChange(roleId: string): Promise<boolean>;
  /** How many managed policies are attached to the role and inline policies it has. */
  dependents(roleId: string): Promise<{ attached: number; inline: number }>;
  /** Deletes the role; false if it was gone. */
  delete(roleId: string): Promise<boolean>;
  /**
   * The trust policies bound to principal `uniqueId`, in role-id order, locked FOR NO KEY UPDATE
   * (in a transaction): enough to rewrite them, and no wait on a saver's key-share of such a role.
   */
  boundTo(uniqueId: string): Promise<BoundTrust[]>;
  /** Of `accountIds`, those that are accounts of this installation. */
  installationAccounts(accountIds: readonly string[]): Promise<Set<string>>;
  /** The user or role named `name` in `accountId`, held FOR KEY SHARE until commit (trust binding), or null. */
  keyShareTrustPrincipal(accountId: string, kind: 'user' | 'role', name: string): Promise<TrustPrincipal | null>;
  /** The role STS assumes: named `name` (case-insensitively) in `accountId`, or null. */
  assumable(accountId: string, name: string): Promise<AssumableRole | null>;
}

interface RoleRow {
  role_id: string;
  account_id: string;
  role_name: string;
  path: string;
  arn: string;
  assume_role_policy: string;
  description: string | null;
  max_session_duration: number;
  permissions_boundary: string | null;
  tags: Tag[];
  created_at: Date;
  last_used_at: Date | null;
  last_used_region: string | null;
}

const COLUMNS = 'role_id, account_id, role_name, path, arn, assume_role_policy, description, max_session_duration, permissions_boundary, tags, created_at, last_used_at, last_used_region';

export function toRole(r: RoleRow): Role {
  const role: Role = {
    id: r.role_id,
    accountId: r.account_id,
    name: r.role_name,
    path: r.path,
    arn: r.arn,
    trustPolicy: r.assume_role_policy,
    maxSessionDuration: r.max_session_duration,
    tags: r.tags,
    createdAt: r.created_at,
  };
  if (r.description !== null) role.description = r.description;
  if (r.permissions_boundary !== null) role.permissionsBoundary = r.permissions_boundary;
  if (r.last_used_at !== null) role.lastUsed = r.last_used_region === null ? { at: r.last_used_at } : { at: r.last_used_at, region: r.last_used_region };
  return role;
}

export class PgRoleRepository implements RoleRepository {
  constructor(private readonly q: Sql) {}

  async get(accountId: string, name: string, opts: { lock?: boolean } = {}): Promise<Role | null> {
    const r = await this.q.query<RoleRow>(
      `SELECT ${COLUMNS} FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2)${opts.lock ? ' FOR UPDATE' : ''}`,
      [accountId, name],
    );
    return r.rows[0] ? toRole(r.rows[0]) : null;
  }

  async page(accountId: string, pathPrefix: string, q: KeysetQuery): Promise<Role[]> {
    const r = await this.q.query<RoleRow>(
      `SELECT ${COLUMNS} FROM roles
        WHERE account_id = $1 AND lower(role_name) COLLATE "C" > $2 AND starts_with(path, $3)
        ORDER BY lower(role_name) COLLATE "C" LIMIT $4`,
      [accountId, q.after ?? '', pathPrefix, q.limit],
    );
    return r.rows.map(toRole);
  }

  async insert(role: NewRole): Promise<Role | 'exists'> {
    try {
      const r = await this.q.query<RoleRow>(
        `INSERT INTO roles (role_id, account_id, role_name, path, arn, assume_role_policy, description, max_session_duration, permissions_boundary, tags, created_at, trust_principals, trust_principal_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
        [role.id, role.accountId, role.name, role.path, role.arn, role.trustPolicy, role.description ?? null, role.maxSessionDuration, role.permissionsBoundary ?? null, JSON.stringify(role.tags), role.createdAt, JSON.stringify(role.trustPrincipals), boundIds(role.trustPrincipals)],
      );
      return toRole(r.rows[0]!);
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async update(roleId: string, changes: { description?: string; maxSessionDuration?: number }): Promise<Role | null> {
    const r = await this.q.query<RoleRow>(
      `UPDATE roles SET description = coalesce($2, description), max_session_duration = coalesce($3, max_session_duration) WHERE role_id = $1 RETURNING ${COLUMNS}`,
      [roleId, changes.description ?? null, changes.maxSessionDuration ?? null],
    );
    return r.rows[0] ? toRole(r.rows[0]) : null;
  }

  async setTags(roleId: string, tags: Tag[]): Promise<boolean> {
    const r = await this.q.query(`UPDATE roles SET tags = $2 WHERE role_id = $1`, [roleId, JSON.stringify(tags)]);
    return (r.rowCount ?? 0) > 0;
  }

  async setTrustPolicy(roleId: string, document: string, principals: Record<string, string>): Promise<boolean> {
    const r = await this.q.query(`UPDATE roles SET assume_role_policy = $2, trust_principals = $3, trust_principal_ids = $4 WHERE role_id = $1`, [
      roleId,
      document,
      JSON.stringify(principals),
      boundIds(principals),
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async lockForTrustChange(roleId: string): Promise<boolean> {
    const r = await this.q.query(`SELECT 1 FROM roles WHERE role_id = $1 FOR NO KEY UPDATE`, [roleId]);
    return (r.rowCount ?? 0) > 0;
  }

  async dependents(roleId: string): Promise<{ attached: number; inline: number }> {
    const r = await this.q.query<{ attached: number; inline: number }>(
      `SELECT (SELECT count(*) FROM role_policy_attachments WHERE role_id = $1)::int AS attached,
              (SELECT count(*) FROM role_policies WHERE role_id = $1)::int AS inline`,
      [roleId],
    );
    return r.rows[0]!;
  }

  async delete(roleId: string): Promise<boolean> {
    const r = await this.q.query(`DELETE FROM roles WHERE role_id = $1`, [roleId]);
    return (r.rowCount ?? 0) > 0;
  }

  async boundTo(uniqueId: string): Promise<BoundTrust[]> {
    const r = await this.q.query<{ role_id: string; assume_role_policy: string; trust_principals: Record<string, string> }>(
      `SELECT role_id, assume_role_policy, trust_principals FROM roles
        WHERE trust_principal_ids @> ARRAY[$1]::text[] ORDER BY role_id FOR NO KEY UPDATE`,
      [uniqueId],
    );
    return r.rows.map((x) => ({ roleId: x.role_id, trustPolicy: x.assume_role_policy, trustPrincipals: x.trust_principals }));
  }

  async installationAccounts(accountIds: readonly string[]): Promise<Set<string>> {
    if (accountIds.length === 0) return new Set();
    const r = await this.q.query<{ account_id: string }>(`SELECT account_id FROM accounts WHERE account_id = ANY($1::text[])`, [[...accountIds]]);
    return new Set(r.rows.map((x) => x.account_id));
  }

  async keyShareTrustPrincipal(accountId: string, kind: 'user' | 'role', name: string): Promise<TrustPrincipal | null> {
    const r =
      kind === 'user'
        ? await this.q.query<TrustPrincipal>(`SELECT user_id AS id, path FROM users WHERE account_id = $1 AND NOT is_root AND lower(user_name) = lower($2) FOR KEY SHARE`, [accountId, name])
        : await this.q.query<TrustPrincipal>(`SELECT role_id AS id, path FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2) FOR KEY SHARE`, [accountId, name]);
    return r.rows[0] ?? null;
  }

  async assumable(accountId: string, name: string): Promise<AssumableRole | null> {
    const r = await this.q.query<{ role_id: string; account_id: string; role_name: string; path: string; arn: string; assume_role_policy: string; trust_principals: Record<string, string>; max_session_duration: number }>(
      `SELECT role_id, account_id, role_name, path, arn, assume_role_policy, trust_principals, max_session_duration
         FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2)`,
      [accountId, name],
    );
    const row = r.rows[0];
    if (!row) return null;
    return {
      id: row.role_id,
      accountId: row.account_id,
      name: row.role_name,
      path: row.path,
      arn: row.arn,
      trustPolicy: row.assume_role_policy,
      trustPrincipals: row.trust_principals,
      maxSessionDuration: row.max_session_duration,
    };
  }
}
