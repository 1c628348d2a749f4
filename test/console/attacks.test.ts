import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddClientIDToOpenIDConnectProviderCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { Jar, csrfOf, makeLocalUser, type LocalUser } from '../sso/helpers.js';
import { consoleRole, oidcProvider, openConsoleFor, sessionOfSecret } from '../console2/helpers.js';
import { iamQuery } from '../sso/test-connector.js';
import { consoleStateKey } from '../../src/web/console/sections-router.js';

/**
 * Attacks on the console as it stands (the sections router of console2; the users/groups/roles/
 * policies framework never landed): requests a browser would not send. CSRF on every mutation,
 * AWS's AccessDenied message exactly, a revoked / deleted / tampered console role session stops
 * at once, stored names and reflected input are escaped, odd input is a 4xx never a 500.
 */
let t: TestTessera;
let ada: LocalUser;
let eve: LocalUser;
let adminRole: string;
let readerRole: string;
let provider: string;

const XSS = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;

beforeAll(async () => {
  t = await startTestTessera();
  ada = await makeLocalUser(t, 'ada');
  eve = await makeLocalUser(t, 'eve');
  adminRole = await consoleRole(t, 'AtkAdmin', [{ Effect: 'Allow', Action: '*', Resource: '*' }], ['ada', 'eve']);
  readerRole = await consoleRole(t, 'AtkReader', [{ Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' }], ['ada', 'eve']);
  provider = await oidcProvider(t, 'https://idp.attack.example');
  // A stored client id carrying markup: every page that shows it must escape it.
  await iamClient(t, t.root).send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: provider, ClientID: XSS }));
});
afterAll(async () => {
  await t?.stop();
});

async function signIn(u: LocalUser, userAgent?: string): Promise<Jar> {
  const j = new Jar(t.url);
  const f = await j.get('/signin/local');
  if (userAgent) {
    // The sign-in with a hostile User-Agent (stored in the login session and the audit log).
    const r = await fetch(new URL('/signin/local', t.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: j.header(), 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent },
      body: new URLSearchParams({ csrf: csrfOf(f.text), account: '', username: u.name, password: u.password }).toString(),
    });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      if (!/max-age=0/i.test(c)) j.cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1).trim());
    }
    expect(r.headers.get('location')).toBe('/session');
    return j;
  }
  const r = await j.post('/signin/local', { csrf: csrfOf(f.text), account: '', username: u.name, password: u.password });
  expect(r.location).toBe('/session');
  return j;
}
const secretOf = (j: Jar) => j.cookies.get('__Host-tessera-session')!;
const sessionOf = (j: Jar) => sessionOfSecret(t, secretOf(j));
const csrfFor = async (j: Jar) => csrfOf((await j.get('/console/providers')).text);
const providerExists = async () =>
  iamClient(t, t.root)
    .send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: provider }))
    .then(
      () => true,
      () => false,
    );
const auditOf = async (action: string) =>
  (
    await t.database.db.query<{ outcome: string; error_code: string | null; principal_arn: string | null; access_key_id: string | null; detail: Record<string, unknown> }>(
      `SELECT outcome, error_code, principal_arn, access_key_id, detail FROM audit_events WHERE service = 'iam' AND action = $1 ORDER BY event_time, id`,
      [action],
    )
  ).rows;
const stateOf = async (loginSessionId: string) => JSON.parse((await t.services.cache.get(consoleStateKey(loginSessionId)))!) as { accessKeyId: string; assumedRoleArn: string };

