import type { AssertedSession, ConnectorIdentity, ConnectorType, FederatedIdentity } from '../federation/connector.js';

/**
 * The sign-in contract (issue 11): what a login session holds and the ports the people path
 * uses. A signed-in person is either a federated principal — exactly the FederatedIdentity that
 * AssumeRoleWithSAML / AssumeRoleWithWebIdentity would build from the same token or assertion —
 * or an IAM user of an account (local sign-in, the AWS console path).
 */

export interface MfaState {
  /** aws:MultiFactorAuthPresent for credentials issued from this session. */
  present: boolean;
  /** When the factor was proved (aws:MultiFactorAuthAge counts from here). */
  authTime?: string | undefined;
  /** How: Tessera's TOTP step, a recovery code, or the IdP's own amr/AuthnContext. */
  method?: 'totp' | 'recovery' | 'upstream' | undefined;
}

export type SignedInPrincipal =
  | {
      kind: 'federated';
      connectorId: string;
      connectorType: ConnectorType;
      /** Dates as ISO strings (this is stored as JSON). */
      identity: StoredConnectorIdentity;
    }
  | {
      kind: 'iam-user';
      accountId: string;
      userId: string;
      userName: string;
      /** arn:aws:iam::ACCT:user/path/name */
      arn: string;
    };

/**
 * ConnectorIdentity as JSON: the FederatedIdentity without its token facts (id, expiry), Dates as
 * ISO strings, plus what a person has. No refresh token: that is sealed separately.
 */
export interface StoredConnectorIdentity
  extends Omit<FederatedIdentity, 'session' | 'tokenId' | 'tokenExpiresAt'>,
    Pick<ConnectorIdentity, 'groups' | 'displayName' | 'email'> {
  session: Omit<AssertedSession, 'notOnOrAfter'> & { notOnOrAfter?: string | undefined };
}

/** A login session (Redis, or the in-process cache in dev mode). The cookie carries only its id. */
export interface LoginSession {
  /** Public id (for listing/revoking); never the cookie value, which is a separate secret. */
  id: string;
  principal: SignedInPrincipal;
  mfa: MfaState;
  createdAt: string;
  lastSeenAt: string;
  /** Absolute end; the idle timeout counts from lastSeenAt. */
  expiresAt: string;
  sourceIp: string;
  userAgent: string;
  /**
   * 'cli': a sign-in of the `tessera` command (device grant or loopback PKCE, src/sso/cli-grants.ts),
   * made from a browser session; no idle timeout (its tokens are what it is used through), the
   * absolute end as any session. Absent: a browser session.
   */
  client?: 'cli' | undefined;
}

export { SignInError, SignInConfigError, type SignInFailure } from '../federation/sign-in-errors.js';

/** What the portal (issue 12) and the roles computation receive from a session. */
export interface RoleOffer {
  roleArn: string;
  roleName: string;
  accountId: string;
  description?: string | undefined;
  maxSessionDuration: number;
  /** For SAML identities, the provider ARN paired with the role in the assertion. */
  providerArn?: string | undefined;
}

/** Converts a connector identity to its stored form. */
export function storeIdentity(i: ConnectorIdentity): StoredConnectorIdentity {
  const f = i.federated;
  return {
    providerArn: f.providerArn,
    kind: f.kind,
    keyPrefix: f.keyPrefix,
    issuer: f.issuer,
    subject: f.subject,
    ...(f.subjectType !== undefined ? { subjectType: f.subjectType } : {}),
    audience: f.audience,
    conditionKeys: f.conditionKeys,
    persistentKeys: f.persistentKeys,
    session: {
      ...f.session,
      notOnOrAfter: f.session.notOnOrAfter?.toISOString(),
    },
    ...(f.saml ? { saml: f.saml } : {}),
    groups: i.groups,
    ...(i.displayName !== undefined ? { displayName: i.displayName } : {}),
    ...(i.email !== undefined ? { email: i.email } : {}),
  };
}
