import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { hasAwsCli, run } from '../support/aws-cli.js';
import { timeStep, totpAt } from '../../src/mfa/totp.js';
import { makeLocalUser, type LocalUser } from '../sso/helpers.js';
import { iamQuery } from '../sso/test-connector.js';
import { BIN, roleFor, tessera } from './helpers.js';
import { cacheFile } from '../../src/client/store.js';

/**
 * `tessera login` end to end: the CLI as a child process, Chromium signing a local IAM user in
 * with TOTP and approving the device code on /device (or the loopback consent), then the stock
 * `aws` CLI with `credential_process = node bin/tessera.js credentials …` in a temporary AWS
 * config; an administrator's RevokeLoginSessions ends it, with the clear message.
 */
describe.skipIf(!browserAvailable || !hasAwsCli)('tessera login in Chromium, credential_process in the aws CLI', () => {
  let t: TestTessera;
  let b: TestBrowser;
  let maria: LocalUser;
  let lena: LocalUser;
  let roleArn: string;
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await startTestTessera();
    maria = await makeLocalUser(t, 'maria', { mfa: true });
    lena = await makeLocalUser(t, 'lena', { mfa: true });
    roleArn = await roleFor(t, 'Developer', maria.arn);
    b = await openBrowser();
    home = mkdtempSync(join(tmpdir(), 'tessera-cli-home-'));
    // Nothing of this machine's AWS or XDG set-up leaks in.
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'XDG_CONFIG_HOME' && k !== 'TESSERA_URL')) as Record<string, string>;
    env = { ...clean, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), AWS_CONFIG_FILE: join(home, 'aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials') };
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, '');
    writeFileSync(
      env.AWS_CONFIG_FILE!,
      // endpoint_url in the profile: the v1 CLI (botocore ≥ 1.31) honours it, as it does AWS_ENDPOINT_URL_STS.
      `[profile p]\nregion = us-east-1\nendpoint_url = ${t.url}\ncredential_process = ${process.execPath} ${BIN} credentials --role ${roleArn} --url ${t.url}\n`,
    );
  });
  afterAll(async () => {
    await b?.close();
    await t?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const p = () => b.page;
  async function signInWithTotp(u: LocalUser, shots?: string) {
    await p().waitForURL(/\/signin\?/);
    await p().getByTestId('connector-local').click();
    await p().waitForURL(/\/signin\/local/);
    await p().fill('#username', u.name);
    await p().fill('#password', u.password);
    await Promise.all([p().waitForURL(/\/signin\/mfa/), p().click('button[type=submit]')]);
    const step = timeStep(new Date());
    await p().fill('#code', totpAt(u.seed!, step));
    if (shots) await b.shot(shots);
    await Promise.all([p().waitForLoadState('load'), p().click('button[type=submit]')]);
  }
  const aws = (...args: string[]) => run('aws', ['--profile', 'p', '--output', 'json', ...args], { env });

  it('device code: printed, approved in Chromium after password + TOTP; cache 0600; aws sts get-caller-identity is the role; RevokeLoginSessions ends it with the clear message', async () => {
    const login = tessera(['login', '--url', t.url, '--no-browser'], env);
    const m = await login.waitFor(/Code: ([B-Z]{4}-[B-Z]{4})/);
    const userCode = m[1]!;
    expect(login.stdout()).toContain(`${t.url}/device`);
    const complete = new RegExp(`${t.url.replace(/[.]/g, '\\.')}/device\\?user_code=${userCode}`).exec(login.stdout());
    expect(complete).not.toBeNull();

    await b.context.clearCookies();
    // The code entry page first (signed in), then the link the CLI printed.
    await p().goto(complete![0]);
    await signInWithTotp(maria, 'device-signin-mfa');
    expect(new URL(p().url()).pathname).toBe('/device');
    expect(await p().getByTestId('user-code').textContent()).toBe(userCode);
    expect(await p().getByTestId('device-who').textContent()).toBe(`maria (${t.accountId})`);
    expect(await p().getByTestId('client').textContent()).toBe('Tessera CLI (tessera-cli)');
    await b.shot('device-confirm');
    await Promise.all([p().waitForLoadState('load'), p().getByTestId('approve').click()]);
    expect(await p().getByTestId('device-done').getAttribute('data-outcome')).toBe('approved');
    await b.shot('device-approved');
    await p().goto(`${t.url}/device`);
    await b.shot('device-entry');

    expect(await login.exit).toBe(0);
    expect(login.stdout()).toContain(`Signed in to ${t.url} as ${maria.arn}`);
    const file = cacheFile(t.url, env);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.config', 'tessera')).mode & 0o777).toBe(0o700);

    const who = JSON.parse((await aws('sts', 'get-caller-identity')).stdout);
    expect(who.Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Developer/maria`);
    // The role's policy decides: ListUsers allowed, GetUser not.
    expect(JSON.parse((await aws('iam', 'list-users')).stdout).Users.map((u: { UserName: string }) => u.UserName)).toEqual(expect.arrayContaining(['maria', 'lena']));
    const denied = await aws('iam', 'get-user', '--user-name', 'lena').then(
      () => null,
      (e: { stderr: string }) => e.stderr,
    );
    expect(denied).toMatch(/AccessDenied/);

    // The administrator ends every login session of maria: the browser's and the CLI's.
    const revoked = await iamQuery(t.url, t.root, 'RevokeLoginSessions', { UserName: 'maria' });
    expect(revoked.status, revoked.text).toBe(200);
    expect([...revoked.text.matchAll(/<member>/g)].length).toBe(2);
    const after = await aws('sts', 'get-caller-identity').then(
      () => null,
      (e: { stderr: string; code: number }) => e,
    );
    expect(after).not.toBeNull();
    expect(after!.stderr).toContain(`tessera: your sign-in to ${t.url} has ended (revoked or expired). Run: tessera login --url ${t.url}`);
    const audit = await t.database.db.query<{ detail: Record<string, unknown> }>(`SELECT detail FROM audit_events WHERE service = 'sts' AND action = 'AssumeRole' AND outcome = 'success'`);
    expect(audit.rows.some((r) => r.detail.via === 'cli')).toBe(true);
  });

  it('loopback + PKCE: Chromium visits the authorize URL, signs in, approves; the CLI gets the code on 127.0.0.1', async () => {
    const env2 = { ...env, XDG_CONFIG_HOME: join(home, 'loopback-config') };
    const login = tessera(['login', '--browser', '--no-browser', '--url', t.url], env2);
    const m = await login.waitFor(/(http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+)/);
    const authorize = new URL(m[1]!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    await b.context.clearCookies();
    await p().goto(authorize.href);
    await signInWithTotp(lena);
    expect(new URL(p().url()).pathname).toBe('/oauth2/authorize');
    expect(await p().getByTestId('authorize-who').textContent()).toBe(`lena (${t.accountId})`);
    await b.shot('device-loopback-consent');
    await Promise.all([p().waitForURL(/127\.0\.0\.1:\d+\/callback/), p().getByTestId('approve').click()]);
    expect(await p().textContent('body')).toContain('Signed in');
    expect(await login.exit).toBe(0);
    expect(login.stdout()).toContain(`as ${lena.arn}`);
    expect(statSync(cacheFile(t.url, env2)).mode & 0o777).toBe(0o600);
  });
});
