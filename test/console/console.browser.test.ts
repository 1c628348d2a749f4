import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoleCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { awsIam, hasAwsCli } from '../support/aws-cli.js';
import { iamQuery } from '../sso/test-connector.js';
import { makeLocalUser, type LocalUser } from '../sso/helpers.js';

/**
 * The console in headless Chromium, opened from the portal as one of the person's roles: every
 * page is IAM operations called as that role session, so a role allowed only iam:List* and
 * iam:Get* sees the users but its "create user" shows AWS's AccessDenied; an admin role creates
 * a user the aws CLI then sees; the policy editor shows the engine's message and keeps the text;
 * the audit log has the console's calls with the role session; forms need their CSRF token;
 * revoking the person's login session stops the console at once.
 */
describe.skipIf(!browserAvailable || !hasAwsCli)('console in Chromium', () => {
  let t: TestTessera;
  let b: TestBrowser;
  let ada: LocalUser;
  const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
  const acct = () => t.accountId;

  beforeAll(async () => {
    t = await startTestTessera();
    ada = await makeLocalUser(t, 'ada');
    const iam = iamClient(t, t.root);
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:root` }, Action: 'sts:AssumeRole' });
    await iam.send(new CreateRoleCommand({ RoleName: 'ReadOnlyConsole', Description: 'Look, do not touch', AssumeRolePolicyDocument: trust }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'ReadOnlyConsole', PolicyName: 'read', PolicyDocument: doc({ Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'AdminConsole', Description: 'Administers IAM', AssumeRolePolicyDocument: trust }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'AdminConsole', PolicyName: 'admin', PolicyDocument: doc({ Effect: 'Allow', Action: ['iam:*', 'tessera:*'], Resource: '*' }) }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'ada', PolicyName: 'assume', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) }));
    b = await openBrowser();
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await t?.stop();
  });

  const p = () => b.page;
  async function signIn() {
    await b.context.clearCookies();
    await p().goto(`${t.url}/signin/local?return_to=%2Fportal`);
    await p().fill('#username', ada.name);
    await p().fill('#password', ada.password);
    await Promise.all([p().waitForURL(`${t.url}/portal`), p().click('button[type=submit]')]);
  }
  async function openConsole(role: string) {
    await p().goto(`${t.url}/portal`);
    const row = p().locator(`[data-testid=role][data-role-arn="arn:aws:iam::${acct()}:role/${role}"]`);
    await Promise.all([p().waitForURL(`${t.url}/console/users`), row.getByTestId('open-console').click()]);
    expect(await p().getByTestId('console-role').textContent()).toContain(`assumed-role/${role}/ada`);
  }
  async function submit(selector: string) {
    await Promise.all([p().waitForLoadState('load'), p().click(selector)]);
  }

  it('a List/Get-only role sees the users; its "create user" shows AWS\'s AccessDenied; the calls are audited as the role session', async () => {
    await signIn();
    await openConsole('ReadOnlyConsole');
    expect(await p().locator('[data-testid=user-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))).toContain('ada');
    await b.shot('console-users');
    await p().click('summary:has-text("Create a user")');
    await p().fill('#username', 'mallory');
    await submit('[data-testid=create-user]');
    const err = await p().getByTestId('create-error').textContent();
    // AWS's message, word for word (with its reason and encoded authorization message).
    expect(err).toMatch(new RegExp(`^AccessDenied: User: arn:aws:sts::${acct()}:assumed-role/ReadOnlyConsole/ada is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${acct()}:user/mallory because no identity-based policy allows the iam:CreateUser action\\. Encoded authorization failure message: [\\w-]+$`));
    await b.shot('console-create-denied');
    expect((await awsIam(t, 'list-users')).Users.map((u: { UserName: string }) => u.UserName)).not.toContain('mallory');
    // The audit log: the console's calls, as the role session, via the console.
    const rows = (await t.database.db.query<{ action: string; outcome: string; principal_arn: string; error_code: string | null; detail: any }>(`SELECT action, outcome, principal_arn, error_code, detail FROM audit_events WHERE service = 'iam' AND action IN ('ListUsers', 'CreateUser') AND principal_arn LIKE '%:assumed-role/ReadOnlyConsole/%' ORDER BY id`)).rows;
    const d = (x: any) => (typeof x === 'string' ? JSON.parse(x) : x);
    const denied = rows.find((r) => r.action === 'CreateUser');
    expect(denied).toMatchObject({ outcome: 'failure', error_code: 'AccessDenied', principal_arn: `arn:aws:sts::${acct()}:assumed-role/ReadOnlyConsole/ada` });
    expect(d(denied!.detail)).toMatchObject({ via: 'console' });
    expect(d(rows.find((r) => r.action === 'ListUsers')!.detail)).toMatchObject({ via: 'console' });
  });

  it('an admin role creates a user in the console and the aws CLI sees it; the role page shows its trust policy', async () => {
    await signIn();
    await openConsole('AdminConsole');
    await p().click('summary:has-text("Create a user")');
    await p().fill('#username', 'grace');
    await submit('[data-testid=create-user]');
    expect(new URL(p().url()).pathname).toBe('/console/users/detail');
    expect(await p().getByTestId('flash').textContent()).toBe('User grace created.');
    expect(await p().getByTestId('user-name').textContent()).toBe('grace');
    const got = await awsIam(t, 'get-user', '--user-name', 'grace');
    expect(got.User.Arn).toBe(`arn:aws:iam::${acct()}:user/grace`);

    await p().goto(`${t.url}/console/roles/detail?name=ReadOnlyConsole`);
    const trust = JSON.parse(await p().locator('#trust').inputValue());
    expect(trust.Statement[0].Principal.AWS).toBe(`arn:aws:iam::${acct()}:root`);
    await b.shot('console-role');
  });

  it('the policy editor: the engine\'s message beside the kept text; a valid document creates the policy', async () => {
    await signIn();
    await openConsole('AdminConsole');
    await p().goto(`${t.url}/console/policies`);
    await p().click('summary:has-text("Create a policy")');
    await p().fill('#policyname', 'Broken');
    const bad = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}';
    await p().fill('#document', bad);
    await submit('[data-testid=create-policy]');
    expect(await p().getByTestId('policy-error').textContent()).toMatch(/^MalformedPolicyDocument: /);
    expect(await p().getByTestId('policy-editor').inputValue()).toBe(bad);
    await b.shot('console-policy-error');
    await p().fill('#document', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}');
    await submit('[data-testid=create-policy]');
    expect(await p().getByTestId('flash').textContent()).toBe('Policy Broken created.');
    expect(await p().getByTestId('policy-document').textContent()).toContain('"s3:GetObject"');
  });

  it('forms need their CSRF token; revoking the login session stops the console at once', async () => {
    await signIn();
    await openConsole('AdminConsole');
    const cookie = (await b.context.cookies(t.url)).find((c) => c.name === '__Host-tessera-session')!;
    const forged = await fetch(`${t.url}/console/users/create`, { method: 'POST', headers: { cookie: `${cookie.name}=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=eve', redirect: 'manual' });
    expect(forged.status).toBe(403);
    expect((await awsIam(t, 'list-users')).Users.map((u: { UserName: string }) => u.UserName)).not.toContain('eve');

    const list = await iamQuery(t.url, t.root, 'ListLoginSessions', { UserName: 'ada' });
    const ids = [...list.text.matchAll(/<Id>(ls-[^<]+)<\/Id>/g)].map((m) => m[1]!);
    for (const Id of ids) expect((await iamQuery(t.url, t.root, 'RevokeLoginSession', { Id })).status).toBe(200);
    await p().goto(`${t.url}/console/users`);
    expect(new URL(p().url()).pathname).toBe('/signin');
  });
});
