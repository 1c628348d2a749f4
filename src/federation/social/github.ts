import { calculatePKCECodeChallenge, randomPKCECodeVerifier } from 'openid-client';
import type { ConnectorConfig, ConnectorDeps, ConnectorIdentity, SignInConnector } from '../connector.js';
import { openIdFactory, requireProvider } from '../oidc/connector.js';
import { normalizeIssuer } from '../oidc/issuer-url.js';
import { webIdentityFromClaims } from '../oidc/verify.js';
import { boundedFetch, isText, MAX_GROUPS, rejectUnknown, str, strList, textClaim, upstreamErrorCode, UpstreamTooLarge } from '../oidc/upstream.js';
import { AwsError } from '../../errors/index.js';
import { SignInConfigError, SignInError } from '../sign-in-errors.js';

/**
 * GitHub (type `github`): the OAuth 2 web flow (GitHub has no ID token), with the router's state
 * and PKCE S256: /login/oauth/authorize → /login/oauth/access_token → GET /user, /user/emails,
 * /user/orgs, /user/teams. Groups are `org` and `org/team-slug`.
 *
 * Settings: clientId (required); baseUrl (default https://github.com, whose API is
 * https://api.github.com; GitHub Enterprise Server https://ghe.example → API https://ghe.example/api/v3);
 * allowedOrganizations (a person must be in one of them; groups are then only those orgs' and
 * their teams'); scopes (default read:user user:email read:org). Secrets: clientSecret (required).
 *
 * The identity is the FederatedIdentity STS's mapping builds (webIdentityFromClaims) from the
 * claims sub = the numeric user id (logins can be renamed and re-used; ids cannot), aud = the
 * client id, iss = the base URL: keyPrefix = the GitHub host, `github.com:sub`, `github.com:aud`.
 * Its providerArn is an IAM OIDC provider registered for https://github.com (or the GHE URL)
 * listing the client id. The person must have a verified primary email.
 */
export const GITHUB_URL = 'https://github.com';
const SETTINGS = ['clientId', 'baseUrl', 'allowedOrganizations', 'scopes'] as const;
const DEFAULT_SCOPES = ['read:user', 'user:email', 'read:org'];
const ORG = /^[a-z0-9](?:[a-z0-9-]{0,38})$/i;
/** Pages of 100 followed per listing: 1000 orgs / teams / emails is far more than a person has. */
const MAX_PAGES = 10;

interface GitHubSettings {
  clientId: string;
  baseUrl: string;
  apiUrl: string;
  allowedOrganizations: string[] | undefined;
  scopes: string[];
}

/** https://github.com → https://api.github.com; anything else is GitHub Enterprise Server: baseUrl/api/v3. */
export function githubApiUrl(baseUrl: string): string {
  return baseUrl === GITHUB_URL ? 'https://api.github.com' : `${baseUrl}/api/v3`;
}

function settings(s: Record<string, unknown>, allowInsecure: boolean): GitHubSettings {
  rejectUnknown(s, SETTINGS);
  const clientId = str(s, 'clientId', true);
  const n = normalizeIssuer(str(s, 'baseUrl') ?? GITHUB_URL, allowInsecure);
  if (!n || n.resource.includes('/')) {
    throw new SignInConfigError(`settings.baseUrl must be an https origin such as https://github.com or https://ghe.example${allowInsecure ? ' (or http on a loopback host)' : ''}`);
  }
  const allowedOrganizations = strList(s, 'allowedOrganizations', 100);
  if (allowedOrganizations && !allowedOrganizations.every((o) => ORG.test(o))) throw new SignInConfigError('settings.allowedOrganizations must be GitHub organization names');
  const scopes = strList(s, 'scopes', 20) ?? DEFAULT_SCOPES;
  return { clientId, baseUrl: n.url, apiUrl: githubApiUrl(n.url), allowedOrganizations: allowedOrganizations?.map((o) => o.toLowerCase()), scopes };
}

