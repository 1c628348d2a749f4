import { AwsError, Errors, isAwsError } from '../errors/index.js';
import type { AuthedContext, OpContext, RequestInfo } from '../protocols/operation.js';
import type { Services } from '../services.js';
import { assumeRole } from '../sts/AssumeRole.js';
import { assumeFederated, auditIdentity, checkSourceIdentity } from '../sts/federated-assume.js';
import type { IssuedCredentials } from '../sts/issue.js';
import type { SessionAncestor } from '../tokens/caller.js';
import { providerStillVouches } from './roles.js';
import { sessionNameFor, toFederatedIdentity, userCaller } from './principal.js';
import { principalArnOf, accountOf } from './login-sessions.js';
import type { LoginSession, MfaState } from './types.js';

/**
 * Credentials for a signed-in person (issue 12): the portal, `tessera credentials` and the
 * console all get their role sessions here, and here only through STS's own code:
 * - an IAM user (local sign-in) → `assumeRole` (src/sts/AssumeRole.ts) with the user as the
 *   caller its own keys would be: the same trust decision (a trust policy naming the account
 *   delegates to the user's identity policies), duration limits and minting as AssumeRole;
 * - a federated person → `assumeFederated` (src/sts/federated-assume.ts), the second half of
 *   AssumeRoleWithWebIdentity / AssumeRoleWithSAML, with the identity the sign-in stored (the one
 *   the STS verifiers built): the same trust evaluation, session tags, source identity and
 *   SessionNotOnOrAfter cap. The IAM provider is re-checked first (deleted, client id removed,
 *   metadata expired → refused, as STS would refuse a fresh token), and for SAML the role must be
 *   one the assertion paired with this provider.
 * RoleSessionName is `sessionNameFor` (what rolesFor decided with). The session's MFA proof is
 * carried into the credentials (aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge from when it
 * was proved), and the login session is the first ancestor of their lineage: revoking the login
 * session (sign out everywhere, RevokeLoginSession(s)) revokes everything issued from it and
 * everything chained from that (src/sts/revocation.ts), and so does deleting the IAM user.
 *
 * One audit event per attempt, service 'sts', action the STS action whose path was taken, with
 * the person (principal ARN, subject, connector), the login session id, `via`, the role and the
 * issued session's non-secret facts. Credentials are never returned unless that event was
 * written (an audit outage refuses: ServiceUnavailable). Refusals are the AwsErrors STS would
 * give (AccessDenied with AWS's message, ValidationError for a duration over the role's
 * MaxSessionDuration, ExpiredTokenException past SessionNotOnOrAfter).
 */
export type IssueVia = 'portal' | 'cli' | 'console';

export interface SessionIssueInput {
  roleArn: string;
  /** Seconds; default min(3600, the role's MaxSessionDuration). 900 .. MaxSessionDuration. */
  durationSeconds?: number | undefined;
  via: IssueVia;
}

export interface SessionIssued {
  issued: IssuedCredentials;
  /** The STS action whose path issued them. */
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'AssumeRoleWithSAML';
  roleArn: string;
  roleName: string;
  accountId: string;
  sessionName: string;
  durationSeconds: number;
  /** arn:…:sts::ACCT:assumed-role/ROLE/SESSION */
  assumedRoleArn: string;
}

const ROLE_ARN = /^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;

/** The login session as a lineage ancestor: its public id stands for both the session and its (absent) key. */
export function loginSessionAncestor(session: LoginSession, ownerId: string): SessionAncestor {
  return { sessionId: session.id, accessKeyId: session.id, issuedAt: new Date(session.createdAt), ownerId };
}

const mfaVia = (m: MfaState): { authTime: Date | undefined } | undefined => {
  if (!m.present) return undefined;
  const t = m.authTime === undefined ? NaN : Date.parse(m.authTime);
  return { authTime: Number.isNaN(t) ? undefined : new Date(t) };
};

