import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { loadPrincipalPolicies } from './principal-policies.js';
import { readSimulation, renderSimulation, runSimulation } from './simulation.js';
import { accountOf } from './shared.js';

export const SimulatePrincipalPolicy = defineOperation({
  service: 'iam',
  name: 'SimulatePrincipalPolicy',
  auth: 'sigv4',
  parse: (p) => ({ source: p.string('PolicySourceArn', { required: true, min: 20, max: 2048 }), sim: readSimulation(p, false) }),
  async run(ctx, { source, sim }) {
    await authorize(ctx, 'iam:SimulatePrincipalPolicy', source);
    const set = await loadPrincipalPolicies(ctx.services.db, accountOf(ctx), source);
    // Given boundaries replace the entity's own (AWS: "the simulation uses the specified policy instead").
    const boundaries = sim.boundaries !== undefined && sim.boundaries.length > 0 ? sim.boundaries : set.boundary;
    const caller = sim.callerArn ?? (set.kind === 'user' ? set.arn : undefined);
    return await runSimulation(sim, [...set.identity, ...sim.policyInputList], boundaries, caller);
  },
  render: renderSimulation,
});
