import type { AuthedContext } from '../../awsquery/operation.js';
import type { SqlRunner } from '../../services.js';
import { authorize, type ContextValue } from '../authorize.js';
import { arnFor, findGroup, findRole, findUser, type Queryable } from './shared.js';

/**
 * The three kinds of IAM identity that carry policies. One descriptor per kind lets the
 * attach/detach/list and inline-policy actions share one implementation each, while every
 * AWS action keeps its own file and registry line.
 */
export interface Entity {
  id: string;
  name: string;
  path: string;
  arn: string;
}

export interface EntityKind {
  kind: 'user' | 'group' | 'role';
  Kind: 'User' | 'Group' | 'Role';
  nameField: 'UserName' | 'GroupName' | 'RoleName';
  nameMax: number;
  idCol: 'user_id' | 'group_id' | 'role_id';
  inlineTable: 'user_policies' | 'group_policies' | 'role_policies';
  attachTable: 'user_policy_attachments' | 'group_policy_attachments' | 'role_policy_attachments';
  /** Aggregate inline policy size quota (characters without white space). */
  inlineQuota: number;
  find(ctx: AuthedContext, c: Queryable, name: string, lock?: boolean): Promise<Entity>;
  /** Invalidation after a change to this entity's policies. */
  /** `within`: the change's transaction, so the invalidation commits with it (store/outbox.ts). */
  invalidate(ctx: AuthedContext, e: Entity, within?: SqlRunner): Promise<void>;
}

export const USER: EntityKind = {
  kind: 'user',
  Kind: 'User',
  nameField: 'UserName',
  nameMax: 128,
  idCol: 'user_id',
  inlineTable: 'user_policies',
  attachTable: 'user_policy_attachments',
  inlineQuota: 2048,
  async find(ctx, c, name, lock) {
    const u = await findUser(c, ctx.caller.accountId, name, lock);
    return { id: u.user_id, name: u.user_name, path: u.path, arn: arnFor(ctx, `user${u.path}${u.user_name}`) };
  },
  invalidate: (ctx, e, within) => ctx.services.invalidate({ kind: 'principal', principalId: e.id }, within),
};

export const GROUP: EntityKind = {
  kind: 'group',
  Kind: 'Group',
  nameField: 'GroupName',
  nameMax: 128,
  idCol: 'group_id',
  inlineTable: 'group_policies',
  attachTable: 'group_policy_attachments',
  inlineQuota: 5120,
  async find(ctx, c, name, lock) {
    const g = await findGroup(c, ctx.caller.accountId, name, lock);
    return { id: g.group_id, name: g.group_name, path: g.path, arn: arnFor(ctx, `group${g.path}${g.group_name}`) };
  },
  // Every member's policies change: drop every replica's cache.
  invalidate: (ctx, _e, within) => ctx.services.invalidate({ kind: 'all' }, within),
};

export const ROLE: EntityKind = {
  kind: 'role',
  Kind: 'Role',
  nameField: 'RoleName',
  nameMax: 64,
  idCol: 'role_id',
  inlineTable: 'role_policies',
  attachTable: 'role_policy_attachments',
  inlineQuota: 10_240,
  async find(ctx, c, name, lock) {
    const r = await findRole(c, ctx.caller.accountId, name, lock);
    return { id: r.role_id, name: r.role_name, path: r.path, arn: r.arn };
  },
  invalidate: (ctx, e, within) => ctx.services.invalidate({ kind: 'principal', principalId: e.id }, within),
};

/** Authorize `action` on the entity (on `kind/NAME` when it does not exist, before NoSuchEntity). */
export async function authorizedEntity(ctx: AuthedContext, k: EntityKind, name: string, action: string, extra: Record<string, ContextValue> = {}): Promise<Entity> {
  let e: Entity;
  try {
    e = await k.find(ctx, ctx.services.db, name);
  } catch (err) {
    await authorize(ctx, action, arnFor(ctx, `${k.kind}/${name}`), extra);
    throw err;
  }
  await authorize(ctx, action, e.arn, extra);
  ctx.audit[`${k.kind}Arn`] = e.arn;
  return e;
}
