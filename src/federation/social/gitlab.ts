import { commonOidcSettings, createOidcConnector, openIdFactory } from '../oidc/connector.js';
import { normalizeIssuer } from '../oidc/issuer-url.js';
import { rejectUnknown, str } from '../oidc/upstream.js';
import { SignInConfigError } from '../sign-in-errors.js';

/**
 * GitLab (type `gitlab`): the OIDC connector on gitlab.com or a self-managed GitLab.
 *
 * Settings: baseUrl (default https://gitlab.com; the issuer), clientId (required), scopes
 * (default openid email profile), emailClaim, nameClaim, tagClaims as for `oidc`. Groups are the
 * union of `groups` (userinfo: every group the person is in, full paths) and `groups_direct`
 * (ID token: direct memberships); `groupsClaim` replaces both with one claim.
 * Secrets: clientSecret. The IAM OIDC provider is the one for the baseUrl.
 */
export const GITLAB_URL = 'https://gitlab.com';
const SETTINGS = ['baseUrl', 'clientId', 'scopes', 'groupsClaim', 'emailClaim', 'nameClaim', 'tagClaims'] as const;

function settings(s: Record<string, unknown>, allowInsecure: boolean) {
  rejectUnknown(s, SETTINGS);
  const baseUrl = str(s, 'baseUrl') ?? GITLAB_URL;
  const n = normalizeIssuer(baseUrl, allowInsecure);
  if (!n) throw new SignInConfigError(`settings.baseUrl must be an https URL without query or fragment${allowInsecure ? ' (or http on a loopback host)' : ''}`);
  const common = commonOidcSettings(s);
  return { ...common, issuer: n.url, groupsClaim: s.groupsClaim === undefined ? ['groups', 'groups_direct'] : common.groupsClaim };
}

export const gitlabConnector = openIdFactory({
  type: 'gitlab',
  settings: (cfg, allowInsecure) => settings(cfg.settings, allowInsecure),
  build: (cfg, deps, s) => createOidcConnector(cfg, deps, { type: 'gitlab', ...s }),
});
