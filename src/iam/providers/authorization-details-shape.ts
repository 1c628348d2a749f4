import type { GroupDetail, ManagedPolicyDetail, RoleDetail, UserDetail } from '../../protocols/generated/iam.js';
import type { AttachedPolicyRef, GroupDetails, InlinePolicy, ManagedPolicyDetails, RoleDetails, UserDetails } from '../../store/authorization-details.js';
import { encodeDocument, iamArn, renderBoundary } from '../common.js';
import { policyShape } from '../policies/policy-shape.js';
import { roleLastUsedShape } from '../policies/role-shape.js';

/** GetAccountAuthorizationDetails' entries, from the store's domain types to the model's shapes. */
const inline = (ps: InlinePolicy[]) => ps.map((p) => ({ PolicyName: p.name, PolicyDocument: encodeDocument(p.document) }));
const attached = (ps: AttachedPolicyRef[]) => ps.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn }));

export function userDetailShape(u: UserDetails, partition: string, accountId: string): UserDetail {
  const out: UserDetail = {
    Path: u.path,
    UserName: u.name,
    UserId: u.id,
    Arn: iamArn(partition, accountId, `user${u.path}${u.name}`),
    CreateDate: u.createdAt,
    UserPolicyList: inline(u.inlinePolicies),
    GroupList: u.groups,
    AttachedManagedPolicies: attached(u.attachedPolicies),
  };
  const b = renderBoundary(u.permissionsBoundary);
  if (b) out.PermissionsBoundary = b;
  if (u.tags.length > 0) out.Tags = u.tags.map((t) => ({ Key: t.Key, Value: t.Value }));
  return out;
}

export function groupDetailShape(g: GroupDetails, partition: string, accountId: string): GroupDetail {
  return {
    Path: g.path,
    GroupName: g.name,
    GroupId: g.id,
    Arn: iamArn(partition, accountId, `group${g.path}${g.name}`),
    CreateDate: g.createdAt,
    GroupPolicyList: inline(g.inlinePolicies),
    AttachedManagedPolicies: attached(g.attachedPolicies),
  };
}

export function roleDetailShape(r: RoleDetails): RoleDetail {
  const out: RoleDetail = {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: r.createdAt,
    AssumeRolePolicyDocument: encodeDocument(r.trustPolicy),
    InstanceProfileList: [],
    RolePolicyList: inline(r.inlinePolicies),
    AttachedManagedPolicies: attached(r.attachedPolicies),
  };
  const b = renderBoundary(r.permissionsBoundary);
  if (b) out.PermissionsBoundary = b;
  if (r.tags.length > 0) out.Tags = r.tags.map((t) => ({ Key: t.Key, Value: t.Value }));
  out.RoleLastUsed = roleLastUsedShape(r.lastUsed);
  return out;
}

export function managedPolicyDetailShape(p: ManagedPolicyDetails): ManagedPolicyDetail {
  return {
    ...policyShape(p, { description: true }),
    PolicyVersionList: p.versions.map((v) => ({ Document: encodeDocument(v.document), VersionId: v.versionId, IsDefaultVersion: v.isDefault, CreateDate: v.createdAt })),
  };
}
