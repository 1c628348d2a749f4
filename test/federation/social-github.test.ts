import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubApiUrl, githubConnector } from '../../src/federation/social/github.js';
import type { ConnectorConfig, ConnectorDeps, SignInConnector } from '../../src/federation/connector.js';
import type { OidcProviderRecord } from '../../src/federation/oidc/verify.js';
import { SignInError } from '../../src/federation/sign-in-errors.js';
import { startTestGitHub, type TestGitHub } from '../fixtures/github-server.js';

/** The GitHub connector against a local server speaking GitHub's OAuth web flow and REST API (GHE layout). */
const CALLBACK = 'http://127.0.0.1:9/signin/github/callback';
const ACCOUNT = '123456789012';
let gh: TestGitHub;
let providers: Map<string, OidcProviderRecord>;
let arn: string;

const deps = (): ConnectorDeps => ({
  logger: { warn: () => {} },
  allowInsecure: true,
  oidcProvider: async (a) => providers.get(a) ?? null,
  samlProvider: async () => null,
  consumeOnce: async () => true,
  publicUrl: 'http://127.0.0.1:9',
});

const config = (settings: Record<string, unknown> = {}, over: Partial<ConnectorConfig> = {}): ConnectorConfig => ({
  id: 'github',
  type: 'github',
  accountId: ACCOUNT,
  displayName: 'GitHub',
  providerArn: arn,
  requireMfa: false,
  allowIdpInitiated: false,
  settings: { clientId: gh.clientId, baseUrl: gh.baseUrl, ...settings },
  secrets: { clientSecret: gh.clientSecret },
  ...over,
});

const build = (cfg = config()): SignInConnector => {
  githubConnector.validate(cfg);
  return githubConnector.create(cfg, deps());
};
const rt = () => ({ now: new Date(), callbackUrl: CALLBACK });

async function signIn(c: SignInConnector, login: string, opts: { cancel?: boolean } = {}) {
  const begun = await c.login.beginLogin(rt(), 'state-1');
  const back = await gh.loginOverHttp(begun.redirectUrl, login, opts);
  expect(back.href.startsWith(CALLBACK)).toBe(true);
  expect(back.searchParams.get('state')).toBe('state-1');
  return { begun, query: back.searchParams };
}
const complete = (c: SignInConnector, query: URLSearchParams, remembered: Record<string, string> | null) => c.login.completeLogin(rt(), { method: 'GET', query, body: {} }, remembered);
async function refused(p: Promise<unknown>): Promise<SignInError> {
  const e = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SignInError);
  return e as SignInError;
}

