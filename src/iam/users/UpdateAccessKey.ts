import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { findKey, readAccessKeyId } from './keys.js';
import { rowArn, targetUser } from './shared.js';

export const UpdateAccessKey = defineOperation({
  service: 'iam',
  name: 'UpdateAccessKey',
  auth: 'sigv4',
  parse: (p) => ({
    UserName: readName(p, 'UserName', 128, false),
    AccessKeyId: readAccessKeyId(p),
    Status: p.string('Status', { required: true, enum: ['Active', 'Inactive', 'Expired'] })!,
  }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await targetUser(ctx, db, i.UserName);
    await authorize(ctx, 'iam:UpdateAccessKey', rowArn(ctx, u));
    await db.tx(async (c) => {
      await findKey(c, u.account_id, i.AccessKeyId, u.user_id);
      await c.query('UPDATE access_keys SET status = $2 WHERE access_key_id = $1', [i.AccessKeyId, i.Status]);
    });
    ctx.audit.accessKey = i.AccessKeyId;
    ctx.audit.status = i.Status;
    await ctx.services.invalidate({ kind: 'access-key', accessKeyId: i.AccessKeyId });
    return {};
  },
});