class GitHubError extends Error {
  constructor(readonly what: string, readonly status: number) {
    super(`GitHub ${what} answered ${status}`);
  }
}

function createGitHubConnector(cfg: ConnectorConfig, deps: ConnectorDeps, s: GitHubSettings): SignInConnector {
  const http = boundedFetch(deps.fetch ?? fetch);
  const clientSecret = cfg.secrets.clientSecret ?? '';

  const api = async <T>(token: string, path: string): Promise<T> => {
    const r = await http(`${s.apiUrl}${path}`, {
      headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28', 'user-agent': 'tessera' },
    });
    if (r.status !== 200) throw new GitHubError(path, r.status);
    return (await r.json()) as T;
  };
  /** A listing, following `Link: rel="next"` on the API's own origin only. */
  const list = async <T>(token: string, path: string): Promise<T[]> => {
    const out: T[] = [];
    let next: string | undefined = `${s.apiUrl}${path}?per_page=100`;
    for (let i = 0; next && i < MAX_PAGES; i++) {
      const r = await http(next, { headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28', 'user-agent': 'tessera' } });
      if (r.status !== 200) throw new GitHubError(path, r.status);
      const page = (await r.json()) as unknown;
      if (!Array.isArray(page)) throw new GitHubError(path, 502);
      out.push(...(page as T[]));
      const m = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get('link') ?? '');
      next = m && m[1]!.startsWith(`${s.apiUrl}/`) ? m[1] : undefined;
    }
    return out;
  };

  const exchange = async (code: string, verifier: string, redirectUri: string): Promise<{ token: string; expiresIn?: number }> => {
    const r = await http(`${s.baseUrl}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'tessera' },
      body: new URLSearchParams({ client_id: s.clientId, client_secret: clientSecret, code, redirect_uri: redirectUri, code_verifier: verifier }),
    });
    if (r.status !== 200) throw new GitHubError('token exchange', r.status);
    const b = (await r.json()) as { access_token?: unknown; error?: unknown; expires_in?: unknown };
    // GitHub answers refusals 200 {error: "bad_verification_code", …}.
    if (typeof b.error === 'string') throw new SignInError('upstream_error', `GitHub refused the sign-in (${upstreamErrorCode(b.error)}).`);
    if (typeof b.access_token !== 'string' || b.access_token.length === 0 || b.access_token.length > 2048) throw new SignInError('upstream_error', 'GitHub sent no access token.');
    return { token: b.access_token, ...(typeof b.expires_in === 'number' ? { expiresIn: b.expires_in } : {}) };
  };

  const identify = async (token: string, now: Date, expiresIn: number | undefined): Promise<ConnectorIdentity> => {
    const user = await api<{ id?: unknown; login?: unknown; name?: unknown }>(token, '/user');
    if (typeof user.id !== 'number' || !Number.isSafeInteger(user.id) || user.id <= 0) throw new SignInError('upstream_error', 'GitHub sent no user id.');
    const emails = await list<{ email?: unknown; primary?: unknown; verified?: unknown }>(token, '/user/emails');
    const primary = emails.find((e) => e.primary === true && e.verified === true && typeof e.email === 'string');
    if (!primary) throw new SignInError('identity_not_allowed', 'Your GitHub account has no verified primary email address. Verify it at GitHub, then sign in again.', 403);
    const orgs = (await list<{ login?: unknown }>(token, '/user/orgs')).map((o) => o.login).filter((l): l is string => typeof l === 'string' && ORG.test(l));
    const allowed = s.allowedOrganizations;
    const inScope = (org: string) => !allowed || allowed.includes(org.toLowerCase());
    if (allowed && !orgs.some(inScope)) throw new SignInError('identity_not_allowed', `Only members of ${allowed.join(', ')} on GitHub can sign in here.`, 403);
    const teams = (await list<{ slug?: unknown; organization?: { login?: unknown } }>(token, '/user/teams'))
      .map((t) => ({ org: t.organization?.login, slug: t.slug }))
      .filter((t): t is { org: string; slug: string } => typeof t.org === 'string' && ORG.test(t.org) && typeof t.slug === 'string' && /^[a-z0-9][a-z0-9_.-]{0,99}$/i.test(t.slug));
    const groups: string[] = [];
    for (const o of orgs) if (inScope(o) && !groups.includes(o)) groups.push(o);
    for (const t of teams) if (inScope(t.org) && !groups.includes(`${t.org}/${t.slug}`)) groups.push(`${t.org}/${t.slug}`);
    if (groups.length > MAX_GROUPS) throw new SignInError('identity_not_allowed', `GitHub sent more than ${MAX_GROUPS} groups.`);

    const provider = await requireProvider(deps, cfg.providerArn, s.baseUrl, s.clientId, deps.allowInsecure);
    const nowSec = Math.floor(now.getTime() / 1000);
    // STS's mapping, from the claims GitHub's answer stands for (sub = the numeric id, aud = the client id).
    const federated = webIdentityFromClaims({ iss: provider.url, sub: String(user.id), aud: s.clientId, iat: nowSec, exp: nowSec + (expiresIn ?? 3600) }, provider, provider.url);
    const login = textClaim(user.login, 39);
    return {
      federated,
      groups,
      displayName: textClaim(user.name) ?? login,
      email: typeof primary.email === 'string' && primary.email.length <= 320 && isText(primary.email) ? primary.email : undefined,
    };
  };

  return {
    id: cfg.id,
    type: 'github',
    displayName: cfg.displayName,
    capabilities: ['redirect', 'groups'],
    requireMfa: cfg.requireMfa,
    login: {
      stateParam: { in: 'query', name: 'state' },
      async beginLogin(rt, state) {
        await requireProvider(deps, cfg.providerArn, s.baseUrl, s.clientId, deps.allowInsecure);
        const verifier = randomPKCECodeVerifier();
        const u = new URL(`${s.baseUrl}/login/oauth/authorize`);
        u.searchParams.set('client_id', s.clientId);
        u.searchParams.set('redirect_uri', rt.callbackUrl);
        u.searchParams.set('scope', s.scopes.join(' '));
        u.searchParams.set('state', state);
        u.searchParams.set('code_challenge', await calculatePKCECodeChallenge(verifier));
        u.searchParams.set('code_challenge_method', 'S256');
        u.searchParams.set('allow_signup', 'false');
        return { redirectUrl: u.href, remember: { verifier } };
      },
      async completeLogin(rt, cb, remembered) {
        if (!remembered?.verifier) throw new SignInError('state_unknown', 'This sign-in was not started here. Start again.');
        const err = cb.query.get('error');
        if (err !== null) throw new SignInError('upstream_error', `GitHub refused the sign-in (${upstreamErrorCode(err)}).`);
        const code = cb.query.get('code');
        if (!code || code.length > 512) throw new SignInError('invalid_request', 'GitHub sent no authorization code.');
        try {
          const { token, expiresIn } = await exchange(code, remembered.verifier, rt.callbackUrl);
          return await identify(token, rt.now, expiresIn);
        } catch (e) {
          if (e instanceof SignInError) throw e;
          if (e instanceof AwsError) throw new SignInError('token_invalid', `GitHub's answer was refused: ${e.message}`, 400, { cause: e });
          if (e instanceof GitHubError) throw new SignInError('upstream_error', `${e.message}.`, 502, { cause: e });
          if (e instanceof UpstreamTooLarge || (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))) {
            throw new SignInError('upstream_error', 'GitHub did not answer in time or answered too much.', 502, { cause: e });
          }
          throw new SignInError('upstream_error', e instanceof SyntaxError ? 'GitHub sent an answer that is not JSON.' : 'GitHub could not be reached.', 502, { cause: e });
        }
      },
    },
  };
}

export const githubConnector = openIdFactory({
  type: 'github',
  secretRequired: true,
  settings: (cfg, allowInsecure) => settings(cfg.settings, allowInsecure),
  build: createGitHubConnector,
});
