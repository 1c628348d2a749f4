import { Errors } from '../../errors/index.js';
import type { AccessKeyMetadata, AccessKey as AccessKeyShape } from '../../protocols/generated/iam.js';
import type { AccessKey } from '../../store/access-keys.js';
import type { UserRef } from '../../store/user-refs.js';

export const ACCESS_KEYS_PER_USER = 2;

export const noSuchKey = (id: string) => Errors.noSuchEntity(`The Access Key with id ${id} cannot be found.`);

/** The model's key status: a key stored as Expired (before the model said Active | Inactive) reads as Inactive. */
const status = (s: AccessKey['status']): AccessKeyShape['Status'] => (s === 'Active' ? 'Active' : 'Inactive');

/** A key as AccessKeyMetadata (ListAccessKeys). The root user's keys carry no UserName. */
export function keyMetadataShape(k: AccessKey, owner: UserRef): AccessKeyMetadata {
  const out: AccessKeyMetadata = {};
  if (!owner.isRoot) out.UserName = owner.name;
  out.AccessKeyId = k.id;
  out.Status = status(k.status);
  out.CreateDate = k.createdAt;
  return out;
}

/** A new key with its secret (CreateAccessKey, the only time the secret is shown). The root user's carries no UserName. */
export function newKeyShape(k: AccessKey, secret: string, owner: UserRef): AccessKeyShape {
  const out = { AccessKeyId: k.id, Status: status(k.status), SecretAccessKey: secret, CreateDate: k.createdAt } as AccessKeyShape;
  if (!owner.isRoot) out.UserName = owner.name;
  return out;
}
