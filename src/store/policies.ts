import type { Sql } from './db.js';
import type { KeysetQuery, Tag } from './types.js';

/**
 * Storage of what ties policies to identities: managed-policy attachments, inline (user, group,
 * role) policies, policy tags, the entities a policy is used by, and a principal's policies as
 * authorization loads them. (Managed policies and their versions: managed-policies.ts.)
 *
 * Every statement is constant text: the three identity kinds have their own tables, so each
 * method picks one of three fixed statements by kind, never a table name built from a variable.
 */
export type EntityKind = 'user' | 'group' | 'role';

/** An IAM user, group or role as the policy actions need it. */
export interface EntityRef {
  id: string;
  name: string;
  path: string;
  /** Stored for roles; users' and groups' ARNs are derived from the partition, path and name. */
  arn?: string;
}

/** A managed policy attached to an entity (AttachedPolicy). */
export interface AttachedPolicy {
  name: string;
  arn: string;
}

/** The key attached policies are listed by: the name case-folded, then the ARN, byte order. */
export const attachedPolicySortKey = (p: AttachedPolicy) => `${p.name.toLowerCase()} ${p.arn}`;

export interface InlinePolicy {
  name: string;
  document: string;
}

/** The key inline policy names are listed by: the name as written, byte order. */
export const inlinePolicySortKey = (name: string) => name;

/** A managed policy as attachment and tagging need it. */
export interface PolicyRef {
  id: string;
  arn: string;
  /** The owning account; undefined for AWS managed policies. */
  accountId?: string;
  isAttachable: boolean;
  tags: Tag[];
}

/** A user, group or role that uses a managed policy (ListEntitiesForPolicy). */
export interface PolicyEntity {
  kind: EntityKind;
  name: string;
  id: string;
}

/** The key entities of a policy are listed by: kind (group, role, user), then the name case-folded, byte order. */
export const policyEntitySortKey = (e: Pick<PolicyEntity, 'kind' | 'name'>) => `${e.kind} ${e.name.toLowerCase()}`;

export interface PolicyEntityFilter {
  users: boolean;
  groups: boolean;
  roles: boolean;
  /** Entities the policy is attached to. */
  asPolicy: boolean;
  /** Users and roles whose permissions boundary it is. */
  asBoundary: boolean;
  pathPrefix: string;
}

/** One identity policy of a principal, as the policy engine compiles it. */
export interface PrincipalPolicy {
  /** 'user' | 'group' | 'role' (inline) or 'aws-managed' | 'user-managed'. */
  src: string;
  /** Inline: `<kind>/<entity id>/<policy name>`; managed: the policy ARN. */
  id: string;
  document: string;
}

/** A principal's identity policies (inline and attached, its groups' for a user), boundary ARN and tags. */
export interface PrincipalPolicies {
  isRoot: boolean;
  permissionsBoundary?: string;
  /** The principal's tags as stored (a list of {Key, Value}). */
  tags: unknown;
  policies: PrincipalPolicy[];
}

/** What authorization reads (src/iam/effective-policies.ts): one round trip per principal. */
export interface AuthorizationPolicySource {
  /** An IAM user's (or the root user's) policies, or null when the user does not exist. */
  userPolicies(userId: string): Promise<PrincipalPolicies | null>;
  /** A role's policies, or null when the role does not exist. */
  rolePolicies(roleId: string): Promise<PrincipalPolicies | null>;
  /** A managed policy's default version, or null when no policy has that ARN. */
  defaultVersion(arn: string): Promise<{ document: string; awsManaged: boolean } | null>;
}

export interface PolicyRepository extends AuthorizationPolicySource {
  /** The user (never the root user), group or role named `name` (case-insensitively), or null. `lock`: FOR UPDATE. */
  entity(kind: EntityKind, accountId: string, name: string, opts?: { lock?: boolean }): Promise<EntityRef | null>;
  /** A managed policy the account can see (its own or AWS managed), or null. `lock`: FOR UPDATE. */
  policy(accountId: string, arn: string, opts?: { lock?: boolean }): Promise<PolicyRef | null>;
  /** Replaces a managed policy's tags. */
  setPolicyTags(policyId: string, tags: Tag[]): Promise<void>;

