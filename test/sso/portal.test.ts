import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient, stsClient } from '../support/clients.js';
import { Jar, csrfOf, makeLocalUser, type LocalUser } from './helpers.js';

/**
 * The portal over plain HTTP (the browser walkthrough is portal.browser.test.ts): who may see it,
 * CSRF, headers, what it offers, and every refusal as a page with AWS's message — never a 500.
 */
describe('portal', () => {
  let t: TestTessera;
  let u: LocalUser;
  const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
  const arn = (n: string) => `arn:aws:iam::${t.accountId}:role/${n}`;

  beforeAll(async () => {
    t = await startTestTessera();
    u = await makeLocalUser(t, 'pat');
    const iam = iamClient(t, t.root);
    const root = `arn:aws:iam::${t.accountId}:root`;
    await iam.send(new CreateRoleCommand({ RoleName: 'Reader', Description: 'Read-only <b>IAM</b>', MaxSessionDuration: 7200, AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: root }, Action: 'sts:AssumeRole' }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'Locked', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'r', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }) }));
    // pat may assume any role (identity policy); the trust policies decide.
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'noop', PolicyDocument: doc({ Effect: 'Deny', Action: 'iam:DeleteAccountAlias', Resource: '*' }) }));
    const { PutUserPolicyCommand } = await import('@aws-sdk/client-iam');
    await iam.send(new PutUserPolicyCommand({ UserName: 'pat', PolicyName: 'assume', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) }));
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  async function signedIn(): Promise<Jar> {
    const j = new Jar(t.url);
    const form = await j.get('/signin/local');
    const r = await j.post('/signin/local', { csrf: csrfOf(form.text), account: '', username: u.name, password: u.password });
    expect(r.location).toBe('/session');
    return j;
  }

  it('not signed in: /portal sends to sign-in and back; POST refused the same way', async () => {
    const j = new Jar(t.url);
    const r = await j.get('/portal');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/signin?return_to=%2Fportal');
    const p = await j.post('/portal/credentials', { role_arn: arn('Reader') });
    expect(p.status).toBe(303);
  });

  it('lists the roles the trust policies admit, escaped, with description and maximum duration; headers no-store + CSP', async () => {
    const j = await signedIn();
    const r = await j.get('/portal');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(r.text).toContain(`data-role-arn="${arn('Reader')}"`);
    expect(r.text).not.toContain(arn('Locked'));
    expect(r.text).toContain('Read-only &lt;b&gt;IAM&lt;/b&gt;');
    expect(r.text).toContain('up to 2 h');
    // Duration choices stop at the role's maximum.
    expect(r.text).toContain('<option value="7200">2 h</option>');
    expect(r.text).not.toContain('<option value="14400">');
  });

  it('credentials: without CSRF 403; with it a no-store page whose credentials work; never in a URL', async () => {
    const j = await signedIn();
    const page = await j.get('/portal');
    expect((await j.post('/portal/credentials', { role_arn: arn('Reader'), duration: '3600' })).status).toBe(403);
    expect((await j.post('/portal/credentials', { role_arn: arn('Reader'), duration: '3600', csrf: 'x'.repeat(43) })).status).toBe(403);
    const r = await j.post('/portal/credentials', { role_arn: arn('Reader'), duration: '7200', csrf: csrfOf(page.text) });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const get = (k: string) => new RegExp(`export ${k}=(\\S+)`).exec(r.text)?.[1];
    const creds = { accessKeyId: get('AWS_ACCESS_KEY_ID')!, secretAccessKey: get('AWS_SECRET_ACCESS_KEY')!, sessionToken: get('AWS_SESSION_TOKEN')! };
    expect(get('AWS_ENDPOINT_URL')).toBe(t.url);
    expect(r.text).toContain('$Env:AWS_SESSION_TOKEN=');
    expect(r.text).toContain('aws_session_token = ');
    const id = await stsClient(t, creds).send(new GetCallerIdentityCommand({}));
    expect(id.Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Reader/pat`);
    const exp = /data-expiration="([^"]+)"/.exec(r.text)![1]!;
    expect(Date.parse(exp) - Date.now()).toBeGreaterThan(7100_000);
    expect(Date.parse(exp) - Date.now()).toBeLessThanOrEqual(7200_000);
  });

  it('refusals are pages with AWS\'s message and status: duration over the maximum, a role not admitted, bad input', async () => {
    const j = await signedIn();
    const csrf = csrfOf((await j.get('/portal')).text);
    const over = await j.post('/portal/credentials', { role_arn: arn('Reader'), duration: '7201', csrf });
    expect(over.status).toBe(400);
    expect(over.text).toContain('ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const locked = await j.post('/portal/credentials', { role_arn: arn('Locked'), csrf });
    expect(locked.status).toBe(403);
    expect(locked.text).toContain(`AccessDenied: User: ${u.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn('Locked')}`);
    for (const [role_arn, duration] of [['', ''], ['arn:aws:iam::1:role/x', '3600'], [arn('Reader'), 'abc'], [arn('Reader'), '1e5'], [arn('Reader'), '10']]) {
      const r = await j.post('/portal/credentials', { role_arn: role_arn!, duration: duration!, csrf });
      expect(r.status, `${role_arn} ${duration}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.text).toContain('data-testid="error"');
    }
    // Arrays and oversized bodies are client errors too.
    expect((await j.post('/portal/credentials', { role_arn: [arn('Reader'), arn('Reader')], csrf })).status).toBe(400);
    expect((await j.post('/portal/credentials', `csrf=${csrf}&role_arn=${'a'.repeat(300_000)}`)).status).toBe(413);
    expect((await j.get('/portal/nope')).status).toBe(404);
  });

  it('the copy script is served same-origin as JavaScript', async () => {
    const r = await new Jar(t.url).get('/assets/portal.js');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(r.text).toContain('navigator.clipboard');
  });
});
