import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { isUniqueViolation, translatePgError } from '../../store/pg-errors.js';
import { newUniqueId } from '../../tokens/ids.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys, readArn, readName, readPath, readTags } from '../common.js';
import { accountOf, existingTables, renderUser, tagContext, userArn, type Q, type UserRow } from './shared.js';

/** Validates a permissions boundary ARN: a policy ARN, and an existing policy once policies exist. */
export async function checkBoundary(q: Q, arn: string): Promise<void> {
  if (!/^arn:[\w-]+:iam::(\d{12}|aws):policy\/.+/.test(arn)) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
  const tables = await existingTables(q, ['policies']);
  if (!tables.has('policies')) return;
  // Key-share locked until commit, so a concurrent DeletePolicy sees this use (see requireBoundaryPolicy).
  const r = await q.query('SELECT 1 FROM policies WHERE arn = $1 FOR KEY SHARE', [arn]);
  if (r.rowCount === 0) throw Errors.noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
}

export const CreateUser = defineOperation({
  service: 'iam',
  name: 'CreateUser',
  auth: 'sigv4',
  parse: (p) => ({
    UserName: readName(p, 'UserName', 64)!,
    Path: readPath(p) ?? '/',
    PermissionsBoundary: readArn(p, 'PermissionsBoundary', false),
    Tags: readTags(p) ?? [],
  }),
  run: async (ctx, i) => {
    assertUniqueTagKeys(i.Tags);
    await authorize(ctx, 'iam:CreateUser', userArn(ctx, i.Path, i.UserName), {
      ...tagContext(i.Tags),
      ...(i.PermissionsBoundary ? { 'iam:PermissionsBoundary': i.PermissionsBoundary } : {}),
    });
    const user = await ctx.services.db.tx(async (c) => {
      if (i.PermissionsBoundary) await checkBoundary(c, i.PermissionsBoundary);
      try {
        const r = await c.query<UserRow>(
          `INSERT INTO users (user_id, account_id, user_name, path, permissions_boundary, tags, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING user_id, account_id, user_name, path, is_root, permissions_boundary, created_at, password_last_used, tags`,
          [newUniqueId('AIDA'), accountOf(ctx), i.UserName, i.Path, i.PermissionsBoundary ?? null, JSON.stringify(i.Tags), ctx.req.now],
        );
        return r.rows[0]!;
      } catch (e) {
        if (isUniqueViolation(translatePgError(e))) throw Errors.entityAlreadyExists(`User with name ${i.UserName} already exists.`);
        throw e;
      }
    });
    ctx.audit.userName = user.user_name;
    ctx.audit.userId = user.user_id;
    return { User: renderUser(ctx, user, { detail: true }) };
  },
  render: (o) => o,
});
