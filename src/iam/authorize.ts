import { AwsError, Errors } from '../errors/index.js';
import { evaluate, compilePolicy, type CompiledPolicy, type EvaluationResult, type MatchedStatement, type PrincipalType, type ResourcePolicyMode } from '../policy/index.js';
import type { AuthedContext } from '../protocols/operation.js';
import type { Caller } from '../tokens/caller.js';

/**
 * Authorize one IAM (or STS) action for the caller through the policy engine.
 *   await authorize(ctx, 'iam:CreateUser', 'arn:aws:iam::123456789012:user/path/bob', { 'iam:PermissionsBoundary': arn })
 * Throws AccessDenied (403) in AWS's message format when not allowed. Root is always allowed
 * (unless a resource policy is given: then the engine decides).
 *
 * What applies (AWS's evaluation logic, src/policy/evaluate.ts):
 * - IAM user: user inline + attached managed + each group's inline + attached; the user's boundary.
 * - Assumed-role session: the role's inline + attached, its boundary, plus the session policies
 *   (inline `Policy` and `PolicyArns`): session permissions = role ∩ session policies.
 * - Federated user (GetFederationToken) and GetSessionToken credentials: the parent user's
 *   policies (∩ the session policies for federated users).
 * Context keys added here: aws:username (users), aws:userid, aws:PrincipalArn, aws:PrincipalAccount,
 * aws:PrincipalType, aws:PrincipalTag/<k> (user/role tags, overridden by session tags),
 * aws:PrincipalIsAWSService, aws:ViaAWSService, aws:SourceIp, aws:CurrentTime, aws:EpochTime,
 * aws:SecureTransport, aws:UserAgent, aws:RequestedRegion; for temporary credentials
 * aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge, aws:TokenIssueTime, aws:SourceIdentity,
 * aws:FederatedProvider and the persisted federation keys (`<prov>:sub`, `saml:sub`, …);
 * then `extra` (request-specific keys: aws:RequestTag/*, aws:TagKeys, iam:PolicyARN, …) on top.
 *
 * The decision (`AuthorizationDetail`) is put on `ctx.audit.authorization` and, on denial,
 * attached as `detail` of the AccessDenied error (STS's DecodeAuthorizationMessage encodes it).
 * Warm, no database row is read: policies are compiled once per principal (PolicyCache).
 */
export type ContextValue = string | string[] | number | boolean;

export interface AuthorizationDetail {
  decision: EvaluationResult['decision'];
  reason: EvaluationResult['reason'];
  action: string;
  resource: string;
  principal: { id: string; arn: string };
  matched: MatchedStatement[];
  /** The request context the decision was made with (no secrets). */
  context: Record<string, ContextValue>;
}

export interface AuthorizeOptions {
  /** A resource-based policy on the resource (e.g. a role's trust policy for sts:AssumeRole). */
  resourcePolicy?: CompiledPolicy;
  /**
   * `must-allow` for policies that are an exception to the same-account union (role trust
   * policies, key policies): the resource policy itself must allow. Defaults from the policy's
   * kind (`trust` → must-allow, otherwise union); see src/policy/evaluate.ts.
   */
  resourcePolicyMode?: ResourcePolicyMode;
}

const ENGINE_TYPE: Record<Caller['type'], PrincipalType> = {
  Account: 'root',
  User: 'user',
  AssumedRole: 'role-session',
  FederatedUser: 'federated-user',
};

/** Whether `arn` is a managed policy of account `accountId` or an AWS managed policy. */
const sameAccountOrAws = (arn: string, accountId: string) => {
  const acct = /^arn:[\w+=/,.@-]+:iam::(\d{12}|aws):policy\//.exec(arn)?.[1];
  return acct === accountId || acct === 'aws';
};

/** The policies that apply to this caller (identity, boundary, session). */
export async function callerPolicies(
  ctx: Pick<AuthedContext, 'caller' | 'services'>,
): Promise<{ exists: boolean; identity: CompiledPolicy[]; boundary: CompiledPolicy[]; session: CompiledPolicy[]; tags: Record<string, string> }> {
  const { caller, services } = ctx;
  const s = caller.session;
  const owner = s?.roleId ?? s?.parentUserId ?? caller.principalId;
  const own = await services.policyCache.forPrincipal(owner);
  const session: CompiledPolicy[] = [];
  if (s && s.issuedBy !== 'GetSessionToken') {
    if (s.sessionPolicy) session.push(compilePolicy(s.sessionPolicy, { kind: 'session', id: 'session-policy', sourceType: 'session' }));
    for (const arn of s.policyArns ?? []) {
      // Only a managed policy of the session's own account, or an AWS managed one, can apply:
      // another tenant's policy is never read (nor its existence revealed by what it allows).
      if (!sameAccountOrAws(arn, caller.accountId)) continue;
      const p = await services.policyCache.managedPolicy(arn, 'session');
      // A managed session policy that no longer exists contributes nothing.
      if (p) session.push(p);
    }
    // Session policies were passed (so they must allow) but none survives: nothing is allowed.
    if (session.length === 0 && (s.sessionPolicy || (s.policyArns?.length ?? 0) > 0)) {
      session.push(compilePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"*","Resource":"*"}]}', { kind: 'session', id: 'session-policy' }));
    }
  }
  return { exists: own.exists, identity: own.identity, boundary: own.boundary, session, tags: own.tags };
}

