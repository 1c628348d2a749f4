import { Errors } from '../../errors/index.js';
import type { User, UserRepository } from '../../store/users.js';
import { accountOf, arnFor, decodeMarker, type Page, paginate, partitionOf, renderBoundary, type Tag } from '../common.js';
import type { AuthedContext } from '../../awsquery/operation.js';
import type { Db } from '../../store/db.js';
import type { XmlObject } from '../../awsquery/xml.js';
import type { User as UserShape } from '../../protocols/generated/iam.js';
import type { UserRef, UserRefRepository } from '../../store/user-refs.js';

/**
 * Store access and rendering shared by the user/group/key/MFA actions. `Q` is the pool or a
 * transaction's client; errors from either are translated by store/db.ts.
 */
export type Q = Pick<Db, 'query'>;

export interface UserRow {
  user_id: string;
  account_id: string;
  user_name: string;
  path: string;
  is_root: boolean;
  permissions_boundary: string | null;
  created_at: Date;
  password_last_used: Date | null;
  tags: Tag[];
}

export interface GroupRow {
  group_id: string;
  account_id: string;
  group_name: string;
  path: string;
  created_at: Date;
}

export { accountOf, arnFor, partitionOf };
export const userArn = (ctx: AuthedContext, path: string, name: string) => arnFor(ctx, `user${path}${name}`);
export const groupArn = (ctx: AuthedContext, path: string, name: string) => arnFor(ctx, `group${path}${name}`);
export const rootArn = (ctx: AuthedContext) => arnFor(ctx, 'root');

/** `resource` lets the adapter authorize the action before revealing that the entity is missing. */
export const noSuchUser = (name: string) => Errors.noSuchEntity(`The user with name ${name} cannot be found.`, `user/${name}`);
export const noSuchGroup = (name: string) => Errors.noSuchEntity(`The group with name ${name} cannot be found.`, `group/${name}`);

const USER_COLS = 'user_id, account_id, user_name, path, is_root, permissions_boundary, created_at, password_last_used, tags';

/** An IAM user (never the root user) by name, case-insensitively; `lock` takes FOR UPDATE. */
export async function findUser(q: Q, accountId: string, name: string, lock = false): Promise<UserRow> {
  const r = await q.query<UserRow>(
    `SELECT ${USER_COLS} FROM users WHERE account_id = $1 AND lower(user_name) = lower($2) AND NOT is_root${lock ? ' FOR UPDATE' : ''}`,
    [accountId, name],
  );
  const row = r.rows[0];
  if (!row) throw noSuchUser(name);
  return row;
}

export async function findUserById(q: Q, userId: string, lock = false): Promise<UserRow | undefined> {
  const r = await q.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE user_id = $1${lock ? ' FOR UPDATE' : ''}`, [userId]);
  return r.rows[0];
}

export async function findGroup(q: Q, accountId: string, name: string, lock = false): Promise<GroupRow> {
  const r = await q.query<GroupRow>(
    `SELECT group_id, account_id, group_name, path, created_at FROM groups
      WHERE account_id = $1 AND lower(group_name) = lower($2)${lock ? ' FOR UPDATE' : ''}`,
    [accountId, name],
  );
  const row = r.rows[0];
  if (!row) throw noSuchGroup(name);
  return row;
}

/**
 * The user an action applies to: the named IAM user, or — when UserName is omitted — the
 * caller's own user (root's own for the root user). Other principals must name a user.
 */
export async function targetUser(ctx: AuthedContext, q: Q, userName: string | undefined, lock = false): Promise<UserRow> {
  if (userName !== undefined) return findUser(q, accountOf(ctx), userName, lock);
  const c = ctx.caller;
  if (c.credential === 'long-term' || c.session?.issuedBy === 'GetSessionToken') {
    const id = c.isRoot ? c.accountId : c.session?.parentUserId ?? c.principalId;
    const row = await findUserById(q, id, lock);
    if (row) return row;
  }
  throw Errors.validation('Must specify userName when calling with non-User credentials');
}

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

/** The ARN an action's authorization uses for a user row (root: the account root ARN). */
export const rowArn = (ctx: AuthedContext, u: UserRow) => (u.is_root ? rootArn(ctx) : userArn(ctx, u.path, u.user_name));

export const renderTags = (tags: Tag[] | undefined) => (tags && tags.length > 0 ? tags.map((t) => ({ Key: t.Key, Value: t.Value })) : undefined);

export function renderUser(ctx: AuthedContext, u: UserRow, opts: { detail?: boolean } = {}): XmlObject {
  if (u.is_root) {
    return { UserId: u.user_id, Arn: rootArn(ctx), CreateDate: u.created_at, PasswordLastUsed: u.password_last_used ?? undefined };
  }
  return {
    Path: u.path,
    UserName: u.user_name,
    UserId: u.user_id,
    Arn: userArn(ctx, u.path, u.user_name),
    CreateDate: u.created_at,
    PasswordLastUsed: u.password_last_used ?? undefined,
    PermissionsBoundary: opts.detail ? renderBoundary(u.permissions_boundary) : undefined,
    Tags: opts.detail ? renderTags(u.tags) : undefined,
  };
}

export const renderGroup = (ctx: AuthedContext, g: GroupRow): XmlObject => ({
  Path: g.path,
  GroupName: g.group_name,
  GroupId: g.group_id,
  Arn: groupArn(ctx, g.path, g.group_name),
  CreateDate: g.created_at,
});

/**
 * One page of rows whose sort key is `keySql` (a text expression): rows after the Marker, up
 * to MaxItems, plus IsTruncated/Marker. `where`/`params` filter; `$n` numbering continues.
 */
export async function pageOf<R extends object>(
  q: Q,
  sql: { select: string; keySql: string; where: string; params: unknown[] },
  page: Page,
  key: (r: R) => string,
): Promise<{ items: R[]; IsTruncated: boolean; Marker?: string }> {
  const after = decodeMarker(page.marker);
  const params = [...sql.params];
  let where = sql.where;
  if (after !== undefined) {
    params.push(after);
    where += ` AND ${sql.keySql} > $${params.length}`;
  }
  params.push(page.maxItems + 1);
  const r = await q.query<R & Record<string, unknown>>(`${sql.select} WHERE ${where} ORDER BY ${sql.keySql} LIMIT $${params.length}`, params);
  return paginate(r.rows as R[], page, key);
}

/** Tables owned by part B (0003); absent until that migration has run. */
export async function existingTables(q: Q, names: string[]): Promise<Set<string>> {
  const r = await q.query<{ name: string }>(
    `SELECT n AS name FROM unnest($1::text[]) AS n WHERE to_regclass(n) IS NOT NULL`,
    [names],
  );
  return new Set(r.rows.map((x) => x.name));
}

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
