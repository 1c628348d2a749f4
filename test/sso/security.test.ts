import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { Jar, csrfOf, makeLocalUser, testId, type LocalUser } from './helpers.js';
import { isSafeReturnTo, safeReturnTo } from '../../src/sso/return-to.js';
import { setUpConnectors, startUpstream, testFactories, type Upstream } from './test-connector.js';

/**
 * The sign-in pages' defences at the HTTP level, with requests no browser would send: security
 * headers, CSRF, return_to, escaping, and malformed input (never a 500).
 */
const ORIGIN = 'http://127.0.0.1:8080';
let t: TestTessera;
let up: Upstream;
let alice: LocalUser;

beforeAll(async () => {
  t = await startTestTessera({ connectorFactories: testFactories });
  up = await startUpstream();
  await setUpConnectors(t, up, [{ id: 'corp', type: 'oidc' }, { id: 'corp-saml', type: 'saml' }]);
  alice = await makeLocalUser(t, 'alice');
});
afterAll(async () => {
  await up?.close();
  await t?.stop();
});

describe('return_to', () => {
  const refused = [
    '//evil.example', 'https://evil.example', 'http:evil.example', '/\\evil.example', '\\evil.example', '\\/evil.example', '%2F%2Fevil.example', '/%2F/evil.example',
    '/%2f/evil.example', '/%5Cevil.example', '/%5cevil.example', '/%252F%252Fevil.example', '/%25252F', '/\t/evil.example', '/\n/evil.example', '/\r/evil.example',
    '/\u0000x', '/\u007f', '/\u00a0//evil.example', '/\u2028', '/\ufeff//evil.example', 'javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', ' /session',
    '///evil.example', '/.//evil.example/../', '', 'session', '/signin/local', '/signout', `/${'a'.repeat(3000)}`,
  ];
  it.each(refused)('refuses %j', (p) => {
    expect(isSafeReturnTo(p, ORIGIN)).toBe(false);
    expect(safeReturnTo(p, ORIGIN)).toBe('/session');
  });
  it.each(['/session', '/session?x=1&y=%20', '/portal/roles#top', '/é'])('accepts %j', (p) => {
    expect(isSafeReturnTo(p, ORIGIN)).toBe(true);
  });
  it('non-strings (arrays from a[]=) are the default', () => {
    expect(safeReturnTo(['/x'], ORIGIN)).toBe('/session');
    expect(safeReturnTo(undefined, ORIGIN)).toBe('/session');
  });

  it.each(refused.filter((p) => p !== ''))('a sign-in POSTing return_to=%j lands on /session', async (p) => {
    const j = new Jar(t.url);
    const form = await j.get('/signin/local');
    const r = await j.post('/signin/local', { csrf: csrfOf(form.text), account: '', username: alice.name, password: alice.password, return_to: p });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/session');
  });

  it('and through a connector round trip', async () => {
    const j = new Jar(t.url);
    const start = await j.get(`/signin/corp?return_to=${encodeURIComponent('//evil.example')}`);
    const cb = (await fetch(start.location!, { redirect: 'manual' })).headers.get('location')!;
    expect((await j.get(cb)).location).toBe('/session');
  });
});

