import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { seal } from '../../keys/envelope.js';
import { newAccessKeyId, newSecretAccessKey } from '../../tokens/ids.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { ACCESS_KEYS_PER_USER } from './keys.js';
import { rowArn, targetUser } from './shared.js';

/** UserName omitted: a key for the caller's own user (root's own for root). */
export const CreateAccessKey = defineOperation({
  service: 'iam',
  name: 'CreateAccessKey',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128, false) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const found = await targetUser(ctx, db, i.UserName);
    await authorize(ctx, 'iam:CreateAccessKey', rowArn(ctx, found));
    const accessKeyId = newAccessKeyId('AKIA', found.account_id);
    const secret = newSecretAccessKey();
    const u = await db.tx(async (c) => {
      // The user's row lock serialises concurrent creates, so the quota holds.
      const user = await targetUser(ctx, c, i.UserName, true);
      const n = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM access_keys WHERE user_id = $1', [user.user_id]);
      if (n.rows[0]!.n >= ACCESS_KEYS_PER_USER) throw Errors.limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
      await c.query(
        `INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed, status, created_at) VALUES ($1, $2, $3, $4, 'Active', $5)`,
        [accessKeyId, user.account_id, user.user_id, seal(ctx.services.masterKey, secret, accessKeyId), ctx.req.now],
      );
      return user;
    });
    ctx.audit.userId = u.user_id;
    ctx.audit.createdAccessKeyId = accessKeyId;
    // A resolver may have cached "unknown key" for this id.
    ctx.services.credentials.invalidate(accessKeyId);
    return {
      AccessKey: {
        UserName: u.is_root ? undefined : u.user_name,
        AccessKeyId: accessKeyId,
        Status: 'Active',
        SecretAccessKey: secret,
        CreateDate: ctx.req.now,
      },
    };
  },
  render: (o) => o,
});
