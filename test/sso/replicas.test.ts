import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestInstance, type TestTessera } from '../support/tessera.js';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { iamClient } from '../support/clients.js';
import { Jar, csrfOf, makeLocalUser, signinAudit, testId, within, type LocalUser } from './helpers.js';
import { iamQuery, setUpConnectors, startUpstream, testFactories, type Upstream } from './test-connector.js';

/**
 * Login sessions across two replicas on one Postgres and cache: a session made on one is used on
 * the other; sign-out, "sign out everywhere" and the admin actions on one end it on the other
 * within a second. The admin actions list and revoke by person, authorized by IAM policies.
 */
let t: TestTessera;
let r2: TestInstance;
let up: Upstream;
let alice: LocalUser;

beforeAll(async () => {
  t = await startTestTessera({ connectorFactories: testFactories });
  r2 = await t.replica();
  up = await startUpstream();
  await setUpConnectors(t, up, [{ id: 'corp', type: 'oidc' }]);
  alice = await makeLocalUser(t, 'alice');
});
afterAll(async () => {
  await up?.close();
  await t?.stop();
});

async function signIn(base: string, u: LocalUser = alice): Promise<Jar> {
  const j = new Jar(base);
  const f = await j.get('/signin/local');
  const r = await j.post('/signin/local', { csrf: csrfOf(f.text), account: '', username: u.name, password: u.password });
  expect(r.location).toBe('/session');
  return j;
}
async function federated(base: string, sub: string): Promise<Jar> {
  const j = new Jar(base);
  const start = await j.get('/signin/corp');
  const a = new URL(start.location!);
  a.searchParams.set('login', sub);
  const cb = (await fetch(a, { redirect: 'manual' })).headers.get('location')!;
  expect((await j.get(cb)).location).toBe('/session');
  return j;
}
const signedIn = async (j: Jar, base: string) => (await j.get('/session', { base })).status === 200;
const sessionId = async (j: Jar) => testId((await j.get('/session')).text, 'session-id')!;
const tags = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);

