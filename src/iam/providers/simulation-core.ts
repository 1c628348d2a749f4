/**
 * The pure part of SimulateCustomPolicy / SimulatePrincipalPolicy: context-entry conversion, the
 * page the Marker points at, and the evaluation of only that page's actions × resources. It runs
 * in the 'policy' worker pool (src/workers), so neither policy compilation nor evaluation ever
 * holds the main event loop.
 */
import { isIP } from 'node:net';
import { Errors } from '../../errors/index.js';
import { prepareSimulation, type SimulationPolicy, type SimulationResult } from '../../policy/index.js';
import type { ContextValue } from '../../policy/index.js';
import type { EvaluationResult, SimulatePolicyResponse, Statement } from '../../protocols/generated/iam.js';
import type { Page } from '../common.js';

export interface ContextEntryInput {
  name: string;
  values: string[];
  type: string;
}

export interface SimulationJob {
  req: {
    actionNames: string[];
    resourceArns: string[] | undefined;
    resourcePolicy: string | undefined;
    resourceOwner: string | undefined;
    contextEntries: ContextEntryInput[];
    page: Page;
  };
  identity: SimulationPolicy[];
  boundaries: SimulationPolicy[];
  caller: string | undefined;
}

const badValue = (e: ContextEntryInput, v: string) =>
  Errors.invalidInput(`Invalid value ${JSON.stringify(v)} for context key ${e.name} of type ${e.type}.`);

function checkValue(e: ContextEntryInput, v: string): string | number | boolean {
  const base = e.type.replace(/List$/, '');
  switch (base) {
    case 'numeric':
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) throw badValue(e, v);
      return v.trim();
    case 'boolean':
      if (!/^(true|false)$/i.test(v.trim())) throw badValue(e, v);
      return v.trim().toLowerCase();
    case 'ip': {
      const [addr, bits, more] = v.trim().split('/');
      const fam = isIP(addr ?? '');
      if (!fam || more !== undefined) throw badValue(e, v);
      if (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (fam === 4 ? 32 : 128))) throw badValue(e, v);
      return v.trim();
    }
    case 'date':
      if (/^\d+$/.test(v.trim())) return v.trim();
      if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v.trim()) || Number.isNaN(Date.parse(v.trim()))) throw badValue(e, v);
      return v.trim();
    case 'binary':
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v.trim())) throw badValue(e, v);
      return v.trim();
    default:
      return v;
  }
}

/** ContextEntries → engine context. Single-valued types take exactly one value; `*List` types stay arrays. */
export function contextOf(entries: ContextEntryInput[]): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {};
  for (const e of entries) {
    const values = e.values.map((v) => checkValue(e, v));
    const list = e.type.endsWith('List');
    if (!list && values.length !== 1) {
      throw Errors.invalidInput(`Context key ${e.name} of type ${e.type} must have exactly one value.`);
    }
    out[e.name] = list ? values.map(String) : String(values[0]);
  }
  return out;
}

type PerResource = SimulationResult & { AllowedByPermissionsBoundary?: boolean };

/**
 * One result per action, as the simulator now answers: the top-level fields are the aggregate
 * across the requested resources (the most restrictive decision; the statements and missing keys
 * behind it), and ResourceSpecificResults holds each resource's own decision.
 */
export interface ActionResult {
  EvalActionName: string;
  EvalResourceName: string;
  EvalDecision: SimulationResult['EvalDecision'];
  MatchedStatements: SimulationResult['MatchedStatements'];
  MissingContextValues: string[];
  AllowedByPermissionsBoundary?: boolean;
  resources: PerResource[];
}

export interface SimulationOutput {
  results: ActionResult[];
  IsTruncated: boolean;
  Marker?: string;
}

const RESTRICTIVENESS = { allowed: 0, implicitDeny: 1, explicitDeny: 2 } as const;

