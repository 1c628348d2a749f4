import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { csrfOf, makeLocalUser, signinAudit, type Jar, type LocalUser } from '../sso/helpers.js';
import { addressKey } from '../../src/sso/address.js';
import { LoginSessions } from '../../src/sso/login-sessions.js';
import { bearer, decide, form, pollDevice, refresh, roleFor, signInJar, startDevice } from './helpers.js';

/**
 * Attacks on the CLI grants (test/client/protocol.test.ts covers the single requests): races
 * between concurrent requests (two approvals of one user code, two polls of one device code, two
 * refreshes of one refresh token, two redemptions of one auth code — exactly one may win), the
 * growing slow_down interval, expiry by the clock, revoked sign-ins on every grant, hostile bodies
 * on /cli/credentials and CSRF on the approval forms.
 */
let t: TestTessera;
let skew = 0;
let user: LocalUser;
let roleArn: string;
let jar: Jar;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const h = (s: string) => createHash('sha256').update(s).digest('base64url');
/** Lets the next poll of a device code through at once (the poll-rate key is the test's to drop). */
/** Forgets the wrong user codes counted against the test's address. */
const clearGuesses = () => Promise.all(['127.0.0.1', '::ffff:127.0.0.1', '::1'].map((a) => t.services.cache.del(`cli:user-code-fail:addr:${addressKey(a)}`)));
const unthrottle = (deviceCode: string) => t.services.cache.del(`cli:device-poll:${h(deviceCode)}`);

beforeAll(async () => {
  t = await startTestTessera({ now: () => new Date(Date.now() + skew) });
  user = await makeLocalUser(t, 'dora');
  roleArn = await roleFor(t, 'Ops', user.arn);
  jar = await signInJar(t.url, user);
});
afterAll(async () => {
  await t?.stop();
});

async function tokens(): Promise<{ access_token: string; refresh_token: string; login_session_id: string }> {
  const d = (await startDevice(t)).body;
  expect((await decide(jar, d.user_code, 'approve')).status).toBe(200);
  const r = await pollDevice(t, d.device_code);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

describe('races: one winner', () => {
  it('two concurrent approvals of one user code make ONE login session', async () => {
    const d = (await startDevice(t)).body;
    const page = await jar.get(`/device?user_code=${d.user_code}`);
    const csrf = csrfOf(page.text);
    const before = (await signinAudit(t)).filter((a) => a.action === 'CliDeviceApproval').length;
    const answers = await Promise.all([1, 2, 3, 4].map(() => jar.post('/device', { csrf, user_code: d.user_code, decision: 'approve' })));
    const approved = answers.filter((a) => a.text.includes('data-outcome="approved"'));
    expect(approved).toHaveLength(1);
    for (const a of answers) expect(a.status).toBeLessThan(500);
    const after = (await signinAudit(t)).filter((a) => a.action === 'CliDeviceApproval').length;
    expect(after - before).toBe(1);
  });

  it('concurrent polls of an approved device code: tokens exactly once', async () => {
    const d = (await startDevice(t)).body;
    await decide(jar, d.user_code, 'approve');
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => pollDevice(t, d.device_code)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) expect(['slow_down', 'invalid_grant']).toContain(a.body.error);
    // Even with the poll rate out of the way, every later poll is refused.
    for (let i = 0; i < 3; i++) {
      await unthrottle(d.device_code);
      expect((await pollDevice(t, d.device_code)).body.error).toBe('invalid_grant');
    }
  });

  it('concurrent refreshes of one refresh token: at most one new token set, and the reuse revokes the sign-in', async () => {
    const t1 = await tokens();
    const answers = await Promise.all([1, 2, 3].map(() => refresh(t, t1.refresh_token)));
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(1);
    expect(answers.filter((a) => a.body.error === 'invalid_grant').length).toBeGreaterThanOrEqual(2);
    // Reuse detected → the login session is revoked: the winner's tokens are dead too.
    const winner = answers.find((a) => a.status === 200);
    if (winner) {
      expect((await bearer(t.url, winner.body.access_token, '/cli/session')).status).toBe(401);
      expect((await refresh(t, winner.body.refresh_token)).body.error).toBe('invalid_grant');
    }
    expect((await bearer(t.url, t1.access_token, '/cli/session')).body.error).toBe('login_required');
    expect((await signinAudit(t)).some((a) => a.action === 'CliRefreshReuse')).toBe(true);
  });

  it('concurrent redemptions of one loopback code: one at most, and the replay revokes', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirect = 'http://127.0.0.1:49999/callback';
    const q = new URLSearchParams({ response_type: 'code', client_id: 'tessera-cli', redirect_uri: redirect, code_challenge: challenge, code_challenge_method: 'S256', state: 'st' });
    const consent = await jar.get(`/oauth2/authorize?${q}`);
    expect(consent.status).toBe(200);
    const back = await jar.post('/oauth2/authorize', { ...Object.fromEntries(q), csrf: csrfOf(consent.text), decision: 'approve' });
    const code = new URL(back.location!).searchParams.get('code')!;
    const redeem = () => form(`${t.url}/oauth2/token`, { grant_type: 'authorization_code', client_id: 'tessera-cli', code, redirect_uri: redirect, code_verifier: verifier });
    const answers = await Promise.all([1, 2, 3].map(redeem));
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(1);
    const winner = answers.find((a) => a.status === 200);
    if (winner) expect((await bearer(t.url, winner.body.access_token, '/cli/session')).status).toBe(401);
  });
});

