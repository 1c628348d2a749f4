import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { noSuchKey } from './keys.js';
import { refArn, targetUserRef } from './shared.js';

export const DeleteAccessKey = defineOperation({
  service: 'iam',
  name: 'DeleteAccessKey',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    const u = await targetUserRef(ctx, store.userRefs, input.UserName);
    await authorize(ctx, 'iam:DeleteAccessKey', refArn(ctx, u));
    await store.tx(async (t) => {
      if (!(await t.accessKeys.delete(u.id, input.AccessKeyId))) throw noSuchKey(input.AccessKeyId);
      await ctx.services.invalidate({ kind: 'access-key', accessKeyId: input.AccessKeyId }, t);
    });
    ctx.audit.accessKey = input.AccessKeyId;
  },
});