export async function issueForSession(services: Services, session: LoginSession, input: SessionIssueInput, req: RequestInfo): Promise<SessionIssued> {
  const p = session.principal;
  const audit: Record<string, unknown> = { via: input.via, loginSessionId: session.id, roleArn: input.roleArn };
  const sessionName = sessionNameFor(p);
  let action: SessionIssued['action'] = p.kind === 'iam-user' ? 'AssumeRole' : p.identity.kind === 'saml' ? 'AssumeRoleWithSAML' : 'AssumeRoleWithWebIdentity';
  const record = async (error: AwsError | undefined) => {
    await services.audit.record({
      time: req.now,
      requestId: req.requestId,
      service: 'sts',
      action,
      accountId: accountOf(p),
      principalArn: principalArnOf(p),
      principalId: p.kind === 'iam-user' ? p.userId : undefined,
      accessKeyId: undefined,
      sourceIp: req.sourceIp,
      userAgent: req.userAgent,
      outcome: error ? 'failure' : 'success',
      errorCode: error?.code,
      detail: {
        ...(p.kind === 'federated' ? { connectorId: p.connectorId, subject: p.identity.subject } : { subject: p.userName }),
        ...audit,
      },
    });
  };
  try {
    if (!ROLE_ARN.test(input.roleArn)) throw Errors.validation(`${input.roleArn} is invalid`);
    if (sessionName === undefined) throw Errors.accessDenied(`Not authorized to perform sts:${action}`);
    const d = input.durationSeconds;
    if (d !== undefined && (!Number.isInteger(d) || d < 900 || d > 43200)) {
      throw Errors.validation(`1 validation error detected: Value '${d}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${d < 900 ? 'greater than or equal to 900' : 'less than or equal to 43200'}`);
    }
    let out: SessionIssued;
    if (p.kind === 'iam-user') {
      const caller = userCaller(p);
      // A user deleted since sign-in: its keys would no longer authenticate either.
      if (!(await services.policyCache.forPrincipal(caller.principalId)).exists) throw Errors.invalidClientTokenId();
      const ctx: AuthedContext = { req, caller, services, audit };
      const role = await services.federationDirectory.role(input.roleArn);
      const duration = d ?? Math.min(3600, role?.maxSessionDuration ?? 3600);
      const { issued } = await assumeRole(
        ctx,
        { roleArn: input.roleArn, roleSessionName: sessionName, durationSeconds: duration, externalId: undefined, sourceIdentity: undefined, mfa: { serialNumber: undefined, tokenCode: undefined }, policy: undefined, policyArns: undefined, tags: undefined, transitiveTagKeys: undefined },
        { mfa: mfaVia(session.mfa), lineage: [loginSessionAncestor(session, p.userId)] },
      );
      out = describe(issued, action, sessionName, duration);
    } else {
      const identity = toFederatedIdentity(p.identity);
      const ctx: OpContext = { req, caller: null, services, audit };
      auditIdentity(ctx, identity);
      const role = await services.federationDirectory.role(input.roleArn);
      const deny = () => Errors.accessDenied(`Not authorized to perform sts:${action}`);
      if (!role) throw deny();
      if (!(await providerStillVouches(services, identity, req.now))) throw deny();
      if (identity.kind === 'saml') {
        // AssumeRoleWithSAML takes RoleArn + PrincipalArn from the assertion's Role attribute.
        let paired = false;
        for (const r of identity.saml?.roles ?? []) {
          if (r.roleArn !== input.roleArn) continue;
          if (r.providerArn === identity.providerArn || (await services.federationDirectory.samlProvider(r.providerArn))?.arn === identity.providerArn) paired = true;
        }
        if (!paired) throw deny();
      }
      const sourceIdentity = checkSourceIdentity(identity.session.sourceIdentity, 'the identity');
      const duration = d ?? Math.min(3600, role.maxSessionDuration);
      const issued = await assumeFederated(
        ctx,
        { identity, role, sessionName, sourceIdentity, sessionPolicy: { policy: undefined, policyArns: undefined }, durationSeconds: duration },
        { mfa: mfaVia(session.mfa), lineage: [loginSessionAncestor(session, role.roleId)] },
      );
      out = describe(issued, action, sessionName, duration);
    }
    Object.assign(audit, { assumedRoleArn: out.assumedRoleArn, durationSeconds: out.durationSeconds, mfa: session.mfa.present });
    try {
      await record(undefined);
    } catch (e) {
      services.logger.error({ err: e, requestId: req.requestId }, 'audit write failed; credentials not handed out');
      throw Errors.serviceUnavailable(e);
    }
    return out;
  } catch (e) {
    const err = isAwsError(e) ? e : Errors.internal(e);
    if (!isAwsError(e)) services.logger.error({ err: e, requestId: req.requestId }, 'issuing credentials for a login session failed');
    if (err.code !== 'ServiceUnavailable') {
      await record(err).catch((x: unknown) => services.logger.error({ err: x, requestId: req.requestId }, 'audit write failed'));
    }
    throw err;
  }

  function describe(issued: IssuedCredentials, a: SessionIssued['action'], name: string, requested: number): SessionIssued {
    action = a;
    const arn = issued.caller.arn;
    const m = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
    return {
      issued,
      action: a,
      roleArn: issued.caller.principalArn,
      roleName: m?.[2] ?? '',
      accountId: m?.[1] ?? issued.caller.accountId,
      sessionName: name,
      // The SAML SessionNotOnOrAfter cap may have shortened it.
      durationSeconds: Math.min(requested, Math.round((issued.expiresAt.getTime() - Math.floor(req.now.getTime() / 1000) * 1000) / 1000)),
      assumedRoleArn: arn,
    };
  }
}
