/**
 * Shared input handling for SimulateCustomPolicy and SimulatePrincipalPolicy, on top of the
 * policy engine's `simulate` (evaluated in the 'policy' worker pool, simulation-core.ts).
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
 */
import { Errors } from '../../errors/index.js';
import type { SimulatePolicyResponse, SimulateCustomPolicyRequest } from '../../protocols/generated/iam.js';
import type { SimulationPolicy } from '../../policy/index.js';
import { workerPool } from '../../workers/pool.js';
import type { SimulationJob } from './simulation-core.js';

/**
 * Tessera's caps on one simulation request (README.md, "Limits"). The AWS model bounds each item's
 * length but not the lists; these keep one request's work bounded (and far below what the
 * body-size limit would let through). The list caps are checked by the model layer with AWS's
 * wording (INPUT_LIMITS in src/protocols/overrides.ts); the pairs cap here.
 */
export const SIMULATION_LIMITS = {
  /** ActionNames × ResourceArns (ResourceArns omitted counts as one resource, `*`). */
  pairs: 10_000,
  actions: 1_000,
  resources: 1_000,
  /** PolicyInputList and PermissionsBoundaryPolicyInputList, each. */
  policies: 50,
  contextEntries: 100,
  contextValuesPerEntry: 100,
} as const;

/** What both simulate actions share of their input. */
export type SimulationInput = Omit<SimulateCustomPolicyRequest, 'PolicyInputList'>;

/** The job's request part from the model input; refuses more than SIMULATION_LIMITS.pairs pairs. */
export function simulationRequest(input: SimulationInput): SimulationJob['req'] {
  const L = SIMULATION_LIMITS;
  const actions = input.ActionNames.length;
  const resources = input.ResourceArns && input.ResourceArns.length > 0 ? input.ResourceArns.length : 1;
  if (actions * resources > L.pairs) {
    throw Errors.validation(
      `The simulation of ${actions} actions against ${resources} resources (${actions * resources} pairs) exceeds the limit of ${L.pairs} action-resource pairs per request. Split ActionNames or ResourceArns over several requests.`,
    );
  }
  return {
    actionNames: input.ActionNames,
    resourceArns: input.ResourceArns,
    resourcePolicy: input.ResourcePolicy,
    resourceOwner: input.ResourceOwner,
    contextEntries: (input.ContextEntries ?? []).map((e) => ({ name: e.ContextKeyName ?? '', values: e.ContextKeyValues ?? [], type: e.ContextKeyType ?? 'string' })),
    page: { marker: input.Marker, maxItems: input.MaxItems ?? 100 },
  };
}

/** Evaluate the requested page in the policy worker pool; the answer is the typed output. */
export function runSimulation(req: SimulationJob['req'], identity: SimulationPolicy[], boundaries: SimulationPolicy[], caller: string | undefined): Promise<SimulatePolicyResponse> {
  return workerPool('policy').run('policy.simulate', { req, identity, boundaries, caller });
}
