import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { rejection, stsClient } from '../support/clients.js';
import { csrfOf, makeLocalUser, signinAudit, type Jar, type LocalUser } from '../sso/helpers.js';
import { bearer, decide, form, pollDevice, refresh, roleFor, signInJar, startDevice } from './helpers.js';

/**
 * The CLI sign-in protocols against a real Tessera (Postgres, Redis when REDIS_URL is set):
 * RFC 8628 device grant answers, refresh-token rotation and reuse detection, PKCE and loopback
 * redirect checks, the Bearer API's refusals, user-code guessing limits, two replicas.
 */
let t: TestTessera;
let skew = 0;
let user: LocalUser;
let roleArn: string;
let jar: Jar;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await startTestTessera({ now: () => new Date(Date.now() + skew) });
  user = await makeLocalUser(t, 'carol');
  roleArn = await roleFor(t, 'Dev', user.arn);
  jar = await signInJar(t.url, user);
});
afterAll(async () => {
  await t?.stop();
});

/** A device flow approved by `jar`, polled to its tokens (one poll: the interval has passed). */
async function deviceTokens(): Promise<{ access_token: string; refresh_token: string; login_session_id: string }> {
  const d = (await startDevice(t)).body;
  expect((await decide(jar, d.user_code, 'approve')).status).toBe(200);
  const r = await pollDevice(t, d.device_code);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

describe('device authorization grant (RFC 8628)', () => {
  it('start: codes, URIs, expiry and interval as the brief says; no-store', async () => {
    const r = await startDevice(t);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(r.body.verification_uri).toBe(`${t.url}/device`);
    expect(r.body.verification_uri_complete).toBe(`${t.url}/device?user_code=${r.body.user_code}`);
    expect(r.body).toMatchObject({ expires_in: 600, interval: 5 });
    expect(r.body.device_code).toMatch(/^[0-9a-f]{64}$/);
  });

  it('authorization_pending, then slow_down when polling too fast; approved → tokens once, a replay is invalid_grant', async () => {
    const d = (await startDevice(t)).body;
    expect((await pollDevice(t, d.device_code)).body.error).toBe('authorization_pending');
    const fast = await pollDevice(t, d.device_code);
    expect(fast.status).toBe(400);
    expect(fast.body.error).toBe('slow_down');
    expect((await decide(jar, d.user_code, 'approve')).text).toContain('data-outcome="approved"');
    const resultKey = `cli:device-result:${createHash('sha256').update(d.device_code).digest('base64url')}`;
    const approved = (await t.services.cache.get(resultKey))!;
    await sleep(4200);
    const ok = await pollDevice(t, d.device_code);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(ok.body.access_token).toMatch(/^tsa_/);
    expect(ok.body.refresh_token).toMatch(/^tsr_/);
    await sleep(4200);
    const replay = await pollDevice(t, d.device_code);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    // Also when the cache forgot that it was used (a lost write, a failover): Postgres decides.
    await t.services.cache.set(resultKey, approved, 600);
    await t.services.cache.del(`cli:device-poll:${createHash('sha256').update(d.device_code).digest('base64url')}`);
    const again2 = await pollDevice(t, d.device_code);
    expect(again2.body.error, JSON.stringify(again2.body)).toBe('invalid_grant');
    // The user code was used once: a second approval attempt is refused.
    const again = await jar.get(`/device?user_code=${d.user_code}`);
    expect(again.status).toBe(400);
    // The approval made a NEW login session (listed on its own), not the browser's.
    const s = await bearer(t.url, ok.body.access_token, '/cli/session');
    expect(s.status).toBe(200);
    expect(s.body.principal.arn).toBe(user.arn);
    const row = await t.database.db.query<{ user_agent: string }>('SELECT user_agent FROM login_sessions WHERE id = $1', [s.body.login_session_id]);
    expect(row.rows[0]!.user_agent).toMatch(/^tessera-cli/);
    const audit = await signinAudit(t);
    expect(audit.some((a) => a.action === 'CliDeviceApproval' && a.detail.loginSessionId === s.body.login_session_id)).toBe(true);
  });

  it('access_denied after the Deny button', async () => {
    const d = (await startDevice(t)).body;
    expect((await decide(jar, d.user_code, 'deny')).text).toContain('data-outcome="denied"');
    const r = await pollDevice(t, d.device_code);
    expect(r.body.error).toBe('access_denied');
  });

  it('expired_token after 600 s', async () => {
    const d = (await startDevice(t)).body;
    skew = 601_000;
    try {
      expect((await pollDevice(t, d.device_code)).body.error).toBe('expired_token');
      expect((await jar.get(`/device?user_code=${d.user_code}`)).status).toBe(400);
    } finally {
      skew = 0;
    }
  });

  it('wrong client_id → invalid_client (401); unknown device_code → invalid_grant', async () => {
    const a = await form(`${t.url}/oauth2/device_authorization`, { client_id: 'aws-cli' });
    expect(a.status).toBe(401);
    expect(a.body.error).toBe('invalid_client');
    const d = (await startDevice(t)).body;
    const p = await pollDevice(t, d.device_code, 'other');
    expect(p.status).toBe(401);
    expect(p.body.error).toBe('invalid_client');
    expect((await pollDevice(t, 'f'.repeat(64))).body.error).toBe('invalid_grant');
    expect((await pollDevice(t, 'not-a-code')).body.error).toBe('invalid_grant');
    // The RFC 8693 token exchange at the same endpoint is unchanged.
    const x = await form(`${t.url}/oauth2/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange' });
    expect(x.body).toMatchObject({ error: 'invalid_request', error_description: 'Missing subject_token' });
    expect((await form(`${t.url}/oauth2/token`, { grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
  });

  it('user codes: wrong guesses are limited per address (429), even the right code then', async () => {
    // The counters are per address and per login session: this test starts and ends with a clean address.
    const addr = 'cli:user-code-fail:addr:127.0.0.1';
    await t.services.cache.del(addr);
    try {
      const j2 = await signInJar(t.url, user);
      const d = (await startDevice(t)).body;
      const page = await j2.get('/device');
      for (let i = 0; i < 10; i++) {
        const r = await j2.post('/device', { csrf: csrfOf(page.text), user_code: 'BBBB-BBBB' });
        expect(r.status).toBe(400);
      }
      const limited = await j2.post('/device', { csrf: csrfOf(page.text), user_code: d.user_code });
      expect(limited.status).toBe(429);
      expect(limited.text).toContain('Too many wrong codes');
      // Another session from the same address is limited too; after the window the right code works.
      expect((await jar.get(`/device?user_code=${d.user_code}`)).status).toBe(429);
      await t.services.cache.del(addr);
      expect((await jar.get(`/device?user_code=${d.user_code}`)).status).toBe(200);
    } finally {
      await t.services.cache.del(addr);
    }
  });

  it('/device needs a signed-in session, and POSTs need its CSRF token', async () => {
    const r = await fetch(`${t.url}/device?user_code=BCDF-GHJK`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/signin?return_to=${encodeURIComponent('/device?user_code=BCDF-GHJK')}`);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    const d = (await startDevice(t)).body;
    const forged = await jar.post('/device', { csrf: 'x'.repeat(43), user_code: d.user_code, decision: 'approve' });
    expect(forged.status).toBe(403);
    expect((await pollDevice(t, d.device_code)).body.error).toBe('authorization_pending');
  });
});

describe('tokens', () => {
  it('refresh rotates; reusing an old refresh token revokes the sign-in and the credentials issued through it', async () => {
    const t1 = await deviceTokens();
    const creds = await bearer(t.url, t1.access_token, '/cli/credentials', { role_arn: roleArn });
    expect(creds.status, JSON.stringify(creds.body)).toBe(200);
    expect(creds.body).toMatchObject({ Version: 1, AssumedRoleArn: `arn:aws:sts::${t.accountId}:assumed-role/Dev/carol` });
    expect(creds.body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const sts = stsClient(t, { accessKeyId: creds.body.AccessKeyId, secretAccessKey: creds.body.SecretAccessKey, sessionToken: creds.body.SessionToken });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Dev/carol`);

    const r2 = await refresh(t, t1.refresh_token);
    expect(r2.status, JSON.stringify(r2.body)).toBe(200);
    expect(r2.body.refresh_token).not.toBe(t1.refresh_token);
    expect(r2.body.login_session_id).toBe(t1.login_session_id);
    expect((await bearer(t.url, r2.body.access_token, '/cli/session')).status).toBe(200);
    // The same token spelled differently (base64url's spare low bits in the last character) is still a reuse.
    const body = t1.refresh_token.slice(4);
    const ABC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const variant = [...ABC].map((ch) => body.slice(0, -1) + ch).find((v) => v !== body && Buffer.from(v, 'base64url').equals(Buffer.from(body, 'base64url')));
    const reused = await refresh(t, variant ? `tsr_${variant}` : t1.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    expect(reused.body.error_description).toMatch(/already used.*revoked/);
    // Revoked: the newest tokens, and the credentials issued through the sign-in.
    expect((await refresh(t, r2.body.refresh_token)).body.error).toBe('invalid_grant');
    expect((await bearer(t.url, r2.body.access_token, '/cli/session')).status).toBe(401);
    expect((await rejection(sts.send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
    expect((await signinAudit(t)).some((a) => a.action === 'CliRefreshReuse' && a.detail.loginSessionId === t1.login_session_id)).toBe(true);
    // The browser session that approved is not touched.
    expect((await jar.get('/session')).status).toBe(200);
  });

  it('/cli/credentials and /cli/roles: no token, a bad or tampered token → 401 login_required', async () => {
    const t1 = await deviceTokens();
    for (const tok of [undefined, 'nope', `tsa_${'A'.repeat(200)}`, t1.refresh_token, t1.access_token.slice(0, -2) + (t1.access_token.endsWith('AA') ? 'BB' : 'AA')]) {
      const r = await bearer(t.url, tok, '/cli/credentials', { role_arn: roleArn });
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('login_required');
      expect((await bearer(t.url, tok, '/cli/roles')).status).toBe(401);
    }
    const roles = await bearer(t.url, t1.access_token, '/cli/roles');
    expect(roles.status).toBe(200);
    expect(roles.body.roles).toEqual([expect.objectContaining({ role_arn: roleArn, max_session_duration: 3600, description: 'CLI test role Dev' })]);
    // A role the person may not assume: AWS's refusal, not a 500.
    const denied = await bearer(t.url, t1.access_token, '/cli/credentials', { role_arn: `arn:aws:iam::${t.accountId}:role/Nope` });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('AccessDenied');
    expect((await bearer(t.url, t1.access_token, '/cli/credentials', { role_arn: roleArn, duration_seconds: 60 })).body.error).toBe('ValidationError');
    expect((await bearer(t.url, t1.access_token, '/cli/credentials', {})).status).toBe(400);
  });

  it('RFC 7009 revoke ends the sign-in; unknown tokens are 200 too', async () => {
    const t1 = await deviceTokens();
    expect((await form(`${t.url}/oauth2/revoke`, { token: 'whatever', client_id: 'tessera-cli' })).status).toBe(200);
    expect((await form(`${t.url}/oauth2/revoke`, { token: t1.refresh_token, client_id: 'x' })).status).toBe(401);
    expect((await form(`${t.url}/oauth2/revoke`, { token: t1.refresh_token, client_id: 'tessera-cli' })).status).toBe(200);
    expect((await bearer(t.url, t1.access_token, '/cli/session')).status).toBe(401);
    expect((await refresh(t, t1.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('an admin RevokeLoginSessions of the person ends the CLI sign-in on the other replica too', async () => {
    const r2 = await t.replica();
    const t1 = await deviceTokens();
    expect((await bearer(r2.url, t1.access_token, '/cli/session')).status).toBe(200);
    const { LoginSessions } = await import('../../src/sso/login-sessions.js');
    await new LoginSessions(t.services).revoke(t1.login_session_id, new Date());
    expect((await bearer(r2.url, t1.access_token, '/cli/session')).status).toBe(401);
    expect((await refresh(r2, t1.refresh_token)).body.error_description).toMatch(/ended/);
  });
});

describe('loopback authorization code + PKCE (RFC 8252, RFC 7636)', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const params = (o: Record<string, string> = {}) =>
    new URLSearchParams({ response_type: 'code', client_id: 'tessera-cli', redirect_uri: 'http://127.0.0.1:49152/callback', code_challenge: challenge, code_challenge_method: 'S256', state: 'st-1', ...o });

  async function code(o: Record<string, string> = {}): Promise<URL> {
    const page = await jar.get(`/oauth2/authorize?${params(o)}`);
    expect(page.status, page.text).toBe(200);
    const fields = Object.fromEntries([...page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const r = await jar.post('/oauth2/authorize', { ...fields, decision: 'approve' });
    expect(r.status).toBe(303);
    return new URL(r.location!);
  }
  const redeem = (c: string, o: Record<string, string> = {}) =>
    form(`${t.url}/oauth2/token`, { grant_type: 'authorization_code', code: c, redirect_uri: 'http://127.0.0.1:49152/callback', code_verifier: verifier, client_id: 'tessera-cli', ...o });

  it('approve → code + state on the loopback URI; the right verifier gets tokens once; a replay revokes', async () => {
    const back = await code();
    expect(back.origin).toBe('http://127.0.0.1:49152');
    expect(back.searchParams.get('state')).toBe('st-1');
    const c = back.searchParams.get('code')!;
    const ok = await redeem(c);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await bearer(t.url, ok.body.access_token, '/cli/session')).status).toBe(200);
    const replay = await redeem(c);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await bearer(t.url, ok.body.access_token, '/cli/session')).status).toBe(401);
  });

  it('PKCE mismatch, a wrong redirect_uri → invalid_grant (and the code is spent)', async () => {
    const c1 = (await code()).searchParams.get('code')!;
    expect((await redeem(c1, { code_verifier: randomBytes(32).toString('base64url') })).body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/PKCE/) });
    expect((await redeem(c1)).body.error).toBe('invalid_grant');
    const c2 = (await code()).searchParams.get('code')!;
    expect((await redeem(c2, { redirect_uri: 'http://127.0.0.1:49153/callback' })).body.error).toBe('invalid_grant');
    const c3 = (await code()).searchParams.get('code')!;
    expect((await redeem(c3, { client_id: 'x' })).status).toBe(401);
  });

  it('non-loopback redirect URIs and other clients are refused on a page (no redirect); bad PKCE goes back as invalid_request', async () => {
    for (const uri of ['http://localhost:49152/callback', 'https://127.0.0.1:49152/callback', 'http://evil.example/callback', 'http://127.0.0.1.evil.example/cb', 'http://u@127.0.0.1:1/cb', 'http://10.0.0.1:80/cb', 'javascript:alert(1)']) {
      const r = await jar.get(`/oauth2/authorize?${params({ redirect_uri: uri })}`);
      expect(r.status, uri).toBe(400);
      expect(r.location).toBeNull();
      expect(r.text).toContain('loopback');
    }
    const ipv6 = await jar.get(`/oauth2/authorize?${params({ redirect_uri: 'http://[::1]:49152/callback' })}`);
    expect(ipv6.status).toBe(200);
    const other = await jar.get(`/oauth2/authorize?${params({ client_id: 'evil' })}`);
    expect(other.status).toBe(400);
    expect(other.location).toBeNull();
    for (const o of [{ code_challenge_method: 'plain' }, { code_challenge: 'short' }] as Record<string, string>[]) {
      const r = await jar.get(`/oauth2/authorize?${params(o)}`);
      expect(r.status).toBe(303);
      const u = new URL(r.location!);
      expect(u.searchParams.get('error')).toBe('invalid_request');
      expect(u.searchParams.get('state')).toBe('st-1');
    }
    const deny = await jar.get(`/oauth2/authorize?${params()}`);
    const fields = Object.fromEntries([...deny.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
    const d = await jar.post('/oauth2/authorize', { ...fields, decision: 'deny' });
    expect(new URL(d.location!).searchParams.get('error')).toBe('access_denied');
  });
});

describe('hostile input: clear 4xx answers, never a 500', () => {
  it('OAuth endpoints and the Bearer API', async () => {
    const post = (path: string, body: string, type = 'application/x-www-form-urlencoded', headers: Record<string, string> = {}) =>
      fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
    const cases: [string, Response][] = [
      ['json to device_authorization', await post('/oauth2/device_authorization', '{"client_id":"tessera-cli"}', 'application/json')],
      ['bad percent-encoding', await post('/oauth2/device_authorization', 'client_id=%zz')],
      ['duplicate client_id', await post('/oauth2/device_authorization', 'client_id=tessera-cli&client_id=tessera-cli')],
      ['token: duplicate grant', await post('/oauth2/token', `grant_type=refresh_token&grant_type=refresh_token&client_id=tessera-cli`)],
      ['token: no client', await post('/oauth2/token', 'grant_type=refresh_token&refresh_token=tsr_x')],
      ['token: NUL in code', await post('/oauth2/token', 'grant_type=authorization_code&client_id=tessera-cli&code=%00')],
      ['token: huge refresh token', await post('/oauth2/token', `grant_type=refresh_token&client_id=tessera-cli&refresh_token=tsr_${'A'.repeat(60_000)}`)],
      ['revoke: no token', await post('/oauth2/revoke', 'client_id=tessera-cli')],
      ['credentials: bad JSON', await post('/cli/credentials', '{', 'application/json', { authorization: 'Bearer tsa_x' })],
      ['credentials: huge body', await post('/cli/credentials', JSON.stringify({ role_arn: 'x'.repeat(40_000) }), 'application/json', { authorization: 'Bearer tsa_x' })],
      ['credentials: Basic auth', await post('/cli/credentials', '{}', 'application/json', { authorization: 'Basic eDp5' })],
      ['/cli/nope', await fetch(`${t.url}/cli/nope`)],
      ['device page: arrays', await fetch(`${t.url}/device?user_code=a&user_code=b`, { redirect: 'manual' })],
      ['authorize: no params', await fetch(`${t.url}/oauth2/authorize`, { redirect: 'manual' })],
      ['authorize: unknown request_id', await fetch(`${t.url}/oauth2/authorize?request_id=${'0'.repeat(32)}`, { redirect: 'manual' })],
    ];
    for (const [name, r] of cases) {
      expect(r.status, name).toBeGreaterThanOrEqual(300);
      expect(r.status, name).toBeLessThan(500);
      expect(r.headers.get('cache-control'), name).toBe('no-store');
    }
    const t1 = await deviceTokens();
    for (const body of [{ role_arn: 42 }, { role_arn: roleArn, duration_seconds: 'soon' }, { role_arn: roleArn, duration_seconds: -1 }, { role_arn: 'arn:aws:iam::123:role/x' }, [1, 2]]) {
      const r = await bearer(t.url, t1.access_token, '/cli/credentials', body);
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(body)).toBeLessThan(500);
    }
    // Signed in, weird user codes are just wrong codes (and count).
    await t.services.cache.del('cli:user-code-fail:addr:127.0.0.1');
    for (const code of ['<script>', 'BCDF-GHJK-LMNP', '\u0000', 'é'.repeat(20)]) {
      const r = await jar.get(`/device?user_code=${encodeURIComponent(code)}`);
      expect(r.status).toBe(400);
      expect(r.text).not.toContain('<script>');
    }
    await t.services.cache.del('cli:user-code-fail:addr:127.0.0.1');
  });
});
