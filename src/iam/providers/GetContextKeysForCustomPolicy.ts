import { defineOperation } from '../../awsquery/operation.js';
import { workerPool } from '../../workers/pool.js';
import { authorize } from '../authorize.js';
import { readPolicyList } from './simulation.js';

export const GetContextKeysForCustomPolicy = defineOperation({
  service: 'iam',
  name: 'GetContextKeysForCustomPolicy',
  auth: 'sigv4',
  parse: (p) => ({ policies: readPolicyList(p, 'PolicyInputList', true) ?? [] }),
  async run(ctx, input) {
    await authorize(ctx, 'iam:GetContextKeysForCustomPolicy', '*');
    return await workerPool('policy').run('policy.contextKeys', { policies: input.policies });
  },
  render: (keys) => ({ ContextKeyNames: keys }),
});
