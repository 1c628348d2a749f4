import type { Policy as PolicyShape, PolicyVersion as PolicyVersionShape } from '../../protocols/generated/iam.js';
import type { ManagedPolicy, PolicyVersion } from '../../store/managed-policies.js';
import { encodeDocument } from '../common.js';

/**
 * A managed policy as the model's Policy structure. IAM returns the description only from
 * GetPolicy, and tags from CreatePolicy and GetPolicy (never from ListPolicies).
 */
export function policyShape(
  p: Omit<ManagedPolicy, 'accountId' | 'nextVersion' | 'tags'> & { tags?: ManagedPolicy['tags'] },
  opts: { description?: boolean; tags?: boolean } = {},
): PolicyShape {
  const out: PolicyShape = {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: p.attachmentCount,
    PermissionsBoundaryUsageCount: p.boundaryUsageCount,
    IsAttachable: p.isAttachable,
    CreateDate: p.createdAt,
    UpdateDate: p.updatedAt,
  };
  if (opts.description && p.description !== undefined) out.Description = p.description;
  if (opts.tags && p.tags && p.tags.length > 0) out.Tags = p.tags.map((t) => ({ Key: t.Key, Value: t.Value }));
  return out;
}

/** A version as the model's PolicyVersion structure; the (URL-encoded) document only from GetPolicyVersion. */
export function versionShape(v: PolicyVersion, withDocument: boolean): PolicyVersionShape {
  const out: PolicyVersionShape = { VersionId: v.versionId, IsDefaultVersion: v.isDefault, CreateDate: v.createdAt };
  if (withDocument) out.Document = encodeDocument(v.document);
  return out;
}