describe('two replicas', () => {
  it('sign in on one, continue on the other', async () => {
    const j = await signIn(t.url);
    const id = await sessionId(j);
    const there = await j.get('/session', { base: r2.url });
    expect(there.status).toBe(200);
    expect(testId(there.text, 'session-id')).toBe(id);
  });

  it('sign-out on one ends it on the other within 1 s', async () => {
    const j = await signIn(t.url);
    expect(await signedIn(j, r2.url)).toBe(true);
    const page = await j.get('/session', { base: r2.url });
    const cookie = j.cookies.get('__Host-tessera-session')!;
    expect((await j.post('/signout', { csrf: csrfOf(page.text) }, { base: r2.url })).location).toBe('/signed-out');
    const replay = new Jar(t.url);
    replay.cookies.set('__Host-tessera-session', cookie);
    const ms = await within(1000, async () => !(await signedIn(replay, t.url)));
    expect(ms).not.toBeNull();
    expect((await signinAudit(t)).some((a) => a.action === 'SignOut' && a.principal_arn === alice.arn)).toBe(true);
  });

  it('an admin RevokeLoginSession on one ends it on the other within 1 s, and lists it as revoked', async () => {
    const j = await signIn(t.url);
    const id = await sessionId(j);
    const listed = await iamQuery(r2.url, t.root, 'ListLoginSessions', { UserName: 'alice' });
    expect(listed.status).toBe(200);
    expect(tags(listed.text, 'Id')).toContain(id);
    expect(listed.text).toContain(`<Arn>arn:aws:iam::${t.accountId}:login-session/${id}</Arn>`);
    expect(listed.text).toContain(`<PrincipalArn>${alice.arn}</PrincipalArn>`);
    const r = await iamQuery(r2.url, t.root, 'RevokeLoginSession', { Id: id });
    expect(r.status, r.text).toBe(200);
    const ms = await within(1000, async () => !(await signedIn(j, t.url)));
    expect(ms).not.toBeNull();
    expect(await signedIn(j, r2.url)).toBe(false);
    const live = await iamQuery(t.url, t.root, 'ListLoginSessions', { UserName: 'alice' });
    expect(tags(live.text, 'Id')).not.toContain(id);
    const all = await iamQuery(t.url, t.root, 'ListLoginSessions', { UserName: 'alice', IncludeEnded: true });
    expect(tags(all.text, 'Id')).toContain(id);
    expect(all.text).toMatch(/<RevokeDate>/);
    // Unknown ids are NoSuchEntity; a malformed one fails validation.
    expect((await iamQuery(t.url, t.root, 'RevokeLoginSession', { Id: `ls-${'x'.repeat(24)}` })).text).toContain('NoSuchEntity');
    expect((await iamQuery(t.url, t.root, 'RevokeLoginSession', { Id: 'nope' })).status).toBe(400);
  });

  it('RevokeLoginSessions ends every session of one federated person (connector + subject), not others', async () => {
    const a1 = await federated(t.url, 'fed-1');
    const a2 = await federated(r2.url, 'fed-1');
    const b = await federated(t.url, 'fed-2');
    const listed = await iamQuery(t.url, t.root, 'ListLoginSessions', { ConnectorId: 'corp', Subject: 'fed-1' });
    expect(tags(listed.text, 'Id')).toHaveLength(2);
    expect(tags(listed.text, 'Subject')).toEqual(['fed-1', 'fed-1']);
    const r = await iamQuery(r2.url, t.root, 'RevokeLoginSessions', { ConnectorId: 'corp', Subject: 'fed-1' });
    expect(r.status, r.text).toBe(200);
    expect(tags(r.text, 'member')).toHaveLength(2);
    expect(await within(1000, async () => !(await signedIn(a1, t.url)) && !(await signedIn(a2, r2.url)))).not.toBeNull();
    expect(await signedIn(b, r2.url)).toBe(true);
    expect((await iamQuery(t.url, t.root, 'RevokeLoginSessions', {})).text).toContain('InvalidInput');
    expect((await iamQuery(t.url, t.root, 'RevokeLoginSessions', { ConnectorId: 'corp' })).text).toContain('InvalidInput');
  });

  it('the admin actions are authorized by IAM policies on login-session ARNs', async () => {
    const iam = iamClient(t, t.root);
    await iam.send(new CreateUserCommand({ UserName: 'helpdesk' }));
    const j = await signIn(t.url);
    const id = await sessionId(j);
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'helpdesk',
        PolicyName: 'p',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'tessera:RevokeLoginSession', Resource: `arn:aws:iam::${t.accountId}:login-session/${id}` }] }),
      }),
    );
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: 'helpdesk' }))).AccessKey!;
    const creds = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    expect((await iamQuery(t.url, creds, 'ListLoginSessions', {})).text).toContain('AccessDenied');
    expect((await iamQuery(t.url, creds, 'RevokeLoginSessions', { UserName: 'alice' })).text).toContain('AccessDenied');
    const other = await signIn(t.url);
    expect((await iamQuery(t.url, creds, 'RevokeLoginSession', { Id: await sessionId(other) })).text).toContain('AccessDenied');
    expect((await iamQuery(t.url, creds, 'RevokeLoginSession', { Id: id })).status).toBe(200);
    expect(await signedIn(j, r2.url)).toBe(false);
    expect(await signedIn(other, r2.url)).toBe(true);
    const audit = await t.database.db.query<{ outcome: string; detail: Record<string, unknown> }>(`SELECT outcome, detail FROM audit_events WHERE action = 'RevokeLoginSession' ORDER BY event_time`);
    expect(audit.rows.map((r) => r.outcome)).toContain('success');
  });

  it('"sign out everywhere" on /session ends every session of that person', async () => {
    const bob = await makeLocalUser(t, 'bob');
    const one = await signIn(t.url, bob);
    const two = await signIn(r2.url, bob);
    const mine = await signIn(t.url);
    const page = await one.get('/session');
    expect((await one.post('/signout/everywhere', { csrf: csrfOf(page.text.slice(page.text.indexOf('/signout/everywhere'))) })).location).toBe('/signed-out');
    expect(await within(1000, async () => !(await signedIn(two, r2.url)) && !(await signedIn(one, t.url)))).not.toBeNull();
    expect(await signedIn(mine, r2.url)).toBe(true);
  });
});

describe('timeouts', () => {
  let c: TestTessera;
  let offset = 0;
  beforeAll(async () => {
    c = await startTestTessera({ env: { TESSERA_SIGNIN_IDLE_SECONDS: '120', TESSERA_SIGNIN_MAX_SECONDS: '300' }, now: () => new Date(Date.now() + offset) });
    await makeLocalUser(c, 'ida');
  });
  afterAll(async () => c?.stop());

  it('idle: ends after the idle timeout without requests; activity keeps it', async () => {
    offset = 0;
    const j = await signIn(c.url, { name: 'ida', password: 'Pw-ida-1a!Xy', arn: '' });
    offset = 100_000;
    expect(await signedIn(j, c.url)).toBe(true); // touched at +100 s
    offset = 210_000;
    expect(await signedIn(j, c.url)).toBe(true); // 110 s after the touch
    offset = 331_000 - 0;
    expect(await signedIn(j, c.url)).toBe(false); // past the absolute 300 s anyway
    offset = 0;
    const k = await signIn(c.url, { name: 'ida', password: 'Pw-ida-1a!Xy', arn: '' });
    offset = 121_000;
    expect(await signedIn(k, c.url)).toBe(false); // idle 121 s
  });

  it('absolute: ends at the maximum however active', async () => {
    offset = 0;
    const j = await signIn(c.url, { name: 'ida', password: 'Pw-ida-1a!Xy', arn: '' });
    for (const s of [60, 120, 180, 240, 299]) {
      offset = s * 1000;
      expect(await signedIn(j, c.url), `at ${s}s`).toBe(true);
    }
    offset = 301_000;
    expect(await signedIn(j, c.url)).toBe(false);
  });
});