describe('device code lifetime and polling rate', () => {
  it('slow_down makes the interval grow by 5 s each time', async () => {
    const d = (await startDevice(t)).body;
    expect((await pollDevice(t, d.device_code)).body.error).toBe('authorization_pending');
    const s1 = await pollDevice(t, d.device_code);
    expect(s1.body.error).toBe('slow_down');
    expect(s1.body.error_description).toMatch(/wait 10 seconds/);
    const s2 = await pollDevice(t, d.device_code);
    expect(s2.body.error).toBe('slow_down');
    expect(s2.body.error_description).toMatch(/wait 15 seconds/);
    // After the grown interval the client is heard again.
    await unthrottle(d.device_code);
    expect((await pollDevice(t, d.device_code)).body.error).toBe('authorization_pending');
  });

  it('expired_token after 10 minutes, and the user code can no longer be approved', async () => {
    const d = (await startDevice(t)).body;
    skew = 601_000;
    try {
      const r = await pollDevice(t, d.device_code);
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('expired_token');
      const page = await jar.get(`/device?user_code=${d.user_code}`);
      expect(page.status).toBe(400);
    } finally {
      skew = 0;
    }
  });

  it('a sign-in revoked between approval and the poll gives no tokens', async () => {
    const d = (await startDevice(t)).body;
    await decide(jar, d.user_code, 'approve');
    const approval = (await signinAudit(t)).filter((a) => a.action === 'CliDeviceApproval').at(-1)!;
    const lsId = (approval.detail as { loginSessionId: string }).loginSessionId;
    await new LoginSessions(t.services).revoke(lsId, new Date());
    const r = await pollDevice(t, d.device_code);
    expect(r.body.error, JSON.stringify(r.body)).toBe('invalid_grant');
    expect(r.body.error_description).toMatch(/ended/);
  });
});

