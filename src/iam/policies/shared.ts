import { Errors } from '../../errors/index.js';
import { policySize, validatePolicy, type PolicyKind } from '../../policy/index.js';
import type { Input } from '../../awsquery/input.js';
import type { AuthedContext } from '../../awsquery/operation.js';
import type { XmlObject } from '../../awsquery/xml.js';
import type { Db } from '../../store/db.js';
/** A pool or a transaction's client. */
export type Queryable = Pick<Db, 'query'>;
import { arnFor, encodeDocument, POLICY_DOC_PATTERN, POLICY_DOC_PATTERN_TEXT, renderBoundary, type Tag } from '../common.js';
import type { ContextValue } from '../authorize.js';

/**
 * What the role/policy actions share: lookups that answer NoSuchEntity in IAM's words, document
 * validation with IAM's quotas, and the XML shapes of Role, Policy and PolicyVersion.
 */
export const MANAGED_POLICIES_PER_ENTITY = 10;
export const POLICY_VERSIONS_MAX = 5;
export const QUOTA = { managed: 6144, user: 2048, group: 5120, role: 10_240, trust: 2048 } as const;

export { arnFor };

export const POLICY_ARN = /^arn:[\w+=/,.@-]+:iam::(aws|\d{12}):policy(\/[\u0021-\u007E]*)$/;

export const readPolicyArn = (p: Input, field = 'PolicyArn') => p.string(field, { required: true, min: 20, max: 2048 });

export const readDocument = (p: Input, field: string, required = true) =>
  p.string(field, { required, min: 1, max: 131_072, pattern: POLICY_DOC_PATTERN, patternText: POLICY_DOC_PATTERN_TEXT });

