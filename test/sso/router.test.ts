import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { Jar, signinAudit, testId } from './helpers.js';
import { setUpConnectors, startUpstream, testFactories, type Upstream } from './test-connector.js';

/**
 * The router's flow handling, with test connectors driving a local upstream (test-connector.ts):
 * a full redirect sign-in and a POST (SAML-style) one; the forged callbacks — missing, unknown,
 * reused and foreign state — and unsolicited POSTs each get their own clear page and audit event.
 */
let t: TestTessera;
let up: Upstream;

beforeAll(async () => {
  t = await startTestTessera({ connectorFactories: testFactories });
  up = await startUpstream();
  await setUpConnectors(t, up, [
    { id: 'corp', type: 'oidc' },
    { id: 'corp-saml', type: 'saml' },
    { id: 'open-saml', type: 'saml', allowIdpInitiated: true },
  ]);
});
afterAll(async () => {
  await up?.close();
  await t?.stop();
});

/** Starts a sign-in in `jar`; returns the callback URL the upstream sent the browser to. */
async function begin(jar: Jar, id = 'corp', login = 'person-1', returnTo?: string): Promise<string> {
  const start = await jar.get(`/signin/${id}${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`);
  expect(start.status).toBe(302);
  const authorize = new URL(start.location!);
  expect(authorize.origin).toBe(up.url);
  authorize.searchParams.set('login', login);
  const r = await fetch(authorize, { redirect: 'manual' });
  expect(r.status).toBe(302);
  return r.headers.get('location')!;
}

const reasonOf = (page: string) => testId(page, 'reason');

describe('redirect connector (state in the query)', () => {
  it('signs in: start → upstream → callback → /session with the provider, subject and groups', async () => {
    const jar = new Jar(t.url);
    const cb = await begin(jar, 'corp', 'p-100');
    expect(new URL(cb).pathname).toBe('/signin/corp/callback');
    const done = await jar.get(cb);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/session');
    const s = await jar.get('/session');
    expect(testId(s.text, 'provider')).toMatch(/^arn:aws:iam::123456789012:oidc-provider\/idp\.test\.example$/);
    expect(testId(s.text, 'subject')).toBe('p-100');
    expect(testId(s.text, 'groups')).toBe('engineering, on-call');
    expect(s.text).toContain('data-present="false"');
    const audit = (await signinAudit(t)).filter((a) => a.action === 'SignIn' && a.outcome === 'success');
    expect(audit.at(-1)).toMatchObject({ detail: { connectorId: 'corp', subject: 'p-100', method: 'federated' } });
  });

  it('missing state → state_missing page (400), audited', async () => {
    const jar = new Jar(t.url);
    const cb = new URL(await begin(jar));
    cb.searchParams.delete('state');
    const r = await jar.get(cb.toString());
    expect(r.status).toBe(400);
    expect(reasonOf(r.text)).toBe('state_missing');
    expect(r.text).toContain('has no state');
    expect((await signinAudit(t)).at(-1)).toMatchObject({ outcome: 'failure', error_code: 'state_missing', detail: { connectorId: 'corp' } });
  });

  it('unknown state → state_unknown page', async () => {
    const jar = new Jar(t.url);
    const cb = new URL(await begin(jar));
    cb.searchParams.set('state', 'A'.repeat(43));
    const r = await jar.get(cb.toString());
    expect(r.status).toBe(400);
    expect(reasonOf(r.text)).toBe('state_unknown');
    const junk = await jar.get('/signin/corp/callback?state=%00%ff&code=x');
    expect(reasonOf(junk.text)).toBe('state_unknown');
  });

  it('a state used once → state_reused on the second use, even after the cache forgot the flow is used', async () => {
    const jar = new Jar(t.url);
    const cb = await begin(jar);
    expect((await jar.get(cb)).status).toBe(303);
    // The cache's "used" marker gone (a Redis restart): Postgres still says used.
    const state = new URL(cb).searchParams.get('state')!;
    await t.services.cache.del(`once:signin-flow:${createHash('sha256').update(state).digest('base64url')}`);
    const again = await jar.get(cb);
    expect(again.status).toBe(400);
    expect(reasonOf(again.text)).toBe('state_reused');
    expect((await signinAudit(t)).at(-1)).toMatchObject({ error_code: 'state_reused' });
  });

  it("another browser's state → state_foreign (403), and the owner can still finish", async () => {
    const victim = new Jar(t.url);
    const attacker = new Jar(t.url);
    const cb = await begin(attacker, 'corp', 'attacker');
    await victim.get('/signin'); // the victim has a flow cookie of its own
    const forged = await victim.get(cb);
    expect(forged.status).toBe(403);
    expect(reasonOf(forged.text)).toBe('state_foreign');
    expect(victim.cookies.has('__Host-tessera-session')).toBe(false);
    const none = new Jar(t.url);
    expect(reasonOf((await none.get(cb)).text)).toBe('state_foreign');
    expect((await attacker.get(cb)).location).toBe('/session');
  });

  it('return_to survives the round trip when same-origin, and is replaced when not', async () => {
    const jar = new Jar(t.url);
    expect((await jar.get(await begin(jar, 'corp', 'p', '/session?tab=roles'))).location).toBe('/session?tab=roles');
    const evil = new Jar(t.url);
    expect((await evil.get(await begin(evil, 'corp', 'p', '//evil.example'))).location).toBe('/session');
  });

  it('unknown connector ids and reserved names are a 404 page', async () => {
    const jar = new Jar(t.url);
    for (const p of ['/signin/nope', '/signin/NOPE', '/signin/..%2f', '/signin/nope/callback?state=x', '/signin/nope/metadata']) {
      const r = await jar.get(p);
      expect(r.status, p).toBe(404);
    }
  });
});