  /** How many managed policies the entity has, and whether `arn` is one of them. */
  attachments(kind: EntityKind, entityId: string, arn: string): Promise<{ count: number; attached: boolean }>;
  /** Attaches; false when it was already attached. */
  attach(kind: EntityKind, entityId: string, arn: string, at: Date): Promise<boolean>;
  /** Detaches; false when it was not attached. */
  detach(kind: EntityKind, entityId: string, arn: string): Promise<boolean>;
  /** The entity's attached policies whose path starts with `pathPrefix`, in attachedPolicySortKey order, after `q.after`. */
  attachedPage(kind: EntityKind, entityId: string, pathPrefix: string, q: KeysetQuery): Promise<AttachedPolicy[]>;

  /** The entity's inline policies other than `except` (the aggregate size quota). */
  inlinePolicies(kind: EntityKind, entityId: string, opts?: { except?: string }): Promise<InlinePolicy[]>;
  /** Creates or replaces an inline policy (names are case-sensitive). */
  putInline(kind: EntityKind, entityId: string, policy: InlinePolicy, at: Date): Promise<void>;
  getInline(kind: EntityKind, entityId: string, name: string): Promise<InlinePolicy | null>;
  /** Deletes; false when there was none of that name. */
  deleteInline(kind: EntityKind, entityId: string, name: string): Promise<boolean>;
  /** The entity's inline policy names in inlinePolicySortKey order, after `q.after`. */
  inlinePage(kind: EntityKind, entityId: string, q: KeysetQuery): Promise<string[]>;

  /** The account's entities using the policy `arn` as `filter` says, in policyEntitySortKey order, after `q.after`. */
  entitiesPage(accountId: string, arn: string, filter: PolicyEntityFilter, q: KeysetQuery): Promise<PolicyEntity[]>;
}

type ByKind = Readonly<Record<EntityKind, string>>;

const ENTITY: ByKind = {
  user: `SELECT user_id AS id, user_name AS name, path, NULL AS arn FROM users WHERE account_id = $1 AND lower(user_name) = lower($2) AND NOT is_root`,
  group: `SELECT group_id AS id, group_name AS name, path, NULL AS arn FROM groups WHERE account_id = $1 AND lower(group_name) = lower($2)`,
  role: `SELECT role_id AS id, role_name AS name, path, arn FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2)`,
};

const ATTACHMENTS: ByKind = {
  user: `SELECT count(*)::int AS n, count(*) FILTER (WHERE policy_arn = $2)::int AS here FROM user_policy_attachments WHERE user_id = $1`,
  group: `SELECT count(*)::int AS n, count(*) FILTER (WHERE policy_arn = $2)::int AS here FROM group_policy_attachments WHERE group_id = $1`,
  role: `SELECT count(*)::int AS n, count(*) FILTER (WHERE policy_arn = $2)::int AS here FROM role_policy_attachments WHERE role_id = $1`,
};

