/**
 * Upstream identity providers behind small capability interfaces (one per thing a provider can
 * do), all producing one normalized `FederatedIdentity`. STS operations, the token-exchange
 * endpoint and the trust layer (src/trust) only ever see `FederatedIdentity`.
 *
 * Verification failures are thrown as AwsError with AWS's STS codes:
 *   InvalidIdentityToken (400)  bad format, signature, issuer, audience, algorithm
 *   ExpiredTokenException (400) the token/assertion is past its validity window
 *   IDPCommunicationError (400) the issuer's discovery document or JWKS could not be fetched (SDKs retry it)
 *   IDPRejectedClaim (403)      a claim the IdP made is refused (SAML role pair not granted, …)
 */

/** Which protocol proved the identity. */
export type FederationKind = 'oidc' | 'saml';

/** Session attributes an IdP may assert (OIDC `https://aws.amazon.com/tags`, SAML attributes). */
export interface AssertedSession {
  /** SAML `RoleSessionName` attribute; OIDC carries it as a request parameter instead. */
  sessionName?: string | undefined;
  sourceIdentity?: string | undefined;
  /** Session tags, case-preserving keys. */
  tags?: Record<string, string> | undefined;
  transitiveTagKeys?: string[] | undefined;
  /** SAML `SessionDuration` attribute, seconds. */
  sessionDuration?: number | undefined;
  /** SAML AuthnStatement/@SessionNotOnOrAfter: credentials never outlive it. */
  notOnOrAfter?: Date | undefined;
}

/** One verified identity, whatever the protocol. */
export interface FederatedIdentity {
  kind: FederationKind;
  /** The IAM provider ARN: arn:aws:iam::ACCT:oidc-provider/host/path or …:saml-provider/Name. */
  providerArn: string;
  /** Condition-key prefix for OIDC (`host[:port]/path`), `saml` for SAML. */
  keyPrefix: string;
  /** OIDC `iss` URL; SAML assertion Issuer (entity id). */
  issuer: string;
  /** OIDC `sub`; SAML NameID. */
  subject: string;
  /** SAML NameID Format with the `urn:oasis:names:tc:SAML:2.0:nameid-format:` prefix stripped. */
  subjectType?: string | undefined;
  /** OIDC: the client id the token was issued to. SAML: the SubjectConfirmationData Recipient. */
  audience: string;
  /**
   * Condition keys this identity contributes to the trust-policy request context
   * (`<prefix>:sub`, `<prefix>:aud`, `saml:iss`, `saml:cn`, …), already shaped as AWS does.
   */
  conditionKeys: Record<string, string | string[]>;
  /** The subset that persists into the session's later requests (AWS: amr/aud/id/sub; saml:namequalifier/sub/sub_type). */
  persistentKeys: Record<string, string | string[]>;
  session: AssertedSession;
  /** Unique id of the token/assertion (jti / Assertion ID), for audit and replay protection. */
  tokenId?: string | undefined;
  /** When the token/assertion itself stops being acceptable (exp; SubjectConfirmation/Conditions NotOnOrAfter). */
  tokenExpiresAt: Date;
  /** SAML-only response fields. */
  saml?: { nameQualifier: string; audience: string; roles: { roleArn: string; providerArn: string }[] } | undefined;
}

/** A provider that verifies bearer JWTs (OIDC id_tokens or JWT access tokens). */
export interface TokenVerifier {
  verifyToken(token: string, now: Date): Promise<FederatedIdentity>;
}

/** A provider that verifies SAML 2.0 Responses posted to Tessera. */
export interface AssertionVerifier {
  verifyAssertion(samlResponseBase64: string, now: Date): Promise<FederatedIdentity>;
}
