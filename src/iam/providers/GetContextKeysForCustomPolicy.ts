import { defineOperation } from '../../protocols/operation.js';
import { workerPool } from '../../workers/pool.js';
import { authorize } from '../authorize.js';

export const GetContextKeysForCustomPolicy = defineOperation({
  service: 'iam',
  name: 'GetContextKeysForCustomPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'iam:GetContextKeysForCustomPolicy', '*');
    return { ContextKeyNames: await workerPool('policy').run('policy.contextKeys', { policies: input.PolicyInputList }) };
  },
});
