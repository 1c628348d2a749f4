/**
 * AWS policy evaluation logic, as documented:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 *
 * 1. An explicit Deny in any applicable policy (identity, resource, boundary, session, SCP, RCP) wins.
 * 2. SCPs: every level of the organization (root, each OU, the account) must allow. They do not
 *    apply to principals of the management account, to service-linked roles, or to service principals.
 *    RCPs likewise, for the resource's account.
 * 3. Same account: identity-based and resource-based policies are a union. A resource-policy Allow
 *    naming the caller itself (user ARN, role-session ARN, federated-user ARN) is final; one naming
 *    the role behind a session, or `*`, is still limited by permissions boundaries and session
 *    policies; one naming only the account delegates to identity policies.
 * 4. Cross account: the identity side (identity ∩ boundary ∩ session) and the resource policy must
 *    both allow.
 * 5. Permissions boundaries and session policies, when present, must also allow.
 * 6. Otherwise: implicit deny.
 * A role's trust policy is the resource policy of the role, so `evaluate` covers trust as well —
 * but trust policies (like KMS key policies) are an exception to the same-account union
 * (`resourcePolicyMode: 'must-allow'`, the default for a policy of kind `trust`): the resource
 * policy itself must contain a matching Allow, or the request is denied whatever the identity
 * policies say. An Allow naming the caller is then sufficient as in step 3; one naming only the
 * account still delegates to the identity policies, which must also allow.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 */
import type { CompiledPolicy } from './compile.js';
import type { CompiledStatement } from './compile-statement.js';
import { normalizeContext, type ContextLookup } from './context.js';
import { preparePrincipal, type PreparedPrincipal, type PrincipalMatch } from './principal.js';
import type { DecisionReason, EvaluationResult, MatchedStatement, RequestContext, RequestPrincipal } from './types.js';

export interface EvaluationInput {
  readonly request: RequestContext;
  /** Policies attached to the caller (user, its groups, the role), managed and inline. */
  readonly identityPolicies?: readonly CompiledPolicy[];
  /** The resource's policy; for AssumeRole* this is the role's trust policy. */
  readonly resourcePolicy?: CompiledPolicy;
  /**
   * How the resource policy combines with the identity side in the resource's own account:
   * - `union`: either may allow (S3 bucket policies, SNS/SQS policies, …; the default for kind `resource`);
   * - `must-allow`: the resource policy must itself allow (role trust policies — the default for
   *   kind `trust` — and KMS key policies). With no resource policy nothing is allowed.
   */
  readonly resourcePolicyMode?: ResourcePolicyMode;
  /** The caller's permissions boundary (AWS allows one; when several are given, any allow counts). */
  readonly permissionBoundaries?: readonly CompiledPolicy[];
  /**
   * Session policies passed when the session was created: the inline `Policy` and the managed
   * `PolicyArns` together form the session policy, so an allow in any of them counts.
   */
  readonly sessionPolicies?: readonly CompiledPolicy[];
  /** Service control policies, one list per level from the root down to the account. */
  readonly scps?: readonly (readonly CompiledPolicy[])[];
  /** Resource control policies, one list per level, for the resource's account. */
  readonly rcps?: readonly (readonly CompiledPolicy[])[];
  /** SCPs never restrict this account's principals; RCPs never its resources. */
  readonly managementAccountId?: string;
}

export type ResourcePolicyMode = 'union' | 'must-allow';

interface Hit {
  readonly policy: CompiledPolicy;
  readonly statement: CompiledStatement;
  readonly match: PrincipalMatch | null;
}

interface Scan {
  readonly allows: Hit[];
  readonly denies: Hit[];
}

interface Prepared {
  readonly action: string;
  readonly resource: string;
  readonly principal: PreparedPrincipal;
  readonly ctx: ContextLookup;
  readonly missing: Set<string>;
}

