import { defineOperation } from '../../awsquery/operation.js';
import { readPage, readPathPrefix } from '../common.js';
import { authorizedPolicy } from './policy-common.js';
import { pageOf, readPolicyArn } from './shared.js';

interface EntityRow {
  kind: 'group' | 'user' | 'role';
  name: string;
  id: string;
}

const KINDS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;

export const ListEntitiesForPolicy = defineOperation({
  service: 'iam',
  name: 'ListEntitiesForPolicy',
  auth: 'sigv4',
  parse: (p) => ({
    arn: readPolicyArn(p)!,
    filter: p.string('EntityFilter', { enum: KINDS }),
    pathPrefix: readPathPrefix(p) ?? '/',
    usage: p.string('PolicyUsageFilter', { enum: ['PermissionsPolicy', 'PermissionsBoundary'] }),
    page: readPage(p),
  }),
  async run(ctx, input) {
    const policy = await authorizedPolicy(ctx, input.arn, 'iam:ListEntitiesForPolicy');
    const want = (k: 'User' | 'Role' | 'Group') =>
      input.filter === undefined || input.filter === k || (input.filter === 'LocalManagedPolicy' && policy.account_id !== null) || (input.filter === 'AWSManagedPolicy' && policy.account_id === null);
    const asPolicy = input.usage !== 'PermissionsBoundary';
    const asBoundary = input.usage !== 'PermissionsPolicy';
    const parts: string[] = [];
    if (want('Group') && asPolicy) {
      parts.push(`SELECT 'group' AS kind, g.group_name AS name, g.group_id AS id FROM group_policy_attachments a JOIN groups g ON g.group_id = a.group_id
                   WHERE a.policy_arn = $1 AND g.account_id = $2 AND starts_with(g.path, $3)`);
    }
    if (want('User')) {
      const conds = [asPolicy ? 'EXISTS (SELECT 1 FROM user_policy_attachments a WHERE a.user_id = u.user_id AND a.policy_arn = $1)' : '', asBoundary ? 'u.permissions_boundary = $1' : ''].filter(Boolean);
      parts.push(`SELECT 'user' AS kind, u.user_name AS name, u.user_id AS id FROM users u WHERE u.account_id = $2 AND starts_with(u.path, $3) AND (${conds.join(' OR ')})`);
    }
    if (want('Role')) {
      const conds = [asPolicy ? 'EXISTS (SELECT 1 FROM role_policy_attachments a WHERE a.role_id = r.role_id AND a.policy_arn = $1)' : '', asBoundary ? 'r.permissions_boundary = $1' : ''].filter(Boolean);
      parts.push(`SELECT 'role' AS kind, r.role_name AS name, r.role_id AS id FROM roles r WHERE r.account_id = $2 AND starts_with(r.path, $3) AND (${conds.join(' OR ')})`);
    }
    if (parts.length === 0) return pageOf<EntityRow>([], input.page);
    const r = await ctx.services.db.query<EntityRow>(`SELECT * FROM (${parts.join(' UNION ALL ')}) x ORDER BY kind, lower(name)`, [input.arn, ctx.caller.accountId, input.pathPrefix]);
    return pageOf(r.rows, input.page);
  },
  render: (o) => ({
    PolicyGroups: o.items.filter((e) => e.kind === 'group').map((e) => ({ GroupName: e.name, GroupId: e.id })),
    PolicyUsers: o.items.filter((e) => e.kind === 'user').map((e) => ({ UserName: e.name, UserId: e.id })),
    PolicyRoles: o.items.filter((e) => e.kind === 'role').map((e) => ({ RoleName: e.name, RoleId: e.id })),
    IsTruncated: o.IsTruncated,
    Marker: o.Marker,
  }),
});
