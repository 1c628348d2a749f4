import type { AuthedContext } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import type { Repositories } from '../../store/store.js';
import type { EntityKind as StoredKind, EntityRef } from '../../store/policies.js';
import type { SqlRunner } from '../../services.js';
import { authorize, type ContextValue } from '../authorize.js';
import { arnFor } from './shared.js';

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
  kind: StoredKind;
  Kind: 'User' | 'Group' | 'Role';
  nameField: 'UserName' | 'GroupName' | 'RoleName';
  nameMax: number;
  /** LEGACY: the id column, for boundary.ts until it is converted (store/policies.ts keeps the SQL). */
  idCol: 'user_id' | 'group_id' | 'role_id';
  /** Aggregate inline policy size quota (characters without white space). */
  inlineQuota: number;
  /**
   * Invalidation after a change to this entity's policies. `within`: the change's transaction,
   * so the invalidation commits with it (store/outbox.ts).
   */
  invalidate(ctx: AuthedContext, e: Entity, within?: SqlRunner | Repositories): Promise<void>;
}

export const USER: EntityKind = {
  kind: 'user',
  Kind: 'User',
  nameField: 'UserName',
  nameMax: 128,
  idCol: 'user_id',
  inlineQuota: 2048,
  invalidate: (ctx, e, within) => ctx.services.invalidate({ kind: 'principal', principalId: e.id }, within),
};

export const GROUP: EntityKind = {
  kind: 'group',
  Kind: 'Group',
  nameField: 'GroupName',
  nameMax: 128,
  idCol: 'group_id',
  inlineQuota: 5120,
  // Every member's policies change: drop every replica's cache.
  invalidate: (ctx, _e, within) => ctx.services.invalidate({ kind: 'all' }, within),
};

export const ROLE: EntityKind = {
  kind: 'role',
  Kind: 'Role',
  nameField: 'RoleName',
  nameMax: 64,
  idCol: 'role_id',
  inlineQuota: 10_240,
  invalidate: (ctx, e, within) => ctx.services.invalidate({ kind: 'principal', principalId: e.id }, within),
};

export const entityNotFound = (k: EntityKind, name: string) => Errors.noSuchEntity(`The ${k.kind} with name ${name} cannot be found.`);

/**
 * The entity named `name`, or NoSuchEntity. `t` and `lock`: inside a transaction, held FOR
 * UPDATE until it ends (serializes quota checks on the entity).
 */
export async function findEntity(ctx: AuthedContext, k: EntityKind, name: string, opts: { t?: Repositories; lock?: boolean } = {}): Promise<Entity> {
  const e = await (opts.t ?? ctx.services.store).policies.entity(k.kind, ctx.caller.accountId, name, { lock: opts.lock ?? false });
  if (!e) throw entityNotFound(k, name);
  return toEntity(ctx, k, e);
}

const toEntity = (ctx: AuthedContext, k: EntityKind, e: EntityRef): Entity => ({ id: e.id, name: e.name, path: e.path, arn: e.arn ?? arnFor(ctx, `${k.kind}${e.path}${e.name}`) });

/** Authorize `action` on the entity (on `kind/NAME` when it does not exist, before NoSuchEntity). */
export async function authorizedEntity(ctx: AuthedContext, k: EntityKind, name: string, action: string, extra: Record<string, ContextValue> = {}): Promise<Entity> {
  const e = await ctx.services.store.policies.entity(k.kind, ctx.caller.accountId, name);
  if (!e) {
    await authorize(ctx, action, arnFor(ctx, `${k.kind}/${name}`), extra);
    throw entityNotFound(k, name);
  }
  const entity = toEntity(ctx, k, e);
  await authorize(ctx, action, entity.arn, extra);
  ctx.audit[`${k.kind}Arn`] = entity.arn;
  return entity;
}