describe('revoked sign-in on every path', () => {
  it('an admin revocation (LoginSessions.revoke) ends access token, refresh token and /cli/credentials', async () => {
    const t1 = await tokens();
    expect((await bearer(t.url, t1.access_token, '/cli/credentials', { role_arn: roleArn })).status).toBe(200);
    await new LoginSessions(t.services).revoke(t1.login_session_id, new Date());
    const c = await bearer(t.url, t1.access_token, '/cli/credentials', { role_arn: roleArn });
    expect(c.status).toBe(401);
    expect(c.body.error).toBe('login_required');
    expect((await bearer(t.url, t1.access_token, '/cli/roles')).status).toBe(401);
    const r = await refresh(t, t1.refresh_token);
    expect(r.body.error).toBe('invalid_grant');
  });

  it('the browser session signing out everywhere ends the CLI sign-in it approved', async () => {
    const j2 = await signInJar(t.url, user);
    const d = (await startDevice(t)).body;
    await decide(j2, d.user_code, 'approve');
    const t1 = (await pollDevice(t, d.device_code)).body;
    expect((await bearer(t.url, t1.access_token, '/cli/session')).status).toBe(200);
    const s = await j2.get('/session');
    const out = await j2.post('/signout/everywhere', { csrf: csrfOf(s.text) });
    expect(out.status).toBeLessThan(400);
    expect((await bearer(t.url, t1.access_token, '/cli/session')).status).toBe(401);
    // The shared jar was signed out too (same principal): sign it in again for the tests after.
    jar = await signInJar(t.url, user);
  });

  it('a refresh token is no Bearer token, an access token no refresh token', async () => {
    const t1 = await tokens();
    expect((await bearer(t.url, t1.refresh_token, '/cli/session')).status).toBe(401);
    expect((await refresh(t, t1.access_token)).body.error).toBe('invalid_grant');
    // A token of another Tessera (another master key) is nothing here: a flipped byte is refused.
    const flipped = t1.access_token.slice(0, -2) + (t1.access_token.endsWith('AA') ? 'BB' : 'AA');
    expect((await bearer(t.url, flipped, '/cli/session')).status).toBe(401);
  });
});

