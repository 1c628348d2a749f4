import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { hasAwsCli, run } from '../support/aws-cli.js';
import { startTestOp, type TestOp } from '../fixtures/oidc-op.js';
import { iamQuery } from './test-connector.js';
import { timeStep, totpAt } from '../../src/mfa/totp.js';
import { makeLocalUser, type LocalUser } from './helpers.js';

/**
 * The person's path in headless Chromium: sign in (a local IAM user with TOTP; an OIDC identity),
 * pick a role on /portal, copy the exports with the copy button (the real clipboard), and use
 * them with the aws CLI on this machine: get-caller-identity is the role session, IAM calls are
 * allowed and denied as the role's policies say (one needs the MFA the sign-in proved), the audit
 * log has the issuance with the person, and signing out everywhere revokes the copied credentials.
 */
describe.skipIf(!browserAvailable || !hasAwsCli)('portal in Chromium, credentials in the aws CLI', () => {
  let t: TestTessera;
  let op: TestOp;
  let b: TestBrowser;
  let maria: LocalUser;
  let providerArn: string;
  const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

  beforeAll(async () => {
    t = await startTestTessera();
    op = await startTestOp({ redirectUris: [`${t.url}/signin/corp/callback`] });
    const iam = iamClient(t, t.root);
    const root = `arn:aws:iam::${t.accountId}:root`;
    maria = await makeLocalUser(t, 'maria', { mfa: true });
    await iam.send(new PutUserPolicyCommand({ UserName: 'maria', PolicyName: 'assume', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'Developer', Description: 'Lists IAM; changes need MFA', MaxSessionDuration: 14400, AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: root }, Action: 'sts:AssumeRole' }) }));
    await iam.send(new PutRolePolicyCommand({
      RoleName: 'Developer',
      PolicyName: 'p',
      PolicyDocument: doc(
        { Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListRoles'], Resource: '*' },
        { Effect: 'Allow', Action: 'iam:ListGroups', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
      ),
    }));
    await iam.send(new CreateRoleCommand({ RoleName: 'Auditor', Description: 'Read-only', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: root }, Action: 'sts:AssumeRole' }) }));
    providerArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: op.issuer, ClientIDList: [op.clientId], ThumbprintList: ['a'.repeat(40)] }))).OpenIDConnectProviderArn!;
    const key = providerArn.split('oidc-provider/')[1]!;
    await iam.send(new CreateRoleCommand({
      RoleName: 'Engineer',
      Description: 'For the engineering group',
      AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Federated: providerArn }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'], Condition: { StringEquals: { [`${key}:sub`]: 'alice' } } }),
    }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Engineer', PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }) }));
    const r = await iamQuery(t.url, t.root, 'CreateSignInConnector', {
      Id: 'corp',
      Type: 'oidc',
      DisplayName: 'Corp SSO',
      ProviderArn: providerArn,
      Settings: JSON.stringify({ issuer: op.issuer, clientId: op.clientId, scopes: ['openid', 'email', 'profile', 'groups'] }),
      Secrets: JSON.stringify({ clientSecret: op.clientSecret }),
    });
    expect(r.status, r.text).toBe(200);
    b = await openBrowser();
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
  }, 90_000);
  afterAll(async () => {
    await b?.close();
    await op?.close();
    await t?.stop();
  });

  const p = () => b.page;

  /** The aws CLI with the exports pasted into its environment (and nothing else of this machine's). */
  async function aws(exports: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: Record<string, string> = { PATH: process.env.PATH!, HOME: '/nonexistent', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    for (const line of exports.split('\n')) {
      const m = /^export (\w+)=(.*)$/.exec(line.trim());
      if (m) env[m[1]!] = m[2]!;
    }
    try {
      const { stdout, stderr } = await run('aws', ['--output', 'json', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  }

  /** On /portal: choose `role`'s duration, get its credentials, click copy; the clipboard's text. */
  async function copyExports(role: string, duration?: string, shot?: string): Promise<string> {
    const row = p().locator(`[data-testid=role][data-role-arn="arn:aws:iam::${t.accountId}:role/${role}"]`);
    if (duration) await row.getByTestId('duration').selectOption(duration);
    await Promise.all([p().waitForURL(`${t.url}/portal/credentials`), row.getByTestId('get-credentials').click()]);
    await p().getByTestId('copy-bash').click();
    await p().getByTestId('copied').filter({ hasText: 'Copied' }).waitFor();
    if (shot) await b.shot(shot);
    const text = await p().evaluate<string>('navigator.clipboard.readText()');
    expect(text).toBe(await p().getByTestId('text-bash').textContent());
    return text;
  }

  it('local user with TOTP: portal → Developer → exports → aws sts/iam as the role, MFA carried; audited; sign out everywhere revokes', async () => {
    await b.context.clearCookies();
    await p().goto(`${t.url}/signin/local?return_to=%2Fportal`);
    await p().fill('#username', maria.name);
    await p().fill('#password', maria.password);
    await Promise.all([p().waitForURL(/\/signin\/mfa/), p().click('button[type=submit]')]);
    await p().fill('#code', totpAt(maria.seed!, timeStep(new Date())));
    await Promise.all([p().waitForURL(`${t.url}/portal`), p().click('button[type=submit]')]);
    const names = await p().getByTestId('role-name').allTextContents();
    expect(names).toEqual(['Auditor', 'Developer']);
    expect(await p().getByTestId('role-max').allTextContents()).toEqual(['up to 1 h', 'up to 4 h']);
    await b.shot('portal-roles');

    const exports = await copyExports('Developer', '7200', 'portal-credentials');
    expect(exports).toContain(`export AWS_ENDPOINT_URL=${t.url}`);
    const who = await aws(exports, 'sts', 'get-caller-identity');
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Developer/maria`);
    // Allowed by the role's policy; the MFA-conditioned one too (the sign-in's TOTP is carried).
    expect((await aws(exports, 'iam', 'list-users')).code).toBe(0);
    expect((await aws(exports, 'iam', 'list-groups')).code).toBe(0);
    const denied = await aws(exports, 'iam', 'create-user', '--user-name', 'mallory');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('AccessDenied');
    expect(denied.stderr).toContain(`assumed-role/Developer/maria is not authorized to perform: iam:CreateUser`);

    // The audit log: the issuance with the person, the login session and the portal.
    const rows = (await t.database.db.query<{ principal_arn: string; detail: any }>(`SELECT principal_arn, detail FROM audit_events WHERE service = 'sts' AND action = 'AssumeRole' AND outcome = 'success'`)).rows;
    const d = (x: any) => (typeof x === 'string' ? JSON.parse(x) : x);
    const issued = rows.map((r) => ({ ...r, detail: d(r.detail) })).find((r) => r.detail.via === 'portal');
    expect(issued).toBeDefined();
    expect(issued!.principal_arn).toBe(maria.arn);
    expect(issued!.detail).toMatchObject({ subject: 'maria', assumedRoleArn: `arn:aws:sts::${t.accountId}:assumed-role/Developer/maria`, mfa: true, durationSeconds: 7200 });
    expect(issued!.detail.loginSessionId).toMatch(/^ls-/);

    // Sign out everywhere (from /session): the copied credentials stop working.
    await p().goto(`${t.url}/session`);
    await Promise.all([p().waitForURL(`${t.url}/signed-out`), p().getByTestId('signout-everywhere').click()]);
    await new Promise((r) => setTimeout(r, 400));
    const after = await aws(exports, 'sts', 'get-caller-identity');
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain('InvalidClientTokenId');
    // And the portal asks to sign in again.
    await p().goto(`${t.url}/portal`);
    expect(new URL(p().url()).pathname).toBe('/signin');
  });

  it('OIDC identity: portal offers the role its trust policy admits; the exports are the web-identity role session', async () => {
    await b.context.clearCookies();
    await p().goto(`${t.url}/signin?return_to=%2Fportal`);
    await Promise.all([p().waitForURL((u) => u.href.startsWith(op.issuer)), p().getByTestId('connector-corp').click()]);
    await p().waitForSelector('#username');
    await p().fill('#username', 'alice');
    await p().fill('#password', op.accounts.get('alice')!.password);
    await Promise.all([p().waitForURL(`${t.url}/portal`), p().click('button[type=submit]')]);
    expect(await p().getByTestId('role-name').allTextContents()).toEqual(['Engineer']);
    expect(await p().getByTestId('role-description').allTextContents()).toEqual(['For the engineering group']);
    await b.shot('portal-roles-oidc');
    const exports = await copyExports('Engineer');
    const who = await aws(exports, 'sts', 'get-caller-identity');
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Engineer/alice@corp.example`);
    expect((await aws(exports, 'iam', 'list-roles')).code).toBe(0);
    const denied = await aws(exports, 'iam', 'list-users');
    expect(denied.stderr).toContain('AccessDenied');
    const row = (await t.database.db.query<{ principal_arn: string; detail: any }>(`SELECT principal_arn, detail FROM audit_events WHERE service = 'sts' AND action = 'AssumeRoleWithWebIdentity' AND outcome = 'success' ORDER BY id DESC LIMIT 1`)).rows[0]!;
    const detail = typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail;
    expect(row.principal_arn).toBe(providerArn);
    expect(detail).toMatchObject({ via: 'portal', connectorId: 'corp', subject: 'alice', provider: providerArn });
  });
});
