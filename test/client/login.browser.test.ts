import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateRoleCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { hasAwsCli, run } from '../support/aws-cli.js';
import { iamQuery } from '../sso/test-connector.js';
import { makeLocalUser, type LocalUser } from '../sso/helpers.js';
import { timeStep, totpAt } from '../../src/mfa/totp.js';

/**
 * `tessera login` and credential_process with the stock aws CLI: the device code is shown in the
 * terminal and approved in Chromium after sign-in + TOTP; the sign-in is kept 0600; a profile
 * `credential_process = tessera credentials --role …` gives the aws CLI the role session; after
 * an administrator revokes the person's sign-ins, the next call fails with the clear message.
 * Then the loopback (RFC 8252) login, approved in the browser.
 */
const BIN = resolve('bin/tessera.js');

describe.skipIf(!browserAvailable || !hasAwsCli)('tessera login + credential_process', () => {
  let t: TestTessera;
  let b: TestBrowser;
  let maria: LocalUser;
  let home: string;
  const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
  let roleArn: string;
  const env = () => ({ PATH: process.env.PATH!, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), AWS_CONFIG_FILE: join(home, 'aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'), AWS_ENDPOINT_URL: t.url });
  let lastStep = 0;

  beforeAll(async () => {
    t = await startTestTessera();
    home = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    maria = await makeLocalUser(t, 'maria', { mfa: true });
    lastStep = maria.lastStep!;
    const iam = iamClient(t, t.root);
    await iam.send(new PutUserPolicyCommand({ UserName: 'maria', PolicyName: 'assume', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) }));
    roleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'Developer', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:root` }, Action: 'sts:AssumeRole' }) }))).Role!.Arn!;
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Developer', PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) }));
    writeFileSync(join(home, 'aws-config'), `[profile p]\ncredential_process = node ${BIN} credentials --role ${roleArn} --url ${t.url}\nregion = us-east-1\n`);
    writeFileSync(join(home, 'aws-credentials'), '');
    b = await openBrowser();
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await t?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** `tessera <args>` as a child; resolves when `pattern` appears on stderr (with the match), and exposes its end. */
  function tessera(args: string[]): { child: ChildProcess; seen: (re: RegExp) => Promise<RegExpMatchArray>; exit: Promise<{ code: number | null; stderr: string }> } {
    const child = spawn('node', [BIN, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const waiters: { re: RegExp; done: (m: RegExpMatchArray) => void }[] = [];
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const w of [...waiters]) {
        const m = w.re.exec(stderr);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.done(m);
        }
      }
    });
    const exit = new Promise<{ code: number | null; stderr: string }>((r) => child.on('exit', (code) => r({ code, stderr })));
    return {
      child,
      exit,
      seen: (re) =>
        new Promise((done, fail) => {
          const m = re.exec(stderr);
          if (m) return done(m);
          waiters.push({ re, done });
          setTimeout(() => fail(new Error(`not seen ${re}: ${stderr}`)), 20_000);
        }),
    };
  }

  async function signInInBrowser() {
    const p = b.page;
    await p.fill('#username', maria.name);
    await p.fill('#password', maria.password);
    await Promise.all([p.waitForURL(/\/signin\/mfa/), p.click('button[type=submit]')]);
    let step = timeStep(new Date());
    if (step <= lastStep) step = lastStep + 1;
    lastStep = step;
    await p.fill('#code', totpAt(maria.seed!, step));
    await Promise.all([p.waitForLoadState('load'), p.click('button[type=submit]')]);
  }

  async function aws(...args: string[]) {
    try {
      const r = await run('aws', ['--output', 'json', ...args], { env: env() });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  }

  it('device code approved in Chromium → 0600 sign-in → aws --profile p is the role session → revoked: the clear message', async () => {
    const login = tessera(['login', '--url', t.url]);
    const m = await login.seen(/^\s+([B-Z]{4}-[B-Z]{4})\s*$/m);
    const userCode = m[1]!;
    const complete = (await login.seen(/or open (\S+)/))[1]!;
    expect(complete).toBe(`${t.url}/device?user_code=${userCode}`);

    await b.context.clearCookies();
    await b.page.goto(complete);
    // Not signed in: sign-in first, then back to the code.
    expect(new URL(b.page.url()).pathname).toBe('/signin');
    await b.page.getByTestId('connector-local').click();
    await signInInBrowser();
    expect(b.page.url()).toBe(complete);
    expect(await b.page.getByTestId('user-code').textContent()).toBe(userCode);
    await b.shot('device-approve');
    await Promise.all([b.page.waitForLoadState('load'), b.page.getByTestId('approve').click()]);
    expect(await b.page.getByTestId('device-done').isVisible()).toBe(true);
    await b.shot('device-approved');

    const done = await login.exit;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain(`Signed in to ${t.url}`);
    const dir = join(home, '.config', 'tessera');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);

    const who = await aws('--profile', 'p', 'sts', 'get-caller-identity');
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Developer/maria`);
    expect((await aws('--profile', 'p', 'iam', 'list-users')).code).toBe(0);
    // credential_process output itself: Version 1 with Expiration; reused while valid.
    const one = JSON.parse((await run('node', [BIN, 'credentials', '--role', roleArn, '--url', t.url], { env: env() })).stdout);
    expect(one).toMatchObject({ Version: 1, AccessKeyId: expect.stringMatching(/^ASIA/) });
    expect(Date.parse(one.Expiration) - Date.now()).toBeGreaterThan(3000_000);
    const two = JSON.parse((await run('node', [BIN, 'credentials', '--role', roleArn, '--url', t.url], { env: env() })).stdout);
    expect(two.AccessKeyId).toBe(one.AccessKeyId);

    // The CLI sign-in is a login session of its own, listed for the person, with the audit of its approval.
    const list = await iamQuery(t.url, t.root, 'ListLoginSessions', { UserName: 'maria' });
    expect(list.text.match(/<Id>ls-/g)?.length).toBe(2);
    // An administrator ends maria's sign-ins: the next aws call says what to do.
    const revoke = await iamQuery(t.url, t.root, 'RevokeLoginSessions', { UserName: 'maria' });
    expect(revoke.status, revoke.text).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    const after = await aws('--profile', 'p', 'sts', 'get-caller-identity');
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain(`tessera: your sign-in to ${t.url} has ended (revoked or expired)`);
    expect(after.stderr).toContain(`Run: tessera login --url ${t.url}`);
    // The credentials it had printed were revoked with it.
    const direct = await run('aws', ['sts', 'get-caller-identity'], { env: { ...env(), AWS_CONFIG_FILE: '/dev/null', AWS_ACCESS_KEY_ID: one.AccessKeyId, AWS_SECRET_ACCESS_KEY: one.SecretAccessKey, AWS_SESSION_TOKEN: one.SessionToken, AWS_DEFAULT_REGION: 'us-east-1' } }).then(
      () => 'ok',
      (e: { stderr: string }) => e.stderr,
    );
    expect(direct).toContain('InvalidClientTokenId');
  }, 90_000);

  it('loopback login (RFC 8252, PKCE) approved in Chromium', async () => {
    const login = tessera(['login', '--url', t.url, '--browser', '--no-open']);
    const url = (await login.seen(/Opening (\S+)/))[1]!;
    expect(url).toMatch(/code_challenge_method=S256/);
    await b.context.clearCookies();
    await b.page.goto(url);
    expect(new URL(b.page.url()).pathname).toBe('/signin');
    await b.page.getByTestId('connector-local').click();
    await signInInBrowser();
    expect(new URL(b.page.url()).pathname).toMatch(/^\/device\/authorize\//);
    await b.shot('device-loopback-consent');
    await Promise.all([b.page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/), b.page.getByTestId('approve').click()]);
    expect(await b.page.textContent('body')).toContain('signed in');
    const done = await login.exit;
    expect(done.code, done.stderr).toBe(0);
    const who = await aws('--profile', 'p', 'sts', 'get-caller-identity');
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Developer/maria`);
    // logout ends it at Tessera too.
    expect((await run('node', [BIN, 'logout', '--url', t.url], { env: env() })).stderr).toContain('Signed out');
    const list = await iamQuery(t.url, t.root, 'ListLoginSessions', { UserName: 'maria' });
    expect(list.text.match(/<Id>ls-/g)?.length).toBe(1); // the browser's
  }, 90_000);
});
