import type { RoleLastUsed, Role as RoleShape } from '../../protocols/generated/iam.js';
import type { Role } from '../../store/roles.js';
import { encodeDocument, renderBoundary } from '../common.js';

/**
 * A role as the model's Role structure. `full` adds what only GetRole (and CreateRole) return:
 * the permissions boundary, tags and last use.
 */
export function roleShape(r: Role, full: boolean): RoleShape {
  const out: RoleShape = {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: r.createdAt,
    AssumeRolePolicyDocument: encodeDocument(r.trustPolicy),
    MaxSessionDuration: r.maxSessionDuration,
  };
  if (r.description !== undefined) out.Description = r.description;
  if (full) {
    const b = renderBoundary(r.permissionsBoundary);
    if (b) out.PermissionsBoundary = b;
    if (r.tags.length > 0) out.Tags = r.tags.map((t) => ({ Key: t.Key, Value: t.Value }));
    out.RoleLastUsed = roleLastUsedShape(r.lastUsed);
  }
  return out;
}

/** A role's last use as the model's RoleLastUsed (an empty element when it was never used, as IAM sends it). */
export const roleLastUsedShape = (u: Role['lastUsed']): RoleLastUsed => (u ? (u.region === undefined ? { LastUsedDate: u.at } : { LastUsedDate: u.at, Region: u.region }) : {});
