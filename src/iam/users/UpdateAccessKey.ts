import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { noSuchKey } from './keys.js';
import { refArn, targetUserRef } from './shared.js';

export const UpdateAccessKey = defineOperation({
  service: 'iam',
  name: 'UpdateAccessKey',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    const u = await targetUserRef(ctx, store.userRefs, input.UserName);
    await authorize(ctx, 'iam:UpdateAccessKey', refArn(ctx, u));
    await store.tx(async (t) => {
      if (!(await t.accessKeys.setStatus(u.id, input.AccessKeyId, input.Status))) throw noSuchKey(input.AccessKeyId);
      await ctx.services.invalidate({ kind: 'access-key', accessKeyId: input.AccessKeyId }, t);
    });
    ctx.audit.accessKey = input.AccessKeyId;
    ctx.audit.status = input.Status;
  },
});
