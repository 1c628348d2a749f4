import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { hasAwsCli, run } from '../support/aws-cli.js';
import { startTestOp, type TestOp } from '../fixtures/oidc-op.js';
import { createCorpOidcConnector } from './test-connector.js';
import { makeLocalUser, type LocalUser } from './helpers.js';
import { timeStep, totpAt } from '../../src/mfa/totp.js';

/**
 * The portal as a person uses it, in headless Chromium, with the stock `aws` CLI on the
 * credentials it copied: a local IAM user with TOTP and an OIDC identity (a real
 * oidc-provider) each sign in, pick a role, press Copy, paste the exports into bash and run
 * `aws`: get-caller-identity names assumed-role/ROLE/SESSION, the role's policy allows and denies
 * IAM calls (one allowed only with MFA: the TOTP user's credentials carry it, the OIDC password-
 * only ones do not), the audit log has the issuance with the person and login session, and after
 * "Sign out everywhere" the same exported credentials are InvalidClientTokenId.
 */
describe.skipIf(!browserAvailable || !hasAwsCli)('the portal in Chromium, credentials used by the aws CLI', () => {
  let t: TestTessera;
  let op: TestOp;
  let b: TestBrowser;
  let maria: LocalUser;
  let providerArn: string;
  let home: string;
  const acct = () => t.accountId;

  beforeAll(async () => {
    t = await startTestTessera();
    op = await startTestOp({ redirectUris: [`${t.url}/signin/corp/callback`] });
    const iam = iamClient(t, t.root);
    providerArn = await createCorpOidcConnector(t, op, { tagClaims: { department: 'Department' } });
    maria = await makeLocalUser(t, 'maria', { mfa: true });
    const host = op.issuer.replace(/^https?:\/\//, '');
    // ops: maria (AssumeRole) and the corp IdP's people (AssumeRoleWithWebIdentity, with tags).
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'ops',
        Description: 'Operations: read the users of this account',
        MaxSessionDuration: 14400,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: maria.arn }, Action: 'sts:AssumeRole' },
            { Effect: 'Allow', Principal: { Federated: providerArn }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'], Condition: { StringEquals: { [`${host}:aud`]: op.clientId } } },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'ops',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['iam:ListUsers', 'iam:GetUser'], Resource: '*' },
            { Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
          ],
        }),
      }),
    );
    await iam.send(new CreateRoleCommand({ RoleName: 'auditor', Description: 'Read-only audit', MaxSessionDuration: 3600, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: maria.arn }, Action: 'sts:AssumeRole' }] }) }));
    // Nobody's: never offered; asking for it anyway is AccessDenied.
    await iam.send(new CreateRoleCommand({ RoleName: 'breakglass', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: "arn:aws:iam::210987654321:root" }, Action: 'sts:AssumeRole' }] }) }));
    b = await openBrowser();
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    home = mkdtempSync(join(tmpdir(), 'tessera-portal-'));
  });
  afterAll(async () => {
    await b?.close();
    await op?.close();
    await t?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const p = () => b.page;

  /** What a person's terminal does: paste the copied text into bash, then run aws. No other AWS configuration. */
  async function shell(pasted: string, aws: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
    const env = { PATH: process.env.PATH!, HOME: home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    try {
      const { stdout, stderr } = await run('bash', ['-c', `${pasted}\n${aws}`], { env });
      return { ok: true, stdout, stderr };
    } catch (e) {
      const x = e as { stdout?: string; stderr?: string };
      return { ok: false, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
    }
  }

  /** Presses a block's Copy button and returns what landed on the clipboard. */
  async function copy(id: string): Promise<string> {
    await p().evaluate("navigator.clipboard.writeText('')");
    await p().getByTestId(`copy-${id}`).click();
    await p().locator(`[data-status="${id}"]`).filter({ hasText: 'Copied' }).waitFor();
    const text = (await p().evaluate('navigator.clipboard.readText()')) as string;
    expect(text).toBe(await p().getByTestId(`text-${id}`).textContent());
    return text;
  }

  /** On the portal: picks a role and a duration, and presses "Get credentials". */
  async function getCredentials(role: string, seconds?: number) {
    const row = p().locator(`[data-testid=role][data-role-arn="arn:aws:iam::${acct()}:role/${role}"]`);
    if (seconds !== undefined) await row.getByTestId('duration').selectOption(String(seconds));
    await Promise.all([p().waitForURL(`${t.url}/portal/credentials`), row.getByTestId('get-credentials').click()]);
  }

  const portalAudit = async () =>
    (
      await t.database.db.query<{ action: string; outcome: string; principal_arn: string | null; detail: Record<string, any> }>(
        `SELECT action, outcome, principal_arn, detail FROM audit_events WHERE service = 'sts' AND detail->>'via' = 'portal' ORDER BY event_time, id`,
      )
    ).rows;

  async function signOutEverywhere(): Promise<string> {
    await p().getByTestId('nav-session').click();
    await p().waitForURL(`${t.url}/session`);
    const id = (await p().getByTestId('session-id').textContent())!;
    await Promise.all([p().waitForURL(`${t.url}/signed-out`), p().getByTestId('signout-everywhere').click()]);
    return id;
  }

  it('a local IAM user with TOTP: /portal → sign-in → roles → credentials → aws CLI; MFA in them; revoked by sign-out everywhere', async () => {
    await b.context.clearCookies();
    await p().goto(`${t.url}/portal`);
    expect(new URL(p().url()).pathname).toBe('/signin');
    await p().getByTestId('connector-local').click();
    await p().waitForURL(/\/signin\/local/);
    await p().fill('#username', maria.name);
    await p().fill('#password', maria.password);
    await Promise.all([p().waitForURL(/\/signin\/mfa/), p().click('button[type=submit]')]);
    const step = timeStep(new Date());
    await p().fill('#code', totpAt(maria.seed!, step > maria.lastStep! ? step : maria.lastStep! + 1));
    await Promise.all([p().waitForURL(`${t.url}/portal`), p().click('button[type=submit]')]);

    // The portal: her two roles (not breakglass), descriptions, maximum durations, MFA present.
    expect(await p().getByTestId('role-name').allTextContents()).toEqual(['auditor', 'ops']);
    expect(await p().getByTestId('role-description').allTextContents()).toEqual(['Read-only audit', 'Operations: read the users of this account']);
    expect(await p().getByTestId('role-max').allTextContents()).toEqual(['Up to 1 h', 'Up to 4 h']);
    expect(await p().getByTestId('portal-mfa').getAttribute('data-present')).toBe('true');
    await b.shot('portal-roles-local');

    await getCredentials('ops', 7200);
    expect(await p().getByTestId('cred-assumed-arn').textContent()).toBe(`arn:aws:sts::${acct()}:assumed-role/ops/maria`);
    expect(await p().getByTestId('cred-mfa').getAttribute('data-present')).toBe('true');
    const expires = Date.parse((await p().getByTestId('expiration').getAttribute('datetime'))!);
    expect(Math.abs(expires - Date.now() - 7200_000)).toBeLessThan(15_000);
    await b.shot('portal-credentials');

    const exports = await copy('exports');
    expect(exports).toMatch(/^export AWS_ACCESS_KEY_ID='ASIA[A-Z0-9]{16}'$/m);
    const who = await shell(exports, 'aws --output json sts get-caller-identity');
    expect(who.ok, who.stderr).toBe(true);
    expect(JSON.parse(who.stdout)).toMatchObject({ Account: acct(), Arn: `arn:aws:sts::${acct()}:assumed-role/ops/maria` });
    // Allowed by the role's policy; allowed only with MFA (present); not allowed at all.
    const users = await shell(exports, 'aws --output json iam list-users');
    expect(users.ok, users.stderr).toBe(true);
    expect(JSON.parse(users.stdout).Users.map((u: { UserName: string }) => u.UserName)).toContain('maria');
    const roles = await shell(exports, 'aws --output json iam list-roles');
    expect(roles.ok, roles.stderr).toBe(true);
    const create = await shell(exports, 'aws iam create-user --user-name intruder');
    expect(create.ok).toBe(false);
    expect(create.stderr).toMatch(/AccessDenied.*not authorized to perform: iam:CreateUser/);

    // The credentials-file and config-file blocks work as a profile too.
    writeFileSync(join(home, 'credentials'), `${await copy('credentials-file')}\n`);
    writeFileSync(join(home, 'config'), `${await copy('config-file')}\n`);
    const profile = await run('aws', ['--profile', `${acct()}_ops`, '--output', 'json', 'sts', 'get-caller-identity'], {
      env: { PATH: process.env.PATH!, HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials') },
    });
    expect(JSON.parse(profile.stdout).Arn).toBe(`arn:aws:sts::${acct()}:assumed-role/ops/maria`);

    // A role she is not offered, asked for anyway (the form edited in the page): AWS's AccessDenied.
    await p().goto(`${t.url}/portal`);
    await p().locator('input[name=role_arn]').first().evaluate((el, arn) => el.setAttribute('value', arn), `arn:aws:iam::${acct()}:role/breakglass`);
    await Promise.all([p().waitForURL(`${t.url}/portal/credentials`), p().getByTestId('get-credentials').first().click()]);
    expect(await p().getByTestId('code').textContent()).toBe('AccessDenied');
    expect(await p().getByTestId('error').textContent()).toBe(`User: ${maria.arn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${acct()}:role/breakglass`);
    await b.shot('portal-refused');

    // Sign out everywhere: the login session ends, and with it what was issued from it.
    const sessionId = await signOutEverywhere();
    const issued = (await portalAudit()).filter((a) => a.outcome === 'success' && a.principal_arn === maria.arn);
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      action: 'AssumeRole',
      detail: { via: 'portal', subject: 'maria', loginSessionId: sessionId, roleArn: `arn:aws:iam::${acct()}:role/ops`, assumedRoleArn: `arn:aws:sts::${acct()}:assumed-role/ops/maria`, mfa: true },
    });
    expect(Math.abs(issued[0]!.detail.durationSeconds - 7200)).toBeLessThanOrEqual(1);
    const after = await shell(exports, 'aws --output json sts get-caller-identity');
    expect(after.ok).toBe(false);
    expect(after.stderr).toMatch(/InvalidClientTokenId/);
    await p().goto(`${t.url}/portal`);
    expect(new URL(p().url()).pathname).toBe('/signin');
  });

  it('an OIDC identity without MFA: the same role through AssumeRoleWithWebIdentity; the MFA-only call is denied; revoked by sign-out everywhere', async () => {
    await b.context.clearCookies();
    await p().goto(`${t.url}/portal`);
    await Promise.all([p().waitForURL((u) => u.href.startsWith(op.issuer)), p().getByTestId('connector-corp').click()]);
    await p().waitForSelector('#username');
    await p().fill('#username', 'bob');
    await p().fill('#password', op.accounts.get('bob')!.password);
    await Promise.all([p().waitForURL(`${t.url}/portal`), p().click('button[type=submit]')]);
    expect(await p().getByTestId('who').textContent()).toBe('bob@corp.example');
    expect(await p().getByTestId('role-name').allTextContents()).toEqual(['ops']);
    expect(await p().getByTestId('portal-mfa').getAttribute('data-present')).toBe('false');
    await b.shot('portal-roles-oidc');

    await getCredentials('ops');
    expect(await p().getByTestId('cred-assumed-arn').textContent()).toBe(`arn:aws:sts::${acct()}:assumed-role/ops/bob@corp.example`);
    const exports = await copy('exports');
    const who = await shell(exports, 'aws --output json sts get-caller-identity');
    expect(who.ok, who.stderr).toBe(true);
    expect(JSON.parse(who.stdout).Arn).toBe(`arn:aws:sts::${acct()}:assumed-role/ops/bob@corp.example`);
    expect((await shell(exports, 'aws --output json iam get-user --user-name maria')).ok).toBe(true);
    const roles = await shell(exports, 'aws --output json iam list-roles');
    expect(roles.ok).toBe(false);
    expect(roles.stderr).toMatch(/AccessDenied.*iam:ListRoles/);

    // Where the Clipboard API refuses, Copy selects the block (and tries execCommand) instead.
    await p().addInitScript('navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError"))');
    await p().goto(`${t.url}/portal`);
    await getCredentials('ops', 900);
    await p().getByTestId('copy-powershell').click();
    await p().locator('[data-status="powershell"]').filter({ hasText: /Copied|Selected/ }).waitFor();
    expect(await p().evaluate('window.getSelection().toString()')).toBe(await p().getByTestId('text-powershell').textContent());
    await b.shot('portal-credentials-fallback');

    const sessionId = await signOutEverywhere();
    const issued = (await portalAudit()).filter((a) => a.outcome === 'success' && a.action === 'AssumeRoleWithWebIdentity');
    expect(issued).toHaveLength(2);
    expect(issued[0]).toMatchObject({ detail: { via: 'portal', subject: 'bob', connectorId: 'corp', loginSessionId: sessionId, assumedRoleArn: `arn:aws:sts::${acct()}:assumed-role/ops/bob@corp.example`, mfa: false } });
    const after = await shell(exports, 'aws --output json sts get-caller-identity');
    expect(after.ok).toBe(false);
    expect(after.stderr).toMatch(/InvalidClientTokenId/);
  });
});
