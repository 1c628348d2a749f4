import { Errors } from '../../errors/index.js';
import type { User, UserRepository } from '../../store/users.js';
import { accountOf, arnFor, partitionOf, type Tag } from '../common.js';
import type { AuthedContext } from '../../protocols/operation.js';
import type { User as UserShape } from '../../protocols/generated/iam.js';
import type { UserRef, UserRefRepository } from '../../store/user-refs.js';

export { accountOf, arnFor, partitionOf };
export const userArn = (ctx: AuthedContext, path: string, name: string) => arnFor(ctx, `user${path}${name}`);
export const groupArn = (ctx: AuthedContext, path: string, name: string) => arnFor(ctx, `group${path}${name}`);
export const rootArn = (ctx: AuthedContext) => arnFor(ctx, 'root');

/** `resource` lets the adapter authorize the action before revealing that the entity is missing. */
export const noSuchUser = (name: string) => Errors.noSuchEntity(`The user with name ${name} cannot be found.`, `user/${name}`);
export const noSuchGroup = (name: string) => Errors.noSuchEntity(`The group with name ${name} cannot be found.`, `group/${name}`);


/**
 * Model-driven form of `targetUser`: the named IAM user, or — when UserName is omitted — the
 * caller's own user (root's own for the root user), from the users repository (the pool's or a
 * transaction's). Other principals must name a user.
 */
export async function resolveUser(ctx: AuthedContext, users: UserRepository, userName: string | undefined, opts: { lock?: boolean } = {}): Promise<User> {
  if (userName !== undefined) {
    const u = await users.get(accountOf(ctx), userName, opts);
    if (!u) throw noSuchUser(userName);
    return u;
  }
  const c = ctx.caller;
  if (c.credential === 'long-term' || c.session?.issuedBy === 'GetSessionToken') {
    const id = c.isRoot ? c.accountId : c.session?.parentUserId ?? c.principalId;
    const u = await users.getById(id, opts);
    if (u) return u;
  }
  throw Errors.validation('Must specify userName when calling with non-User credentials');
}

/** The named IAM user (never root), or NoSuchEntity naming it. */
export async function namedUser(ctx: AuthedContext, users: UserRepository, userName: string, opts: { lock?: boolean } = {}): Promise<User> {
  const u = await users.get(accountOf(ctx), userName, opts);
  if (!u) throw noSuchUser(userName);
  return u;
}

/** The ARN an action's authorization uses for a user (root: the account root ARN). */
export const arnOfUser = (ctx: AuthedContext, u: Pick<User, 'isRoot' | 'path' | 'name'>) => (u.isRoot ? rootArn(ctx) : userArn(ctx, u.path, u.name));

export const renderTags = (tags: Tag[] | undefined) => (tags && tags.length > 0 ? tags.map((t) => ({ Key: t.Key, Value: t.Value })) : undefined);

export const TAG_QUOTA = 50;

/** Merge tags (new values win, keys case-insensitive) and enforce the 50-tag quota. */
export function mergeTags(existing: Tag[], add: Tag[], entity: string): Tag[] {
  const out = [...existing];
  for (const t of add) {
    const i = out.findIndex((x) => x.Key.toLowerCase() === t.Key.toLowerCase());
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  if (out.length > TAG_QUOTA) throw Errors.limitExceeded(`Cannot exceed quota for TagsPer${entity}: ${TAG_QUOTA}`);
  return out;
}

export const removeTags = (existing: Tag[], keys: string[]) => {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
};

export const tagContext = (tags: Tag[] | undefined): Record<string, string | string[]> => {
  if (!tags || tags.length === 0) return {};
  const ctx: Record<string, string | string[]> = { 'aws:TagKeys': tags.map((t) => t.Key) };
  for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
  return ctx;
};

/*
 * Over the store (model-driven operations): the same lookups as findUser / targetUser / rowArn,
 * through the read-only user view (store/user-refs.ts).
 */

/** The IAM user named `name` (never root), or NoSuchEntity. */
export async function findUserRef(ctx: AuthedContext, users: UserRefRepository, name: string, lock = false): Promise<UserRef> {
  const u = await users.byName(accountOf(ctx), name, { lock });
  if (!u) throw noSuchUser(name);
  return u;
}

/** targetUser over the store: the named user, or the caller's own (root's own for root). */
export async function targetUserRef(ctx: AuthedContext, users: UserRefRepository, userName: string | undefined, lock = false): Promise<UserRef> {
  if (userName !== undefined) return findUserRef(ctx, users, userName, lock);
  const c = ctx.caller;
  if (c.credential === 'long-term' || c.session?.issuedBy === 'GetSessionToken') {
    const id = c.isRoot ? c.accountId : c.session?.parentUserId ?? c.principalId;
    const u = await users.byId(id, { lock });
    if (u) return u;
  }
  throw Errors.validation('Must specify userName when calling with non-User credentials');
}

/** The ARN an action's authorization uses for a user (root: the account root ARN). */
export const refArn = (ctx: AuthedContext, u: UserRef) => (u.isRoot ? rootArn(ctx) : userArn(ctx, u.path, u.name));

/** A user as the model's User structure (list form: no boundary, no tags). The root user has no Path or UserName. */
export function userRefShape(ctx: AuthedContext, u: UserRef): UserShape {
  const out = (u.isRoot ? { UserId: u.id, Arn: rootArn(ctx), CreateDate: u.createdAt } : { Path: u.path, UserName: u.name, UserId: u.id, Arn: userArn(ctx, u.path, u.name), CreateDate: u.createdAt }) as UserShape;
  if (u.passwordLastUsed !== undefined) out.PasswordLastUsed = u.passwordLastUsed;
  return out;
}
