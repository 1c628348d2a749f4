import type { Sql } from './db.js';
import type { KeysetQuery, Tag } from './types.js';

/**
 * Account-wide reads: GetAccountAuthorizationDetails' pages (each entity with its inline
 * policies, attached managed policies and, for users, groups) and GetAccountSummary's counts.
 *
 * Every page method is keyset: it reads at most `q.limit` entities of one kind from the indexed
 * ordering `lower(<name>)` (the same key ListUsers/ListGroups/ListRoles/ListPolicies
 * page by), strictly after `q.after`, and then only those entities' relationships — never the
 * whole account, so a page costs the same at 100,000 entities as at 10.
 */

export interface InlinePolicy {
  name: string;
  /** The document as stored (JSON text). */
  document: string;
}

export interface AttachedPolicyRef {
  name: string;
  arn: string;
}

export interface UserDetails {
  id: string;
  name: string;
  path: string;
  createdAt: Date;
  permissionsBoundary?: string;
  tags: Tag[];
  inlinePolicies: InlinePolicy[];
  attachedPolicies: AttachedPolicyRef[];
  /** Names of the groups the user is in, case-folded order. */
  groups: string[];
}

export interface GroupDetails {
  id: string;
  name: string;
  path: string;
  createdAt: Date;
  inlinePolicies: InlinePolicy[];
  attachedPolicies: AttachedPolicyRef[];
}

export interface RoleDetails {
  id: string;
  name: string;
  path: string;
  arn: string;
  trustPolicy: string;
  createdAt: Date;
  permissionsBoundary?: string;
  tags: Tag[];
  lastUsed?: { at: Date; region?: string };
  inlinePolicies: InlinePolicy[];
  attachedPolicies: AttachedPolicyRef[];
}

export interface ManagedPolicyVersionDetails {
  versionId: string;
  document: string;
  isDefault: boolean;
  createdAt: Date;
}

export interface ManagedPolicyDetails {
  id: string;
  name: string;
  arn: string;
  path: string;
  defaultVersionId: string;
  /** Attachments to users, groups and roles of the account. */
  attachmentCount: number;
  /** Users and roles of the account using it as their permissions boundary. */
  boundaryUsageCount: number;
  isAttachable: boolean;
  description?: string;
  createdAt: Date;
  updatedAt: Date;
  /** Newest first. */
  versions: ManagedPolicyVersionDetails[];
}

/** Exact counts of an account's entities, for GetAccountSummary. */
export interface AccountCounts {
  users: number;
  groups: number;
  roles: number;
  policies: number;
  mfaDevices: number;
  mfaDevicesInUse: number;
  /** The root user has an MFA device. */
  rootMfaEnabled: boolean;
  /** The root user has access keys. */
  rootAccessKeysPresent: boolean;
  /** Attachments of the account's managed policies. */
  policyVersionsInUse: number;
  /** OIDC plus SAML providers. */
  providers: number;
}

/** A stored policy as the simulator sees it: its document, the id and type MatchedStatements report. */
export interface PrincipalPolicy {
  document: string;
  /** Inline: the policy name; managed: the policy name. */
  id: string;
  /** 'user' | 'group' | 'role' (inline), 'user-managed' | 'aws-managed' (managed). */
  sourceType: string;
}

/** A principal's stored policies (a user's include its groups'; managed ones once each). */
export interface PrincipalPolicies {
  /** The principal's path (the ARN must name it). */
  path: string;
  identity: PrincipalPolicy[];
  /** The permissions boundary's default version (users and roles), or none. */
  boundary: PrincipalPolicy[];
}

/** The key every kind is paged by: the name, case-folded (`lower(name)`; names are ASCII). */
export const authorizationSortKey = (e: { name: string }) => e.name.toLowerCase();

