import type { Sql } from './db.js';
import { isUniqueViolation } from './pg-errors.js';
import type { KeysetQuery, Tag } from './types.js';

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
  /** Principal ARN → unique id of the trust policy's principals that are ours (trust-binding). */
  trustPrincipals: Record<string, string>;
  trustPrincipalIds: string[];
};

/** The key roles are listed by (ListRoles, GetAccountAuthorizationDetails): the name, case-folded, byte order. */
export const roleSortKey = (r: Pick<Role, 'name'>) => r.name.toLowerCase();

export interface RoleRepository {
  /** The role named `name` (case-insensitively), or null. `lock` holds it FOR UPDATE (in a transaction). */
  get(accountId: string, name: string, opts?: { lock?: boolean }): Promise<Role | null>;
  /** Roles whose path starts with `pathPrefix`, in sort-key order, after `q.after`. */
  page(accountId: string, pathPrefix: string, q: KeysetQuery): Promise<Role[]>;
  /** Inserts the role; 'exists' when a role of that name (case-insensitively) exists. */
  insert(role: NewRole): Promise<Role | 'exists'>;
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
        [role.id, role.accountId, role.name, role.path, role.arn, role.trustPolicy, role.description ?? null, role.maxSessionDuration, role.permissionsBoundary ?? null, JSON.stringify(role.tags), role.createdAt, JSON.stringify(role.trustPrincipals), role.trustPrincipalIds],
      );
      return toRole(r.rows[0]!);
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }
}
