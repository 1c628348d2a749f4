import type { Sql } from './db.js';
import { isUniqueViolation } from './pg-errors.js';
import type { KeysetQuery, Tag } from './types.js';

/** A managed policy: the account's own, or AWS managed (`accountId` undefined), shared by every account. */
export interface ManagedPolicy {
  id: string;
  accountId?: string;
  name: string;
  path: string;
  arn: string;
  description?: string;
  defaultVersionId: string;
  /** The number the next version takes (IAM never reuses a version id). */
  nextVersion: number;
  isAttachable: boolean;
  tags: Tag[];
  createdAt: Date;
  updatedAt: Date;
  /** Users, groups and roles it is attached to (computed, never drifts). */
  attachmentCount: number;
  /** Users and roles whose permissions boundary it is (computed). */
  boundaryUsageCount: number;
}

export interface PolicyVersion {
  versionId: string;
  document: string;
  isDefault: boolean;
  createdAt: Date;
}

export interface NewManagedPolicy {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  description?: string;
  tags: Tag[];
  /** The document of v1, its default version. */
  document: string;
  createdAt: Date;
}

/** Which policies ListPolicies lists. */
export interface PolicyFilter {
  scope: 'All' | 'AWS' | 'Local';
  pathPrefix: string;
  onlyAttached: boolean;
  usage?: 'PermissionsPolicy' | 'PermissionsBoundary';
}

/** A user or role whose permissions boundary is set or removed. */
export interface BoundaryHolder {
  kind: 'user' | 'role';
  id: string;
  name: string;
  path: string;
}

/** The key policies are listed by (ListPolicies): case-folded name, a space, the ARN; byte order. */
export const policySortKey = (p: Pick<ManagedPolicy, 'name' | 'arn'>) => `${p.name.toLowerCase()} ${p.arn}`;

/** Version ids sort by number (v2 < v10). */
export const versionNumber = (id: string) => Number(/^v(\d+)/.exec(id)?.[1] ?? 0);

/**
 * Storage of managed policies, their versions, and their use as permissions boundaries.
 * Concurrency (boundary race): setting a boundary holds the policy row FOR KEY SHARE until
 * commit (`keyShareForBoundary`); DeletePolicy locks it FOR UPDATE (`get` with lock) and then
 * recounts boundary use in a statement of its own (`boundaryUseCount`), so it either waits for
 * the setter and sees its use, or deletes first and the setter finds no policy.
 */
export interface ManagedPolicyRepository {
  /** The policy `arn` as `accountId` sees it (its own or AWS managed), or null. `lock` holds it FOR UPDATE. */
  get(accountId: string, arn: string, opts?: { lock?: boolean }): Promise<ManagedPolicy | null>;
  /** Inserts the policy and its v1 (default); 'exists' when the account has a policy of that name (case-insensitively). */
  insert(p: NewManagedPolicy): Promise<ManagedPolicy | 'exists'>;
  /** Policies `accountId` sees matching `f`, in sort-key order, after `q.after`. */
  page(accountId: string, f: PolicyFilter, q: KeysetQuery): Promise<ManagedPolicy[]>;
  /** The policy's versions, newest (highest number) first. At most five. */
  versions(policyId: string): Promise<PolicyVersion[]>;
  /** How many versions the policy has. */
  versionCount(policyId: string): Promise<number>;
  /** One version, or null. */
  version(policyId: string, versionId: string): Promise<PolicyVersion | null>;
  /** Adds version `v<nextVersion>` (default when `setAsDefault`), bumps nextVersion and updatedAt. Lock the policy first. */
  addVersion(policy: Pick<ManagedPolicy, 'id' | 'nextVersion'>, document: string, setAsDefault: boolean, at: Date): Promise<PolicyVersion>;
  /** Deletes a version and bumps updatedAt; false if there was no such version. */
  deleteVersion(policyId: string, versionId: string, at: Date): Promise<boolean>;
  /** Makes `versionId` the default and bumps updatedAt; false if there is no such version. */
  setDefaultVersion(policyId: string, versionId: string, at: Date): Promise<boolean>;
  /** Users and roles whose boundary is `arn`, counted now (not from an earlier snapshot). */
  boundaryUseCount(arn: string): Promise<number>;
  /** Deletes the policy (and its versions); false if it was gone. */
  delete(policyId: string): Promise<boolean>;
  /** Whether the policy `arn` exists for `accountId`; holds it FOR KEY SHARE until commit (setting a boundary). */
  keyShareForBoundary(accountId: string, arn: string): Promise<boolean>;
  /** The user (not root) or role named `name` (case-insensitively) whose boundary is to change, or null. */
  boundaryHolder(accountId: string, kind: 'user' | 'role', name: string): Promise<BoundaryHolder | null>;
  /** Sets (or, with null, removes) the holder's permissions boundary; false if it is gone. */
  setBoundary(holder: Pick<BoundaryHolder, 'kind' | 'id'>, policyArn: string | null): Promise<boolean>;
}

