import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { Jar, csrfOf, makeLocalUser, testId, type LocalUser } from './helpers.js';
import { durationChoices, durationLabel } from '../../src/sso/portal.js';
import { credentialTexts } from '../../src/web/portal-pages.js';

/**
 * The portal at the HTTP level, with requests no browser would send: sign-in required, CSRF,
 * security headers and no-store, refusals as pages with AWS's code and message (never a 500),
 * the per-session role cache dropped on a refusal, and hostile input.
 */
let t: TestTessera;
let pat: LocalUser;
let other: LocalUser;

const trustUser = (arn: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: arn }, Action: 'sts:AssumeRole' }] });
const stsAudit = async () =>
  (
    await t.database.db.query<{ action: string; outcome: string; error_code: string | null; principal_arn: string | null; detail: Record<string, unknown> }>(
      `SELECT action, outcome, error_code, principal_arn, detail FROM audit_events WHERE service = 'sts' AND detail->>'via' = 'portal' ORDER BY event_time, id`,
    )
  ).rows;

beforeAll(async () => {
  t = await startTestTessera();
  pat = await makeLocalUser(t, 'pat');
  other = await makeLocalUser(t, 'olga');
  const iam = iamClient(t, t.root);
  await iam.send(new CreateRoleCommand({ RoleName: 'dev', AssumeRolePolicyDocument: trustUser(pat.arn), Description: 'Developers <b>&amp;</b> friends', MaxSessionDuration: 3600 }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'dev', PolicyName: 'read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }] }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'long', AssumeRolePolicyDocument: trustUser(pat.arn), MaxSessionDuration: 43200 }));
  // Trusts only olga: pat is never offered it, and asking for it anyway is AccessDenied.
  await iam.send(new CreateRoleCommand({ RoleName: 'olgas', AssumeRolePolicyDocument: trustUser(other.arn) }));
});
afterAll(async () => {
  await t?.stop();
});

async function signIn(u: LocalUser, returnTo?: string): Promise<Jar> {
  const j = new Jar(t.url);
  const form = await j.get('/signin/local');
  const r = await j.post('/signin/local', { csrf: csrfOf(form.text), account: '', username: u.name, password: u.password, ...(returnTo ? { return_to: returnTo } : {}) });
  expect(r.status, testId(r.text, 'error') ?? '').toBe(303);
  return j;
}

function expectPageHeaders(h: Headers, scripts: boolean) {
  expect(h.get('cache-control')).toBe('no-store');
  const csp = h.get('content-security-policy')!;
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("form-action 'self'");
  if (scripts) expect(csp).toContain("script-src 'self'");
  else expect(csp).not.toContain('script-src');
  expect(h.get('x-content-type-options')).toBe('nosniff');
  expect(h.get('referrer-policy')).toBe('no-referrer');
  expect(h.get('x-frame-options')).toBe('DENY');
}

describe('signing in to the portal', () => {
  it('GET /portal without a session → 303 /signin?return_to=/portal, and the sign-in comes back to it', async () => {
    const anon = new Jar(t.url);
    const r = await anon.get('/portal');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/signin?return_to=/portal');
    const j = new Jar(t.url);
    const form = await j.get('/signin/local?return_to=/portal');
    const done = await j.post('/signin/local', { csrf: csrfOf(form.text), account: '', username: pat.name, password: pat.password, return_to: '/portal' });
    expect(done.location).toBe('/portal');
    expect((await j.get('/portal')).status).toBe(200);
    // A dead session cookie is the same as none (and is cleared).
    const dead = new Jar(t.url);
    dead.cookies.set('__Host-tessera-session', 'A'.repeat(43));
    expect((await dead.get('/portal')).location).toBe('/signin?return_to=/portal');
    expect((await dead.post('/portal/credentials', { role_arn: 'x' })).location).toBe('/signin?return_to=/portal');
  });

  it('lists exactly the roles the trust policies offer, escaped, with durations up to each maximum; headers without script', async () => {
    const j = await signIn(pat);
    const r = await j.get('/portal');
    expect(r.status).toBe(200);
    expectPageHeaders(r.headers, false);
    const arns = [...r.text.matchAll(/data-role-arn="([^"]+)"/g)].map((m) => m[1]);
    expect(arns).toEqual([`arn:aws:iam::${t.accountId}:role/dev`, `arn:aws:iam::${t.accountId}:role/long`]);
    expect(r.text).toContain('Developers &lt;b&gt;&amp;amp;&lt;/b&gt; friends');
    expect(r.text).not.toContain('<b>');
    // dev: at most 1 h; long: up to 12 h, 1 h preselected.
    const selects = [...r.text.matchAll(/<select[^>]*>(.*?)<\/select>/gs)].map((m) => [...m[1]!.matchAll(/value="(\d+)"( selected)?/g)].map((o) => `${o[1]}${o[2] ? '*' : ''}`));
    expect(selects).toEqual([
      ['900', '1800', '3600*'],
      ['900', '1800', '3600*', '7200', '14400', '28800', '43200'],
    ]);
    expect(r.text).toContain('action="/console/role"');
    expect(r.text).toMatch(/data-testid="nav-portal" aria-current="page"/);
    expect(r.text).toContain('href="/console"');
  });

  it('the session page links to the portal', async () => {
    const j = await signIn(pat);
    const s = await j.get('/session');
    expect(s.text).toContain('data-testid="to-portal"');
    expect(s.text).toContain('href="/portal"');
  });
});

describe('POST /portal/credentials', () => {
  it('without the CSRF token, or with another session’s, is 403 and issues nothing', async () => {
    const j = await signIn(pat);
    const o = await signIn(other);
    const before = (await stsAudit()).length;
    const none = await j.post('/portal/credentials', { role_arn: `arn:aws:iam::${t.accountId}:role/dev` });
    expect(none.status).toBe(403);
    expect(testId(none.text, 'code')).toBe('csrf');
    expectPageHeaders(none.headers, false);
    expect(none.text).not.toMatch(/ASIA[A-Z0-9]{16}/);
    const foreign = await j.post('/portal/credentials', { role_arn: `arn:aws:iam::${t.accountId}:role/dev`, csrf: csrfOf((await o.get('/portal')).text) });
    expect(foreign.status).toBe(403);
    const twice = await j.post('/portal/credentials', { role_arn: `arn:aws:iam::${t.accountId}:role/dev`, csrf: [csrfOf((await j.get('/portal')).text), 'x'] });
    expect(twice.status).toBe(403);
    expect((await stsAudit()).length).toBe(before);
  });

  it('issues: a no-store page with the script allowed, the blocks, the expiration; audited with the person and the login session', async () => {
    const j = await signIn(pat);
    const sessionId = testId((await j.get('/session')).text, 'session-id')!;
    const csrf = csrfOf((await j.get('/portal')).text);
    const r = await j.post('/portal/credentials', { role_arn: `arn:aws:iam::${t.accountId}:role/long`, duration: '7200', csrf });
    expect(r.status).toBe(200);
    expectPageHeaders(r.headers, true);
    expect(r.text).toContain('<script src="/assets/portal.js" defer></script>');
    expect(r.text).not.toMatch(/<script>/);
    const text = r.text.replace(/&#39;/g, "'");
    const akid = /AWS_ACCESS_KEY_ID='(ASIA[A-Z0-9]{16})'/.exec(text)?.[1];
    expect(akid).toBeDefined();
    expect(testId(r.text, 'cred-assumed-arn')).toBe(`arn:aws:sts::${t.accountId}:assumed-role/long/pat`);
    const exp = /<time datetime="([^"]+)" data-testid="expiration"/.exec(r.text)![1]!;
    expect(Math.abs(Date.parse(exp) - Date.now() - 7200_000)).toBeLessThan(10_000);
    const row = (await stsAudit()).at(-1)!;
    expect(row).toMatchObject({ action: 'AssumeRole', outcome: 'success', principal_arn: pat.arn, detail: { via: 'portal', loginSessionId: sessionId, subject: 'pat' } });
    // issueForSession reports the seconds left at issue, rounded: 7199 when the clock's milliseconds were ≥ 500.
    expect(row.detail.durationSeconds).toBeGreaterThanOrEqual(7199);
    expect(row.detail.durationSeconds).toBeLessThanOrEqual(7200);
    expect(JSON.stringify(row)).not.toContain(/AWS_SECRET_ACCESS_KEY='([^']+)'/.exec(text)![1]!);
    // A reload of the URL is not a way to the credentials.
    expect((await j.get('/portal/credentials')).location).toBe('/portal');
  });

  it('a duration over the role’s MaxSessionDuration → ValidationError, AWS’s message', async () => {
    const j = await signIn(pat);
    const csrf = csrfOf((await j.get('/portal')).text);
    const r = await j.post('/portal/credentials', { role_arn: `arn:aws:iam::${t.accountId}:role/dev`, duration: '7200', csrf });
    expect(r.status).toBe(400);
    expect(testId(r.text, 'code')).toBe('ValidationError');
    expect(testId(r.text, 'error')).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    expect((await stsAudit()).at(-1)).toMatchObject({ outcome: 'failure', error_code: 'ValidationError' });
  });

  it('a role the trust policy does not offer → AccessDenied page with AWS’s message, audited; the cached roles are dropped', async () => {
    const j = await signIn(pat);
    const sessionId = testId((await j.get('/session')).text, 'session-id')!;
    const csrf = csrfOf((await j.get('/portal')).text);
    expect(await t.services.cache.get(`portal-roles:${sessionId}`)).not.toBeNull();
    const r = await j.post('/portal/credentials', { role_arn: `arn:aws:iam::${t.accountId}:role/olgas`, csrf });
    expect(r.status).toBe(403);
    expect(testId(r.text, 'code')).toBe('AccessDenied');
    expect(testId(r.text, 'error')).toBe(`User: ${pat.arn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${t.accountId}:role/olgas`);
    expect(r.text).toContain('href="/portal"');
    expect((await stsAudit()).at(-1)).toMatchObject({ outcome: 'failure', error_code: 'AccessDenied', detail: { via: 'portal', loginSessionId: sessionId } });
    expect(await t.services.cache.get(`portal-roles:${sessionId}`)).toBeNull();
  });

  it('the role list is cached per login session: a role granted now shows on a new session, and after the entry goes', async () => {
    const j = await signIn(pat);
    const sessionId = testId((await j.get('/session')).text, 'session-id')!;
    expect((await j.get('/portal')).text).not.toContain('role/later');
    await iamClient(t, t.root).send(new CreateRoleCommand({ RoleName: 'later', AssumeRolePolicyDocument: trustUser(pat.arn) }));
    expect((await j.get('/portal')).text).not.toContain('role/later');
    const ttl = await t.services.cache.get(`portal-roles:${sessionId}`);
    expect(ttl).not.toBeNull();
    expect((await (await signIn(pat)).get('/portal')).text).toContain('role/later');
    await t.services.cache.del(`portal-roles:${sessionId}`);
    expect((await j.get('/portal')).text).toContain('role/later');
    // A corrupt entry is recomputed, not an outage.
    await t.services.cache.set(`portal-roles:${sessionId}`, '{"not":"offers"', 60);
    expect((await j.get('/portal')).status).toBe(200);
  });

  it.each([
    ['no role', {}, 400, 'ValidationError'],
    ['a role that is no ARN', { role_arn: 'dev' }, 400, 'ValidationError'],
    ['an enormous ARN', { role_arn: `arn:aws:iam::123456789012:role/${'a'.repeat(5000)}` }, 400, 'ValidationError'],
    ['a duration that is no number', { role_arn: 'arn:aws:iam::123456789012:role/dev', duration: '1h' }, 400, 'ValidationError'],
    ['a duration below 900', { role_arn: 'arn:aws:iam::123456789012:role/dev', duration: '60' }, 400, 'ValidationError'],
    ['a duration above 12 h', { role_arn: 'arn:aws:iam::123456789012:role/long', duration: '99999' }, 400, 'ValidationError'],
    ['a role of an unknown account', { role_arn: 'arn:aws:iam::999999999999:role/dev' }, 403, 'AccessDenied'],
    ['an unknown role', { role_arn: 'arn:aws:iam::123456789012:role/nope' }, 403, 'AccessDenied'],
    ['two role_arn fields', { role_arn: ['arn:aws:iam::123456789012:role/dev', 'arn:aws:iam::123456789012:role/olgas'] }, 400, 'ValidationError'],
  ] as const)('%s → its 4xx page', async (_what, form, status, code) => {
    const j = await signIn(pat);
    const csrf = csrfOf((await j.get('/portal')).text);
    const r = await j.post('/portal/credentials', { ...(form as Record<string, string | string[]>), csrf });
    expect(r.status, r.text).toBe(status);
    expect(testId(r.text, 'code')).toBe(code);
    expectPageHeaders(r.headers, false);
  });

  it('malformed bodies are 4xx pages, never a 500', async () => {
    const j = await signIn(pat);
    const csrf = csrfOf((await j.get('/portal')).text);
    const bad = await j.post('/portal/credentials', `csrf=${csrf}&role_arn=%E0%A4%A`, {});
    expect(bad.status).toBeLessThan(500);
    const big = await j.post('/portal/credentials', `csrf=${csrf}&x=${'a'.repeat(300 * 1024)}`);
    expect(big.status).toBe(413);
    expect(testId(big.text, 'code')).toBe('BadRequest');
    const json = await j.post('/portal/credentials', JSON.stringify({ csrf, role_arn: 'x' }), { contentType: 'application/json' });
    expect(json.status).toBe(403);
  });
});

