import * as oidc from 'openid-client';
import type { ConnectorConfig, ConnectorDeps, ConnectorFactory, ConnectorIdentity, ConnectorRuntime, ConnectorType, SignInConnector } from '../connector.js';
import { SignInConfigError, SignInError } from '../sign-in-errors.js';
import { validateSessionTags } from '../session-tags.js';
import { AwsError } from '../../errors/index.js';
import { normalizeIssuer } from './issuer-url.js';
import { namesProvider, webIdentityFromClaims, type OidcProviderRecord } from './verify.js';
import { boundedFetch, groupsOf, rejectUnknown, str, strList, textClaim, upstreamErrorCode, upstreamMfaOf, UPSTREAM_TIMEOUT_MS, UpstreamTooLarge } from './upstream.js';

/**
 * The OIDC sign-in connector (type `oidc`), and the engine of the google / microsoft / gitlab
 * presets (src/federation/social/*.ts): openid-client v6, discovery, authorization code + PKCE
 * S256, the router's `state`, a random nonce remembered server-side, the ID token validated by
 * openid-client (signature, iss, aud, exp, nonce, alg), userinfo merged when the IdP has it.
 *
 * Settings (type `oidc`):
 *   issuer       https URL (http on loopback only with TESSERA_ALLOW_INSECURE_ISSUERS)   required
 *   clientId                                                                             required
 *   scopes       default ["openid", "email", "profile"] ("openid" is always sent)
 *   groupsClaim  default "groups"       emailClaim default "email"     nameClaim default "name"
 *   tagClaims    { "claim": "TagKey" }: claim values become session tags (checked as STS session tags)
 * Secrets: clientSecret (absent: a public client, PKCE only).
 *
 * The identity is what AssumeRoleWithWebIdentity builds from the same ID token
 * (webIdentityFromClaims, shared with STS): the connector's providerArn must be an IAM OIDC
 * provider whose URL is the issuer and whose client id list has the clientId.
 */

export const OIDC_SETTINGS = ['issuer', 'clientId', 'scopes', 'groupsClaim', 'emailClaim', 'nameClaim', 'tagClaims'] as const;
const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/** What a preset adds to the generic connector. */
export interface OidcPreset {
  type: ConnectorType;
  /** The issuer to discover (the preset derives it from its own settings). */
  issuer: string;
  clientId: string;
  scopes: string[];
  groupsClaim: string | string[];
  emailClaim: string;
  nameClaim: string;
  tagClaims: Record<string, string>;
  /** Extra authorization request parameters (Google hd=). */
  authParams?: Record<string, string>;
  /** Preset checks on the validated ID token claims (hd, tid); throw SignInError. */
  checkClaims?(claims: Record<string, unknown>): void;
  /**
   * The IAM provider an identity belongs to, when it depends on the token (Entra multi-tenant:
   * one IAM provider per tenant issuer). Default: the connector's providerArn.
   */
  providerArnFor?(iss: string): string;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  scopes: string[];
  groupsClaim: string;
  emailClaim: string;
  nameClaim: string;
  tagClaims: Record<string, string>;
}

/** The settings every OIDC-based type shares (scopes, claims, tag claims), checked. */
export function commonOidcSettings(s: Record<string, unknown>): Omit<OidcSettings, 'issuer' | 'clientId'> & { clientId: string } {
  const clientId = str(s, 'clientId', true);
  const scopes = strList(s, 'scopes', 50) ?? DEFAULT_SCOPES;
  const tagClaims: Record<string, string> = {};
  if (s.tagClaims !== undefined) {
    if (typeof s.tagClaims !== 'object' || s.tagClaims === null || Array.isArray(s.tagClaims)) throw new SignInConfigError('settings.tagClaims must be an object { claim: tagKey }');
    for (const [claim, key] of Object.entries(s.tagClaims as Record<string, unknown>)) {
      if (typeof key !== 'string') throw new SignInConfigError(`settings.tagClaims.${claim} must be a session tag key`);
      tagClaims[claim] = key;
    }
    try {
      validateSessionTags(Object.fromEntries(Object.values(tagClaims).map((k) => [k, ''])), undefined);
    } catch (e) {
      throw new SignInConfigError(`settings.tagClaims: ${e instanceof Error ? e.message : 'invalid session tag keys'}`);
    }
  }
  return {
    clientId,
    scopes: scopes.includes('openid') ? scopes : ['openid', ...scopes],
    groupsClaim: str(s, 'groupsClaim') ?? 'groups',
    emailClaim: str(s, 'emailClaim') ?? 'email',
    nameClaim: str(s, 'nameClaim') ?? 'name',
    tagClaims,
  };
}

