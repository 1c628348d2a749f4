import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { seal } from '../../keys/envelope.js';
import { newAccessKeyId, newSecretAccessKey } from '../../tokens/ids.js';
import { authorize } from '../authorize.js';
import { ACCESS_KEYS_PER_USER, newKeyShape } from './keys.js';
import { refArn, targetUserRef } from './shared.js';

/** UserName omitted: a key for the caller's own user (root's own for root). */
export const CreateAccessKey = defineOperation({
  service: 'iam',
  name: 'CreateAccessKey',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    const found = await targetUserRef(ctx, store.userRefs, input.UserName);
    await authorize(ctx, 'iam:CreateAccessKey', refArn(ctx, found));
    const rnd = (n: number) => ctx.services.random.bytes(n);
    const accessKeyId = newAccessKeyId('AKIA', found.accountId, rnd);
    const secret = newSecretAccessKey(rnd);
    const { user, key } = await store.tx(async (t) => {
      // The user's row lock serialises concurrent creates, so the quota holds.
      const user = await targetUserRef(ctx, t.userRefs, input.UserName, true);
      if ((await t.accessKeys.countForUser(user.id)) >= ACCESS_KEYS_PER_USER) {
        throw Errors.limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
      }
      const key = await t.accessKeys.insert({
        id: accessKeyId,
        accountId: user.accountId,
        userId: user.id,
        secretSealed: seal(ctx.services.masterKey, secret, accessKeyId),
        createdAt: ctx.req.now,
      });
      return { user, key };
    });
    ctx.audit.userId = user.id;
    ctx.audit.createdAccessKeyId = accessKeyId;
    // A resolver may have cached "unknown key" for this id.
    ctx.services.credentials.invalidate(accessKeyId);
    return { AccessKey: newKeyShape(key, secret, user) };
  },
});