describe('CSRF on console mutations', () => {
  it('no token, a token of another session, a repeated token, a JSON body, a GET: 403/404 and nothing changes', async () => {
    const j = await signIn(ada);
    await openConsoleFor(t, secretOf(j), adminRole);
    const e = await signIn(eve);
    await openConsoleFor(t, secretOf(e), adminRole);
    const mine = await csrfFor(j);
    const eves = await csrfFor(e);
    expect(mine).not.toBe('');
    expect(eves).not.toBe(mine);
    const before = (await auditOf('DeleteOpenIDConnectProvider')).length;

    const none = await j.post('/console/providers/oidc/delete', { arn: provider });
    expect(none.status).toBe(403);
    expect(none.headers.get('cache-control')).toBe('no-store');
    const foreign = await j.post('/console/providers/oidc/delete', { arn: provider, csrf: eves });
    expect(foreign.status).toBe(403);
    const twice = await j.post('/console/providers/oidc/delete', { arn: provider, csrf: [mine, mine] });
    expect(twice.status).toBe(403);
    const forged = await j.post('/console/providers/oidc/delete', { arn: provider, csrf: mine.slice(0, -2) + (mine.endsWith('AA') ? 'BB' : 'AA') });
    expect(forged.status).toBe(403);
    const json = await j.post('/console/providers/oidc/delete', JSON.stringify({ arn: provider, csrf: mine }), { contentType: 'application/json' });
    expect(json.status).toBe(403);
    const viaGet = await j.get(`/console/providers/oidc/delete?arn=${encodeURIComponent(provider)}&csrf=${mine}`);
    expect(viaGet.status).toBeGreaterThanOrEqual(400);
    expect(viaGet.status).toBeLessThan(500);
    // The session-ending mutations too (a cross-site form must not sign people out).
    const revoke = await j.post('/console/sessions/revoke-person', { user: 'eve' });
    expect(revoke.status).toBe(403);
    expect((await e.get('/session')).status).toBe(200);

    expect(await providerExists()).toBe(true);
    // Refused before any call: no DeleteOpenIDConnectProvider was even attempted.
    expect((await auditOf('DeleteOpenIDConnectProvider')).length).toBe(before);
  });
});

describe('AccessDenied as AWS says it', () => {
  it("a List/Get role's delete: AWS's message exactly on the next page, audited via console with the role session ARN", async () => {
    const j = await signIn(ada);
    const session = await openConsoleFor(t, secretOf(j), readerRole);
    const state = await stateOf(session.id);
    expect(state.assumedRoleArn).toMatch(new RegExp(`^arn:aws:sts::${t.accountId}:assumed-role/AtkReader/`));
    const r = await j.post('/console/providers/oidc/delete', { arn: provider, csrf: await csrfFor(j) });
    expect(r.status).toBe(303);
    const next = await j.get(r.location!);
    const text = next.text.replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"');
    expect(text).toContain(`AccessDenied: User: ${state.assumedRoleArn} is not authorized to perform: iam:DeleteOpenIDConnectProvider on resource: ${provider}`);
    expect(await providerExists()).toBe(true);
    const denied = (await auditOf('DeleteOpenIDConnectProvider')).filter((a) => a.error_code === 'AccessDenied');
    expect(denied.length).toBe(1);
    expect(denied[0]!.principal_arn).toBe(state.assumedRoleArn);
    expect(denied[0]!.access_key_id).toBe(state.accessKeyId);
    expect(denied[0]!.detail).toMatchObject({ via: 'console', loginSessionId: session.id });
  });
});