interface PolicyRow {
  policy_id: string;
  account_id: string | null;
  policy_name: string;
  path: string;
  arn: string;
  description: string | null;
  default_version_id: string;
  next_version: number;
  is_attachable: boolean;
  tags: Tag[];
  created_at: Date;
  updated_at: Date;
  attachment_count: number;
  boundary_usage_count: number;
}

interface VersionRow {
  version_id: string;
  document: string;
  is_default: boolean;
  created_at: Date;
}

/**
 * Attachment and boundary-usage counts within the caller's account (the statement's parameter
 * `acct`): an AWS managed policy is shared by every account, and its counts, like AWS's, are
 * those of the account asking — never another tenant's use of it. Read from policy_usage
 * (migration 0012: kept by triggers in the transaction of every attachment and boundary change,
 * so they never drift), one primary-key lookup per policy whatever the account's size.
 */
const COLUMNS = `p.policy_id, p.account_id, p.policy_name, p.path, p.arn, p.description, p.default_version_id, p.next_version, p.is_attachable, p.tags, p.created_at, p.updated_at,
  COALESCE(pu.attachments, 0) AS attachment_count, COALESCE(pu.boundaries, 0) AS boundary_usage_count`;
const usageJoin = (acct: '$1' | '$2') => `LEFT JOIN policy_usage pu ON pu.policy_arn = p.arn AND pu.account_id = ${acct}`;

const VERSION_COLUMNS = 'version_id, document, is_default, created_at';

function toPolicy(r: PolicyRow): ManagedPolicy {
  const p: ManagedPolicy = {
    id: r.policy_id,
    name: r.policy_name,
    path: r.path,
    arn: r.arn,
    defaultVersionId: r.default_version_id,
    nextVersion: r.next_version,
    isAttachable: r.is_attachable,
    tags: r.tags,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    attachmentCount: r.attachment_count,
    boundaryUsageCount: r.boundary_usage_count,
  };
  if (r.account_id !== null) p.accountId = r.account_id;
  if (r.description !== null) p.description = r.description;
  return p;
}

const toVersion = (r: VersionRow): PolicyVersion => ({ versionId: r.version_id, document: r.document, isDefault: r.is_default, createdAt: r.created_at });

export class PgManagedPolicyRepository implements ManagedPolicyRepository {
  constructor(protected readonly q: Sql) {}

  async get(accountId: string, arn: string, opts: { lock?: boolean } = {}): Promise<ManagedPolicy | null> {
    const r = await this.q.query<PolicyRow>(
      opts.lock
        ? `SELECT ${COLUMNS} FROM policies p ${usageJoin('$2')} WHERE p.arn = $1 AND (p.account_id = $2 OR p.account_id IS NULL) FOR UPDATE OF p`
        : `SELECT ${COLUMNS} FROM policies p ${usageJoin('$2')} WHERE p.arn = $1 AND (p.account_id = $2 OR p.account_id IS NULL)`,
      [arn, accountId],
    );
    return r.rows[0] ? toPolicy(r.rows[0]) : null;
  }

  async insert(p: NewManagedPolicy): Promise<ManagedPolicy | 'exists'> {
    let row: PolicyRow;
    try {
      const r = await this.q.query<PolicyRow>(
        `INSERT INTO policies (policy_id, account_id, policy_name, path, arn, description, tags, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         RETURNING policy_id, account_id, policy_name, path, arn, description, default_version_id, next_version, is_attachable, tags, created_at, updated_at,
                   0 AS attachment_count, 0 AS boundary_usage_count`,
        [p.id, p.accountId, p.name, p.path, p.arn, p.description ?? null, JSON.stringify(p.tags), p.createdAt],
      );
      row = r.rows[0]!;
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
    await this.q.query(`INSERT INTO policy_versions (policy_id, version_id, document, is_default, created_at) VALUES ($1, 'v1', $2, true, $3)`, [p.id, p.document, p.createdAt]);
    return toPolicy(row);
  }

  async page(accountId: string, f: PolicyFilter, q: KeysetQuery): Promise<ManagedPolicy[]> {
    // Parameters, not SQL text, carry the filter; each statement is planned with its values, so
    // the constant conditions fold away. Ordering expression as before (issue 10: keyset).
    const r = await this.q.query<PolicyRow>(
      `SELECT * FROM (SELECT ${COLUMNS} FROM policies p ${usageJoin('$1')}
                       WHERE (($5 AND p.account_id = $1) OR ($6 AND p.account_id IS NULL)) AND starts_with(p.path, $2)) x
        WHERE (NOT $7 OR ($8::text = 'PermissionsPolicy' AND attachment_count > 0) OR ($8::text = 'PermissionsBoundary' AND boundary_usage_count > 0)
                      OR ($8::text IS NULL AND (attachment_count > 0 OR boundary_usage_count > 0)))
          AND (lower(policy_name) || ' ' || arn) COLLATE "C" > $3
        ORDER BY (lower(policy_name) || ' ' || arn) COLLATE "C" LIMIT $4`,
      [accountId, f.pathPrefix, q.after ?? '', q.limit, f.scope !== 'AWS', f.scope !== 'Local', f.onlyAttached, f.usage ?? null],
    );
    return r.rows.map(toPolicy);
  }

  async versions(policyId: string): Promise<PolicyVersion[]> {
    const r = await this.q.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM policy_versions WHERE policy_id = $1`, [policyId]);
    return r.rows.map(toVersion).sort((a, b) => versionNumber(b.versionId) - versionNumber(a.versionId));
  }

  async versionCount(policyId: string): Promise<number> {
    const r = await this.q.query<{ n: number }>(`SELECT count(*)::int AS n FROM policy_versions WHERE policy_id = $1`, [policyId]);
    return r.rows[0]?.n ?? 0;
  }

  async version(policyId: string, versionId: string): Promise<PolicyVersion | null> {
    const r = await this.q.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM policy_versions WHERE policy_id = $1 AND version_id = $2`, [policyId, versionId]);
    return r.rows[0] ? toVersion(r.rows[0]) : null;
  }

