import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readSimulation, renderSimulation, runSimulation } from './simulation.js';

export const SimulateCustomPolicy = defineOperation({
  service: 'iam',
  name: 'SimulateCustomPolicy',
  auth: 'sigv4',
  parse: (p) => readSimulation(p, true),
  async run(ctx, input) {
    await authorize(ctx, 'iam:SimulateCustomPolicy', '*');
    return await runSimulation(input, input.policyInputList, input.boundaries ?? [], input.callerArn);
  },
  render: renderSimulation,
});