describe('the rest of /portal', () => {
  it('unknown paths are 404 pages with the headers; /assets/portal.js is JavaScript', async () => {
    for (const p of ['/portal/nope', '/PORTAL', '/portal/credentials/x']) {
      const r = await new Jar(t.url).get(p);
      expect(r.status, p).toBe(404);
      expectPageHeaders(r.headers, false);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    }
    const js = await fetch(`${t.url}/assets/portal.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await js.text()).toContain('navigator.clipboard');
    // The sign-in router's assets are unchanged.
    expect((await fetch(`${t.url}/assets/tessera.css`)).status).toBe(200);
    expect((await fetch(`${t.url}/assets/nope.js`)).status).toBe(404);
  });

  it('notices are fixed texts: a ?notice= of anything else shows nothing', async () => {
    const j = await signIn(pat);
    expect(testId((await j.get('/portal?notice=console_ended')).text, 'notice')).toMatch(/console session has ended/);
    const evil = await j.get('/portal?notice=%3Cscript%3Ealert(1)%3C/script%3E');
    expect(evil.status).toBe(200);
    expect(testId(evil.text, 'notice')).toBeUndefined();
    expect(evil.text).not.toContain('alert(1)');
    expect((await j.get('/portal?notice=constructor')).text).not.toContain('data-testid="notice"');
  });

  it('durations and the credential blocks: quoting keeps every value literal', () => {
    expect(durationChoices(3600).map((c) => c.seconds)).toEqual([900, 1800, 3600]);
    expect(durationChoices(5400).map((c) => `${c.label}${c.selected ? '*' : ''}`)).toEqual(['15 min', '30 min', '1 h*', '1 h 30 min']);
    expect([7199, 7200, 43200, 60].map(durationLabel)).toEqual(['2 h', '2 h', '12 h', '1 min']);
    const t1 = credentialTexts({ credentials: { AccessKeyId: 'ASIA', SecretAccessKey: "a'b$c`d", SessionToken: 'x\ny' }, endpoint: 'https://t.example', accountId: '123456789012', roleName: 'r' });
    expect(t1.exports).toContain(`export AWS_SECRET_ACCESS_KEY='a'\\''b$c\`d'`);
    expect(t1.powershell).toContain(`$Env:AWS_SECRET_ACCESS_KEY = 'a''b$c\`d'`);
    expect(t1.file).toContain('aws_session_token = xy');
    expect(t1.file.split('\n')[0]).toBe('[123456789012_r]');
  });
});