export const readVersionId = (p: Input) =>
  p.string('VersionId', { required: true, pattern: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/, patternText: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?' });

export const readPolicyName = (p: Input) =>
  p.string('PolicyName', { required: true, min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' });

/** Tag context for authorization: aws:RequestTag/<k> and aws:TagKeys. */
export function tagContext(tags: Tag[] | undefined): Record<string, ContextValue> {
  const c: Record<string, ContextValue> = {};
  if (!tags || tags.length === 0) return c;
  for (const t of tags) c[`aws:RequestTag/${t.Key}`] = t.Value;
  c['aws:TagKeys'] = tags.map((t) => t.Key);
  return c;
}

export const xmlTags = (tags: Tag[]) => tags.map((t) => ({ Key: t.Key, Value: t.Value }));

/** Merge tags: new values replace existing keys (compared case-insensitively, new spelling kept). */
export function mergeTags(existing: Tag[], add: Tag[]): Tag[] {
  const out = existing.filter((e) => !add.some((a) => a.Key.toLowerCase() === e.Key.toLowerCase()));
  return [...out, ...add];
}

export const removeTags = (existing: Tag[], keys: string[]) => {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
};

export function assertTagQuota(tags: Tag[]): void {
  if (tags.length > 50) throw Errors.limitExceeded('The number of tags has reached the maximum limit.');
}

/** Validates a policy document for `kind`; throws MalformedPolicyDocument as IAM does. */
export function validateDocument(text: string, kind: PolicyKind): void {
  const v = validatePolicy(text, { kind });
  if (!v.ok) throw v.error;
}

export function checkManagedSize(text: string): void {
  if (policySize(text) > QUOTA.managed) throw Errors.limitExceeded(`Cannot exceed quota for PolicySize: ${QUOTA.managed}`);
}

export function checkTrustSize(text: string): void {
  if (policySize(text) > QUOTA.trust) throw Errors.limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${QUOTA.trust}`);
}

// ----- roles -----

export interface RoleRow {
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

export async function findRole(c: Queryable, accountId: string, name: string, lock = false): Promise<RoleRow> {
  const r = await c.query<RoleRow>(`SELECT * FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2)${lock ? ' FOR UPDATE' : ''}`, [accountId, name]);
  const row = r.rows[0];
  if (!row) throw Errors.noSuchEntity(`The role with name ${name} cannot be found.`);
  return row;
}

/** The Role structure; `full` adds what only GetRole/CreateRole return (boundary, tags, last used). */
export function renderRole(r: RoleRow, full: boolean): XmlObject {
  return {
    Path: r.path,
    RoleName: r.role_name,
    RoleId: r.role_id,
    Arn: r.arn,
    CreateDate: r.created_at,
    AssumeRolePolicyDocument: encodeDocument(r.assume_role_policy),
    Description: r.description ?? undefined,
    MaxSessionDuration: r.max_session_duration,
    PermissionsBoundary: full ? renderBoundary(r.permissions_boundary) : undefined,
    Tags: full && r.tags.length > 0 ? xmlTags(r.tags) : undefined,
    RoleLastUsed: full ? { LastUsedDate: r.last_used_at ?? undefined, Region: r.last_used_region ?? undefined } : undefined,
  };
}

// ----- managed policies -----

export interface PolicyRow {
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

/** Attachment and boundary-usage counts, computed (never drift). */
export const POLICY_COLUMNS = `p.*,
  ((SELECT count(*) FROM user_policy_attachments a WHERE a.policy_arn = p.arn)
 + (SELECT count(*) FROM group_policy_attachments a WHERE a.policy_arn = p.arn)
 + (SELECT count(*) FROM role_policy_attachments a WHERE a.policy_arn = p.arn))::int AS attachment_count,
  ((SELECT count(*) FROM users u WHERE u.permissions_boundary = p.arn)
 + (SELECT count(*) FROM roles r WHERE r.permissions_boundary = p.arn))::int AS boundary_usage_count`;

export const policyNotFound = (arn: string) => Errors.noSuchEntity(`Policy ${arn} was not found.`);

/** A managed policy this account can see (its own or AWS managed). */
export async function findPolicy(c: Queryable, accountId: string, arn: string, lock = false): Promise<PolicyRow> {
  const r = await c.query<PolicyRow>(
    `SELECT ${POLICY_COLUMNS} FROM policies p WHERE p.arn = $1 AND (p.account_id = $2 OR p.account_id IS NULL)${lock ? ' FOR UPDATE OF p' : ''}`,
    [arn, accountId],
  );
  const row = r.rows[0];
  if (!row) {
    if (!POLICY_ARN.test(arn)) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
    throw policyNotFound(arn);
  }
  return row;
}

/** A policy the caller may change: its own (AWS managed ones are not modifiable). */
export async function findOwnPolicy(c: Queryable, accountId: string, arn: string, lock = false): Promise<PolicyRow> {
  const row = await findPolicy(c, accountId, arn, lock);
  if (row.account_id === null) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
  return row;
}

export function renderPolicy(p: PolicyRow, opts: { description?: boolean; tags?: boolean } = {}): XmlObject {
  return {
    PolicyName: p.policy_name,
    PolicyId: p.policy_id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.default_version_id,
    AttachmentCount: p.attachment_count,
    PermissionsBoundaryUsageCount: p.boundary_usage_count,
    IsAttachable: p.is_attachable,
    Description: opts.description ? p.description ?? undefined : undefined,
    CreateDate: p.created_at,
    UpdateDate: p.updated_at,
    Tags: opts.tags && p.tags.length > 0 ? xmlTags(p.tags) : undefined,
  };
}

export interface VersionRow {
  version_id: string;
  document: string;
  is_default: boolean;
  created_at: Date;
}

export const renderVersion = (v: VersionRow, withDocument: boolean): XmlObject => ({
  Document: withDocument ? encodeDocument(v.document) : undefined,
  VersionId: v.version_id,
  IsDefaultVersion: v.is_default,
  CreateDate: v.created_at,
});

/** Version ids sort by number (v2 < v10). */
export const versionNumber = (id: string) => Number(/^v(\d+)/.exec(id)?.[1] ?? 0);

// ----- users and groups (part A's tables) -----

export interface UserRef {
  user_id: string;
  user_name: string;
  path: string;
}

export async function findUser(c: Queryable, accountId: string, name: string, lock = false): Promise<UserRef> {
  const r = await c.query<UserRef>(
    `SELECT user_id, user_name, path FROM users WHERE account_id = $1 AND lower(user_name) = lower($2) AND NOT is_root${lock ? ' FOR UPDATE' : ''}`,
    [accountId, name],
  );
  const row = r.rows[0];
  if (!row) throw Errors.noSuchEntity(`The user with name ${name} cannot be found.`);
  return row;
}

export interface GroupRef {
  group_id: string;
  group_name: string;
  path: string;
}

export async function findGroup(c: Queryable, accountId: string, name: string, lock = false): Promise<GroupRef> {
  // An outage is an error, never "no such group" (issue 10: no catch-all that hides an outage).
  const r = await c.query<GroupRef>(
    `SELECT group_id, group_name, path FROM groups WHERE account_id = $1 AND lower(group_name) = lower($2)${lock ? ' FOR UPDATE' : ''}`,
    [accountId, name],
  );
  const row = r.rows[0];
  if (!row) throw Errors.noSuchEntity(`The group with name ${name} cannot be found.`);
  return row;
}

/** After a commit: tell every replica that this principal's (or everyone's) policies changed. */
export const invalidatePrincipal = (ctx: AuthedContext, principalId: string) => ctx.services.invalidate({ kind: 'principal', principalId });
export const invalidateAll = (ctx: AuthedContext) => ctx.services.invalidate({ kind: 'all' });

export { pageList as pageOf } from '../common.js';
