import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { noSuchKey, readAccessKeyId } from './keys.js';
import { rowArn, targetUser } from './shared.js';

export const DeleteAccessKey = defineOperation({
  service: 'iam',
  name: 'DeleteAccessKey',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128, false), AccessKeyId: readAccessKeyId(p) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await targetUser(ctx, db, i.UserName);
    await authorize(ctx, 'iam:DeleteAccessKey', rowArn(ctx, u));
    const r = await db.tx((c) => c.query('DELETE FROM access_keys WHERE access_key_id = $1 AND user_id = $2', [i.AccessKeyId, u.user_id]));
    if (r.rowCount === 0) throw noSuchKey(i.AccessKeyId);
    ctx.audit.accessKey = i.AccessKeyId;
    await ctx.services.invalidate({ kind: 'access-key', accessKeyId: i.AccessKeyId });
    return {};
  },
});
