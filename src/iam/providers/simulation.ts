/**
 * Shared input, context-entry conversion and rendering for SimulateCustomPolicy and
 * SimulatePrincipalPolicy, on top of the policy engine's `simulate`.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
 */
import { isIP } from 'node:net';
import type { Input } from '../../awsquery/input.js';
import type { XmlObject } from '../../awsquery/xml.js';
import { Errors } from '../../errors/index.js';
import { simulate, type SimulationPolicy, type SimulationResult } from '../../policy/index.js';
import type { ContextValue } from '../../policy/index.js';
import { POLICY_DOC_PATTERN, POLICY_DOC_PATTERN_TEXT, readPage, type Page } from '../common.js';

export const CONTEXT_KEY_TYPES = [
  'string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList',
  'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList',
] as const;

export interface ContextEntryInput {
  name: string;
  values: string[];
  type: string;
}

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

export const readPolicyList = (p: Input, field: string, required: boolean) =>
  p.stringList(field, { required, min: 1, max: 131_072, pattern: POLICY_DOC_PATTERN, patternText: POLICY_DOC_PATTERN_TEXT });

export function readSimulation(p: Input, policyListRequired: boolean): SimulationRequest {
  return {
    policyInputList: readPolicyList(p, 'PolicyInputList', policyListRequired) ?? [],
    boundaries: readPolicyList(p, 'PermissionsBoundaryPolicyInputList', false),
    actionNames: p.stringList('ActionNames', { required: true, min: 3, max: 128 }) ?? [],
    resourceArns: p.stringList('ResourceArns', { min: 1, max: 2048 }),
    resourcePolicy: p.string('ResourcePolicy', { min: 1, max: 131_072, pattern: POLICY_DOC_PATTERN, patternText: POLICY_DOC_PATTERN_TEXT }),
    resourceOwner: p.string('ResourceOwner', { min: 1, max: 2048 }),
    callerArn: p.string('CallerArn', { min: 1, max: 2048 }),
    contextEntries:
      p.list('ContextEntries', (r) => ({
        name: r.string('ContextKeyName', { min: 5, max: 256 }) ?? '',
        values: r.stringList('ContextKeyValues') ?? [],
        type: r.string('ContextKeyType', { enum: CONTEXT_KEY_TYPES }) ?? 'string',
      })) ?? [],
    resourceHandlingOption: p.string('ResourceHandlingOption', { min: 1, max: 64 }),
    page: readPage(p),
  };
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

/** Run the simulation for every action × resource, aggregate per action, and page the results. */
export function runSimulation(
  req: SimulationRequest,
  identity: SimulationPolicy[],
  boundaries: SimulationPolicy[],
  caller: string | undefined,
): SimulationOutput {
  const context = contextOf(req.contextEntries);
  const base = {
    actionNames: req.actionNames,
    ...(req.resourceArns && req.resourceArns.length > 0 ? { resourceArns: req.resourceArns } : {}),
    ...(req.resourceOwner ? { resourceOwner: req.resourceOwner } : {}),
    ...(caller ? { caller } : {}),
    contextEntries: context,
  };
  const results = simulate({
    ...base,
    policyInputList: identity,
    permissionsBoundaryPolicyInputList: boundaries,
    ...(req.resourcePolicy ? { resourcePolicy: req.resourcePolicy } : {}),
  }) as PerResource[];
  if (boundaries.length > 0) {
    const byBoundary = simulate({ ...base, policyInputList: boundaries });
    results.forEach((r, i) => {
      r.AllowedByPermissionsBoundary = byBoundary[i]?.EvalDecision === 'allowed';
    });
  }
  // simulate() answers action-major: every resource of the first action, then the next action.
  const perAction = req.resourceArns && req.resourceArns.length > 0 ? req.resourceArns.length : 1;
  const actions = req.actionNames.map((a, i) => aggregate(a, results.slice(i * perAction, (i + 1) * perAction)));
  let start = 0;
  if (req.page.marker !== undefined) {
    const n = Number(Buffer.from(req.page.marker, 'base64url').toString('utf8'));
    if (!Number.isInteger(n) || n < 0 || n > actions.length) throw Errors.invalidInput('Invalid Marker.');
    start = n;
  }
  const page = actions.slice(start, start + req.page.maxItems);
  const next = start + page.length;
  return next < actions.length
    ? { results: page, IsTruncated: true, Marker: Buffer.from(String(next)).toString('base64url') }
    : { results: page, IsTruncated: false };
}

const renderStatements = (list: SimulationResult['MatchedStatements']) =>
  list.map((m) => ({
    SourcePolicyId: m.SourcePolicyId,
    SourcePolicyType: m.SourcePolicyType,
    StartPosition: { Line: m.StartPosition.Line, Column: m.StartPosition.Column },
    EndPosition: { Line: m.EndPosition.Line, Column: m.EndPosition.Column },
  }));

const boundaryDetail = (allowed: boolean | undefined) => (allowed === undefined ? undefined : { AllowedByPermissionsBoundary: allowed });

export function renderSimulation(out: SimulationOutput): XmlObject {
  return {
    EvaluationResults: out.results.map((r) => ({
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
    })),
    IsTruncated: out.IsTruncated,
    Marker: out.Marker,
  };
}
