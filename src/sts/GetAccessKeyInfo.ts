import { defineOperation } from '../awsquery/operation.js';
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
  parse: (p) => ({ accessKeyId: p.string('AccessKeyId', { required: true, min: 16, max: 128, pattern: /^[\w]*$/, patternText: '[\\w]*' }) }),
  run: async (ctx, input) => {
    const r = await ctx.services.db.query<{ account_id: string }>('SELECT account_id FROM access_keys WHERE access_key_id = $1', [input.accessKeyId]);
    const account = r.rows[0]?.account_id ?? accountOfAccessKeyId(input.accessKeyId);
    if (!account) throw Errors.invalidParameterValue('The specified access key ID is not valid.');
    ctx.audit.queriedAccessKeyId = input.accessKeyId;
    return { Account: account };
  },
  render: (o) => o,
});
