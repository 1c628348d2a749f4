/**
 * Walks every JSON case file under test/cases/policy/. Each file cites the AWS documentation it
 * follows (`doc`, overridable per case). Case shapes:
 * - condition: a Condition block, a context and whether the condition holds;
 * - parse: a policy (object or raw text) of a kind, and the expected error text (or none);
 * - eval: a request and policies, and the expected decision (plus missing keys / matched Sids).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/errors/index.js';
import { compilePolicy, evaluate, parsePolicy, type CompiledPolicy, type PolicyKind, type RequestContext } from '../../src/policy/index.js';

type Doc = object | string;

interface BaseCase {
  name: string;
  doc?: string;
}
interface ConditionCase extends BaseCase {
  condition: Record<string, Record<string, unknown>>;
  context: Record<string, unknown>;
  version?: string | null;
  expect: boolean;
}
interface ParseCase extends BaseCase {
  kind: PolicyKind;
  policy: Doc;
  error: string | null;
}
interface EvalCase extends BaseCase {
  request: RequestContext;
  identity?: Doc[];
  resource?: Doc;
  trust?: Doc;
  boundaries?: Doc[];
  sessions?: Doc[];
  scps?: Doc[][];
  rcps?: Doc[][];
  managementAccountId?: string;
  expect: 'allowed' | 'explicitDeny' | 'implicitDeny';
  missing?: string[];
  sids?: string[];
}
type Case = ConditionCase | ParseCase | EvalCase;

export const CASES_DIR = join(import.meta.dirname, '..', 'cases', 'policy');

const text = (d: Doc): string => (typeof d === 'string' ? d : JSON.stringify(d, null, 2));
const compile = (d: Doc, kind: PolicyKind, id: string): CompiledPolicy => compilePolicy(text(d), { kind, id });

export function loadCases(): { file: string; doc: string; cases: Case[] }[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const data = JSON.parse(readFileSync(join(CASES_DIR, file), 'utf8')) as { doc: string; cases: Case[] };
      return { file, doc: data.doc, cases: data.cases };
    });
}

function runCondition(c: ConditionCase): void {
  const policy: Record<string, unknown> = {
    Statement: [{ Effect: 'Allow', Action: 'test:Action', Resource: '*', Condition: c.condition }],
  };
  if (c.version !== null) policy.Version = c.version ?? '2012-10-17';
  const result = evaluate({
    request: { principal: { arn: 'arn:aws:iam::111122223333:user/alice' }, action: 'test:Action', resource: 'arn:aws:test:::thing', context: c.context as never },
    identityPolicies: [compile(policy, 'identity', 'cond')],
  });
  expect(result.decision).toBe(c.expect ? 'allowed' : 'implicitDeny');
}

function runParse(c: ParseCase): void {
  let error: unknown;
  try {
    parsePolicy(text(c.policy), { kind: c.kind });
  } catch (e) {
    error = e;
  }
  if (c.error === null) {
    expect(error).toBeUndefined();
    return;
  }
  expect(error).toBeInstanceOf(AwsError);
  expect((error as AwsError).code).toBe('MalformedPolicyDocument');
  expect((error as AwsError).message).toContain(c.error);
}

function runEval(c: EvalCase): void {
  const result = evaluate({
    request: c.request,
    identityPolicies: (c.identity ?? []).map((d, i) => compile(d, 'identity', `identity.${i + 1}`)),
    permissionBoundaries: (c.boundaries ?? []).map((d, i) => compile(d, 'boundary', `boundary.${i + 1}`)),
    sessionPolicies: (c.sessions ?? []).map((d, i) => compile(d, 'session', `session.${i + 1}`)),
    scps: (c.scps ?? []).map((level, l) => level.map((d, i) => compile(d, 'scp', `scp.${l + 1}.${i + 1}`))),
    rcps: (c.rcps ?? []).map((level, l) => level.map((d, i) => compile(d, 'rcp', `rcp.${l + 1}.${i + 1}`))),
    ...(c.resource ? { resourcePolicy: compile(c.resource, 'resource', 'resource') } : {}),
    ...(c.trust ? { resourcePolicy: compile(c.trust, 'trust', 'trust') } : {}),
    ...(c.managementAccountId ? { managementAccountId: c.managementAccountId } : {}),
  });
  expect(result.decision).toBe(c.expect);
  if (c.missing) expect([...result.missingContextValues].sort()).toEqual([...c.missing].sort());
  if (c.sids) expect(result.matchedStatements.map((m) => m.sid ?? '').sort()).toEqual([...c.sids].sort());
}

const files = loadCases();

describe('policy case corpus', () => {
  it('has at least 300 cases, each citing AWS documentation', () => {
    const total = files.reduce((n, f) => n + f.cases.length, 0);
    expect(total).toBeGreaterThanOrEqual(300);
    for (const f of files) for (const c of f.cases) expect(c.doc ?? f.doc, `${f.file}: ${c.name}`).toMatch(/docs\.aws\.amazon\.com|reference_policies/);
  });

  for (const f of files) {
    describe(f.file, () => {
      for (const c of f.cases) {
        it(c.name, () => {
          if ('condition' in c) runCondition(c);
          else if ('kind' in c && 'policy' in c) runParse(c);
          else runEval(c as EvalCase);
        });
      }
    });
  }
});