export interface AuthorizationDetailsRepository {
  /** IAM users (not root) after `q.after`, with inline policies, attachments and groups. */
  users(accountId: string, q: KeysetQuery): Promise<UserDetails[]>;
  groups(accountId: string, q: KeysetQuery): Promise<GroupDetails[]>;
  roles(accountId: string, q: KeysetQuery): Promise<RoleDetails[]>;
  /**
   * Managed policies after `q.after`: `local` the account's own; `aws` the AWS managed policies
   * the account uses (attached to, or the boundary of, one of its principals).
   */
  policies(accountId: string, scope: 'local' | 'aws', q: KeysetQuery): Promise<ManagedPolicyDetails[]>;
  /** The account's entity counts, in one round trip. */
  counts(accountId: string): Promise<AccountCounts>;
  /**
   * The stored policies of the account's user, group or role named `name` (case-insensitively),
   * default versions of managed policies: what SimulatePrincipalPolicy and
   * GetContextKeysForPrincipalPolicy evaluate. null when there is no such principal.
   */
  principalPolicies(accountId: string, kind: 'user' | 'group' | 'role', name: string): Promise<PrincipalPolicies | null>;
}

interface InlineJson {
  name: string;
  document: string;
}
interface AttachedJson {
  name: string;
  arn: string;
}

const inline = (v: InlineJson[] | null): InlinePolicy[] => (v ?? []).map((x) => ({ name: x.name, document: x.document }));
const attached = (v: AttachedJson[] | null): AttachedPolicyRef[] => (v ?? []).map((x) => ({ name: x.name, arn: x.arn }));
const tags = (v: unknown): Tag[] => (Array.isArray(v) ? (v as Tag[]).map((t) => ({ Key: t.Key, Value: t.Value })) : []);

// The relationship subqueries run over the page's rows only (the CTE `page` is LIMITed first).
const INLINE = {
  users: `(SELECT json_agg(json_build_object('name', x.policy_name, 'document', x.document) ORDER BY x.policy_name) FROM user_policies x WHERE x.user_id = page.user_id)`,
  groups: `(SELECT json_agg(json_build_object('name', x.policy_name, 'document', x.document) ORDER BY x.policy_name) FROM group_policies x WHERE x.group_id = page.group_id)`,
  roles: `(SELECT json_agg(json_build_object('name', x.policy_name, 'document', x.document) ORDER BY x.policy_name) FROM role_policies x WHERE x.role_id = page.role_id)`,
};
const ATTACHED = {
  users: `(SELECT json_agg(json_build_object('name', p.policy_name, 'arn', p.arn) ORDER BY p.policy_name) FROM user_policy_attachments a JOIN policies p ON p.arn = a.policy_arn WHERE a.user_id = page.user_id)`,
  groups: `(SELECT json_agg(json_build_object('name', p.policy_name, 'arn', p.arn) ORDER BY p.policy_name) FROM group_policy_attachments a JOIN policies p ON p.arn = a.policy_arn WHERE a.group_id = page.group_id)`,
  roles: `(SELECT json_agg(json_build_object('name', p.policy_name, 'arn', p.arn) ORDER BY p.policy_name) FROM role_policy_attachments a JOIN policies p ON p.arn = a.policy_arn WHERE a.role_id = page.role_id)`,
};

// Per policy on the page (page.arn), within the account: one primary-key read of policy_usage
// (migration 0012, kept by triggers with every attachment and boundary change).
const ATTACHMENT_COUNT = `COALESCE((SELECT pu.attachments FROM policy_usage pu WHERE pu.policy_arn = page.arn AND pu.account_id = $1), 0)`;
const BOUNDARY_COUNT = `COALESCE((SELECT pu.boundaries FROM policy_usage pu WHERE pu.policy_arn = page.arn AND pu.account_id = $1), 0)`;
const USED_IN_ACCOUNT = `(
     EXISTS (SELECT 1 FROM user_policy_attachments a JOIN users u ON u.user_id = a.user_id WHERE a.policy_arn = p.arn AND u.account_id = $1)
  OR EXISTS (SELECT 1 FROM group_policy_attachments a JOIN groups g ON g.group_id = a.group_id WHERE a.policy_arn = p.arn AND g.account_id = $1)
  OR EXISTS (SELECT 1 FROM role_policy_attachments a JOIN roles r ON r.role_id = a.role_id WHERE a.policy_arn = p.arn AND r.account_id = $1)
  OR EXISTS (SELECT 1 FROM users u WHERE u.permissions_boundary = p.arn AND u.account_id = $1)
  OR EXISTS (SELECT 1 FROM roles r WHERE r.permissions_boundary = p.arn AND r.account_id = $1))`;