/** Principals are usually reused across requests: prepare each object once. */
const PREPARED = new WeakMap<RequestPrincipal, PreparedPrincipal>();
function preparedPrincipal(p: RequestPrincipal): PreparedPrincipal {
  let prepared = PREPARED.get(p);
  if (!prepared) {
    prepared = preparePrincipal(p);
    PREPARED.set(p, prepared);
  }
  return prepared;
}

function scan(policy: CompiledPolicy, req: Prepared, denies: Hit[], allows: Hit[]): void {
  const { ctx, missing } = req;
  for (const s of policy.core.candidates(req.action)) {
    let match: PrincipalMatch | null = null;
    if (s.principal !== null) {
      match = s.principal.match(req.principal);
      if (match === null) continue;
    }
    if (!s.matchesResource(req.resource, ctx, missing)) continue;
    const lower = s.lowerContextKeys;
    for (let i = 0; i < lower.length; i++) if (ctx.get(lower[i] as string) === undefined) missing.add(s.contextKeys[i] as string);
    let ok = true;
    for (const c of s.conditions) {
      if (!c.evaluate(ctx, missing)) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    (s.effect === 'Deny' ? denies : allows).push({ policy, statement: s, match });
  }
}

const NO_HITS: Hit[] = [];
function scanAll(policies: readonly CompiledPolicy[] | undefined, req: Prepared, denies: Hit[]): Scan {
  if (!policies || policies.length === 0) return { allows: NO_HITS, denies };
  const allows: Hit[] = [];
  if (policies) for (const p of policies) scan(p, req, denies, allows);
  return { allows, denies };
}

const toMatched = (hits: readonly Hit[]): MatchedStatement[] =>
  hits.map(({ policy, statement: s }) => ({
    policyId: policy.id,
    policyKind: policy.kind,
    sourceType: policy.sourceType,
    sid: s.sid,
    statementIndex: s.index,
    effect: s.effect,
    start: s.start,
    end: s.end,
  }));

/** The account field of an ARN (its fifth component), or undefined when empty or absent. */
function accountOfArn(arn: string): string | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  let from = 4;
  for (let i = 0; i < 3; i++) {
    const c = arn.indexOf(':', from);
    if (c < 0) return undefined;
    from = c + 1;
  }
  const end = arn.indexOf(':', from);
  if (end < 0 || end === from) return undefined;
  return arn.slice(from, end);
}
/** Whether the resource policy is one that must itself allow (explicit mode, else by its kind). */
const mustAllow = (input: EvaluationInput): boolean =>
  (input.resourcePolicyMode ?? (input.resourcePolicy?.kind === 'trust' ? 'must-allow' : 'union')) === 'must-allow';
const SERVICE_LINKED = /:role\/aws-service-role\//;

function distinctKeys(keys: Set<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const k of keys) {
    const l = k.toLowerCase();
    if (!seen.has(l)) {
      seen.add(l);
      out.push(k);
    }
  }
  return out;
}

function done(missing: Set<string>, decision: EvaluationResult['decision'], reason: DecisionReason, hits: readonly Hit[]): EvaluationResult {
  return { decision, reason, matchedStatements: toMatched(hits), missingContextValues: distinctKeys(missing) };
}

