import type { User as UserShape } from '../../protocols/generated/iam.js';
import type { AuthedContext } from '../../protocols/operation.js';
import type { User } from '../../store/users.js';
import { renderBoundary } from '../common.js';
import { arnOfUser } from './shared.js';

/**
 * A user as the model's User structure. `full` adds what only GetUser and CreateUser return:
 * the permissions boundary and tags.
 */
export function userShape(ctx: AuthedContext, u: User, full: boolean): UserShape {
  if (u.isRoot) {
    // The root user has no name or path: AWS answers only UserId, Arn and CreateDate (and
    // PasswordLastUsed), although the model marks UserName and Path required — see
    // OPTIONAL_IN_PRACTICE['iam:GetUser'] in src/protocols/overrides.ts.
    const root = { UserId: u.id, Arn: arnOfUser(ctx, u), CreateDate: u.createdAt } as Pick<UserShape, 'UserId' | 'Arn' | 'CreateDate' | 'PasswordLastUsed'>;
    if (u.passwordLastUsed) root.PasswordLastUsed = u.passwordLastUsed;
    return root as UserShape;
  }
  const out: UserShape = { Path: u.path, UserName: u.name, UserId: u.id, Arn: arnOfUser(ctx, u), CreateDate: u.createdAt };
  if (u.passwordLastUsed) out.PasswordLastUsed = u.passwordLastUsed;
  if (full) {
    const b = renderBoundary(u.permissionsBoundary);
    if (b) out.PermissionsBoundary = b;
    if (u.tags.length > 0) out.Tags = u.tags.map((t) => ({ Key: t.Key, Value: t.Value }));
  }
  return out;
}