const POLICY_DETAILS = `SELECT page.*,
         ${ATTACHMENT_COUNT} AS attachment_count,
         ${BOUNDARY_COUNT} AS boundary_count,
         (SELECT json_agg(json_build_object('document', v.document, 'version', v.version_id, 'isDefault', v.is_default, 'created', v.created_at)
                          ORDER BY v.created_at DESC, v.version_id DESC)
            FROM policy_versions v WHERE v.policy_id = page.policy_id) AS versions
    FROM page ORDER BY lower(page.policy_name)`;
const POLICY_COLUMNS = 'p.policy_id, p.policy_name, p.arn, p.path, p.default_version_id, p.is_attachable, p.description, p.created_at, p.updated_at';

/** Managed policies attached to the principal (default versions), one constant per principal kind. */
const MANAGED_SELECT = `SELECT p.policy_name AS id, CASE WHEN p.account_id IS NULL THEN 'aws-managed' ELSE 'user-managed' END AS src, v.document`;
const MANAGED = {
  role: `${MANAGED_SELECT} FROM role_policy_attachments a JOIN policies p ON p.arn = a.policy_arn JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default WHERE a.role_id = r.role_id`,
  group: `${MANAGED_SELECT} FROM group_policy_attachments a JOIN policies p ON p.arn = a.policy_arn JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default WHERE a.group_id = g.group_id`,
  user: `${MANAGED_SELECT} FROM user_policy_attachments a JOIN policies p ON p.arn = a.policy_arn JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default WHERE a.user_id = u.user_id`,
};
/** The boundary policy's default version, as a one-element (or empty) list. */
const BOUNDARY_SELECT = `SELECT coalesce(json_agg(json_build_object('id', p.policy_name, 'src', 'user-managed', 'document', v.document)), '[]')
     FROM policies p JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default`;
const BOUNDARY_DOC = {
  role: `(${BOUNDARY_SELECT} WHERE p.arn = r.permissions_boundary)`,
  user: `(${BOUNDARY_SELECT} WHERE p.arn = u.permissions_boundary)`,
};

interface PolicyRow {
  policy_id: string;
  policy_name: string;
  arn: string;
  path: string;
  default_version_id: string;
  is_attachable: boolean;
  description: string | null;
  created_at: Date;
  updated_at: Date;
  attachment_count: number;
  boundary_count: number;
  versions: { document: string; version: string; isDefault: boolean; created: string }[] | null;
}

export class PgAuthorizationDetailsRepository implements AuthorizationDetailsRepository {
  constructor(protected readonly q: Sql) {}

  async users(accountId: string, q: KeysetQuery): Promise<UserDetails[]> {
    const r = await this.q.query(
      `WITH page AS (
         SELECT u.user_id, u.user_name, u.path, u.created_at, u.permissions_boundary, u.tags FROM users u
          WHERE u.account_id = $1 AND NOT u.is_root AND lower(u.user_name) > $2
          ORDER BY lower(u.user_name) LIMIT $3)
       SELECT page.*, ${INLINE.users} AS inline, ${ATTACHED.users} AS attached,
              (SELECT json_agg(g.group_name ORDER BY lower(g.group_name)) FROM group_members m JOIN groups g ON g.group_id = m.group_id WHERE m.user_id = page.user_id) AS groups
         FROM page ORDER BY lower(page.user_name)`,
      [accountId, q.after ?? '', q.limit],
    );
    return r.rows.map((u) => {
      const out: UserDetails = {
        id: u.user_id,
        name: u.user_name,
        path: u.path,
        createdAt: u.created_at,
        tags: tags(u.tags),
        inlinePolicies: inline(u.inline),
        attachedPolicies: attached(u.attached),
        groups: (u.groups as string[] | null) ?? [],
      };
      if (u.permissions_boundary !== null) out.permissionsBoundary = u.permissions_boundary;
      return out;
    });
  }

  async groups(accountId: string, q: KeysetQuery): Promise<GroupDetails[]> {
    const r = await this.q.query(
      `WITH page AS (
         SELECT g.group_id, g.group_name, g.path, g.created_at FROM groups g
          WHERE g.account_id = $1 AND lower(g.group_name) > $2
          ORDER BY lower(g.group_name) LIMIT $3)
       SELECT page.*, ${INLINE.groups} AS inline, ${ATTACHED.groups} AS attached
         FROM page ORDER BY lower(page.group_name)`,
      [accountId, q.after ?? '', q.limit],
    );
    return r.rows.map((g) => ({
      id: g.group_id,
      name: g.group_name,
      path: g.path,
      createdAt: g.created_at,
      inlinePolicies: inline(g.inline),
      attachedPolicies: attached(g.attached),
    }));
  }

