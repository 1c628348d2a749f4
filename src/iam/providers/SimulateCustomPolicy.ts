import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { runSimulation, simulationRequest } from './simulation.js';

export const SimulateCustomPolicy = defineOperation({
  service: 'iam',
  name: 'SimulateCustomPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    const req = simulationRequest(input);
    await authorize(ctx, 'iam:SimulateCustomPolicy', '*');
    return await runSimulation(req, input.PolicyInputList, input.PermissionsBoundaryPolicyInputList ?? [], input.CallerArn);
  },
});
