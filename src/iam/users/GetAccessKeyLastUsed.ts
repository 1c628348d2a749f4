import { defineOperation } from '../../protocols/operation.js';
import type { AccessKeyLastUsed } from '../../protocols/generated/iam.js';
import { authorize } from '../authorize.js';
import { noSuchKey } from './keys.js';
import { accountOf, noSuchUser, refArn } from './shared.js';

export const GetAccessKeyLastUsed = defineOperation({
  service: 'iam',
  name: 'GetAccessKeyLastUsed',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    // Pending last-used writes from this replica land first.
    await ctx.services.credentials.flushLastUsed();
    const k = await store.accessKeys.get(accountOf(ctx), input.AccessKeyId);
    if (!k) throw noSuchKey(input.AccessKeyId);
    const u = await store.userRefs.byId(k.userId);
    if (!u) throw noSuchUser(k.userId);
    await authorize(ctx, 'iam:GetAccessKeyLastUsed', refArn(ctx, u));
    const lastUsed: AccessKeyLastUsed = { ServiceName: k.lastUsed?.service ?? 'N/A', Region: k.lastUsed?.region ?? 'N/A' };
    if (k.lastUsed) lastUsed.LastUsedDate = k.lastUsed.at;
    return { ...(u.isRoot ? {} : { UserName: u.name }), AccessKeyLastUsed: lastUsed };
  },
});
