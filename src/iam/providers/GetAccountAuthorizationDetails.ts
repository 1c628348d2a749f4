import { defineOperation } from '../../awsquery/operation.js';
import type { XmlObject } from '../../awsquery/xml.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { encodeDocument, iamArn, readPage, renderBoundary } from '../common.js';
import { accountOf, partitionOf, tagsOf, xmlTags, type Sql } from './shared.js';

/**
 * Every user, group, role and managed policy of the account with their relationships, in one
 * list paged by Marker/MaxItems across the four kinds (users, then groups, roles, policies).
 * AWS managed policies appear when attached to something in the account.
 */
const FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;

type Item = { kind: 'user' | 'group' | 'role' | 'policy'; xml: XmlObject };

const inline = (rows: { name: string; document: string }[] | null, nameField: string) =>
  (rows ?? []).map((r) => ({ [nameField]: r.name, PolicyDocument: encodeDocument(r.document) }));
const attached = (rows: { name: string; arn: string }[] | null) => (rows ?? []).map((r) => ({ PolicyName: r.name, PolicyArn: r.arn }));

const ATTACHED = (table: string, col: string, id: string) =>
  `(SELECT json_agg(json_build_object('name', p.policy_name, 'arn', p.arn) ORDER BY p.policy_name)
      FROM ${table} a JOIN policies p ON p.arn = a.policy_arn WHERE a.${col} = ${id})`;
const INLINE = (table: string, col: string, id: string) =>
  `(SELECT json_agg(json_build_object('name', x.policy_name, 'document', x.document) ORDER BY x.policy_name) FROM ${table} x WHERE x.${col} = ${id})`;

async function users(db: Sql, acct: string, part: string): Promise<Item[]> {
  const r = await db.query(
    `SELECT u.user_id, u.user_name, u.path, u.created_at, u.permissions_boundary, u.tags,
            ${INLINE('user_policies', 'user_id', 'u.user_id')} AS inline,
            ${ATTACHED('user_policy_attachments', 'user_id', 'u.user_id')} AS attached,
            (SELECT json_agg(g.group_name ORDER BY lower(g.group_name)) FROM group_members m JOIN groups g ON g.group_id = m.group_id WHERE m.user_id = u.user_id) AS groups
       FROM users u WHERE u.account_id = $1 AND NOT u.is_root ORDER BY lower(u.user_name)`,
    [acct],
  );
  return r.rows.map((u) => {
    const tags = tagsOf(u.tags);
    return {
      kind: 'user' as const,
      xml: {
        Path: u.path,
        UserName: u.user_name,
        UserId: u.user_id,
        Arn: iamArn(part, acct, `user${u.path}${u.user_name}`),
        CreateDate: u.created_at,
        UserPolicyList: inline(u.inline, 'PolicyName'),
        GroupList: u.groups ?? [],
        AttachedManagedPolicies: attached(u.attached),
        PermissionsBoundary: renderBoundary(u.permissions_boundary),
        Tags: tags.length ? xmlTags(tags) : undefined,
      },
    };
  });
}

async function groups(db: Sql, acct: string, part: string): Promise<Item[]> {
  const r = await db.query(
    `SELECT g.group_id, g.group_name, g.path, g.created_at,
            ${INLINE('group_policies', 'group_id', 'g.group_id')} AS inline,
            ${ATTACHED('group_policy_attachments', 'group_id', 'g.group_id')} AS attached
       FROM groups g WHERE g.account_id = $1 ORDER BY lower(g.group_name)`,
    [acct],
  );
  return r.rows.map((g) => ({
    kind: 'group' as const,
    xml: {
      Path: g.path,
      GroupName: g.group_name,
      GroupId: g.group_id,
      Arn: iamArn(part, acct, `group${g.path}${g.group_name}`),
      CreateDate: g.created_at,
      GroupPolicyList: inline(g.inline, 'PolicyName'),
      AttachedManagedPolicies: attached(g.attached),
    },
  }));
}

async function roles(db: Sql, acct: string): Promise<Item[]> {
  const r = await db.query(
    `SELECT r.role_id, r.role_name, r.path, r.arn, r.created_at, r.assume_role_policy, r.permissions_boundary, r.tags, r.last_used_at, r.last_used_region,
            ${INLINE('role_policies', 'role_id', 'r.role_id')} AS inline,
            ${ATTACHED('role_policy_attachments', 'role_id', 'r.role_id')} AS attached
       FROM roles r WHERE r.account_id = $1 ORDER BY lower(r.role_name)`,
    [acct],
  );
  return r.rows.map((x) => {
    const tags = tagsOf(x.tags);
    return {
      kind: 'role' as const,
      xml: {
        Path: x.path,
        RoleName: x.role_name,
        RoleId: x.role_id,
        Arn: x.arn,
        CreateDate: x.created_at,
        AssumeRolePolicyDocument: encodeDocument(x.assume_role_policy),
        InstanceProfileList: [],
        RolePolicyList: inline(x.inline, 'PolicyName'),
        AttachedManagedPolicies: attached(x.attached),
        PermissionsBoundary: renderBoundary(x.permissions_boundary),
        Tags: tags.length ? xmlTags(tags) : undefined,
        RoleLastUsed: { LastUsedDate: x.last_used_at ?? undefined, Region: x.last_used_region ?? undefined },
      },
    };
  });
}