export function oidcSettings(cfg: ConnectorConfig, allowInsecure: boolean): OidcSettings {
  rejectUnknown(cfg.settings, OIDC_SETTINGS);
  const issuer = str(cfg.settings, 'issuer', true);
  if (!normalizeIssuer(issuer, allowInsecure)) {
    throw new SignInConfigError(`settings.issuer must be an https URL without query or fragment${allowInsecure ? ' (or http on a loopback host)' : ''}`);
  }
  return { issuer, ...commonOidcSettings(cfg.settings) };
}

export function checkSecrets(cfg: ConnectorConfig, names: readonly string[]): void {
  for (const k of Object.keys(cfg.secrets)) if (!names.includes(k)) throw new SignInConfigError(`secrets.${k} is not a secret of this connector type`);
  for (const [k, v] of Object.entries(cfg.secrets)) if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw new SignInConfigError(`secrets.${k} must be a non-empty string`);
}

export function checkProviderArn(cfg: ConnectorConfig): void {
  if (!/^arn:[a-z][a-z0-9-]*:iam::\d{12}:oidc-provider\/.+$/.test(cfg.providerArn)) throw new SignInConfigError('providerArn must name an IAM OIDC provider');
}

/** A refusal of openid-client or of the mapping, as a page-safe SignInError. */
function signInErrorOf(e: unknown): SignInError {
  if (e instanceof SignInError) return e;
  if (e instanceof AwsError) return new SignInError('token_invalid', `The identity provider's ID token was refused: ${e.message}`, 400, { cause: e });
  if (e instanceof oidc.ResponseBodyError) {
    // invalid_grant: a code used twice, expired, or not issued to us.
    return new SignInError('upstream_error', `The identity provider refused the sign-in (${upstreamErrorCode(e.error)}).`, 400, { cause: e });
  }
  if (e instanceof oidc.AuthorizationResponseError) {
    return new SignInError('upstream_error', `The identity provider refused the sign-in (${upstreamErrorCode(e.error)}).`, 400, { cause: e });
  }
  // openid-client wraps what the fetch threw: look down the cause chain.
  for (let c: unknown = e, i = 0; c instanceof Error && i < 5; c = c.cause, i++) {
    if (c instanceof UpstreamTooLarge || c.name === 'TimeoutError' || c.name === 'AbortError') {
      return new SignInError('upstream_error', 'The identity provider did not answer in time or answered too much.', 502, { cause: e });
    }
  }
  const code = e instanceof Error && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : '';
  // openid-client's validation codes (OAUTH_JWT_CLAIM_COMPARISON_FAILED, OAUTH_INVALID_RESPONSE, …): the token or answer is not acceptable.
  if (code.startsWith('OAUTH_') || e instanceof oidc.ClientError) {
    // openid-client's own message is generic; its cause names the check (`unexpected ID Token "nonce" claim value`).
    const inner = e instanceof Error && e.cause instanceof Error ? e.cause : e;
    const what = inner instanceof Error ? inner.message.replace(/[^\w .,:'"()/-]/g, '').slice(0, 200) : 'invalid response';
    return new SignInError('token_invalid', `The identity provider's answer was refused: ${what}`, 400, { cause: e });
  }
  return new SignInError('upstream_error', 'The identity provider could not be reached.', 502, { cause: e });
}

/** The IAM OIDC provider of an identity: it exists, its URL is the issuer, it lists the client id. */
export async function requireProvider(deps: ConnectorDeps, arn: string, issuer: string, clientId: string, allowInsecure: boolean): Promise<OidcProviderRecord> {
  const p = await deps.oidcProvider(arn);
  if (!p) throw new SignInError('provider_missing', `This sign-in method names the IAM OIDC provider ${arn}, which does not exist. An administrator must create it.`, 403);
  // STS's own rule (namesProvider): the issuer is the provider's URL as IAM stored it, or it with one trailing slash.
  if (!normalizeIssuer(issuer, allowInsecure) || !namesProvider(issuer, p.url)) {
    throw new SignInError('provider_missing', `The IAM OIDC provider ${arn} is registered for ${p.url}, not for the issuer ${issuer}.`, 403);
  }
  if (!p.clientIds.includes(clientId)) {
    throw new SignInError('identity_not_allowed', `The IAM OIDC provider ${arn} does not list the client id ${clientId}.`, 403);
  }
  return p;
}

const listOf = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

export function createOidcConnector(cfg: ConnectorConfig, deps: ConnectorDeps, preset: OidcPreset): SignInConnector {
  const fetchImpl = boundedFetch(deps.fetch ?? fetch);
  const clientSecret = cfg.secrets.clientSecret;
  let discovered: Promise<oidc.Configuration> | undefined;
  // Discovery once per connector object (the registry rebuilds it on a change); a failure is not kept.
  const configuration = (): Promise<oidc.Configuration> => {
    if (discovered) return discovered;
    const p = oidc.discovery(
      new URL(preset.issuer),
      preset.clientId,
      clientSecret ? { client_secret: clientSecret } : undefined,
      clientSecret ? oidc.ClientSecretPost(clientSecret) : oidc.None(),
      {
        [oidc.customFetch]: fetchImpl as oidc.CustomFetch,
        timeout: UPSTREAM_TIMEOUT_MS / 1000,
        // Non-repudiation: the ID token signature is checked against the JWKS even though it came over TLS from the token endpoint.
        execute: deps.allowInsecure ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] : [oidc.enableNonRepudiationChecks],
      },
    );
    discovered = p;
    p.catch(() => {
      if (discovered === p) discovered = undefined;
    });
    return p;
  };

  const claimsToIdentity = async (claims: Record<string, unknown>, userinfo: Record<string, unknown> | undefined, now: Date, refreshToken: string | undefined): Promise<ConnectorIdentity> => {
    preset.checkClaims?.(claims);
    const iss = String(claims.iss);
    const arn = preset.providerArnFor ? preset.providerArnFor(iss) : cfg.providerArn;
    const provider = await requireProvider(deps, arn, iss, preset.clientId, deps.allowInsecure);
    // THE mapping STS uses, from the ID token's claims only (userinfo never makes condition keys).
    const federated = webIdentityFromClaims(claims, provider, iss);
    const merged = { ...claims, ...(userinfo ?? {}) };
    const tags: Record<string, string> = { ...(federated.session.tags ?? {}) };
    for (const [claim, key] of Object.entries(preset.tagClaims)) {
      const v = merged[claim];
      const value = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
      if (value !== undefined) tags[key] = value;
    }
    if (Object.keys(tags).length > 0) {
      const checked = validateSessionTags(tags, federated.session.transitiveTagKeys);
      federated.session = { ...federated.session, tags: checked.tags, transitiveTagKeys: checked.transitiveTagKeys };
    }
    const groups: string[] = [];
    for (const g of listOf(preset.groupsClaim)) for (const x of groupsOf(merged[g])) if (!groups.includes(x)) groups.push(x);
    return {
      federated,
      groups,
      displayName: textClaim(merged[preset.nameClaim]) ?? textClaim(merged.preferred_username),
      email: textClaim(merged[preset.emailClaim], 320),
      upstreamMfa: upstreamMfaOf(claims, now),
      ...(refreshToken ? { refreshToken } : {}),
    };
  };

  const userinfoOf = async (config: oidc.Configuration, accessToken: string | undefined, sub: string): Promise<Record<string, unknown> | undefined> => {
    if (!accessToken || !config.serverMetadata().userinfo_endpoint) return undefined;
    try {
      return (await oidc.fetchUserInfo(config, accessToken, sub)) as Record<string, unknown>;
    } catch (e) {
      // The ID token already proved the person; userinfo only adds groups and names.
      deps.logger.warn({ connectorId: cfg.id, err: e instanceof Error ? e.name : 'error' }, 'userinfo unavailable; using the ID token claims');
      return undefined;
    }
  };

  return {
    id: cfg.id,
    type: preset.type,
    displayName: cfg.displayName,
    capabilities: ['redirect', 'groups', 'refresh'],
    requireMfa: cfg.requireMfa,
    login: {
      stateParam: { in: 'query', name: 'state' },
      async beginLogin(rt: ConnectorRuntime, state: string) {
        const config = await configuration().catch((e: unknown) => {
          throw signInErrorOf(e);
        });
        // Fail before sending the person upstream when the IAM provider cannot take them. The
        // discovered issuer is what ID tokens carry (Entra: the tenant GUID even when configured
        // by domain); a templated one ({tenantid}, multi-tenant) is only known at the callback.
        const issuer = config.serverMetadata().issuer;
        if (!preset.providerArnFor && !issuer.includes('{')) await requireProvider(deps, cfg.providerArn, issuer, preset.clientId, deps.allowInsecure);
        const verifier = oidc.randomPKCECodeVerifier();
        const nonce = oidc.randomNonce();
        const url = oidc.buildAuthorizationUrl(config, {
          ...(preset.authParams ?? {}),
          redirect_uri: rt.callbackUrl,
          response_type: 'code',
          scope: preset.scopes.join(' '),
          state,
          nonce,
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        });
        return { redirectUrl: url.href, remember: { nonce, verifier } };
      },
      async completeLogin(rt, cb, remembered) {
        if (!remembered?.nonce || !remembered.verifier) throw new SignInError('state_unknown', 'This sign-in was not started here. Start again.');
        const err = cb.query.get('error');
        if (err !== null) throw new SignInError('upstream_error', `The identity provider refused the sign-in (${upstreamErrorCode(err)}).`);
        if (!cb.query.get('code')) throw new SignInError('invalid_request', 'The identity provider sent no authorization code.');
        try {
          const config = await configuration();
          const current = new URL(rt.callbackUrl);
          current.search = cb.query.toString();
          const tokens = await oidc.authorizationCodeGrant(config, current, {
            pkceCodeVerifier: remembered.verifier,
            expectedNonce: remembered.nonce,
            expectedState: cb.query.get('state') ?? oidc.skipStateCheck,
            idTokenExpected: true,
          });
          const claims = tokens.claims() as Record<string, unknown> | undefined;
          if (!claims) throw new SignInError('token_invalid', 'The identity provider sent no ID token.');
          const userinfo = await userinfoOf(config, tokens.access_token, String(claims.sub));
          return await claimsToIdentity(claims, userinfo, rt.now, tokens.refresh_token);
        } catch (e) {
          throw signInErrorOf(e);
        }
      },
    },
    refresh: {
      async refresh(rt, refreshToken, previous) {
        try {
          const config = await configuration();
          const tokens = await oidc.refreshTokenGrant(config, refreshToken);
          const claims = tokens.claims() as Record<string, unknown> | undefined;
          const sub = previous.federated.subject;
          if (claims && claims.sub !== sub) throw new SignInError('identity_not_allowed', 'The identity provider answered for another person.');
          const userinfo = await userinfoOf(config, tokens.access_token, sub);
          const next = tokens.refresh_token ?? refreshToken;
          if (claims) return await claimsToIdentity(claims, userinfo, rt.now, next);
          // No new ID token: the same identity, groups as the IdP says now.
          await requireProvider(deps, previous.federated.providerArn, previous.federated.issuer, preset.clientId, deps.allowInsecure);
          const groups: string[] = [];
          if (userinfo) for (const g of listOf(preset.groupsClaim)) for (const x of groupsOf(userinfo[g])) if (!groups.includes(x)) groups.push(x);
          return { ...previous, groups: userinfo ? groups : previous.groups, refreshToken: next };
        } catch (e) {
          throw signInErrorOf(e);
        }
      },
    },
  };
}

/**
 * A factory of the OpenID family (oidc and the social presets): the IAM OIDC provider ARN and the
 * one `clientSecret` checked alike; `settings` parses the type's settings (validation does not know
 * the runtime's insecure mode, so it accepts loopback http and create() decides); `build` makes
 * the connector from them.
 */
export function openIdFactory<S>(o: {
  type: ConnectorType;
  /** A confidential client only (GitHub): no public-client PKCE-only mode. */
  secretRequired?: boolean;
  settings(cfg: ConnectorConfig, allowInsecure: boolean): S;
  build(cfg: ConnectorConfig, deps: ConnectorDeps, settings: S): SignInConnector;
}): ConnectorFactory {
  const secretNames = ['clientSecret'] as const;
  return {
    type: o.type,
    secretNames,
    validate(cfg) {
      checkProviderArn(cfg);
      checkSecrets(cfg, secretNames);
      if (o.secretRequired && !cfg.secrets.clientSecret) throw new SignInConfigError('secrets.clientSecret is required');
      o.settings(cfg, true);
    },
    create: (cfg, deps) => o.build(cfg, deps, o.settings(cfg, deps.allowInsecure)),
  };
}

export const oidcConnector = openIdFactory({
  type: 'oidc',
  settings: oidcSettings,
  build: (cfg, deps, s) => createOidcConnector(cfg, deps, { type: 'oidc', ...s }),
});
