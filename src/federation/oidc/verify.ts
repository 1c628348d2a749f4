import { Errors } from '../../errors/index.js';
import { truncate } from '../../audit/log.js';
import type { FederatedIdentity } from '../connector.js';
import { parseTagsClaim } from '../session-tags.js';
import type { JwksStore } from './jwks.js';
import { parseJws, WEB_IDENTITY_ALGORITHMS } from './jws.js';
import { assertIssuerMatches, issuerKey } from './issuer-url.js';

/**
 * Verifying a web identity token (OIDC id_token or JWT access token) for
 * AssumeRoleWithWebIdentity, as AWS documents it:
 *   decodeHeader (RS256/384/512, ES256/384/512 only) → findProvider (by `iss`, in the role's account)
 *   → verifySignature (issuer JWKS) → checkClaims (iss, aud ∈ client ids, exp with 5 min skew,
 *   nbf/iat sanity, integer NumericDates) → normalize (FederatedIdentity + condition keys).
 */
export interface OidcProviderRecord {
  arn: string;
  /** The registered provider URL (with or without scheme, as IAM stores it). */
  url: string;
  clientIds: string[];
  thumbprints?: string[];
}

export interface WebIdentityVerification {
  findProvider(issuer: string): Promise<OidcProviderRecord | null>;
  jwks: JwksStore;
  allowInsecure: boolean;
  now: Date;
}

export { WEB_IDENTITY_ALGORITHMS };
/** IAM accepts OIDC JWTs up to 5 minutes past `exp` (id_roles_providers_oidc). */
export const CLOCK_SKEW_SECONDS = 300;
export const MAX_TOKEN_LENGTH = 20_000;

/** IAM provider URLs are at most 255 characters (OpenIDConnectProviderUrlType) plus the scheme. */
const MAX_ISSUER_LENGTH = 255 + 'https://'.length;

const invalid = (m: string) => Errors.invalidIdentityToken(m);

/**
 * Claims Tessera echoes (SubjectFromWebIdentityToken, condition keys, the audit log) must be text:
 * no control characters, no unpaired surrogates (JSON `"\ud800"` parses to one), no U+FFFE/FFFF.
 */