/** The request context for a call by this caller (see the list above). */
export function requestContext(ctx: Pick<AuthedContext, 'caller' | 'req'>, principalTags: Record<string, string>, extra: Record<string, ContextValue> = {}): Record<string, ContextValue> {
  const { caller, req } = ctx;
  const s = caller.session;
  const c: Record<string, ContextValue> = {
    'aws:userid': caller.userId,
    'aws:PrincipalArn': caller.principalArn,
    'aws:PrincipalAccount': caller.accountId,
    'aws:PrincipalType': caller.type,
    'aws:PrincipalIsAWSService': false,
    'aws:ViaAWSService': false,
    'aws:SourceIp': req.sourceIp,
    'aws:CurrentTime': req.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': Math.floor(req.now.getTime() / 1000),
    'aws:SecureTransport': req.secureTransport,
    'aws:UserAgent': req.userAgent,
    'aws:RequestedRegion': req.region,
  };
  if (caller.type === 'User' && caller.userName) c['aws:username'] = caller.userName;
  const tags = { ...principalTags, ...(s?.tags ?? {}) };
  for (const [k, v] of Object.entries(tags)) c[`aws:PrincipalTag/${k}`] = v;
  if (caller.credential === 'temporary') {
    const mfa = s?.mfaAuthenticated ?? caller.mfaAuthenticated ?? false;
    c['aws:MultiFactorAuthPresent'] = mfa;
    if (mfa && s?.mfaAuthTime) c['aws:MultiFactorAuthAge'] = Math.max(0, Math.floor((req.now.getTime() - s.mfaAuthTime.getTime()) / 1000));
    const issued = s?.issuedAt ?? caller.tokenIssueTime;
    if (issued) c['aws:TokenIssueTime'] = issued.toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (s?.sourceIdentity) c['aws:SourceIdentity'] = s.sourceIdentity;
    if (s?.federatedProvider) c['aws:FederatedProvider'] = s.federatedProvider;
    for (const [k, v] of Object.entries(s?.federatedContext ?? {})) c[k] = v;
  }
  return { ...c, ...extra };
}

function denialMessage(caller: Caller, action: string, resource: string, r: EvaluationResult, withResourcePolicy: boolean): string {
  const head = `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource}`;
  if (r.decision === 'explicitDeny') {
    const kind = r.matchedStatements[0]?.policyKind;
    const where = kind === 'boundary' ? 'a permissions boundary' : kind === 'session' ? 'a session policy' : kind === 'resource' || kind === 'trust' ? 'a resource-based policy' : 'an identity-based policy';
    return `${head} with an explicit deny in ${where}`;
  }
  if (withResourcePolicy) return head;
  if (r.reason === 'boundary-implicit-deny') return `${head} because no permissions boundary allows the ${action} action`;
  if (r.reason === 'session-implicit-deny') return `${head} because no session policy allows the ${action} action`;
  return `${head} because no identity-based policy allows the ${action} action`;
}

/** Evaluates without throwing: the decision and its explanation. */
export async function decide(
  ctx: AuthedContext,
  action: string,
  resource: string,
  extra: Record<string, ContextValue> = {},
  opts: AuthorizeOptions = {},
): Promise<AuthorizationDetail> {
  const { caller } = ctx;
  const pol = await callerPolicies(ctx);
  const context = requestContext(ctx, pol.tags, extra);
  const r = evaluate({
    request: {
      principal: {
        arn: caller.arn,
        accountId: caller.accountId,
        type: ENGINE_TYPE[caller.type],
        // The user id / role id: principal entries of stored policies match by identity.
        ...(caller.type === 'User' || caller.type === 'AssumedRole' ? { principalId: caller.principalId } : {}),
        ...(caller.session?.roleArn ? { roleArn: caller.session.roleArn } : {}),
      },
      action,
      resource,
      context,
    },
    identityPolicies: pol.exists ? pol.identity : [],
    ...(opts.resourcePolicy ? { resourcePolicy: opts.resourcePolicy } : {}),
    ...(opts.resourcePolicyMode ? { resourcePolicyMode: opts.resourcePolicyMode } : {}),
    permissionBoundaries: pol.boundary,
    sessionPolicies: pol.session,
  });
  return {
    decision: r.decision,
    reason: r.reason,
    action,
    resource,
    principal: { id: caller.userId, arn: caller.arn },
    matched: [...r.matchedStatements],
    context,
  };
}

export async function authorize(
  ctx: AuthedContext,
  action: string,
  resource: string,
  extra: Record<string, ContextValue> = {},
  opts: AuthorizeOptions = {},
): Promise<void> {
  if (ctx.caller.isRoot && !opts.resourcePolicy) return;
  const d = await decide(ctx, action, resource, extra, opts);
  ctx.audit.authorization = d;
  if (d.decision === 'allowed') return;
  const r = { decision: d.decision, reason: d.reason, matchedStatements: d.matched, missingContextValues: [] };
  throw Errors.accessDenied(denialMessage(ctx.caller, action, resource, r, opts.resourcePolicy !== undefined), d as unknown as Record<string, unknown>);
}

/**
 * A missing entity is only revealed to a caller allowed the action on it. When an operation
 * found its target missing before it could authorize (NoSuchEntity carrying `detail.resource`,
 * e.g. `user/bob`), authorize the action on that resource now: a caller without permission gets
 * AccessDenied, as from AWS, instead of learning which names exist.
 */
export async function authorizeMissing(ctx: AuthedContext, action: string, e: AwsError): Promise<AwsError> {
  const resource = e.detail?.resource;
  if (e.code !== 'NoSuchEntity' || typeof resource !== 'string' || ctx.audit.authorization !== undefined) return e;
  try {
    await authorize(ctx, action, `arn:${ctx.services.config.partition}:iam::${ctx.caller.accountId}:${resource}`);
    return e;
  } catch (denied) {
    return denied instanceof AwsError ? denied : e;
  }
}
