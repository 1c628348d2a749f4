import type { AuthedContext } from '../../protocols/operation.js';
import type { Group as GroupShape } from '../../protocols/generated/iam.js';
import type { Group } from '../../store/groups.js';
import { groupArn } from './shared.js';

/** A group as the model's Group structure. */
export const groupShape = (ctx: AuthedContext, g: Group): GroupShape => ({
  Path: g.path,
  GroupName: g.name,
  GroupId: g.id,
  Arn: groupArn(ctx, g.path, g.name),
  CreateDate: g.createdAt,
});