describe('hostile input', () => {
  it('/cli/credentials with bad JSON, wrong types, huge bodies: 4xx JSON, never 500', async () => {
    const t1 = await tokens();
    const post = async (body: string, type = 'application/json') => {
      const r = await fetch(`${t.url}/cli/credentials`, { method: 'POST', headers: { authorization: `Bearer ${t1.access_token}`, 'content-type': type }, body });
      const text = await r.text();
      return { status: r.status, text, cc: r.headers.get('cache-control') };
    };
    const cases = [
      '{',
      'null',
      '[]',
      '"x"',
      '{"role_arn": 5}',
      '{"role_arn": ["a","b"]}',
      '{"role_arn": {"$ne": 1}}',
      `{"role_arn": "${roleArn}", "duration_seconds": "abc"}`,
      `{"role_arn": "${roleArn}", "duration_seconds": -1}`,
      `{"role_arn": "${roleArn}", "duration_seconds": 1e309}`,
      `{"role_arn": "${roleArn}", "duration_seconds": 1.5}`,
      `{"role_arn": "${roleArn}", "duration_seconds": 99999999}`,
      `{"role_arn": "${roleArn}", "duration_seconds": {"a":1}}`,
      '{"role_arn": "arn:aws:iam::000000000000:role/Nope"}',
      '{"role_arn": "not an arn"}',
      `{"role_arn": "${'a'.repeat(20000)}"}`,
      '{"__proto__": {"role_arn": "x"}}',
    ];
    for (const c of cases) {
      const r = await post(c);
      expect(r.status, `${c.slice(0, 60)} → ${r.text}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${c.slice(0, 60)} → ${r.text}`).toBeLessThan(500);
      expect(r.cc).toBe('no-store');
      expect(() => JSON.parse(r.text)).not.toThrow();
    }
    for (const [body, type] of [
      ['role_arn=', 'application/x-www-form-urlencoded'],
      ['role_arn=a&role_arn=b', 'application/x-www-form-urlencoded'],
      ['<x/>', 'text/xml'],
    ] as const) {
      const r = await post(body, type);
      expect(r.status, `${body} → ${r.text}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
  });

  it('Authorization header variants are 401 login_required, never 500', async () => {
    for (const a of ['Bearer', 'Bearer ', 'bearer tsa_x', 'Basic dGVzdDp0ZXN0', `Bearer tsa_${'A'.repeat(5000)}`, 'Bearer tsa_' + '%00', 'Bearer tsa_é']) {
      const r = await fetch(`${t.url}/cli/session`, { headers: { authorization: a } });
      expect(r.status, a.slice(0, 30)).toBe(401);
      expect(((await r.json()) as { error: string }).error).toBe('login_required');
    }
  });

  it('CSRF: POST /device and POST /oauth2/authorize without or with a wrong token decide nothing', async () => {
    const d = (await startDevice(t)).body;
    for (const csrf of [undefined, '', 'x', csrfOf((await jar.get('/device')).text) + 'x']) {
      const r = await jar.post('/device', { ...(csrf !== undefined ? { csrf } : {}), user_code: d.user_code, decision: 'approve' });
      expect(r.status).toBe(403);
    }
    // Still pending, still approvable.
    expect((await pollDevice(t, d.device_code)).body.error).toBe('authorization_pending');
    const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
    const fields = { response_type: 'code', client_id: 'tessera-cli', redirect_uri: 'http://127.0.0.1:5/cb', code_challenge: challenge, code_challenge_method: 'S256', decision: 'approve' };
    const r = await jar.post('/oauth2/authorize', { ...fields, csrf: 'forged' });
    expect(r.status).toBe(403);
    expect(r.location).toBeNull();
    // Not signed in at all: no code either.
    const anon = await fetch(`${t.url}/oauth2/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('location')).toBeNull();
  });

  it('redirect URIs: localhost, fragments, https, userinfo, other hosts are refused with a page (never a redirect)', async () => {
    const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
    for (const uri of [
      'http://localhost:8080/cb',
      'http://127.0.0.1:8080/cb#frag',
      'http://127.0.0.1:8080/cb#',
      'https://127.0.0.1:8080/cb',
      'http://user@127.0.0.1:8080/cb',
      'http://127.0.0.1.evil.example/cb',
      'http://[::ffff:127.0.0.1]:80/cb',
      'http://evil.example/cb?x=http://127.0.0.1/',
      'javascript:alert(1)',
      '//127.0.0.1/cb',
    ]) {
      // (http://127.1/ and http://2130706433/ are 127.0.0.1 to the URL parser and the browser alike: loopback, allowed.)
      const q = new URLSearchParams({ response_type: 'code', client_id: 'tessera-cli', redirect_uri: uri, code_challenge: challenge, code_challenge_method: 'S256' });
      const r = await jar.get(`/oauth2/authorize?${q}`);
      expect(r.status, uri).toBe(400);
      expect(r.location, uri).toBeNull();
    }
  });

});

describe('after the approval', () => {
  it('the CLI login session is its own: revoking it leaves the browser session signed in', async () => {
    const t1 = await tokens();
    await new LoginSessions(t.services).revoke(t1.login_session_id, new Date());
    expect((await jar.get('/session')).status).toBe(200);
  });

  it('credentials issued through the CLI are audited with via=cli and the CLI login session', async () => {
    const t1 = await tokens();
    const c = await bearer(t.url, t1.access_token, '/cli/credentials', { role_arn: roleArn, duration_seconds: 900 });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body.Version).toBe(1);
    expect(Date.parse(c.body.Expiration) - Date.now()).toBeLessThanOrEqual(901_000);
    await sleep(50);
  });
});

describe('guessing (last: it blocks this address)', () => {
  it('user-code guessing: 429 after 10 wrong codes, also for a right one; the CLI can still poll', async () => {
    await clearGuesses();
    const j = await signInJar(t.url, await makeLocalUser(t, 'guesser'));
    const d = (await startDevice(t)).body;
    const csrf = csrfOf((await j.get('/device')).text);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await j.post('/device', { csrf, user_code: 'BBBB-BBBB', decision: 'approve' })).status);
    expect(statuses.slice(0, 10), statuses.join()).toEqual(Array(10).fill(400));
    expect(statuses[10]).toBe(429);
    const right = await j.post('/device', { csrf, user_code: d.user_code, decision: 'approve' });
    expect(right.status).toBe(429);
    expect((await pollDevice(t, d.device_code)).body.error).toBe('authorization_pending');
  });
});