const ATTACH: ByKind = {
  user: `INSERT INTO user_policy_attachments (user_id, policy_arn, attached_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
  group: `INSERT INTO group_policy_attachments (group_id, policy_arn, attached_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
  role: `INSERT INTO role_policy_attachments (role_id, policy_arn, attached_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
};

const DETACH: ByKind = {
  user: `DELETE FROM user_policy_attachments WHERE user_id = $1 AND policy_arn = $2`,
  group: `DELETE FROM group_policy_attachments WHERE group_id = $1 AND policy_arn = $2`,
  role: `DELETE FROM role_policy_attachments WHERE role_id = $1 AND policy_arn = $2`,
};

const ATTACHED_PAGE: ByKind = {
  user: `SELECT p.policy_name AS name, p.arn FROM user_policy_attachments a JOIN policies p ON p.arn = a.policy_arn
          WHERE a.user_id = $1 AND starts_with(p.path, $2) AND (lower(p.policy_name) || ' ' || p.arn) COLLATE "C" > $3
          ORDER BY (lower(p.policy_name) || ' ' || p.arn) COLLATE "C" LIMIT $4`,
  group: `SELECT p.policy_name AS name, p.arn FROM group_policy_attachments a JOIN policies p ON p.arn = a.policy_arn
          WHERE a.group_id = $1 AND starts_with(p.path, $2) AND (lower(p.policy_name) || ' ' || p.arn) COLLATE "C" > $3
          ORDER BY (lower(p.policy_name) || ' ' || p.arn) COLLATE "C" LIMIT $4`,
  role: `SELECT p.policy_name AS name, p.arn FROM role_policy_attachments a JOIN policies p ON p.arn = a.policy_arn
          WHERE a.role_id = $1 AND starts_with(p.path, $2) AND (lower(p.policy_name) || ' ' || p.arn) COLLATE "C" > $3
          ORDER BY (lower(p.policy_name) || ' ' || p.arn) COLLATE "C" LIMIT $4`,
};

const INLINE_OTHERS: ByKind = {
  user: `SELECT policy_name AS name, document FROM user_policies WHERE user_id = $1 AND policy_name IS DISTINCT FROM $2`,
  group: `SELECT policy_name AS name, document FROM group_policies WHERE group_id = $1 AND policy_name IS DISTINCT FROM $2`,
  role: `SELECT policy_name AS name, document FROM role_policies WHERE role_id = $1 AND policy_name IS DISTINCT FROM $2`,
};

const INLINE_PUT: ByKind = {
  user: `INSERT INTO user_policies (user_id, policy_name, document, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, policy_name) DO UPDATE SET document = EXCLUDED.document`,
  group: `INSERT INTO group_policies (group_id, policy_name, document, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (group_id, policy_name) DO UPDATE SET document = EXCLUDED.document`,
  role: `INSERT INTO role_policies (role_id, policy_name, document, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (role_id, policy_name) DO UPDATE SET document = EXCLUDED.document`,
};

const INLINE_GET: ByKind = {
  user: `SELECT policy_name AS name, document FROM user_policies WHERE user_id = $1 AND policy_name = $2`,
  group: `SELECT policy_name AS name, document FROM group_policies WHERE group_id = $1 AND policy_name = $2`,
  role: `SELECT policy_name AS name, document FROM role_policies WHERE role_id = $1 AND policy_name = $2`,
};

const INLINE_DELETE: ByKind = {
  user: `DELETE FROM user_policies WHERE user_id = $1 AND policy_name = $2`,
  group: `DELETE FROM group_policies WHERE group_id = $1 AND policy_name = $2`,
  role: `DELETE FROM role_policies WHERE role_id = $1 AND policy_name = $2`,
};

const INLINE_PAGE: ByKind = {
  user: `SELECT policy_name AS name FROM user_policies WHERE user_id = $1 AND policy_name COLLATE "C" > $2 ORDER BY policy_name COLLATE "C" LIMIT $3`,
  group: `SELECT policy_name AS name FROM group_policies WHERE group_id = $1 AND policy_name COLLATE "C" > $2 ORDER BY policy_name COLLATE "C" LIMIT $3`,
  role: `SELECT policy_name AS name FROM role_policies WHERE role_id = $1 AND policy_name COLLATE "C" > $2 ORDER BY policy_name COLLATE "C" LIMIT $3`,
};

const POLICY = `SELECT policy_id, arn, account_id, is_attachable, tags FROM policies WHERE arn = $1 AND (account_id = $2 OR account_id IS NULL)`;

/**
 * $1 policy ARN, $2 account, $3 path prefix, $4 groups, $5 users, $6 roles, $7 as policy,
 * $8 as boundary, $9 after, $10 limit. Each branch starts from the policy's attachment index
 * (or the boundary column); the kinds are distinct, so the key needs no tie-breaker.
 */
const ENTITIES_PAGE = `
  SELECT kind, name, id FROM (
    SELECT 'group' AS kind, g.group_name AS name, g.group_id AS id
      FROM group_policy_attachments a JOIN groups g ON g.group_id = a.group_id
     WHERE $4 AND $7 AND a.policy_arn = $1 AND g.account_id = $2 AND starts_with(g.path, $3)
    UNION ALL
    SELECT 'user', u.user_name, u.user_id FROM users u
     WHERE $5 AND u.account_id = $2 AND starts_with(u.path, $3) AND u.user_id IN (
       SELECT a.user_id FROM user_policy_attachments a WHERE $7 AND a.policy_arn = $1
       UNION ALL
       SELECT b.user_id FROM users b WHERE $8 AND b.account_id = $2 AND b.permissions_boundary = $1)
    UNION ALL
    SELECT 'role', r.role_name, r.role_id FROM roles r
     WHERE $6 AND r.account_id = $2 AND starts_with(r.path, $3) AND r.role_id IN (
       SELECT a.role_id FROM role_policy_attachments a WHERE $7 AND a.policy_arn = $1
       UNION ALL
       SELECT b.role_id FROM roles b WHERE $8 AND b.account_id = $2 AND b.permissions_boundary = $1)
  ) x
  WHERE (kind || ' ' || lower(name)) COLLATE "C" > $9
  ORDER BY (kind || ' ' || lower(name)) COLLATE "C" LIMIT $10`;

/** A managed policy's default version, as an identity policy of the entity `a.<id>` is attached to. */
const MANAGED_SOURCE = `CASE WHEN p.account_id IS NULL THEN 'aws-managed' ELSE 'user-managed' END`;

/**
 * One round trip: the user's row and, aggregated beside it, its inline and attached policies and
 * those of each of its groups (in that order; within each, by id).
 */
const USER_POLICIES = `
  SELECT u.is_root, u.permissions_boundary, u.tags,
         COALESCE((SELECT json_agg(json_build_object('src', x.src, 'id', x.id, 'document', x.document) ORDER BY x.ord, x.id)
           FROM (
             SELECT 1 AS ord, 'user' AS src, 'user/' || up.user_id || '/' || up.policy_name AS id, up.document
               FROM user_policies up WHERE up.user_id = u.user_id
             UNION ALL
             SELECT 2, ${MANAGED_SOURCE}, p.arn, v.document
               FROM user_policy_attachments a JOIN policies p ON p.arn = a.policy_arn
               JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default
              WHERE a.user_id = u.user_id
             UNION ALL
             SELECT 3, 'group', 'group/' || gp.group_id || '/' || gp.policy_name, gp.document
               FROM group_members m JOIN group_policies gp ON gp.group_id = m.group_id WHERE m.user_id = u.user_id
             UNION ALL
             SELECT 4, ${MANAGED_SOURCE}, p.arn, v.document
               FROM group_members m JOIN group_policy_attachments a ON a.group_id = m.group_id
               JOIN policies p ON p.arn = a.policy_arn
               JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default
              WHERE m.user_id = u.user_id
           ) x), '[]'::json) AS policies
    FROM users u WHERE u.user_id = $1`;

const ROLE_POLICIES = `
  SELECT false AS is_root, r.permissions_boundary, r.tags,
         COALESCE((SELECT json_agg(json_build_object('src', x.src, 'id', x.id, 'document', x.document) ORDER BY x.ord, x.id)
           FROM (
             SELECT 1 AS ord, 'role' AS src, 'role/' || rp.role_id || '/' || rp.policy_name AS id, rp.document
               FROM role_policies rp WHERE rp.role_id = r.role_id
             UNION ALL
             SELECT 2, ${MANAGED_SOURCE}, p.arn, v.document
               FROM role_policy_attachments a JOIN policies p ON p.arn = a.policy_arn
               JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default
              WHERE a.role_id = r.role_id
           ) x), '[]'::json) AS policies
    FROM roles r WHERE r.role_id = $1`;

const DEFAULT_VERSION = `SELECT v.document, p.account_id FROM policies p JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default WHERE p.arn = $1`;

interface EntityRow {
  id: string;
  name: string;
  path: string;
  arn: string | null;
}

interface PolicyRefRow {
  policy_id: string;
  arn: string;
  account_id: string | null;
  is_attachable: boolean;
  tags: Tag[];
}

interface PrincipalRow {
  is_root: boolean;
  permissions_boundary: string | null;
  tags: unknown;
  policies: PrincipalPolicy[];
}

const toPrincipal = (r: PrincipalRow): PrincipalPolicies => {
  const p: PrincipalPolicies = { isRoot: r.is_root, tags: r.tags, policies: r.policies };
  if (r.permissions_boundary !== null) p.permissionsBoundary = r.permissions_boundary;
  return p;
};

export class PgPolicyRepository implements PolicyRepository {
  constructor(protected readonly q: Sql) {}

  async entity(kind: EntityKind, accountId: string, name: string, opts: { lock?: boolean } = {}): Promise<EntityRef | null> {
    const r = await this.q.query<EntityRow>(opts.lock ? `${ENTITY[kind]} FOR UPDATE` : ENTITY[kind], [accountId, name]);
    const row = r.rows[0];
    if (!row) return null;
    const e: EntityRef = { id: row.id, name: row.name, path: row.path };
    if (row.arn !== null) e.arn = row.arn;
    return e;
  }

  async policy(accountId: string, arn: string, opts: { lock?: boolean } = {}): Promise<PolicyRef | null> {
    const r = await this.q.query<PolicyRefRow>(opts.lock ? `${POLICY} FOR UPDATE` : POLICY, [arn, accountId]);
    const row = r.rows[0];
    if (!row) return null;
    const p: PolicyRef = { id: row.policy_id, arn: row.arn, isAttachable: row.is_attachable, tags: row.tags };
    if (row.account_id !== null) p.accountId = row.account_id;
    return p;
  }

  async setPolicyTags(policyId: string, tags: Tag[]): Promise<void> {
    await this.q.query(`UPDATE policies SET tags = $2 WHERE policy_id = $1`, [policyId, JSON.stringify(tags)]);
  }

  async attachments(kind: EntityKind, entityId: string, arn: string): Promise<{ count: number; attached: boolean }> {
    const r = await this.q.query<{ n: number; here: number }>(ATTACHMENTS[kind], [entityId, arn]);
    const row = r.rows[0]!;
    return { count: row.n, attached: row.here > 0 };
  }

  async attach(kind: EntityKind, entityId: string, arn: string, at: Date): Promise<boolean> {
    const r = await this.q.query(ATTACH[kind], [entityId, arn, at]);
    return (r.rowCount ?? 0) > 0;
  }

  async detach(kind: EntityKind, entityId: string, arn: string): Promise<boolean> {
    const r = await this.q.query(DETACH[kind], [entityId, arn]);
    return (r.rowCount ?? 0) > 0;
  }

  async attachedPage(kind: EntityKind, entityId: string, pathPrefix: string, q: KeysetQuery): Promise<AttachedPolicy[]> {
    const r = await this.q.query<AttachedPolicy>(ATTACHED_PAGE[kind], [entityId, pathPrefix, q.after ?? '', q.limit]);
    return r.rows.map((x) => ({ name: x.name, arn: x.arn }));
  }

  async inlinePolicies(kind: EntityKind, entityId: string, opts: { except?: string } = {}): Promise<InlinePolicy[]> {
    const r = await this.q.query<InlinePolicy>(INLINE_OTHERS[kind], [entityId, opts.except ?? null]);
    return r.rows.map((x) => ({ name: x.name, document: x.document }));
  }

  async putInline(kind: EntityKind, entityId: string, policy: InlinePolicy, at: Date): Promise<void> {
    await this.q.query(INLINE_PUT[kind], [entityId, policy.name, policy.document, at]);
  }

  async getInline(kind: EntityKind, entityId: string, name: string): Promise<InlinePolicy | null> {
    const r = await this.q.query<InlinePolicy>(INLINE_GET[kind], [entityId, name]);
    const row = r.rows[0];
    return row ? { name: row.name, document: row.document } : null;
  }

  async deleteInline(kind: EntityKind, entityId: string, name: string): Promise<boolean> {
    const r = await this.q.query(INLINE_DELETE[kind], [entityId, name]);
    return (r.rowCount ?? 0) > 0;
  }

  async inlinePage(kind: EntityKind, entityId: string, q: KeysetQuery): Promise<string[]> {
    const r = await this.q.query<{ name: string }>(INLINE_PAGE[kind], [entityId, q.after ?? '', q.limit]);
    return r.rows.map((x) => x.name);
  }

  async entitiesPage(accountId: string, arn: string, f: PolicyEntityFilter, q: KeysetQuery): Promise<PolicyEntity[]> {
    const r = await this.q.query<PolicyEntity>(ENTITIES_PAGE, [arn, accountId, f.pathPrefix, f.groups, f.users, f.roles, f.asPolicy, f.asBoundary, q.after ?? '', q.limit]);
    return r.rows.map((x) => ({ kind: x.kind, name: x.name, id: x.id }));
  }

  async userPolicies(userId: string): Promise<PrincipalPolicies | null> {
    const r = await this.q.query<PrincipalRow>(USER_POLICIES, [userId]);
    return r.rows[0] ? toPrincipal(r.rows[0]) : null;
  }

  async rolePolicies(roleId: string): Promise<PrincipalPolicies | null> {
    const r = await this.q.query<PrincipalRow>(ROLE_POLICIES, [roleId]);
    return r.rows[0] ? toPrincipal(r.rows[0]) : null;
  }

  async defaultVersion(arn: string): Promise<{ document: string; awsManaged: boolean } | null> {
    const r = await this.q.query<{ document: string; account_id: string | null }>(DEFAULT_VERSION, [arn]);
    const row = r.rows[0];
    return row ? { document: row.document, awsManaged: row.account_id === null } : null;
  }
}
