import { defineOperation } from '../../protocols/operation.js';
import { workerPool } from '../../workers/pool.js';
import { authorize } from '../authorize.js';
import { loadPrincipalPolicies } from './principal-policies.js';

export const GetContextKeysForPrincipalPolicy = defineOperation({
  service: 'iam',
  name: 'GetContextKeysForPrincipalPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'iam:GetContextKeysForPrincipalPolicy', input.PolicySourceArn);
    const set = await loadPrincipalPolicies(ctx, input.PolicySourceArn);
    const policies = [...set.identity.map((x) => x.document), ...(input.PolicyInputList ?? [])];
    return { ContextKeyNames: await workerPool('policy').run('policy.contextKeys', { policies }) };
  },
});
