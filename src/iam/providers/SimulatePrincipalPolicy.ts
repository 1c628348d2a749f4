import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { loadPrincipalPolicies } from './principal-policies.js';
import { runSimulation, simulationRequest } from './simulation.js';

export const SimulatePrincipalPolicy = defineOperation({
  service: 'iam',
  name: 'SimulatePrincipalPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    const req = simulationRequest(input);
    await authorize(ctx, 'iam:SimulatePrincipalPolicy', input.PolicySourceArn);
    const set = await loadPrincipalPolicies(ctx, input.PolicySourceArn);
    // Given boundaries replace the entity's own (AWS: "the simulation uses the specified policy instead").
    const given = input.PermissionsBoundaryPolicyInputList;
    const boundaries = given !== undefined && given.length > 0 ? given : set.boundary;
    const caller = input.CallerArn ?? (set.kind === 'user' ? set.arn : undefined);
    return await runSimulation(req, [...set.identity, ...(input.PolicyInputList ?? [])], boundaries, caller);
  },
});