  async roles(accountId: string, q: KeysetQuery): Promise<RoleDetails[]> {
    const r = await this.q.query(
      `WITH page AS (
         SELECT r.role_id, r.role_name, r.path, r.arn, r.created_at, r.assume_role_policy, r.permissions_boundary, r.tags, r.last_used_at, r.last_used_region FROM roles r
          WHERE r.account_id = $1 AND lower(r.role_name) > $2
          ORDER BY lower(r.role_name) LIMIT $3)
       SELECT page.*, ${INLINE.roles} AS inline, ${ATTACHED.roles} AS attached
         FROM page ORDER BY lower(page.role_name)`,
      [accountId, q.after ?? '', q.limit],
    );
    return r.rows.map((x) => {
      const out: RoleDetails = {
        id: x.role_id,
        name: x.role_name,
        path: x.path,
        arn: x.arn,
        trustPolicy: x.assume_role_policy,
        createdAt: x.created_at,
        tags: tags(x.tags),
        inlinePolicies: inline(x.inline),
        attachedPolicies: attached(x.attached),
      };
      if (x.permissions_boundary !== null) out.permissionsBoundary = x.permissions_boundary;
      if (x.last_used_at !== null) out.lastUsed = x.last_used_region === null ? { at: x.last_used_at } : { at: x.last_used_at, region: x.last_used_region };
      return out;
    });
  }

  async policies(accountId: string, scope: 'local' | 'aws', q: KeysetQuery): Promise<ManagedPolicyDetails[]> {
    const r =
      scope === 'local'
        ? await this.q.query<PolicyRow>(
            `WITH page AS (
               SELECT ${POLICY_COLUMNS} FROM policies p
                WHERE p.account_id = $1 AND lower(p.policy_name) > $2
                ORDER BY lower(p.policy_name) LIMIT $3)
             ${POLICY_DETAILS}`,
            [accountId, q.after ?? '', q.limit],
          )
        : // AWS managed policies are a fixed catalogue shared by every account (not the account's
          // size): the ones this account uses, in name order.
          await this.q.query<PolicyRow>(
            `WITH page AS (
               SELECT ${POLICY_COLUMNS} FROM policies p
                WHERE p.account_id IS NULL AND lower(p.policy_name) > $2 AND ${USED_IN_ACCOUNT}
                ORDER BY lower(p.policy_name) LIMIT $3)
             ${POLICY_DETAILS}`,
            [accountId, q.after ?? '', q.limit],
          );
    return r.rows.map((p) => {
      const out: ManagedPolicyDetails = {
        id: p.policy_id,
        name: p.policy_name,
        arn: p.arn,
        path: p.path,
        defaultVersionId: p.default_version_id,
        attachmentCount: p.attachment_count,
        boundaryUsageCount: p.boundary_count,
        isAttachable: p.is_attachable,
        createdAt: p.created_at,
        updatedAt: p.updated_at,
        versions: (p.versions ?? []).map((v) => ({ versionId: v.version, document: v.document, isDefault: v.isDefault, createdAt: new Date(v.created) })),
      };
      if (p.description !== null) out.description = p.description;
      return out;
    });
  }