beforeAll(async () => {
  gh = await startTestGitHub({ redirectUris: [CALLBACK] });
  arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${gh.baseUrl.replace('http://', '')}`;
  providers = new Map([[arn, { arn, url: gh.baseUrl, clientIds: [gh.clientId] }]]);
});
afterAll(async () => {
  await gh?.close();
});

describe('github connector', () => {
  it('the API URL: github.com → api.github.com, GHE → /api/v3', () => {
    expect(githubApiUrl('https://github.com')).toBe('https://api.github.com');
    expect(githubApiUrl('https://ghe.example')).toBe('https://ghe.example/api/v3');
  });

  it('authorize: client id, callback, scopes, the router state, PKCE S256; no secret in the URL', async () => {
    const { redirectUrl, remember } = await build().login.beginLogin(rt(), 'router-state');
    const u = new URL(redirectUrl);
    expect(`${u.origin}${u.pathname}`).toBe(`${gh.baseUrl}/login/oauth/authorize`);
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      client_id: gh.clientId,
      redirect_uri: CALLBACK,
      scope: 'read:user user:email read:org',
      state: 'router-state',
      code_challenge_method: 'S256',
    });
    expect(redirectUrl).not.toContain(gh.clientSecret);
    expect(redirectUrl).not.toContain(remember.verifier!);
  });

  it('signs octocat in: numeric id as sub, client id as aud, keyPrefix the GitHub host; groups org and org/team; primary verified email', async () => {
    const c = build();
    const { begun, query } = await signIn(c, 'octocat');
    const id = await complete(c, query, begun.remember);
    const host = gh.baseUrl.replace('http://', '');
    expect(id.federated).toMatchObject({ kind: 'oidc', providerArn: arn, keyPrefix: host, issuer: gh.baseUrl, subject: '583231', audience: gh.clientId });
    expect(id.federated.conditionKeys).toEqual({ [`${host}:sub`]: '583231', [`${host}:aud`]: gh.clientId });
    expect(id.federated.persistentKeys).toEqual({ [`${host}:sub`]: '583231', [`${host}:aud`]: gh.clientId });
    expect(id.groups).toEqual(['corp', 'opensource', 'corp/platform', 'corp/sre', 'opensource/maintainers']);
    expect(id.email).toBe('octocat@corp.example');
    expect(id.displayName).toBe('The Octocat');
    expect(id.upstreamMfa).toBeUndefined();
    // PKCE verifier and the secret went to the token endpoint.
    expect(gh.lastTokenRequest()).toMatchObject({ code_verifier: begun.remember.verifier, client_secret: '<set>', redirect_uri: CALLBACK });
  });

  it('allowedOrganizations: members only, and groups limited to those orgs', async () => {
    const c = build(config({ allowedOrganizations: ['Corp'] }));
    const { begun, query } = await signIn(c, 'octocat');
    expect((await complete(c, query, begun.remember)).groups).toEqual(['corp', 'corp/platform', 'corp/sre']);
    const out = await signIn(c, 'outsider');
    const e = await refused(complete(c, out.query, out.begun.remember));
    expect(e.reason).toBe('identity_not_allowed');
    expect(e.message).toContain('Only members of corp');
  });

  it('follows Link pagination (250 teams over three pages), on the API origin only', async () => {
    const u = gh.users.get('octocat')!;
    const saved = u.teams;
    u.teams = Array.from({ length: 250 }, (_, i) => ({ org: 'corp', slug: `team-${i}` }));
    try {
      const c = build();
      const before = gh.hits()['/api/v3/user/teams'] ?? 0;
      const { begun, query } = await signIn(c, 'octocat');
      const id = await complete(c, query, begun.remember);
      expect(id.groups.filter((g) => g.startsWith('corp/team-'))).toHaveLength(250);
      expect((gh.hits()['/api/v3/user/teams'] ?? 0) - before).toBe(3);
    } finally {
      u.teams = saved;
    }
  });

  it('a primary email that is not verified is refused (a verified non-primary one does not count)', async () => {
    const c = build();
    const { begun, query } = await signIn(c, 'unverified');
    const e = await refused(complete(c, query, begun.remember));
    expect(e.reason).toBe('identity_not_allowed');
    expect(e.message).toContain('no verified primary email');
  });

  it('a replayed code, another verifier, an upstream error, no remembered flow', async () => {
    const c = build();
    const { begun, query } = await signIn(c, 'octocat');
    await complete(c, query, begun.remember);
    const replay = await refused(complete(c, query, begun.remember));
    expect(replay.reason).toBe('upstream_error');
    expect(replay.message).toContain('bad_verification_code');

    const again = await signIn(c, 'octocat');
    const pkce = await refused(complete(c, again.query, { verifier: 'y'.repeat(43) }));
    expect(pkce.message).toContain('invalid_grant');

    const cancelled = await signIn(c, 'octocat', { cancel: true });
    const denied = await refused(complete(c, cancelled.query, cancelled.begun.remember));
    expect(denied.reason).toBe('upstream_error');
    expect(denied.message).toBe('GitHub refused the sign-in (access_denied).');
    expect((await refused(complete(c, query, null))).reason).toBe('state_unknown');
  });

  it('a wrong client secret is GitHub refusing, not a crash', async () => {
    const c = build({ ...config(), secrets: { clientSecret: 'wrong' } });
    const { begun, query } = await signIn(c, 'octocat');
    expect((await refused(complete(c, query, begun.remember))).message).toContain('incorrect_client_credentials');
  });

  it('the IAM provider: missing, for another URL, without the client id', async () => {
    const missing = await refused(build(config({}, { providerArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/github.com` })).login.beginLogin(rt(), 's'));
    expect(missing.reason).toBe('provider_missing');
    const saved = providers.get(arn)!;
    providers.set(arn, { ...saved, url: 'https://github.com' });
    try {
      expect((await refused(build().login.beginLogin(rt(), 's'))).reason).toBe('provider_missing');
    } finally {
      providers.set(arn, saved);
    }
    const c = build();
    const { begun, query } = await signIn(c, 'octocat');
    providers.set(arn, { ...saved, clientIds: ['other'] });
    try {
      expect((await refused(complete(c, query, begun.remember))).reason).toBe('identity_not_allowed');
    } finally {
      providers.set(arn, saved);
    }
  });

  it('settings are checked', () => {
    const bad = (s: Record<string, unknown>) => () => githubConnector.validate(config(s));
    expect(bad({ baseUrl: 'https://ghe.example/sub/path' })).toThrow(/settings.baseUrl/);
    expect(bad({ baseUrl: 'ftp://ghe.example' })).toThrow(/settings.baseUrl/);
    expect(bad({ allowedOrganizations: ['not an org!'] })).toThrow(/allowedOrganizations/);
    expect(bad({ orgs: ['corp'] })).toThrow(/settings.orgs is not a setting/);
    expect(() => githubConnector.validate({ ...config(), secrets: {} })).toThrow(/clientSecret is required/);
    expect(() => githubConnector.create(config(), { ...deps(), allowInsecure: false })).toThrow(/https/);
  });
});
