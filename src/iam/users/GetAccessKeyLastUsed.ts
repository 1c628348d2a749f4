import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { findKey, readAccessKeyId } from './keys.js';
import { accountOf, findUserById, noSuchUser, rowArn } from './shared.js';

export const GetAccessKeyLastUsed = defineOperation({
  service: 'iam',
  name: 'GetAccessKeyLastUsed',
  auth: 'sigv4',
  parse: (p) => ({ AccessKeyId: readAccessKeyId(p) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    // Pending last-used writes from this replica land first.
    await ctx.services.credentials.flushLastUsed();
    const k = await findKey(db, accountOf(ctx), i.AccessKeyId);
    const u = await findUserById(db, k.user_id);
    if (!u) throw noSuchUser(k.user_id);
    await authorize(ctx, 'iam:GetAccessKeyLastUsed', rowArn(ctx, u));
    return {
      UserName: u.is_root ? undefined : u.user_name,
      AccessKeyLastUsed: {
        LastUsedDate: k.last_used_at ?? undefined,
        ServiceName: k.last_used_service ?? 'N/A',
        Region: k.last_used_region ?? 'N/A',
      },
    };
  },
  render: (o) => o,
});
