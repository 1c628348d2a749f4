/**
 * simulate: the engine behind IAM SimulateCustomPolicy / SimulatePrincipalPolicy. Results use
 * AWS's field names (EvaluationResult, Statement, Position) so the API layer renders them as is.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
 */
import { Errors } from '../errors/index.js';
import { compilePolicy, type CompiledPolicy } from './compile.js';
import { evaluate } from './evaluate.js';
import type { ContextValue, ContextValues, Decision, PolicyKind, PolicySourceType, RequestPrincipal } from './types.js';

/** A policy given to simulate: its text, or the text with the id/type to report. */
export type SimulationPolicy = string | { readonly document: string; readonly id?: string; readonly sourceType?: PolicySourceType };

/** AWS ContextEntry. `*List` types are multivalued. */
export interface ContextEntry {
  readonly ContextKeyName: string;
  readonly ContextKeyValues: readonly string[];
  readonly ContextKeyType: string;
}

export interface SimulationInput {
  /** PolicyInputList: identity policies. Reported as `PolicyInputList.N` unless given an id. */
  readonly policyInputList: readonly SimulationPolicy[];
  readonly permissionsBoundaryPolicyInputList?: readonly SimulationPolicy[];
  readonly sessionPolicies?: readonly SimulationPolicy[];
  /** Service control policies, one list per level from the root down to the account. */
  readonly scps?: readonly (readonly SimulationPolicy[])[];
  readonly resourcePolicy?: SimulationPolicy;
  readonly actionNames: readonly string[];
  /** Defaults to `["*"]`. */
  readonly resourceArns?: readonly string[];
  /** Account id or `arn:aws:iam::ACCT:root` of the resource owner. */
  readonly resourceOwner?: string;
  /** CallerArn, or a full principal. */
  readonly caller?: string | RequestPrincipal;
  readonly contextEntries?: readonly ContextEntry[] | ContextValues;
}

export interface SimulationPosition {
  readonly Line: number;
  readonly Column: number;
}

export interface SimulationStatement {
  readonly SourcePolicyId: string;
  readonly SourcePolicyType: PolicySourceType;
  readonly StartPosition: SimulationPosition;
  readonly EndPosition: SimulationPosition;
}

export interface SimulationResult {
  readonly EvalActionName: string;
  readonly EvalResourceName: string;
  readonly EvalDecision: Decision;
  readonly MatchedStatements: readonly SimulationStatement[];
  readonly MissingContextValues: readonly string[];
}

/** Turn AWS ContextEntries into context values (`*List` types stay arrays). */
export function contextFromEntries(entries: readonly ContextEntry[]): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {};
  for (const e of entries) {
    const list = e.ContextKeyType.toLowerCase().endsWith('list');
    if (list) out[e.ContextKeyName] = [...e.ContextKeyValues];
    else if (e.ContextKeyValues.length > 0) out[e.ContextKeyName] = e.ContextKeyValues[0] as string;
  }
  return out;
}

const compileAll = (list: readonly SimulationPolicy[] | undefined, kind: PolicyKind, prefix: string, type: PolicySourceType): CompiledPolicy[] =>
  (list ?? []).map((p, i) => {
    const doc = typeof p === 'string' ? p : p.document;
    const id = typeof p === 'string' ? `${prefix}.${i + 1}` : (p.id ?? `${prefix}.${i + 1}`);
    const sourceType = typeof p === 'string' ? type : (p.sourceType ?? type);
    return compilePolicy(doc, { kind, id, sourceType });
  });

const ACCOUNT = /^(?:arn:[^:]+:iam::)?(\d{12})(?::root)?$/;

function callerPrincipal(caller: SimulationInput['caller']): RequestPrincipal {
  if (caller === undefined) return { type: 'user' };
  if (typeof caller !== 'string') return caller;
  const m = /^arn:[^:]+:[^:]+::(\d{12}):/.exec(caller);
  return m ? { arn: caller, accountId: m[1] as string } : { arn: caller };
}

/**
 * Compile the simulation's policies once and return an evaluator for one (action, resource)
 * pair, so a caller can evaluate only the pairs it needs (one page) instead of them all.
 */
export function prepareSimulation(input: Omit<SimulationInput, 'actionNames' | 'resourceArns'>): (action: string, resource: string) => SimulationResult {
  const identityPolicies = compileAll(input.policyInputList, 'identity', 'PolicyInputList', 'none');
  const permissionBoundaries = compileAll(input.permissionsBoundaryPolicyInputList, 'boundary', 'PermissionsBoundaryPolicyInputList', 'none');
  const sessionPolicies = compileAll(input.sessionPolicies, 'session', 'SessionPolicy', 'none');
  const scps = (input.scps ?? []).map((level, i) => compileAll(level, 'scp', `OrganizationPolicyInputList.${i + 1}`, 'none'));
  const resourcePolicy = input.resourcePolicy === undefined ? undefined : compileAll([input.resourcePolicy], 'resource', 'ResourcePolicy', 'resource')[0];
  if (resourcePolicy && typeof input.resourcePolicy === 'string') Object.assign(resourcePolicy, { id: 'ResourcePolicy' });
  const context = Array.isArray(input.contextEntries) ? contextFromEntries(input.contextEntries as readonly ContextEntry[]) : (input.contextEntries as ContextValues | undefined);
  const principal = callerPrincipal(input.caller);
  const owner = input.resourceOwner ? ACCOUNT.exec(input.resourceOwner)?.[1] : undefined;

  return (action, resource) => {
    const r = evaluate({
      request: { principal, action, resource, ...(owner ? { resourceAccount: owner } : {}), ...(context ? { context } : {}) },
      identityPolicies,
      permissionBoundaries,
      sessionPolicies,
      scps,
      ...(resourcePolicy ? { resourcePolicy } : {}),
    });
    return {
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: r.decision,
      MatchedStatements: r.matchedStatements.map((m) => ({
        SourcePolicyId: m.policyId,
        SourcePolicyType: m.sourceType,
        StartPosition: { Line: m.start.line, Column: m.start.column },
        EndPosition: { Line: m.end.line, Column: m.end.column },
      })),
      MissingContextValues: r.missingContextValues,
    };
  };
}

/** Every action × resource, action-major. */
export function simulate(input: SimulationInput): SimulationResult[] {
  if (input.actionNames.length === 0) throw Errors.invalidInput('ActionNames must contain at least one action');
  const one = prepareSimulation(input);
  const results: SimulationResult[] = [];
  for (const action of input.actionNames) {
    for (const resource of input.resourceArns ?? ['*']) results.push(one(action, resource));
  }
  return results;
}
