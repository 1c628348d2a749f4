import type { OidcProviderRecord } from './oidc/verify.js';
import type { SamlProviderRecord, SamlSignIn, SamlVerification } from './saml/verify.js';

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

// ─── Sign-in connectors (people in a browser; issue 11) ────────────────────────────────────────
//
// A sign-in connector is one configured upstream (dex's model): it declares what it can do and
// implements the matching interfaces. The router in src/sso drives it; the connector never sees
// cookies, sessions or pages, and the router never sees protocol details.
//
//   GET  /signin/<id>            router: new flow state → connector.beginLogin(rt, state) → 302 redirectUrl
//   GET|POST /signin/<id>/callback  router: finds the flow by the connector's stateParam, checks the browser
//                                binding, consumes the flow once → connector.completeLogin(rt, cb, remembered)
//   (SAML's ACS is the same callback URL, POST; IdP-initiated: remembered = null, only when enabled)

/** What a connector can do (dex: CallbackConnector, SAMLConnector, RefreshConnector, groups scope). */
export type ConnectorCapability = 'redirect' | 'post-callback' | 'refresh' | 'groups' | 'idp-initiated';

export type ConnectorType = 'oidc' | 'saml' | 'github' | 'google' | 'microsoft' | 'gitlab';

/** What the router hands a connector on each call. */
export interface ConnectorRuntime {
  now: Date;
  /** The absolute callback URL of this connector (OIDC redirect_uri; SAML ACS URL). */
  callbackUrl: string;
}

/** An identity a sign-in connector proved: the same FederatedIdentity STS would build, plus what a person has. */
export interface ConnectorIdentity {
  /** As AssumeRoleWithWebIdentity / AssumeRoleWithSAML would build it from the same token/assertion. */
  federated: FederatedIdentity;
  /** Group names (OIDC groups claim, SAML group attribute, GitHub `org` and `org/team`). */
  groups: string[];
  displayName?: string | undefined;
  email?: string | undefined;
  /** The upstream asserted MFA (OIDC amr ∋ mfa/otp/hwk/swk/…, SAML AuthnContextClassRef of a multi-factor class), with its time. */
  upstreamMfa?: { authTime: Date } | undefined;
  /** An upstream refresh token (sealed by the caller before it is stored), when the connector can refresh. */
  refreshToken?: string | undefined;
}

export interface CallbackInput {
  method: string;
  /** The callback's query string. */
  query: URLSearchParams;
  /** The form-encoded body (POST), already parsed; {} for GET. */
  body: Record<string, string>;
}

export interface RedirectLogin {
  /**
   * The upstream URL to send the browser to. `state` is the router's opaque flow id: send it as
   * OIDC `state` / SAML `RelayState`. `remember` is kept server-side (never in the URL or a cookie)
   * and handed back to completeLogin: nonce, PKCE verifier, SAML request id.
   */
  beginLogin(rt: ConnectorRuntime, state: string): Promise<{ redirectUrl: string; remember: Record<string, string> }>;
  /** Where the upstream's answer carries `state`: OIDC/OAuth `query.state`, SAML `body.RelayState`. */
  readonly stateParam: { in: 'query' | 'body'; name: string };
  /**
   * Verify the upstream's answer. `remembered` is what beginLogin returned for this flow, or null
   * for an unsolicited answer (SAML IdP-initiated; only called when the connector has
   * 'idp-initiated'). Refusals throw SignInError (src/sso/types.ts) with a reason code.
   */
  completeLogin(rt: ConnectorRuntime, cb: CallbackInput, remembered: Record<string, string> | null): Promise<ConnectorIdentity>;
}

export interface RefreshLogin {
  /** Re-check the person upstream (still exists, groups now); throws SignInError when refused. */
  refresh(rt: ConnectorRuntime, refreshToken: string, previous: ConnectorIdentity): Promise<ConnectorIdentity>;
}

export interface SignInConnector {
  readonly id: string;
  readonly type: ConnectorType;
  readonly displayName: string;
  readonly capabilities: readonly ConnectorCapability[];
  /** Whether a person signing in through it needs a second factor: the IdP's asserted MFA counts, else Tessera's TOTP step. */
  readonly requireMfa: boolean;
  readonly login: RedirectLogin;
  readonly refresh?: RefreshLogin | undefined;
  /** SAML connectors: the SP metadata XML served at /signin/<id>/metadata. */
  spMetadata?(rt: ConnectorRuntime): string;
}

/**
 * One connector as configured (store: sign_in_connectors; `tessera apply`: `signInConnectors:`).
 * `settings` is type-specific and validated by the factory's schema; `secrets` are opened (the
 * store keeps them sealed under the master key, as access-key secrets are).
 */
export interface ConnectorConfig {
  id: string;
  type: ConnectorType;
  accountId: string;
  displayName: string;
  /** The IAM identity provider (OIDC or SAML provider ARN in `accountId`) the identity is a principal of. */
  providerArn: string;
  requireMfa: boolean;
  /** SAML only: accept unsolicited (IdP-initiated) responses. Default false. */
  allowIdpInitiated: boolean;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** What connectors may use: nothing of sessions or HTTP. */
export interface ConnectorDeps {
  logger: { warn(obj: object, msg: string): void; info?(obj: object, msg: string): void };
  /** Plain-http and loopback issuers/base URLs allowed (tests, dev). */
  allowInsecure: boolean;
  /** The IAM providers the connector's identities belong to (FederationDirectory-backed, cached). */
  oidcProvider(arn: string): Promise<OidcProviderRecord | null>;
  samlProvider(arn: string): Promise<SamlProviderRecord | null>;
  /** "Used once" records (SAML assertion ids, request ids): Postgres-backed. */
  consumeOnce(scope: string, id: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Outbound HTTP (tests may pass a fetch bound to a local server); defaults to global fetch. */
  fetch?: typeof fetch;
  /** Tessera's public URL (SP entity ids, metadata URLs). */
  publicUrl: string;
  /**
   * SAML verification (src/federation/saml/verify.ts verifySamlSignIn) off the event loop: the
   * composition root passes the SAML worker pool AssumeRoleWithSAML uses; absent, it runs inline.
   */
  samlVerifier?: (b64: string, verification: SamlVerification) => Promise<SamlSignIn>;
}

export interface ConnectorFactory {
  type: ConnectorType;
  /** Secret setting names (stored sealed, never returned by Get/List): e.g. ['clientSecret'], ['spPrivateKey']. */
  secretNames: readonly string[];
  /** Validate settings + secrets for this type (throws SignInConfigError with a clear message). */
  validate(cfg: ConnectorConfig): void;
  create(cfg: ConnectorConfig, deps: ConnectorDeps): SignInConnector;
}

/** The configured connectors, by id (src/federation/registry.ts builds it from the store; cached, cleared on invalidation). */
export interface ConnectorDirectory {
  /** The enabled connector with this id, or null. */
  get(id: string): Promise<SignInConnector | null>;
  /** Every enabled connector, for the "choose how to sign in" page. */
  list(): Promise<readonly { id: string; type: ConnectorType; displayName: string; accountId: string }[]>;
  clear(): void;
}
