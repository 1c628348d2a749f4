import { Errors } from '../errors/index.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { OpContext } from '../protocols/operation.js';
import { assumedRoleIdentity, issueCredentials, issuedAudit, type IssuedCredentials } from './issue.js';
import type { RoleRecord } from './roles.js';
import { compileTrust } from './trust-check.js';
import { checkSessionPolicy, type SessionPolicyInput } from './session-input.js';
import { evaluateFederatedTrust, federatedTrustRequest } from '../trust/federated.js';
import type { FederatedIdentity } from '../federation/connector.js';
import type { SessionAncestor } from '../tokens/caller.js';

/**
 * The second half of AssumeRoleWithWebIdentity / AssumeRoleWithSAML, after the token or assertion
 * is verified:
 *   checkSessionPolicy → checkDuration (≤ role MaxSessionDuration) → matchTrustPolicy (+ TagSession,
 *   SetSourceIdentity) → capDuration (SAML SessionNotOnOrAfter) → mint (issueCredentials) → audit.
 * Refusals: MalformedPolicyDocument, ValidationError (duration), AccessDenied "Not authorized to
 * perform sts:AssumeRoleWith…" (AWS reveals nothing more about why the trust policy refused).
 */
export interface FederatedAssumeInput {
  identity: FederatedIdentity;
  role: RoleRecord;
  sessionName: string;
  sourceIdentity: string | undefined;
  sessionPolicy: SessionPolicyInput;
  durationSeconds: number;
}

/** Non-secret audit facts of a federated request (never the token or assertion). */
export function auditIdentity(ctx: OpContext, identity: FederatedIdentity): void {
  Object.assign(ctx.audit, {
    provider: identity.providerArn,
    issuer: identity.issuer,
    subject: identity.subject,
    audience: identity.audience,
    ...(identity.tokenId ? { tokenId: identity.tokenId } : {}),
  });
}

/**
 * What the people path (src/sso/issue.ts) adds: the login session's MFA proof, carried by the
 * issued session (aws:MultiFactorAuthPresent / Age in every request made with it; the trust
 * decision itself is made without it, as AssumeRoleWith* requests carry none), and the login
 * session as the lineage's first ancestor (revoking it revokes what was issued from it).
 */
export interface FederatedAssumeVia {
  mfa?: { authTime: Date | undefined } | undefined;
  lineage?: SessionAncestor[] | undefined;
}

export async function assumeFederated(ctx: OpContext, input: FederatedAssumeInput, via: FederatedAssumeVia = {}): Promise<IssuedCredentials> {
  const { identity, role, sessionName, sourceIdentity } = input;
  const now = ctx.req.now;
  checkSessionPolicy(input.sessionPolicy);
  if (input.durationSeconds > role.maxSessionDuration) {
    throw Errors.validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const facts = {
    roleArn: role.roleArn,
    sessionName,
    sourceIdentity,
    tags: identity.session.tags,
    transitiveTagKeys: identity.session.transitiveTagKeys,
    now,
    sourceIp: ctx.req.sourceIp,
    userAgent: ctx.req.userAgent,
    secureTransport: ctx.req.secureTransport,
    region: ctx.req.region,
  };
  const request = federatedTrustRequest(identity, facts);
  let trustPolicy;
  try {
    trustPolicy = compiledTrust(role);
  } catch (e) {
    ctx.services.logger.warn({ err: e, role: role.roleArn }, 'stored trust policy does not compile');
    throw Errors.accessDenied(`Not authorized to perform ${request.action}`);
  }
  const outcome = evaluateFederatedTrust(trustPolicy, request, facts);
  if (!outcome.allowed) {
    ctx.audit.authorization = { decision: outcome.result.decision, action: outcome.deniedAction, resource: role.roleArn };
    throw Errors.accessDenied(`Not authorized to perform ${outcome.deniedAction}`);
  }

  let durationSeconds = input.durationSeconds;
  const cap = identity.session.notOnOrAfter;
  if (cap !== undefined) {
    const left = Math.floor((cap.getTime() - now.getTime()) / 1000);
    if (left <= 0) {
      throw Errors.expiredTokenException(
        `Token expired: current date/time ${Math.floor(now.getTime() / 1000)} must be before the expiration date/time ${Math.floor(cap.getTime() / 1000)}`,
      );
    }
    durationSeconds = Math.min(durationSeconds, left);
  }

  const issued = await issueCredentials(ctx.services, {
    identity: assumedRoleIdentity(ctx.services.config.partition, role, sessionName),
    session: {
      issuedBy: identity.kind === 'oidc' ? 'AssumeRoleWithWebIdentity' : 'AssumeRoleWithSAML',
      roleId: role.roleId,
      roleName: role.roleName,
      roleArn: role.roleArn,
      sessionName,
      sessionPolicy: input.sessionPolicy.policy,
      policyArns: input.sessionPolicy.policyArns,
      tags: identity.session.tags,
      transitiveTagKeys: identity.session.transitiveTagKeys,
      sourceIdentity,
      federatedProvider: identity.providerArn,
      federatedContext: identity.persistentKeys,
      mfaAuthenticated: via.mfa ? true : undefined,
      mfaAuthTime: via.mfa?.authTime,
      lineage: via.lineage,
    },
    durationSeconds,
    now,
  });
  Object.assign(ctx.audit, issuedAudit(issued));
  return issued;
}

const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;

/** SourceIdentity asserted by the IdP: 2-64 of `[\w+=,.@-]`, not starting with `aws:`. */
export function checkSourceIdentity(v: string | undefined, where: string): string | undefined {
  if (v === undefined) return undefined;
  if (!SOURCE_IDENTITY.test(v) || v.toLowerCase().startsWith('aws:')) {
    throw Errors.invalidIdentityToken(`SourceIdentity in ${where} must match [a-zA-Z_0-9+=,.@-]{2,64} and must not start with aws:`);
  }
  return v;
}

/**
 * A role's compiled trust policy, kept beside the cached role record (the role cache hands out
 * the same object until the role changes), so the hot path neither hashes nor compiles it.
 * Also what the sign-in role chooser (src/sso/roles.ts) compiles with: one cache, one compiler.
 * Throws MalformedPolicyDocument when the stored text does not compile.
 */
const trustByRole = new WeakMap<object, CompiledPolicy>();
export function compiledTrust(role: RoleRecord): CompiledPolicy {
  let p = trustByRole.get(role);
  if (!p) {
    p = compileTrust(role);
    trustByRole.set(role, p);
  }
  return p;
}
