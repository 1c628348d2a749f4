import { defineOperation } from '../protocols/operation.js';
import { accountOfAccessKeyId } from '../tokens/ids.js';
import { Errors } from '../errors/index.js';

/**
 * The account that owns an access key id. Like AWS, it does not reveal whether the key is
 * active or even still exists: ids carry their account (tokens/ids.ts). Keys seeded from
 * configuration (TESSERA_ROOT_ACCESS_KEY_ID) don't, and are looked up.
 */
export const GetAccessKeyInfo = defineOperation({
  service: 'sts',
  name: 'GetAccessKeyInfo',
  auth: 'sigv4',
  async run(ctx, input) {
    const account = (await ctx.services.store.sessions.accessKeyAccount(input.AccessKeyId)) ?? accountOfAccessKeyId(input.AccessKeyId);
    if (!account) throw Errors.invalidParameterValue('The specified access key ID is not valid.');
    ctx.audit.queriedAccessKeyId = input.AccessKeyId;
    return { Account: account };
  },
});