describe('the console role session stops at once', () => {
  it('RevokeSession of the console key → the next page is "session ended" (401), not a 500, and no call ran', async () => {
    const j = await signIn(ada);
    const session = await openConsoleFor(t, secretOf(j), adminRole);
    expect((await j.get('/console/providers')).status).toBe(200);
    const { accessKeyId } = await stateOf(session.id);
    const r = await iamQuery(t.url, t.root, 'RevokeSession', { AccessKeyId: accessKeyId });
    expect(r.status, r.text).toBe(200);
    const next = await j.get('/console/providers');
    expect(next.status).toBe(401);
    expect(next.text).toContain('/portal');
    // A mutation with a valid CSRF token is refused the same way.
    const post = await j.post('/console/providers/oidc/delete', { arn: provider, csrf: csrfOf((await j.get('/session')).text) });
    expect(post.status).toBe(401);
    expect(await providerExists()).toBe(true);
  });

  it('RevokeLoginSession of the person → signed out: the next console page sends to sign-in', async () => {
    const j = await signIn(ada);
    const session = await openConsoleFor(t, secretOf(j), adminRole);
    expect((await j.get('/console/sessions')).status).toBe(200);
    const r = await iamQuery(t.url, t.root, 'RevokeLoginSession', { Id: session.id });
    expect(r.status, r.text).toBe(200);
    const next = await j.get('/console/sessions');
    expect(next.status).toBe(303);
    expect(next.location).toMatch(/^\/signin\?return_to=/);
  });

  it('the role deleted under an open console → 401, not a 500', async () => {
    const iam = iamClient(t, t.root);
    const doomed = await consoleRole(t, 'AtkDoomed', [{ Effect: 'Allow', Action: '*', Resource: '*' }], ['ada']);
    const j = await signIn(ada);
    await openConsoleFor(t, secretOf(j), doomed);
    expect((await j.get('/console/mfa')).status).toBe(200);
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'AtkDoomed', PolicyName: 'console' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'AtkDoomed' }));
    const next = await j.get('/console/mfa');
    expect(next.status).toBe(401);
  });

  it('tampered console state (garbage, a foreign or made-up key) → 401, never a 500, never another person', async () => {
    const j = await signIn(ada);
    const session = await openConsoleFor(t, secretOf(j), adminRole);
    const e = await signIn(eve);
    const eveSession = await openConsoleFor(t, secretOf(e), readerRole);
    const key = consoleStateKey(session.id);
    const statuses: Record<string, number> = {};
    for (const bad of ['not json', '{}', 'null', '[]', '{"accessKeyId":1,"sessionToken":{}}', JSON.stringify({ accessKeyId: 'ASIAAAAAAAAAAAAAAAAA', sessionToken: 'x'.repeat(5000), roleArn: adminRole, assumedRoleArn: 'x', expiration: 'x' })]) {
      await t.services.cache.set(key, bad, 60);
      statuses[bad.slice(0, 40)] = (await j.get('/console/providers')).status;
    }
    expect(statuses).toEqual(Object.fromEntries(Object.keys(statuses).map((k) => [k, 401])));
    // Eve's state copied into Ada's slot: the console runs as Eve's role session (the state is
    // the credential), but never as more than that role; its AccessDenied names Eve's session.
    await t.services.cache.set(key, (await t.services.cache.get(consoleStateKey(eveSession.id)))!, 60);
    const r = await j.post('/console/providers/oidc/delete', { arn: provider, csrf: await csrfFor(j) });
    const next = await j.get(r.location!);
    expect(next.text).toContain('AccessDenied');
    expect(await providerExists()).toBe(true);
  });
});

