import { defineOperation } from '../../awsquery/operation.js';
import { workerPool } from '../../workers/pool.js';
import { authorize } from '../authorize.js';
import { loadPrincipalPolicies } from './principal-policies.js';
import { readPolicyList } from './simulation.js';
import { accountOf } from './shared.js';

export const GetContextKeysForPrincipalPolicy = defineOperation({
  service: 'iam',
  name: 'GetContextKeysForPrincipalPolicy',
  auth: 'sigv4',
  parse: (p) => ({
    source: p.string('PolicySourceArn', { required: true, min: 20, max: 2048 }),
    policies: readPolicyList(p, 'PolicyInputList', false) ?? [],
  }),
  async run(ctx, input) {
    await authorize(ctx, 'iam:GetContextKeysForPrincipalPolicy', input.source);
    const set = await loadPrincipalPolicies(ctx.services.db, accountOf(ctx), input.source);
    return await workerPool('policy').run('policy.contextKeys', { policies: [...set.identity.map((x) => x.document), ...input.policies] });
  },
  render: (keys) => ({ ContextKeyNames: keys }),
});
