import type { FederatedIdentity } from '../federation/connector.js';
import type { Caller } from '../tokens/caller.js';
import type { MfaState, SignedInPrincipal, StoredConnectorIdentity } from './types.js';

/**
 * Conversions between what a login session stores and what STS and authorization speak:
 * the stored identity back to the FederatedIdentity the STS verifiers built, an IAM user as the
 * Caller its own access keys would be, the session's MFA as the condition keys credentials
 * issued from it carry, and the RoleSessionName the portal uses (the one rolesFor decided with).
 */

/**
 * The FederatedIdentity a stored identity was made from (src/sso/types.ts storeIdentity is the
 * other way). The token/assertion was consumed at sign-in: its id is not kept, and
 * `tokenExpiresAt` is the epoch, so nothing later may take the identity for a presentable token.
 */
export function toFederatedIdentity(stored: StoredConnectorIdentity): FederatedIdentity {
  const s = stored.session;
  return {
    kind: stored.kind,
    providerArn: stored.providerArn,
    keyPrefix: stored.keyPrefix,
    issuer: stored.issuer,
    subject: stored.subject,
    ...(stored.subjectType !== undefined ? { subjectType: stored.subjectType } : {}),
    audience: stored.audience,
    conditionKeys: stored.conditionKeys,
    persistentKeys: stored.persistentKeys,
    session: {
      ...(s.sessionName !== undefined ? { sessionName: s.sessionName } : {}),
      ...(s.sourceIdentity !== undefined ? { sourceIdentity: s.sourceIdentity } : {}),
      ...(s.tags !== undefined ? { tags: s.tags } : {}),
      ...(s.transitiveTagKeys !== undefined ? { transitiveTagKeys: s.transitiveTagKeys } : {}),
      ...(s.sessionDuration !== undefined ? { sessionDuration: s.sessionDuration } : {}),
      ...(s.notOnOrAfter !== undefined ? { notOnOrAfter: new Date(s.notOnOrAfter) } : {}),
    },
    tokenExpiresAt: new Date(0),
    ...(stored.saml ? { saml: stored.saml } : {}),
  };
}

/** The MFA condition keys of what is issued from a session at `now`. */
export interface MfaContextKeys {
  'aws:MultiFactorAuthPresent': boolean;
  /** Seconds since the factor was proved; only when it was (and when is known). */
  'aws:MultiFactorAuthAge'?: number;
}

export function mfaContextKeys(mfa: MfaState, now: Date): MfaContextKeys {
  if (!mfa.present) return { 'aws:MultiFactorAuthPresent': false };
  const at = mfa.authTime === undefined ? NaN : Date.parse(mfa.authTime);
  if (Number.isNaN(at)) return { 'aws:MultiFactorAuthPresent': true };
  return { 'aws:MultiFactorAuthPresent': true, 'aws:MultiFactorAuthAge': Math.max(0, Math.floor((now.getTime() - at) / 1000)) };
}

/**
 * The same facts as SessionInfo carries them (src/tokens/caller.ts), for credentials issued from
 * the session: authorization then derives exactly `mfaContextKeys` from them (src/iam/authorize.ts).
 */
export function sessionMfa(mfa: MfaState): { mfaAuthenticated?: true; mfaAuthTime?: Date } {
  if (!mfa.present) return {};
  const at = mfa.authTime === undefined ? NaN : Date.parse(mfa.authTime);
  return Number.isNaN(at) ? { mfaAuthenticated: true } : { mfaAuthenticated: true, mfaAuthTime: new Date(at) };
}

/** The Caller an IAM user's own long-term access key resolves to (src/iam/credentials.ts), for trust decisions. */
export function userCaller(p: Extract<SignedInPrincipal, { kind: 'iam-user' }>): Caller {
  return {
    type: 'User',
    accountId: p.accountId,
    arn: p.arn,
    userId: p.userId,
    // No key signed anything: the person signed in with a password. Nothing decides on it.
    accessKeyId: '',
    credential: 'long-term',
    userName: p.userName,
    principalId: p.userId,
    principalArn: p.arn,
    isRoot: p.arn.endsWith(':root'),
  };
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * The RoleSessionName for roles assumed from a session — the one the trust decision in rolesFor
 * is made with (`sts:RoleSessionName`), so the portal must use this same value:
 * - SAML: the assertion's RoleSessionName attribute (STS takes it from there; none → no roles);
 * - OIDC: the e-mail, else the subject, with characters STS refuses replaced by `-`, cut to 64;
 * - IAM user: the user name (at least 2 characters: a one-letter name gets `-console`).
 * Returns undefined when no valid name exists (SAML without a usable attribute).
 */
export function sessionNameFor(p: SignedInPrincipal): string | undefined {
  if (p.kind === 'iam-user') return p.userName.length >= 2 ? p.userName : `${p.userName}-console`;
  const i = p.identity;
  if (i.kind === 'saml') {
    const n = i.session.sessionName;
    return n !== undefined && SESSION_NAME.test(n) ? n : undefined;
  }
  const base = (i.email ?? i.subject).replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return base.length >= 2 ? base : `${base}-session`.slice(0, 64);
}