describe('stored and reflected markup is escaped', () => {
  const clean = (text: string) => {
    expect(text).not.toContain('<script>alert(1)');
    expect(text).not.toMatch(/<img src=x/i);
  };

  it('a stored OIDC client id with markup: list and detail show it escaped', async () => {
    const j = await signIn(ada);
    await openConsoleFor(t, secretOf(j), adminRole);
    const list = await j.get('/console/providers');
    expect(list.status).toBe(200);
    clean(list.text);
    const detail = await j.get(`/console/providers/oidc?arn=${encodeURIComponent(provider)}`);
    expect(detail.status).toBe(200);
    clean(detail.text);
    expect(detail.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('reflected input in flash messages and refusals (client id, arn, query fields) is escaped', async () => {
    const j = await signIn(ada);
    await openConsoleFor(t, secretOf(j), adminRole);
    const csrf = await csrfFor(j);
    // Added (a flash echoing the client id) then removed.
    const add = await j.post('/console/providers/oidc/add-client', { arn: provider, clientId: `${XSS}-2`, csrf });
    expect(add.status).toBe(303);
    clean((await j.get(add.location!)).text);
    const rm = await j.post('/console/providers/oidc/remove-client', { arn: provider, clientId: `${XSS}-2`, csrf });
    clean((await j.get(rm.location!)).text);
    // A refusal echoing an ARN with markup.
    const bad = await j.post('/console/providers/oidc/delete', { arn: `arn:aws:iam::${t.accountId}:oidc-provider/${XSS}`, csrf });
    expect(bad.status).toBe(303);
    clean((await j.get(bad.location!)).text);
    for (const path of [
      `/console/providers/oidc?arn=${encodeURIComponent(XSS)}`,
      `/console/providers/saml?arn=${encodeURIComponent(XSS)}`,
      `/console/audit?principal=${encodeURIComponent(XSS)}&action=${encodeURIComponent(XSS)}`,
      `/console/sessions?user=${encodeURIComponent(XSS)}`,
      `/console/connectors/edit?id=${encodeURIComponent(XSS)}`,
      `/console/mfa?assignment=${encodeURIComponent(XSS)}`,
    ]) {
      const r = await j.get(path);
      expect(r.status, path).toBeLessThan(500);
      clean(r.text);
    }
  });

  it('a hostile User-Agent at sign-in: the sessions list and the audit log show it escaped', async () => {
    const bad = await signIn(eve, `Mozilla ${XSS}`);
    expect((await bad.get('/session')).status).toBe(200);
    const j = await signIn(ada);
    await openConsoleFor(t, secretOf(j), adminRole);
    const sessions = await j.get('/console/sessions');
    expect(sessions.status).toBe(200);
    clean(sessions.text);
    const audit = await j.get('/console/audit?service=signin');
    expect(audit.status).toBe(200);
    clean(audit.text);
    const ev = /href="(\/console\/audit\/event\?[^"]+)"/.exec(audit.text)?.[1];
    if (ev) {
      const detail = await j.get(ev.replace(/&amp;/g, '&'));
      expect(detail.status).toBeLessThan(500);
      clean(detail.text);
    }
  });
});

describe('odd input is a 4xx, never a 500', () => {
  it('bodies and fields no form sends', async () => {
    const j = await signIn(ada);
    await openConsoleFor(t, secretOf(j), adminRole);
    const csrf = await csrfFor(j);
    const bodies: [string, string][] = [
      ['/console/providers/oidc/delete', `csrf=${csrf}&arn=%E0%A4%A`],
      ['/console/providers/oidc/delete', `csrf=${csrf}&arn=${'a'.repeat(300 * 1024)}`],
      ['/console/providers/oidc/delete', `csrf=${csrf}&arn=a&arn=b`],
      ['/console/providers/oidc/delete', `csrf=${csrf}&arn=%00%01`],
      ['/console/providers/oidc/create', `csrf=${csrf}&url=javascript:alert(1)&clientIds=${'x'.repeat(5000)}`],
      ['/console/providers/oidc/thumbprints', `csrf=${csrf}&arn=${encodeURIComponent(provider)}&thumbprints=${'zz\n'.repeat(200)}`],
      ['/console/providers/saml/create', `csrf=${csrf}&name=x&metadata=${encodeURIComponent('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')}`],
      ['/console/sessions/revoke', `csrf=${csrf}&id=${'9'.repeat(400)}`],
      ['/console/sessions/revoke-role', `csrf=${csrf}&role=AtkAdmin&issuedBefore=not-a-time`],
      ['/console/mfa/enable', `csrf=${csrf}&user=ada&serial=x&code1=abc&code2=`],
      ['/console/connectors/create', `csrf=${csrf}&id=${encodeURIComponent('../../x')}&type=nope&settings=${encodeURIComponent('{"a":')}`],
      ['/console/connectors/update', `csrf=${csrf}&id=x&settings=${encodeURIComponent('{"__proto__":{"polluted":1}}')}`],
    ];
    for (const [path, body] of bodies) {
      const r = await j.post(path, body);
      expect(r.status, `${path} ${body.slice(0, 80)}`).toBeGreaterThanOrEqual(300);
      expect(r.status, `${path} ${body.slice(0, 80)}`).toBeLessThan(500);
      if (r.location) {
        expect(r.location).toMatch(/^\/console\//);
        expect((await j.get(r.location)).status).toBeLessThan(500);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const gets = [
      '/console/audit?start=%E0%A4%A',
      '/console/audit?start=99999-99-99&end=0',
      `/console/audit?marker=${'A'.repeat(5000)}`,
      '/console/audit?marker=%2F%2F..',
      '/console/audit/event?request=x&event=99999999999999999999',
      '/console/audit/event?request[]=x&event=1',
      '/console/providers/oidc?arn[a]=1',
      '/console/providers/oidc?arn=' + 'a'.repeat(8000),
      '/console/connectors/edit?id=%00',
      '/console/sessions?includeEnded=yes&user=' + 'u'.repeat(3000),
      '/console/providers/..%2f..%2fportal',
      '/console/nope',
    ];
    for (const path of gets) {
      const r = await j.get(path);
      expect(r.status, path).toBeLessThan(500);
      expect(r.headers.get('cache-control') ?? 'no-store', path).toBe('no-store');
    }
  });
});

describe('POST /console/role (the portal\'s "Open console")', () => {
  const portalCsrf = async (j: Jar) => csrfOf((await j.get('/session')).text);

  it('opens the console as the role: state without the secret, TTL to expiry, audited via console', async () => {
    const j = await signIn(ada);
    const session = await sessionOf(j);
    const r = await j.post('/console/role', { role_arn: readerRole, csrf: await portalCsrf(j) });
    expect(r.status, r.text).toBe(303);
    expect(r.location).toBe('/console');
    expect(r.headers.get('cache-control')).toBe('no-store');
    const landing = await j.get('/console');
    expect(landing.status).toBe(303);
    const page = await j.get(landing.location!);
    expect(page.status).toBe(200);
    const raw = (await t.services.cache.get(consoleStateKey(session.id)))!;
    const state = JSON.parse(raw) as Record<string, string>;
    expect(Object.keys(state).sort()).toEqual(['accessKeyId', 'assumedRoleArn', 'expiration', 'roleArn', 'sessionToken']);
    expect(raw).not.toMatch(/secret/i);
    expect(page.text).toContain(state.assumedRoleArn);
    const issued = (
      await t.database.db.query<{ outcome: string; detail: Record<string, unknown> }>(
        `SELECT outcome, detail FROM audit_events WHERE service = 'sts' AND detail->>'via' = 'console' AND detail->>'loginSessionId' = $1`,
        [session.id],
      )
    ).rows;
    expect(issued.map((a) => a.outcome)).toEqual(['success']);
  });

  it('refusals: no CSRF 403, signed out → sign-in, an untrusted role is AWS\'s AccessDenied, odd role_arn 4xx; no state written', async () => {
    const j = await signIn(eve);
    const session = await sessionOf(j);
    const csrf = await portalCsrf(j);
    expect((await j.post('/console/role', { role_arn: adminRole })).status).toBe(403);
    expect((await j.post('/console/role', { role_arn: adminRole, csrf: [csrf, csrf] })).status).toBe(403);
    expect((await new Jar(t.url).post('/console/role', { role_arn: adminRole, csrf })).location).toMatch(/^\/signin/);
    const doomed = `arn:aws:iam::${t.accountId}:role/NoSuchRole`;
    const denied = await j.post('/console/role', { role_arn: doomed, csrf });
    expect(denied.status).toBe(403);
    expect(denied.text.replace(/&#39;/g, "'")).toContain(`AccessDenied: User: ${eve.arn} is not authorized to perform: sts:AssumeRole on resource: ${doomed}`);
    for (const body of [`csrf=${csrf}`, `csrf=${csrf}&role_arn=`, `csrf=${csrf}&role_arn=${'a'.repeat(3000)}`, `csrf=${csrf}&role_arn=%E0%A4%A`, `csrf=${csrf}&role_arn=${encodeURIComponent(XSS)}`, `csrf=${csrf}&role_arn=a&role_arn=b`]) {
      const r = await j.post('/console/role', body);
      expect(r.status, body.slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(r.status, body.slice(0, 60)).toBeLessThan(500);
      expect(r.text).not.toContain('<script>alert(1)');
    }
    expect(await t.services.cache.get(consoleStateKey(session.id))).toBeNull();
    // Without a console state, /console sends back to the portal with the fixed notice.
    expect((await j.get('/console')).location).toBe('/portal?notice=console_ended');
  });
});

describe('users, groups, roles and policies: stored markup and policy text escaped, odd input 4xx', () => {
  const TA = `</textarea></pre><script>alert(1)</script>`;
  const clean = (text: string, where: string) => {
    expect(text, where).not.toContain('<script>alert(1)');
    expect(text, where).not.toMatch(/<img src=x/i);
  };

  it('markup in a role description, trust and inline policy, a managed policy: every page escapes it', async () => {
    const iam = iamClient(t, t.root);
    const { CreateRoleCommand, PutRolePolicyCommand, CreatePolicyCommand, CreateUserCommand, CreateGroupCommand } = await import('@aws-sdk/client-iam');
    const withMarkup = (s: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::b/${s}` }] });
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:username': TA } } }] });
    await iam.send(new CreateRoleCommand({ RoleName: 'MarkupRole', AssumeRolePolicyDocument: trust, Description: XSS.slice(0, 60) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'MarkupRole', PolicyName: 'inl', PolicyDocument: withMarkup(TA) }));
    const pol = (await iam.send(new CreatePolicyCommand({ PolicyName: 'MarkupPolicy', PolicyDocument: withMarkup(TA), Description: XSS.slice(0, 60) }))).Policy!.Arn!;
    await iam.send(new CreateUserCommand({ UserName: 'markup-user' }));
    // (Tag values cannot carry markup: IAM's pattern refuses < > " — as AWS does.)
    await iam.send(new CreateGroupCommand({ GroupName: 'markup-group' }));
    const j = await signIn(ada);
    await openConsoleFor(t, secretOf(j), adminRole);
    for (const path of [
      '/console/roles',
      '/console/roles/detail?name=MarkupRole',
      '/console/roles/inline?name=MarkupRole&policy=inl',
      '/console/policies?scope=Local',
      `/console/policies/detail?arn=${encodeURIComponent(pol)}`,
      '/console/users',
      '/console/users/detail?name=markup-user',
      '/console/groups/detail?name=markup-group',
    ]) {
      const r = await j.get(path);
      expect(r.status, path).toBe(200);
      clean(r.text, path);
    }
    // The trust policy's markup is there, escaped (the page shows it, it does not run it).
    expect((await j.get('/console/roles/detail?name=MarkupRole')).text).toContain('&lt;/textarea&gt;');
  });

  it('an invalid policy with markup: the engine\'s message and the text kept, escaped; hostile fields 4xx, never 500', async () => {
    const j = await signIn(ada);
    await openConsoleFor(t, secretOf(j), adminRole);
    const csrf = await csrfFor(j);
    const bad = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"${TA}"`;
    const r = await j.post('/console/policies/create', { name: 'p1', document: bad, csrf });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.text).toContain('MalformedPolicyDocument');
    clean(r.text, 'create');
    expect(r.text).toContain('&lt;/textarea&gt;');
    const inline = await j.post('/console/roles/inline/put', { name: 'MarkupRole', policy: 'p2', document: bad, csrf });
    expect(inline.status).toBeLessThan(500);
    clean(inline.text, 'inline put');
    const posts: [string, Record<string, string | string[]>][] = [
      ['/console/users/create', { name: XSS, csrf }],
      ['/console/users/create', { name: 'x'.repeat(5000), csrf }],
      ['/console/users/delete', { name: ['a', 'b'], csrf }],
      ['/console/groups/add-user', { name: 'markup-group', user: XSS, csrf }],
      ['/console/roles/create', { name: 'r2', trust: '{', csrf }],
      ['/console/roles/trust', { name: 'MarkupRole', document: 'null', csrf }],
      ['/console/roles/update', { name: 'MarkupRole', maxSessionDuration: '-1', csrf }],
      ['/console/roles/update', { name: 'MarkupRole', maxSessionDuration: '1e400', csrf }],
      ['/console/roles/attach', { name: 'MarkupRole', arn: XSS, csrf }],
      ['/console/policies/version', { arn: XSS, document: '{}', csrf }],
      ['/console/policies/default', { arn: 'x', version: XSS, csrf }],
      ['/console/policies/delete', { arn: '', csrf }],
    ];
    for (const [path, form] of posts) {
      const a = await j.post(path, form);
      expect(a.status, path).toBeLessThan(500);
      const shown = a.location ? await j.get(a.location) : a;
      expect(shown.status, path).toBeLessThan(500);
      clean(shown.text, path);
    }
    for (const path of ['/console/users?marker=%E0%A4%A', `/console/users?marker=${'Z'.repeat(3000)}`, '/console/users/detail?name[x]=1', '/console/policies?scope=Everything', `/console/policies/detail?arn=${encodeURIComponent(XSS)}`, '/console/roles/inline?name=MarkupRole&policy=' + encodeURIComponent(XSS)]) {
      const g = await j.get(path);
      expect(g.status, path).toBeLessThan(500);
      clean(g.text, path);
    }
    // Without a token these are refused like every console mutation.
    expect((await j.post('/console/users/create', { name: 'nocsrf' })).status).toBe(403);
  });
});