describe('headers', () => {
  it.each(['/signin', '/signin/local', '/session', '/signed-out', '/signin/nope', '/signin/mfa', '/assets/tessera.css'])('%s has the CSP and friends', async (p) => {
    const r = await fetch(`${t.url}${p}`, { redirect: 'manual' });
    expect(r.status).toBeLessThan(500);
    expect(r.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    if (p !== '/assets/tessera.css') {
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(r.headers.get('strict-transport-security')).toBeNull(); // plain http
  });

  // Express routes ignore case and a trailing slash by default: each variant must be either our page
  // with every header, or our HTML 404 page (also with them) — never a page without its CSP, never the API's JSON.
  it.each(['/SIGNIN/local', '/Signin', '/session/', '/SESSION', '/signed-out/', '/Signed-Out', '/signin/local/', '/signin/a/b/c', '/signin/corp/x', '/SIGNIN/nope', '/ASSETS/tessera.css'])(
    'variant %s: our headers and an HTML page',
    async (p) => {
      const r = await fetch(`${t.url}${p}`, { redirect: 'manual' });
      expect(r.status).toBeLessThan(500);
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('cache-control')).toBe('no-store');
      if (r.status !== 303) expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    },
  );
  it('/signin/ (a typed trailing slash) goes to /signin', async () => {
    const r = await fetch(`${t.url}/signin/`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/signin');
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
  it.each(['/SIGNIN/local', '/SIGNOUT', '/Signin/corp/Callback'])('POST variant %s: our HTML refusal', async (p) => {
    const j = new Jar(t.url);
    await j.get('/signin');
    const r = await j.post(p, 'x=1');
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('HSTS when the public URL is https', async () => {
    const s = await startTestTessera({ env: { TESSERA_PUBLIC_URL: 'https://sso.tessera.example' } });
    try {
      const r = await fetch(`${s.url}/signin`);
      expect(r.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      // Cookies for an https public URL: __Host-, Secure.
      expect(r.headers.getSetCookie()[0]).toMatch(/^__Host-tessera-flow=.*; Secure; SameSite=None/);
    } finally {
      await s.stop();
    }
  });

  it('pages are UTF-8 HTML with lang', async () => {
    const r = await fetch(`${t.url}/signin`);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const text = await r.text();
    expect(text).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(text).toContain('<meta charset="utf-8">');
    expect(text).not.toMatch(/<script|style=/i);
  });
});

describe('CSRF', () => {
  it('POST /signin/local without a flow cookie, without a token, or with a foreign token: 403 page, nothing checked', async () => {
    const a = new Jar(t.url);
    const b = new Jar(t.url);
    const formA = await a.get('/signin/local');
    await b.get('/signin/local');
    const creds = { account: '', username: alice.name, password: alice.password };
    for (const [jar, body] of [
      [new Jar(t.url), { ...creds, csrf: csrfOf(formA.text) }],
      [a, creds],
      [a, { ...creds, csrf: '' }],
      [a, { ...creds, csrf: 'x'.repeat(43) }],
      [b, { ...creds, csrf: csrfOf(formA.text) }],
      [a, { ...creds, csrf: [csrfOf(formA.text), csrfOf(formA.text)] }],
    ] as const) {
      const r = await jar.post('/signin/local', body as Record<string, string>);
      expect(r.status).toBe(403);
      expect(testId(r.text, 'reason')).toBe('csrf');
      expect(jar.cookies.has('__Host-tessera-session')).toBe(false);
    }
  });

  it('POST /signout needs the token of this session', async () => {
    const a = new Jar(t.url);
    const f = await a.get('/signin/local');
    await a.post('/signin/local', { csrf: csrfOf(f.text), account: '', username: alice.name, password: alice.password });
    const page = await a.get('/session');
    expect(page.status).toBe(200);
    const other = new Jar(t.url);
    const g = await other.get('/signin/local');
    await other.post('/signin/local', { csrf: csrfOf(g.text), account: '', username: alice.name, password: alice.password });
    const otherToken = csrfOf((await other.get('/session')).text);
    expect((await a.post('/signout', {})).status).toBe(403);
    expect((await a.post('/signout', { csrf: otherToken })).status).toBe(403);
    expect((await a.post('/signout/everywhere', { csrf: otherToken })).status).toBe(403);
    expect((await a.get('/session')).status).toBe(200);
    expect((await a.post('/signout', { csrf: csrfOf(page.text) })).location).toBe('/signed-out');
    expect((await a.get('/session')).location).toBe('/signin');
    expect((await other.get('/session')).status).toBe(200);
  });
});

describe('escaping', () => {
  it('a user name with markup is shown escaped on the refused form', async () => {
    const j = new Jar(t.url);
    const f = await j.get('/signin/local');
    const r = await j.post('/signin/local', { csrf: csrfOf(f.text), account: '"><img src=x onerror=alert(1)>', username: '<script>alert(1)</script>', password: 'x' });
    expect(r.status).toBe(401);
    expect(r.text).not.toContain('<script>alert(1)');
    expect(r.text).not.toContain('<img src=x');
    expect(r.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('malformed input: a clear 4xx page, never a 500', () => {
  const posts: [string, string, string?][] = [
    ['/signin/local', ''],
    ['/signin/local', 'a[]=1&a[]=2&username[]=x&password[x]=y'],
    // NUL (Postgres text cannot hold it) in each field, after a valid CSRF token (see the case below).
    ['/signin/local', 'CSRF&account=%00&username=u&password=p'],
    ['/signin/local', 'CSRF&account=&username=%00x&password=p'],
    ['/signin/local', 'CSRF&account=&username=u&password=%00'],
    ['/signin/local', '%ff%fe=%ff&csrf=%'],
    ['/signin/local', `username=${'x'.repeat(300 * 1024)}`],
    ['/signin/local', '{"username":"x"}', 'application/json'],
    ['/signin/local', '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--b--', 'multipart/form-data; boundary=b'],
    ['/signin/local', 'x=1', 'application/x-www-form-urlencoded; charset=utf-16'],
    ['/signin/local', Array.from({ length: 2000 }, (_, i) => `k${i}=v`).join('&')],
    ['/signin/mfa', 'code=123456'],
    ['/signin/mfa/enrol', 'code1=1&code2=2'],
    ['/signin/recovery', 'recovery_code=x'],
    ['/signin/password', 'old_password=x'],
    ['/signout', 'csrf[]=x'],
    ['/signout/everywhere', ''],
    ['/signin/corp/callback', 'state=x&code=y'],
    ['/signin/corp-saml/callback', 'SAMLResponse=%%%&RelayState[]=x'],
    ['/signin/corp-saml/callback', `SAMLResponse=${'A'.repeat(200 * 1024)}`],
    ['/signin/corp-saml/callback', `RelayState=${'A'.repeat(43)}&SAMLResponse=x`],
    ['/signin/corp-saml/callback', `SAMLResponse=${'A'.repeat(300 * 1024)}`],
    ['/signin/nope/callback', 'x=1'],
    ['/signin/%E0%A4%A/callback', 'x=1'],
  ];
  it.each(posts)('POST %s %#', async (path, body, type) => {
    const j = new Jar(t.url);
    const form = await j.get('/signin/local');
    const r = await j.post(path, body.replace(/^CSRF/, `csrf=${csrfOf(form.text)}`), type ? { contentType: type } : {});
    expect(r.status, r.text.slice(0, 400)).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(testId(r.text, 'request-id') ?? testId(r.text, 'error')).toBeDefined();
  });

  const gets = [
    '/signin/corp/callback', '/signin/corp/callback?state=', '/signin/corp/callback?state=a&state=b', '/signin/corp/callback?state=%ff', `/signin/corp/callback?state=${'x'.repeat(8000)}`,
    '/signin/%ff', '/signin/a%2Fb', '/signin/-x', `/signin/${'a'.repeat(64)}`, '/signin?return_to[]=x', '/signin/local?return_to=%ff', '/signin/mfa', '/signin/mfa/enrol', '/signin/recovery', '/signin/password',
  ];
  it.each(gets)('GET %s', async (path) => {
    const r = await fetch(`${t.url}${path}`, { redirect: 'manual', headers: { cookie: '__Host-tessera-flow=junk; __Host-tessera-session=%00' } });
    expect(r.status).toBeLessThan(500);
  });

  it('odd cookies are ignored', async () => {
    for (const cookie of ['__Host-tessera-session=;;;', '__Host-tessera-session="x"', `__Host-tessera-session=${'A'.repeat(43)}`, '=', ';', '__Host-tessera-session=a=b']) {
      const r = await fetch(`${t.url}/session`, { redirect: 'manual', headers: { cookie } });
      expect(r.status).toBe(303);
    }
  });
});
