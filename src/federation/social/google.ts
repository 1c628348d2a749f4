import { commonOidcSettings, createOidcConnector, openIdFactory } from '../oidc/connector.js';
import { normalizeIssuer } from '../oidc/issuer-url.js';
import { rejectUnknown, str } from '../oidc/upstream.js';
import { SignInConfigError, SignInError } from '../sign-in-errors.js';

/**
 * Google (type `google`): the OIDC connector on https://accounts.google.com.
 *
 * Settings: clientId (required); hostedDomain — a Google Workspace domain: `hd=` is sent (it only
 * picks the account chooser's accounts, so it proves nothing) AND the ID token's `hd` claim must
 * equal it; scopes (default openid email profile); groupsClaim, emailClaim, nameClaim, tagClaims
 * as for `oidc` (Google sends no groups). `issuer` overrides https://accounts.google.com (tests).
 * Secrets: clientSecret. The IAM OIDC provider is the one for https://accounts.google.com.
 */
export const GOOGLE_ISSUER = 'https://accounts.google.com';
const SETTINGS = ['clientId', 'hostedDomain', 'scopes', 'groupsClaim', 'emailClaim', 'nameClaim', 'tagClaims', 'issuer'] as const;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function settings(s: Record<string, unknown>, allowInsecure: boolean) {
  rejectUnknown(s, SETTINGS);
  const issuer = str(s, 'issuer') ?? GOOGLE_ISSUER;
  if (!normalizeIssuer(issuer, allowInsecure)) throw new SignInConfigError('settings.issuer must be an https URL');
  const hostedDomain = str(s, 'hostedDomain');
  if (hostedDomain !== undefined && !DOMAIN.test(hostedDomain)) throw new SignInConfigError('settings.hostedDomain must be a domain name such as corp.example');
  return { issuer, hostedDomain: hostedDomain?.toLowerCase(), ...commonOidcSettings(s) };
}

export const googleConnector = openIdFactory({
  type: 'google',
  settings: (cfg, allowInsecure) => settings(cfg.settings, allowInsecure),
  build(cfg, deps, s) {
    const hd = s.hostedDomain;
    return createOidcConnector(cfg, deps, {
      type: 'google',
      ...s,
      ...(hd ? { authParams: { hd } } : {}),
      checkClaims(claims) {
        if (hd !== undefined && (typeof claims.hd !== 'string' || claims.hd.toLowerCase() !== hd)) {
          throw new SignInError('identity_not_allowed', `Only accounts of ${hd} can sign in here.`, 403);
        }
      },
    });
  },
});