async function policies(db: Sql, acct: string, local: boolean, aws: boolean): Promise<Item[]> {
  if (!local && !aws) return [];
  const r = await db.query(
    `SELECT * FROM (
       SELECT p.*,
         ((SELECT count(*) FROM user_policy_attachments a JOIN users u ON u.user_id = a.user_id WHERE a.policy_arn = p.arn AND u.account_id = $1)
        + (SELECT count(*) FROM group_policy_attachments a JOIN groups g ON g.group_id = a.group_id WHERE a.policy_arn = p.arn AND g.account_id = $1)
        + (SELECT count(*) FROM role_policy_attachments a JOIN roles r ON r.role_id = a.role_id WHERE a.policy_arn = p.arn AND r.account_id = $1))::int AS attachment_count,
         ((SELECT count(*) FROM users u WHERE u.permissions_boundary = p.arn AND u.account_id = $1)
        + (SELECT count(*) FROM roles r WHERE r.permissions_boundary = p.arn AND r.account_id = $1))::int AS boundary_count,
         (SELECT json_agg(json_build_object('document', v.document, 'version', v.version_id, 'isDefault', v.is_default, 'created', v.created_at)
                          ORDER BY v.created_at DESC, v.version_id DESC)
            FROM policy_versions v WHERE v.policy_id = p.policy_id) AS versions
       FROM policies p WHERE ($2 AND p.account_id = $1) OR ($3 AND p.account_id IS NULL)
     ) x WHERE x.account_id IS NOT NULL OR x.attachment_count + x.boundary_count > 0
     ORDER BY x.account_id IS NULL, lower(x.policy_name)`,
    [acct, local, aws],
  );
  return r.rows.map((p) => ({
    kind: 'policy' as const,
    xml: {
      PolicyName: p.policy_name,
      PolicyId: p.policy_id,
      Arn: p.arn,
      Path: p.path,
      DefaultVersionId: p.default_version_id,
      AttachmentCount: p.attachment_count,
      PermissionsBoundaryUsageCount: p.boundary_count,
      IsAttachable: p.is_attachable,
      Description: p.description ?? undefined,
      CreateDate: p.created_at,
      UpdateDate: p.updated_at,
      PolicyVersionList: ((p.versions ?? []) as { document: string; version: string; isDefault: boolean; created: string }[]).map((v) => ({
        Document: encodeDocument(v.document),
        VersionId: v.version,
        IsDefaultVersion: v.isDefault,
        CreateDate: new Date(v.created),
      })),
    },
  }));
}

export const GetAccountAuthorizationDetails = defineOperation({
  service: 'iam',
  name: 'GetAccountAuthorizationDetails',
  auth: 'sigv4',
  parse: (p) => ({ filter: p.stringList('Filter', { enum: FILTERS }), page: readPage(p) }),
  async run(ctx, input) {
    await authorize(ctx, 'iam:GetAccountAuthorizationDetails', '*');
    const want = new Set<string>(input.filter && input.filter.length > 0 ? input.filter : FILTERS);
    const db = ctx.services.db;
    const acct = accountOf(ctx);
    const part = partitionOf(ctx);
    const all: Item[] = [
      ...(want.has('User') ? await users(db, acct, part) : []),
      ...(want.has('Group') ? await groups(db, acct, part) : []),
      ...(want.has('Role') ? await roles(db, acct) : []),
      ...(await policies(db, acct, want.has('LocalManagedPolicy'), want.has('AWSManagedPolicy'))),
    ];
    let start = 0;
    if (input.page.marker !== undefined) {
      const n = Number(Buffer.from(input.page.marker, 'base64url').toString('utf8'));
      if (!Number.isInteger(n) || n < 0 || n > all.length) throw Errors.invalidInput('Invalid Marker.');
      start = n;
    }
    const page = all.slice(start, start + input.page.maxItems);
    const next = start + page.length;
    return { page, truncated: next < all.length, marker: next < all.length ? Buffer.from(String(next)).toString('base64url') : undefined };
  },
  render: (out) => ({
    UserDetailList: out.page.filter((i) => i.kind === 'user').map((i) => i.xml),
    GroupDetailList: out.page.filter((i) => i.kind === 'group').map((i) => i.xml),
    RoleDetailList: out.page.filter((i) => i.kind === 'role').map((i) => i.xml),
    Policies: out.page.filter((i) => i.kind === 'policy').map((i) => i.xml),
    IsTruncated: out.truncated,
    Marker: out.marker,
  }),
});
