/**
 * Shared input, context-entry conversion and rendering for SimulateCustomPolicy and
 * SimulatePrincipalPolicy, on top of the policy engine's `simulate`.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
 */
import type { Input } from '../../awsquery/input.js';
import { XmlRaw, type XmlObject, type XmlValue } from '../../awsquery/xml.js';
import { Errors } from '../../errors/index.js';
import type { SimulationPolicy, SimulationResult } from '../../policy/index.js';
import { workerPool } from '../../workers/pool.js';
import type { ContextEntryInput, RenderedSimulation, SimulationOutput } from './simulation-core.js';
import { POLICY_DOC_PATTERN, POLICY_DOC_PATTERN_TEXT, readPage, type Page } from '../common.js';

export const CONTEXT_KEY_TYPES = [
  'string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList',
  'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList',
] as const;

export interface SimulationRequest {
  policyInputList: string[];
  boundaries: string[] | undefined;
  actionNames: string[];
  resourceArns: string[] | undefined;
  resourcePolicy: string | undefined;
  resourceOwner: string | undefined;
  callerArn: string | undefined;
  contextEntries: ContextEntryInput[];
  resourceHandlingOption: string | undefined;
  page: Page;
}


/**
 * Tessera's caps on one simulation request (README.md, "Limits"). The AWS model bounds each item's
 * length but not the lists; these keep one request's work bounded (and far below what the
 * body-size limit would let through).
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

export const readPolicyList = (p: Input, field: string, required: boolean) =>
  p.stringList(field, { required, min: 1, max: 131_072, maxItems: SIMULATION_LIMITS.policies, pattern: POLICY_DOC_PATTERN, patternText: POLICY_DOC_PATTERN_TEXT });

export function readSimulation(p: Input, policyListRequired: boolean): SimulationRequest {
  const L = SIMULATION_LIMITS;
  const req: SimulationRequest = {
    policyInputList: readPolicyList(p, 'PolicyInputList', policyListRequired) ?? [],
    boundaries: readPolicyList(p, 'PermissionsBoundaryPolicyInputList', false),
    actionNames: p.stringList('ActionNames', { required: true, min: 3, max: 128, maxItems: L.actions }) ?? [],
    resourceArns: p.stringList('ResourceArns', { min: 1, max: 2048, maxItems: L.resources }),
    resourcePolicy: p.string('ResourcePolicy', { min: 1, max: 131_072, pattern: POLICY_DOC_PATTERN, patternText: POLICY_DOC_PATTERN_TEXT }),
    resourceOwner: p.string('ResourceOwner', { min: 1, max: 2048 }),
    callerArn: p.string('CallerArn', { min: 1, max: 2048 }),
    contextEntries:
      p.list(
        'ContextEntries',
        (r) => ({
          name: r.string('ContextKeyName', { min: 5, max: 256 }) ?? '',
          values: r.stringList('ContextKeyValues', { maxItems: L.contextValuesPerEntry }) ?? [],
          type: r.string('ContextKeyType', { enum: CONTEXT_KEY_TYPES }) ?? 'string',
        }),
        { max: L.contextEntries },
      ) ?? [],
    resourceHandlingOption: p.string('ResourceHandlingOption', { min: 1, max: 64 }),
    page: readPage(p),
  };
  const actions = req.actionNames.length;
  const resources = req.resourceArns && req.resourceArns.length > 0 ? req.resourceArns.length : 1;
  if (actions * resources > L.pairs) {
    throw Errors.validation(
      `The simulation of ${actions} actions against ${resources} resources (${actions * resources} pairs) exceeds the limit of ${L.pairs} action-resource pairs per request. Split ActionNames or ResourceArns over several requests.`,
    );
  }
  return req;
}

/** Evaluate the requested page in the policy worker pool (the main thread only parses and renders). */
export function runSimulation(
  req: SimulationRequest,
  identity: SimulationPolicy[],
  boundaries: SimulationPolicy[],
  caller: string | undefined,
): Promise<RenderedSimulation> {
  const { actionNames, resourceArns, resourcePolicy, resourceOwner, contextEntries, page } = req;
  return workerPool('policy').run('policy.simulate', { req: { actionNames, resourceArns, resourcePolicy, resourceOwner, contextEntries, page }, identity, boundaries, caller });
}

const renderStatements = (list: SimulationResult['MatchedStatements']) =>
  list.map((m) => ({
    SourcePolicyId: m.SourcePolicyId,
    SourcePolicyType: m.SourcePolicyType,
    StartPosition: { Line: m.StartPosition.Line, Column: m.StartPosition.Column },
    EndPosition: { Line: m.EndPosition.Line, Column: m.EndPosition.Column },
  }));

const boundaryDetail = (allowed: boolean | undefined) => (allowed === undefined ? undefined : { AllowedByPermissionsBoundary: allowed });

/** EvaluationResults as XmlValue (rendered to XML in the worker, see simulation-core.ts). */
export function evaluationResults(out: SimulationOutput): XmlValue {
  return out.results.map((r) => ({
    EvalActionName: r.EvalActionName,
    EvalResourceName: r.EvalResourceName,
    EvalDecision: r.EvalDecision,
    MatchedStatements: renderStatements(r.MatchedStatements),
    MissingContextValues: [...r.MissingContextValues],
    PermissionsBoundaryDecisionDetail: boundaryDetail(r.AllowedByPermissionsBoundary),
    ResourceSpecificResults: r.resources.map((x) => ({
      EvalResourceName: x.EvalResourceName,
      EvalResourceDecision: x.EvalDecision,
      MatchedStatements: renderStatements(x.MatchedStatements),
      MissingContextValues: [...x.MissingContextValues],
      PermissionsBoundaryDecisionDetail: boundaryDetail(x.AllowedByPermissionsBoundary),
    })),
  }));
}

export function renderSimulation(out: RenderedSimulation): XmlObject {
  return { EvaluationResults: new XmlRaw(out.evaluationResultsXml), IsTruncated: out.IsTruncated, Marker: out.Marker };
}