const NOT_TEXT = /[\u0000-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const printable = (s: string) => !NOT_TEXT.test(s);

/**
 * The token's `iss` names the registered provider when it is the provider's URL as IAM stored it
 * (canonical: lower-case host, no default port, no trailing slash), or that URL with one trailing
 * slash (IdPs such as Auth0 issue `https://tenant.auth0.com/`). Nothing else: no other case, no
 * `//`, query, fragment or dot segment, which the directory lookup would otherwise normalize away.
 */
export function namesProvider(iss: string, providerUrl: string): boolean {
  return iss === providerUrl || iss === `${providerUrl}/`;
}

const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function checkTimes(claims: Record<string, unknown>, now: Date): void {
  const nowSec = Math.floor(now.getTime() / 1000);
  for (const k of ['exp', 'nbf', 'iat'] as const) {
    if (claims[k] !== undefined && !isNumericDate(claims[k])) throw invalid(`The ${k} claim must be an integer NumericDate`);
  }
  if (claims.exp === undefined) throw invalid('Missing expiration (exp) in the web identity token');
  const exp = claims.exp as number;
  if (nowSec > exp + CLOCK_SKEW_SECONDS) {
    throw Errors.expiredTokenException(`Token expired: current date/time ${nowSec} must be before the expiration date/time ${exp}`);
  }
  if (claims.nbf !== undefined && (claims.nbf as number) > nowSec + CLOCK_SKEW_SECONDS) {
    throw invalid('The web identity token is not yet valid (nbf)');
  }
  if (claims.iat !== undefined) {
    const iat = claims.iat as number;
    if (iat > nowSec + CLOCK_SKEW_SECONDS) throw invalid('The web identity token was issued in the future (iat)');
    if (iat > exp) throw invalid('The web identity token expires before it was issued');
  }
}

function pickAudience(claims: Record<string, unknown>, clientIds: string[]): string {
  const aud = claims.aud;
  const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  const hit = auds.find((a) => clientIds.includes(a));
  if (hit === undefined) throw invalid('Incorrect token audience');
  return hit;
}

const stringOrList = (v: unknown): string | string[] | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

export async function verifyWebIdentityToken(token: string, v: WebIdentityVerification): Promise<FederatedIdentity> {
  if (token.length > MAX_TOKEN_LENGTH) throw invalid('The web identity token is too large');
  const jws = parseJws(token);
  const claims = jws.payload;
  const iss = claims.iss;
  if (typeof iss !== 'string' || iss.length === 0) throw invalid('Missing issuer (iss) in the web identity token');
  // The iss must name a registered provider before anything is fetched; the keys are then those
  // of the PROVIDER (its canonical URL), so variants of one iss share one cache entry.
  const provider = iss.length <= MAX_ISSUER_LENGTH ? await v.findProvider(iss) : null;
  if (!provider || !namesProvider(iss, provider.url)) throw invalid(`No OpenIDConnect provider found in your account for ${iss}`);
  assertIssuerMatches(iss, provider.url, v.allowInsecure);
  await v.jwks.verifySignature(provider.url, jws);
  checkTimes(claims, v.now);
  return webIdentityFromClaims(claims, provider, iss);
}

/**
 * THE claims → FederatedIdentity mapping of a web identity token whose signature, issuer and times
 * were already checked: subject, audience (∈ the provider's client ids), the condition keys and
 * the persistent keys as AWS shapes them, session tags and source identity. AssumeRoleWithWebIdentity
 * and the OIDC sign-in connectors (src/federation/oidc/connector.ts) both build identities with
 * it, so a person signed in through a connector is exactly the principal STS would make of the
 * same ID token. Throws InvalidIdentityToken.
 */
export function webIdentityFromClaims(claims: Record<string, unknown>, provider: OidcProviderRecord, iss: string): FederatedIdentity {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw invalid('Missing subject (sub) in the web identity token');
  for (const k of ['sub', 'azp', 'jti', 'amr'] as const) {
    const val = claims[k];
    if ((typeof val === 'string' && !printable(val)) || (Array.isArray(val) && val.some((x) => typeof x === 'string' && !printable(x)))) {
      throw invalid(`The ${k} claim in the web identity token contains characters that are not allowed`);
    }
  }
  const audience = pickAudience(claims, provider.clientIds);

  const prefix = issuerKey(provider.url);
  const keys: Record<string, string | string[]> = {};
  const persistent: Record<string, string | string[]> = {};
  const isGoogle = prefix === 'accounts.google.com';
  const azp = typeof claims.azp === 'string' ? claims.azp : undefined;
  keys[`${prefix}:sub`] = claims.sub;
  // Google: `aud` is the azp when present, and `oaud` the real audience.
  keys[`${prefix}:aud`] = isGoogle && azp ? azp : audience;
  if (isGoogle) keys[`${prefix}:oaud`] = audience;
  if (azp !== undefined) keys[`${prefix}:azp`] = azp;
  const amr = stringOrList(claims.amr);
  if (amr !== undefined) keys[`${prefix}:amr`] = amr;
  for (const k of ['sub', 'aud', 'amr'] as const) {
    const val = keys[`${prefix}:${k}`];
    if (val !== undefined) persistent[`${prefix}:${k}`] = val;
  }
  const tags = parseTagsClaim(claims['https://aws.amazon.com/tags']);
  const si = claims['https://aws.amazon.com/source_identity'];
  if (si !== undefined && typeof si !== 'string') throw invalid('Invalid https://aws.amazon.com/source_identity claim');
  const sourceIdentity = si as string | undefined;
  return {
    kind: 'oidc',
    providerArn: provider.arn,
    keyPrefix: prefix,
    issuer: iss,
    subject: claims.sub,
    audience,
    conditionKeys: keys,
    persistentKeys: persistent,
    session: { tags: tags?.tags, transitiveTagKeys: tags?.transitiveTagKeys, sourceIdentity },
    tokenId: typeof claims.jti === 'string' ? truncate(claims.jti, 256) : undefined,
    tokenExpiresAt: new Date((claims.exp as number) * 1000),
  };
}