function aggregate(action: string, resources: PerResource[]): ActionResult {
  let decision: SimulationResult['EvalDecision'] = 'allowed';
  for (const r of resources) if (RESTRICTIVENESS[r.EvalDecision] > RESTRICTIVENESS[decision]) decision = r.EvalDecision;
  const deciding = resources.filter((r) => r.EvalDecision === decision);
  const seen = new Set<string>();
  const matched = deciding
    .flatMap((r) => r.MatchedStatements)
    .filter((m) => {
      const k = `${m.SourcePolicyId}|${m.StartPosition.Line}|${m.StartPosition.Column}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
  const missing = [...new Set(resources.flatMap((r) => r.MissingContextValues))];
  const boundary = resources.some((r) => r.AllowedByPermissionsBoundary !== undefined)
    ? resources.every((r) => r.AllowedByPermissionsBoundary !== false)
    : undefined;
  return {
    EvalActionName: action,
    EvalResourceName: resources.length === 1 ? resources[0]!.EvalResourceName : '*',
    EvalDecision: decision,
    MatchedStatements: matched,
    MissingContextValues: missing,
    ...(boundary === undefined ? {} : { AllowedByPermissionsBoundary: boundary }),
    resources,
  };
}

/** At most this many action-resource pairs per response page (at least one action). */
export const PAGE_PAIRS = 500;

/** The Marker is the index of the next action, base64url. */
function startOf(marker: string | undefined, actions: number): number {
  if (marker === undefined) return 0;
  const n = /^[A-Za-z0-9_-]+$/.test(marker) ? Number(Buffer.from(marker, 'base64url').toString('utf8')) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > actions) throw Errors.invalidInput('Invalid Marker.');
  return n;
}

/**
 * Evaluate the page the Marker points at: MaxItems actions, each against every requested
 * resource (one result per action, ResourceSpecificResults per resource). Pairs outside the
 * page are never evaluated.
 */
export function computeSimulation(job: SimulationJob): SimulationOutput {
  const { req, identity, boundaries, caller } = job;
  const context = contextOf(req.contextEntries);
  const start = startOf(req.page.marker, req.actionNames.length);
  const base = {
    ...(req.resourceOwner ? { resourceOwner: req.resourceOwner } : {}),
    ...(caller ? { caller } : {}),
    contextEntries: context,
  };
  const one = prepareSimulation({
    ...base,
    policyInputList: identity,
    permissionsBoundaryPolicyInputList: boundaries,
    ...(req.resourcePolicy ? { resourcePolicy: req.resourcePolicy } : {}),
  });
  const byBoundary = boundaries.length > 0 ? prepareSimulation({ ...base, policyInputList: boundaries }) : undefined;
  const resources = req.resourceArns && req.resourceArns.length > 0 ? req.resourceArns : ['*'];
  // MaxItems actions, but no more pairs than PAGE_PAIRS (IAM may return fewer than MaxItems with
  // IsTruncated): this bounds what the main thread clones and renders for one response.
  const perPage = Math.max(1, Math.min(req.page.maxItems, Math.floor(PAGE_PAIRS / resources.length)));
  const actions = req.actionNames.slice(start, start + perPage);
  const results = actions.map((action) =>
    aggregate(
      action,
      resources.map((resource): PerResource => {
        const r = one(action, resource);
        return byBoundary ? { ...r, AllowedByPermissionsBoundary: byBoundary(action, resource).EvalDecision === 'allowed' } : r;
      }),
    ),
  );
  const next = start + actions.length;
  return next < req.actionNames.length
    ? { results, IsTruncated: true, Marker: Buffer.from(String(next)).toString('base64url') }
    : { results, IsTruncated: false };
}

const statements = (list: SimulationResult['MatchedStatements']): Statement[] =>
  list.map((m) => ({
    SourcePolicyId: m.SourcePolicyId,
    SourcePolicyType: m.SourcePolicyType as NonNullable<Statement['SourcePolicyType']>,
    StartPosition: { Line: m.StartPosition.Line, Column: m.StartPosition.Column },
    EndPosition: { Line: m.EndPosition.Line, Column: m.EndPosition.Column },
  }));

const boundaryDetail = (allowed: boolean | undefined) => (allowed === undefined ? {} : { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: allowed } });

/** One action's result as the model's EvaluationResult. */
function evaluationResult(r: ActionResult): EvaluationResult {
  return {
    EvalActionName: r.EvalActionName,
    EvalResourceName: r.EvalResourceName,
    EvalDecision: r.EvalDecision,
    MatchedStatements: statements(r.MatchedStatements),
    MissingContextValues: [...r.MissingContextValues],
    ...boundaryDetail(r.AllowedByPermissionsBoundary),
    ResourceSpecificResults: r.resources.map((x) => ({
      EvalResourceName: x.EvalResourceName,
      EvalResourceDecision: x.EvalDecision,
      MatchedStatements: statements(x.MatchedStatements),
      MissingContextValues: [...x.MissingContextValues],
      ...boundaryDetail(x.AllowedByPermissionsBoundary),
    })),
  };
}

/**
 * The worker task: the page evaluated and returned as the operation's typed output (the model's
 * SimulatePolicyResponse); the Query adapter serializes it from the model on the main thread.
 * A page is at most PAGE_PAIRS pairs, so what crosses the thread boundary stays small.
 */
export function simulatePage(job: SimulationJob): SimulatePolicyResponse {
  const out = computeSimulation(job);
  const EvaluationResults = out.results.map(evaluationResult);
  return out.Marker ? { EvaluationResults, IsTruncated: true, Marker: out.Marker } : { EvaluationResults, IsTruncated: out.IsTruncated };
}
