/**
 * Pure: a verified federated identity + the role it asks for → the trust-policy request
 * (principal `{Federated: provider ARN}`, action, condition context) and the decision.
 * No I/O and no clock: time and the request facts come in as arguments.
 *
 * The role's trust policy is the role's resource policy (src/policy/trust.ts); for web identity
 * and SAML principals it alone decides. Session tags additionally need `sts:TagSession`, a source
 * identity needs `sts:SetSourceIdentity`, both allowed by the same trust policy (id_session-tags,
 * id_credentials_temp_control-access_monitor).
 */
import { evaluateTrustPolicy, type CompiledPolicy } from '../policy/index.js';
import type { ContextValue, ContextValues, EvaluationResult, RequestPrincipal } from '../policy/index.js';
import type { FederatedIdentity } from '../federation/connector.js';
import { currentTimeValue } from './time.js';

export type FederatedAction = 'sts:AssumeRoleWithWebIdentity' | 'sts:AssumeRoleWithSAML';

export interface FederatedRequestFacts {
  roleArn: string;
  sessionName: string;
  sourceIdentity?: string | undefined;
  tags?: Record<string, string> | undefined;
  transitiveTagKeys?: string[] | undefined;
  now: Date;
  sourceIp: string;
  userAgent: string;
  secureTransport: boolean;
  region: string;
}

export interface TrustRequest {
  principal: RequestPrincipal;
  action: FederatedAction;
  context: ContextValues;
}

export const actionFor = (identity: FederatedIdentity): FederatedAction =>
  identity.kind === 'oidc' ? 'sts:AssumeRoleWithWebIdentity' : 'sts:AssumeRoleWithSAML';

const ACCOUNT_OF_ARN = /^arn:[^:]+:iam::(\d{12}):/;

/**
 * The request principal for a provider. One object per provider ARN and kind, reused across
 * requests (the policy engine prepares each principal object once); treat it as read-only.
 */
export function federatedPrincipal(identity: FederatedIdentity): RequestPrincipal {
  const key = `${identity.kind} ${identity.providerArn}`;
  let p = principals.get(key);
  if (!p) {
    const accountId = ACCOUNT_OF_ARN.exec(identity.providerArn)?.[1];
    p = Object.freeze({
      type: identity.kind === 'oidc' ? 'web-identity' : 'saml',
      federatedProvider: identity.providerArn,
      ...(accountId ? { accountId } : {}),
    }) as RequestPrincipal;
    if (principals.size >= MAX_PRINCIPALS) principals.clear();
    principals.set(key, p);
  }
  return p;
}
const principals = new Map<string, RequestPrincipal>();
const MAX_PRINCIPALS = 4096;

/** The condition context AWS builds for AssumeRoleWithWebIdentity / AssumeRoleWithSAML. */
export function federatedTrustContext(identity: FederatedIdentity, f: FederatedRequestFacts): ContextValues {
  // A literal first (one fixed shape), then the provider's keys: adding keys with `:` to a
  // spread copy turned the object into a slow dictionary (~5 µs a request). The request keys
  // win over a provider key of the same name, as before.
  const ctx: Record<string, ContextValue> = {
    'aws:FederatedProvider': identity.providerArn,
    'sts:RoleSessionName': f.sessionName,
    'aws:CurrentTime': currentTimeValue(f.now),
    'aws:EpochTime': String(Math.floor(f.now.getTime() / 1000)),
    'aws:SourceIp': f.sourceIp,
    'aws:UserAgent': f.userAgent,
    'aws:SecureTransport': f.secureTransport ? 'true' : 'false',
    'aws:RequestedRegion': f.region,
  };
  const ck = identity.conditionKeys;
  for (const k of Object.keys(ck)) if (ctx[k] === undefined) ctx[k] = ck[k]!;
  if (f.sourceIdentity !== undefined) ctx['sts:SourceIdentity'] = f.sourceIdentity;
  const tags = f.tags;
  if (tags) {
    const keys = Object.keys(tags);
    if (keys.length > 0) {
      for (const k of keys) ctx[`aws:RequestTag/${k}`] = tags[k] ?? '';
      ctx['aws:TagKeys'] = keys;
    }
  }
  if (f.transitiveTagKeys && f.transitiveTagKeys.length > 0) ctx['sts:TransitiveTagKeys'] = f.transitiveTagKeys;
  return ctx;
}

export function federatedTrustRequest(identity: FederatedIdentity, f: FederatedRequestFacts): TrustRequest {
  return { principal: federatedPrincipal(identity), action: actionFor(identity), context: federatedTrustContext(identity, f) };
}

export type TrustOutcome =
  | { allowed: true; results: EvaluationResult[] }
  | { allowed: false; deniedAction: string; result: EvaluationResult };

/** Evaluates the assume action, plus sts:TagSession / sts:SetSourceIdentity when the request uses them. */
export function evaluateFederatedTrust(trustPolicy: CompiledPolicy | string, req: TrustRequest, f: FederatedRequestFacts): TrustOutcome {
  const actions: string[] = [req.action];
  if (f.tags && Object.keys(f.tags).length > 0) actions.push('sts:TagSession');
  if (f.sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
  const results: EvaluationResult[] = [];
  for (const action of actions) {
    const result = evaluateTrustPolicy({ trustPolicy, roleArn: f.roleArn, principal: req.principal, action, context: req.context });
    if (result.decision !== 'allowed') return { allowed: false, deniedAction: action, result };
    results.push(result);
  }
  return { allowed: true, results };
}
