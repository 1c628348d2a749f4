import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName, readPage } from '../common.js';
import { pageOf, rowArn, targetUser } from './shared.js';
import type { KeyRow } from './keys.js';

export const ListAccessKeys = defineOperation({
  service: 'iam',
  name: 'ListAccessKeys',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128, false), page: readPage(p) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await targetUser(ctx, db, i.UserName);
    await authorize(ctx, 'iam:ListAccessKeys', rowArn(ctx, u));
    const r = await pageOf<KeyRow>(
      db,
      {
        select: 'SELECT access_key_id, user_id, status, created_at, last_used_at, last_used_service, last_used_region FROM access_keys',
        keySql: 'access_key_id',
        where: 'user_id = $1',
        params: [u.user_id],
      },
      i.page,
      (k) => k.access_key_id,
    );
    return {
      AccessKeyMetadata: r.items.map((k) => ({
        UserName: u.is_root ? undefined : u.user_name,
        AccessKeyId: k.access_key_id,
        Status: k.status,
        CreateDate: k.created_at,
      })),
      IsTruncated: r.IsTruncated,
      Marker: r.Marker,
    };
  },
  render: (o) => o,
});