export function evaluate(input: EvaluationInput): EvaluationResult {
  const { request } = input;
  const principal = preparedPrincipal(request.principal);
  const req: Prepared = {
    action: request.action.toLowerCase(),
    resource: request.resource,
    principal,
    ctx: normalizeContext(request.context),
    missing: new Set<string>(),
  };
  const denies: Hit[] = [];
  const identity = scanAll(input.identityPolicies, req, denies);
  const resourceAllows: Hit[] = [];
  if (input.resourcePolicy) scan(input.resourcePolicy, req, denies, resourceAllows);
  const hasBoundary = (input.permissionBoundaries?.length ?? 0) > 0;
  const hasSession = (input.sessionPolicies?.length ?? 0) > 0;
  const boundary = scanAll(input.permissionBoundaries, req, denies);
  const session = scanAll(input.sessionPolicies, req, denies);

  const isService = principal.type === 'service';
  const resourceAccount = request.resourceAccount ?? accountOfArn(request.resource) ?? principal.accountId;
  let scpLevels: boolean[] = [];
  if (input.scps && input.scps.length > 0) {
    const scpApplies =
      !isService &&
      principal.accountId !== undefined &&
      principal.accountId !== input.managementAccountId &&
      !SERVICE_LINKED.test(request.principal.roleArn ?? principal.arn ?? '');
    if (scpApplies) scpLevels = input.scps.map((level) => scanAll(level, req, denies).allows.length > 0);
  }
  let rcpLevels: boolean[] = [];
  if (input.rcps && input.rcps.length > 0 && !isService && resourceAccount !== input.managementAccountId) {
    rcpLevels = input.rcps.map((level) => scanAll(level, req, denies).allows.length > 0);
  }

  const missing = req.missing;

  if (denies.length > 0) return done(missing, 'explicitDeny', 'explicit-deny', denies);
  if (scpLevels.includes(false)) return done(missing, 'implicitDeny', 'scp-implicit-deny', []);
  if (rcpLevels.includes(false)) return done(missing, 'implicitDeny', 'rcp-implicit-deny', []);

  // Principals that carry no identity policies: the resource (trust) policy alone decides.
  if (principal.type === 'web-identity' || principal.type === 'saml' || isService || principal.type === 'anonymous') {
    const grants = resourceAllows.filter((h) => h.match !== 'account');
    return grants.length > 0 ? done(missing, 'allowed', 'allowed-by-resource-policy', grants) : done(missing, 'implicitDeny', 'no-allow', []);
  }

  const boundaryOk = !hasBoundary || boundary.allows.length > 0;
  const sessionOk = !hasSession || session.allows.length > 0;
  const guards = [...boundary.allows, ...session.allows];
  const sameAccount = principal.accountId === undefined || resourceAccount === principal.accountId;

  // The root user holds every permission of its own account; only denies and SCPs limit it.
  const isRoot = principal.type === 'root';
  if (sameAccount) {
    // A must-allow policy (trust, key policy) that does not allow denies, whatever else allows.
    // Past this point every resource allow that is neither direct nor weak names the account,
    // which delegates to the identity policies below.
    if (resourceAllows.length === 0 && mustAllow(input)) return done(missing, 'implicitDeny', 'resource-policy-missing-allow', []);
    if (isRoot) return done(missing, 'allowed', 'allowed', [...identity.allows, ...resourceAllows]);
    const direct = resourceAllows.filter((h) => h.match === 'direct');
    if (direct.length > 0) return done(missing, 'allowed', 'allowed-by-resource-policy', direct);
    const weak = resourceAllows.filter((h) => h.match === 'role' || h.match === 'wildcard');
    if (identity.allows.length === 0 && weak.length === 0) return done(missing, 'implicitDeny', 'no-allow', []);
    if (!boundaryOk) return done(missing, 'implicitDeny', 'boundary-implicit-deny', []);
    if (!sessionOk) return done(missing, 'implicitDeny', 'session-implicit-deny', []);
    return done(missing, 'allowed', 'allowed', [...identity.allows, ...weak, ...guards]);
  }

  if (resourceAllows.length === 0) return done(missing, 'implicitDeny', 'cross-account-resource-policy-missing-allow', []);
  if (!isRoot && identity.allows.length === 0) return done(missing, 'implicitDeny', 'cross-account-identity-missing-allow', []);
  if (!boundaryOk) return done(missing, 'implicitDeny', 'boundary-implicit-deny', []);
  if (!sessionOk) return done(missing, 'implicitDeny', 'session-implicit-deny', []);
  return done(missing, 'allowed', 'allowed', [...identity.allows, ...resourceAllows, ...guards]);
}