describe('POST connector (state in the body, SAML-style)', () => {
  async function samlPost(jar: Jar, id: string, relay: boolean) {
    let acs = `${t.url}/signin/${id}/callback`;
    let page: string;
    if (relay) {
      const start = await jar.get(`/signin/${id}`);
      const sso = new URL(start.location!);
      acs = sso.searchParams.get('acs')!;
      page = await (await fetch(sso)).text();
    } else {
      page = await (await fetch(`${up.url}/idp-initiated?acs=${encodeURIComponent(acs)}&login=idp-person`)).text();
    }
    const form: Record<string, string> = {};
    for (const m of page.matchAll(/name="(\w+)" value="([^"]*)"/g)) form[m[1]!] = m[2]!;
    return jar.post(new URL(acs).pathname, form);
  }

  it('signs in through the ACS POST', async () => {
    const jar = new Jar(t.url);
    const r = await samlPost(jar, 'corp-saml', true);
    expect(r.location).toBe('/session');
    expect(testId((await jar.get('/session')).text, 'provider')).toMatch(/saml-provider\/TestSaml$/);
  });

  it('an unsolicited response (no RelayState) is refused where IdP-initiated is off: unsolicited_response page', async () => {
    const jar = new Jar(t.url);
    const r = await samlPost(jar, 'corp-saml', false);
    expect(r.status).toBe(400);
    expect(reasonOf(r.text)).toBe('unsolicited_response');
    expect(jar.cookies.has('__Host-tessera-session')).toBe(false);
    expect((await signinAudit(t)).at(-1)).toMatchObject({ error_code: 'unsolicited_response', detail: { connectorId: 'corp-saml' } });
  });

  it('and accepted where the connector allows IdP-initiated sign-in', async () => {
    const jar = new Jar(t.url);
    const r = await samlPost(jar, 'open-saml', false);
    expect(r.location).toBe('/session');
    expect(testId((await jar.get('/session')).text, 'subject')).toBe('idp-person');
  });

  it('SP metadata at /signin/<id>/metadata', async () => {
    const r = await fetch(`${t.url}/signin/corp-saml/metadata`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/);
    expect(await r.text()).toContain(`entityID="${t.url}/signin/corp-saml/callback"`);
    expect((await fetch(`${t.url}/signin/corp/metadata`)).status).toBe(404);
  });
});
