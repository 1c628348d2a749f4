import { commonOidcSettings, createOidcConnector, openIdFactory } from '../oidc/connector.js';
import { issuerKey, normalizeIssuer } from '../oidc/issuer-url.js';
import { rejectUnknown, str, strList } from '../oidc/upstream.js';
import { SignInConfigError, SignInError } from '../sign-in-errors.js';

/**
 * Microsoft Entra ID (type `microsoft`): the OIDC connector on the v2.0 endpoint
 * https://login.microsoftonline.com/<tenant>/v2.0.
 *
 * Settings: tenant (required: the directory's GUID or a verified domain, or `organizations` /
 * `common` for multi-tenant apps), clientId (required), allowedTenants (tenant GUIDs; required
 * for multi-tenant: the discovered issuer is templated `…/{tenantid}/v2.0`, openid-client checks
 * iss against it with the token's `tid`, and the `tid` must be listed), scopes (default openid
 * email profile), groupsClaim (default `groups`: object ids, as Entra sends them with
 * groupMembershipClaims), emailClaim, nameClaim (default name), tagClaims; `authority` overrides
 * https://login.microsoftonline.com (national clouds, tests). Secrets: clientSecret.
 *
 * The IAM OIDC provider is the one for the tenant's issuer (https://login.microsoftonline.com/<GUID>/v2.0).
 * Multi-tenant: each allowed tenant signs in as a principal of ITS issuer's IAM provider (as STS
 * would make of its ID tokens): arn:…:oidc-provider/login.microsoftonline.com/<tid>/v2.0 in the
 * connector's account — create one per allowed tenant.
 */
export const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';
const SETTINGS = ['tenant', 'clientId', 'allowedTenants', 'scopes', 'groupsClaim', 'emailClaim', 'nameClaim', 'tagClaims', 'authority'] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const MULTI = new Set(['common', 'organizations']);

function settings(s: Record<string, unknown>, allowInsecure: boolean) {
  rejectUnknown(s, SETTINGS);
  const tenant = str(s, 'tenant', true);
  if (tenant === 'consumers') throw new SignInConfigError('settings.tenant consumers (personal Microsoft accounts) is not supported: they belong to no directory');
  if (!GUID.test(tenant) && !DOMAIN.test(tenant) && !MULTI.has(tenant)) {
    throw new SignInConfigError('settings.tenant must be a tenant GUID, a verified domain, or organizations / common');
  }
  const allowedTenants = strList(s, 'allowedTenants', 100)?.map((t) => t.toLowerCase());
  if (allowedTenants && !allowedTenants.every((t) => GUID.test(t))) throw new SignInConfigError('settings.allowedTenants must be tenant GUIDs');
  const multi = MULTI.has(tenant);
  if (multi && (!allowedTenants || allowedTenants.length === 0)) {
    throw new SignInConfigError(`settings.allowedTenants is required with tenant ${tenant}: without it anyone with any Microsoft work account could sign in`);
  }
  const authority = (str(s, 'authority') ?? ENTRA_AUTHORITY).replace(/\/+$/, '');
  if (!normalizeIssuer(authority, allowInsecure)) throw new SignInConfigError('settings.authority must be an https URL');
  const common = commonOidcSettings(s);
  return { ...common, issuer: `${authority}/${tenant}/v2.0`, tenant: tenant.toLowerCase(), multi, allowedTenants, groupsClaim: common.groupsClaim };
}

export const microsoftConnector = openIdFactory({
  type: 'microsoft',
  settings: (cfg, allowInsecure) => settings(cfg.settings, allowInsecure),
  build(cfg, deps, s) {
    const arnPrefix = cfg.providerArn.slice(0, cfg.providerArn.indexOf(':oidc-provider/') + ':oidc-provider/'.length);
    return createOidcConnector(cfg, deps, {
      type: 'microsoft',
      ...s,
      checkClaims(claims) {
        const tid = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : '';
        if (!GUID.test(tid)) throw new SignInError('token_invalid', 'The Microsoft ID token has no tenant id (tid).');
        const allowed = s.allowedTenants ?? (GUID.test(s.tenant) ? [s.tenant] : undefined);
        if (allowed && !allowed.includes(tid)) throw new SignInError('identity_not_allowed', `Accounts of the Microsoft tenant ${tid} cannot sign in here.`, 403);
      },
      // Multi-tenant: the IAM provider of the token's own (tenant) issuer, in the connector's account.
      ...(s.multi ? { providerArnFor: (iss: string) => `${arnPrefix}${issuerKey(iss)}` } : {}),
    });
  },
});