  async addVersion(policy: Pick<ManagedPolicy, 'id' | 'nextVersion'>, document: string, setAsDefault: boolean, at: Date): Promise<PolicyVersion> {
    const versionId = `v${policy.nextVersion}`;
    if (setAsDefault) await this.q.query(`UPDATE policy_versions SET is_default = false WHERE policy_id = $1 AND is_default`, [policy.id]);
    const r = await this.q.query<VersionRow>(
      `INSERT INTO policy_versions (policy_id, version_id, document, is_default, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${VERSION_COLUMNS}`,
      [policy.id, versionId, document, setAsDefault, at],
    );
    await this.q.query(
      `UPDATE policies SET next_version = next_version + 1, updated_at = $2, default_version_id = CASE WHEN $3 THEN $4 ELSE default_version_id END WHERE policy_id = $1`,
      [policy.id, at, setAsDefault, versionId],
    );
    return toVersion(r.rows[0]!);
  }

  async deleteVersion(policyId: string, versionId: string, at: Date): Promise<boolean> {
    const r = await this.q.query(`DELETE FROM policy_versions WHERE policy_id = $1 AND version_id = $2`, [policyId, versionId]);
    if (!r.rowCount) return false;
    await this.q.query(`UPDATE policies SET updated_at = $2 WHERE policy_id = $1`, [policyId, at]);
    return true;
  }

  async setDefaultVersion(policyId: string, versionId: string, at: Date): Promise<boolean> {
    const v = await this.q.query(`SELECT 1 FROM policy_versions WHERE policy_id = $1 AND version_id = $2`, [policyId, versionId]);
    if (!v.rowCount) return false;
    await this.q.query(`UPDATE policy_versions SET is_default = false WHERE policy_id = $1 AND is_default`, [policyId]);
    await this.q.query(`UPDATE policy_versions SET is_default = true WHERE policy_id = $1 AND version_id = $2`, [policyId, versionId]);
    await this.q.query(`UPDATE policies SET default_version_id = $2, updated_at = $3 WHERE policy_id = $1`, [policyId, versionId, at]);
    return true;
  }

  async boundaryUseCount(arn: string): Promise<number> {
    const r = await this.q.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM users WHERE permissions_boundary = $1) + (SELECT count(*) FROM roles WHERE permissions_boundary = $1))::int AS n`,
      [arn],
    );
    return r.rows[0]?.n ?? 0;
  }

  async delete(policyId: string): Promise<boolean> {
    const r = await this.q.query(`DELETE FROM policies WHERE policy_id = $1`, [policyId]);
    return (r.rowCount ?? 0) > 0;
  }

  async keyShareForBoundary(accountId: string, arn: string): Promise<boolean> {
    const r = await this.q.query(`SELECT 1 FROM policies WHERE arn = $1 AND (account_id = $2 OR account_id IS NULL) FOR KEY SHARE`, [arn, accountId]);
    return (r.rowCount ?? 0) > 0;
  }

  async boundaryHolder(accountId: string, kind: 'user' | 'role', name: string): Promise<BoundaryHolder | null> {
    const r =
      kind === 'user'
        ? await this.q.query<{ id: string; name: string; path: string }>(
            `SELECT user_id AS id, user_name AS name, path FROM users WHERE account_id = $1 AND lower(user_name) = lower($2) AND NOT is_root`,
            [accountId, name],
          )
        : await this.q.query<{ id: string; name: string; path: string }>(`SELECT role_id AS id, role_name AS name, path FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2)`, [
            accountId,
            name,
          ]);
    const row = r.rows[0];
    return row ? { kind, ...row } : null;
  }

  async setBoundary(holder: Pick<BoundaryHolder, 'kind' | 'id'>, policyArn: string | null): Promise<boolean> {
    const r =
      holder.kind === 'user'
        ? await this.q.query(`UPDATE users SET permissions_boundary = $2 WHERE user_id = $1`, [holder.id, policyArn])
        : await this.q.query(`UPDATE roles SET permissions_boundary = $2 WHERE role_id = $1`, [holder.id, policyArn]);
    return (r.rowCount ?? 0) > 0;
  }
}