  async counts(accountId: string): Promise<AccountCounts> {
    const r = await this.q.query<{
      users: number;
      groups: number;
      roles: number;
      policies: number;
      mfa: number;
      mfa_in_use: number;
      root_mfa: boolean;
      root_keys: boolean;
      versions_in_use: number;
      providers: number;
    }>(
      `SELECT
         (SELECT count(*)::int FROM users WHERE account_id = $1 AND NOT is_root) AS users,
         (SELECT count(*)::int FROM groups WHERE account_id = $1) AS groups,
         (SELECT count(*)::int FROM roles WHERE account_id = $1) AS roles,
         (SELECT count(*)::int FROM policies WHERE account_id = $1) AS policies,
         (SELECT count(*)::int FROM mfa_devices WHERE account_id = $1) AS mfa,
         (SELECT count(*)::int FROM mfa_devices WHERE account_id = $1 AND user_id IS NOT NULL) AS mfa_in_use,
         EXISTS (SELECT 1 FROM mfa_devices WHERE account_id = $1 AND user_id = $1) AS root_mfa,
         EXISTS (SELECT 1 FROM access_keys WHERE user_id = $1) AS root_keys,
         ((SELECT count(*) FROM user_policy_attachments a JOIN policies p ON p.arn = a.policy_arn WHERE p.account_id = $1)
        + (SELECT count(*) FROM group_policy_attachments a JOIN policies p ON p.arn = a.policy_arn WHERE p.account_id = $1)
        + (SELECT count(*) FROM role_policy_attachments a JOIN policies p ON p.arn = a.policy_arn WHERE p.account_id = $1))::int AS versions_in_use,
         ((SELECT count(*) FROM oidc_providers WHERE account_id = $1) + (SELECT count(*) FROM saml_providers WHERE account_id = $1))::int AS providers`,
      [accountId],
    );
    const c = r.rows[0]!;
    return {
      users: c.users,
      groups: c.groups,
      roles: c.roles,
      policies: c.policies,
      mfaDevices: c.mfa,
      mfaDevicesInUse: c.mfa_in_use,
      rootMfaEnabled: c.root_mfa,
      rootAccessKeysPresent: c.root_keys,
      policyVersionsInUse: c.versions_in_use,
      providers: c.providers,
    };
  }

  async principalPolicies(accountId: string, kind: 'user' | 'group' | 'role', name: string): Promise<PrincipalPolicies | null> {
    const r =
      kind === 'role'
        ? await this.q.query(
            `SELECT r.path,
                    (SELECT coalesce(json_agg(x), '[]') FROM (
                       SELECT policy_name AS id, 'role' AS src, document FROM role_policies WHERE role_id = r.role_id
                       UNION ALL ${MANAGED.role}) x) AS identity,
                    ${BOUNDARY_DOC.role} AS boundary
               FROM roles r WHERE r.account_id = $1 AND lower(r.role_name) = lower($2)`,
            [accountId, name],
          )
        : kind === 'group'
          ? await this.q.query(
              `SELECT g.path,
                      (SELECT coalesce(json_agg(x), '[]') FROM (
                         SELECT policy_name AS id, 'group' AS src, document FROM group_policies WHERE group_id = g.group_id
                         UNION ALL ${MANAGED.group}) x) AS identity,
                      '[]'::json AS boundary
                 FROM groups g WHERE g.account_id = $1 AND lower(g.group_name) = lower($2)`,
              [accountId, name],
            )
          : await this.q.query(
              `SELECT u.path,
                      (SELECT coalesce(json_agg(x), '[]') FROM (
                         SELECT policy_name AS id, 'user' AS src, document FROM user_policies WHERE user_id = u.user_id
                         UNION ALL ${MANAGED.user}
                         UNION ALL SELECT gp.policy_name, 'group', gp.document FROM group_members m JOIN group_policies gp ON gp.group_id = m.group_id WHERE m.user_id = u.user_id
                         UNION ALL SELECT p.policy_name, CASE WHEN p.account_id IS NULL THEN 'aws-managed' ELSE 'user-managed' END, v.document
                           FROM group_members m JOIN group_policy_attachments a ON a.group_id = m.group_id
                           JOIN policies p ON p.arn = a.policy_arn JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default
                          WHERE m.user_id = u.user_id) x) AS identity,
                      ${BOUNDARY_DOC.user} AS boundary
                 FROM users u WHERE u.account_id = $1 AND NOT u.is_root AND lower(u.user_name) = lower($2)`,
              [accountId, name],
            );
    const row = r.rows[0] as { path: string; identity: { id: string; src: string; document: string }[]; boundary: { id: string; src: string; document: string }[] } | undefined;
    if (!row) return null;
    const policy = (x: { id: string; src: string; document: string }): PrincipalPolicy => ({ document: x.document, id: x.id, sourceType: x.src });
    const seen = new Set<string>();
    // A managed policy reached twice (the user's and a group's attachment) counts once.
    const identity = row.identity.map(policy).filter((x) => (x.sourceType.endsWith('managed') ? (seen.has(x.id) ? false : (seen.add(x.id), true)) : true));
    return { path: row.path, identity, boundary: row.boundary.map(policy) };
  }
}
