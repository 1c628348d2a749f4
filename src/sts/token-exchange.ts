import type { AuthedContext, OpContext } from '../protocols/operation.js';
import type { AssumedRoleUser, Credentials } from '../protocols/generated/sts.js';
import { runTyped } from '../protocols/operation.js';
import { AssumeRole } from './AssumeRole.js';
import { AssumeRoleWithWebIdentity } from './AssumeRoleWithWebIdentity.js';
import { enforceCredentialScope } from './restrictions.js';

/**
 * Token exchange (RFC 8693), protocol-neutral: the STS action a subject token is exchanged
 * through, called with typed input like any other caller (validated against the model first).
 * The OAuth wire (form, errors, JSON, SigV4 of an aws-session exchange) is src/http/oauth-token.ts.
 * - `web-identity`: a JWT from an OIDC provider registered in the role's account →
 *   AssumeRoleWithWebIdentity (session name: the one given, else derived from the token's `sub`);
 * - `aws-session`: the caller's own session (ctx.caller, authenticated by the adapter) →
 *   AssumeRole (role chaining; session name: the one given, else the calling session's).
 */
export interface TokenExchange {
  subject: 'web-identity' | 'aws-session';
  /** The JWT, for `web-identity`. */
  subjectToken: string;
  roleArn: string;
  sessionName: string | undefined;
  durationSeconds: number | undefined;
}

export interface ExchangedCredentials {
  Credentials: Credentials;
  AssumedRoleUser: AssumedRoleUser;
}

export async function exchangeToken(ctx: OpContext, x: TokenExchange): Promise<ExchangedCredentials> {
  let out: { Credentials?: Credentials; AssumedRoleUser?: AssumedRoleUser };
  if (x.subject === 'web-identity') {
    out = await runTyped(AssumeRoleWithWebIdentity, ctx, {
      RoleArn: x.roleArn,
      WebIdentityToken: x.subjectToken,
      RoleSessionName: x.sessionName ?? sessionNameFromToken(x.subjectToken),
      DurationSeconds: x.durationSeconds,
    });
  } else {
    const caller = ctx.caller;
    if (!caller) throw new Error('an aws-session exchange needs the authenticated session as caller');
    enforceCredentialScope(caller, 'sts', 'AssumeRole');
    out = await runTyped(AssumeRole, ctx as AuthedContext, {
      RoleArn: x.roleArn,
      RoleSessionName: x.sessionName ?? caller.session?.sessionName ?? 'token-exchange',
      DurationSeconds: x.durationSeconds,
    });
  }
  return { Credentials: out.Credentials!, AssumedRoleUser: out.AssumedRoleUser! };
}

/** A session name from the token's `sub` (unverified here: the action verifies the token). */
function sessionNameFromToken(token: string): string {
  let sub = '';
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
    if (typeof payload.sub === 'string') sub = payload.sub;
  } catch {
    /* the verifier reports malformed tokens */
  }
  const clean = sub.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return clean.length >= 2 ? clean : 'token-exchange';
}
