import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { makeLocalUser, type Jar, type LocalUser } from '../sso/helpers.js';
import { cacheFile, type SignInCache } from '../../src/client/store.js';
import { decide, roleFor, signInJar, tessera, tesseraRun } from './helpers.js';

/**
 * The `tessera` client as the AWS CLI runs it (a child process, a temporary HOME): the cache
 * folder and file permissions, credentials reused until 5 minutes before Expiration, the access
 * token refreshed (rotated) when due, concurrent runs that do not spend one refresh token twice,
 * the clear message once the sign-in ends, and logout.
 */
let t: TestTessera;
let user: LocalUser;
let roleArn: string;
let jar: Jar;
let home: string;
let env: Record<string, string>;
let file: string;

beforeAll(async () => {
  t = await startTestTessera();
  user = await makeLocalUser(t, 'dora');
  roleArn = await roleFor(t, 'Ops', user.arn, 7200);
  jar = await signInJar(t.url, user);
  home = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'XDG_CONFIG_HOME' && k !== 'TESSERA_URL')) as Record<string, string>;
  env = { ...clean, HOME: home };
  file = cacheFile(t.url, env);
});
afterAll(async () => {
  await t?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const read = () => JSON.parse(readFileSync(file, 'utf8')) as SignInCache;
const write = (c: SignInCache) => writeFileSync(file, JSON.stringify(c));
const creds = (...extra: string[]) => tesseraRun(['credentials', '--role', roleArn, '--url', t.url, ...extra], env);

async function login(): Promise<void> {
  const c = tessera(['login', '--url', t.url, '--no-browser'], env);
  const code = (await c.waitFor(/Code: ([B-Z]{4}-[B-Z]{4})/))[1]!;
  expect((await decide(jar, code, 'approve')).status).toBe(200);
  expect(await c.exit, c.stderr()).toBe(0);
}

describe('tessera credentials', () => {
  it('before login: a clear message, exit 1; bad arguments: exit 2', async () => {
    const r = await creds();
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tessera: you are not signed in to ${t.url}. Run: tessera login --url ${t.url}\n`);
    expect((await tesseraRun(['credentials', '--url', t.url], env)).code).toBe(2);
    expect((await tesseraRun(['credentials', '--role', 'nope', '--url', t.url], env)).code).toBe(2);
    expect((await tesseraRun(['login', '--url', 'ftp://x'], env)).code).toBe(2);
  });

  it('login writes the cache 0600 in a 0700 folder under ~/.config/tessera; credential_process JSON; reused while fresh', async () => {
    await login();
    expect(file).toBe(join(home, '.config', 'tessera', `http_127.0.0.1_${new URL(t.url).port}.json`));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.config', 'tessera')).mode & 0o777).toBe(0o700);
    const r = await creds();
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    expect(j.Version).toBe(1);
    expect(j.AccessKeyId).toMatch(/^ASIA/);
    expect(Date.parse(j.Expiration) - Date.now()).toBeGreaterThan(3500_000);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Reused: the same credentials.
    expect(JSON.parse((await creds()).stdout).AccessKeyId).toBe(j.AccessKeyId);
    // --duration is its own entry.
    const d = JSON.parse((await creds('--duration', '900')).stdout);
    expect(d.AccessKeyId).not.toBe(j.AccessKeyId);
    expect(Math.abs(Date.parse(d.Expiration) - Date.now() - 900_000)).toBeLessThan(60_000);
    // A world-readable cache file is made private again on the next read.
    chmodSync(file, 0o644);
    await creds();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('credentials within 5 minutes of Expiration are replaced; an expired access token is refreshed (rotated)', async () => {
    const first = JSON.parse((await creds()).stdout);
    const c = read();
    const key = `${roleArn}#default`;
    c.credentials[key]!.Expiration = new Date(Date.now() + 4 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    write(c);
    const second = JSON.parse((await creds()).stdout);
    expect(second.AccessKeyId).not.toBe(first.AccessKeyId);
    expect(read().credentials[key]!.AccessKeyId).toBe(second.AccessKeyId);
    // An access token past its time: the next run refreshes it first (a new refresh token too).
    const before = read();
    write({ ...before, accessTokenExpiresAt: Date.now() - 1000 });
    expect((await creds()).code).toBe(0);
    const after = read();
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.accessTokenExpiresAt! - Date.now()).toBeGreaterThan(3500_000);
    expect(after.loginSessionId).toBe(before.loginSessionId);
  });

  it('four runs at once with a stale access token refresh once (the lock), and the sign-in survives', async () => {
    write({ ...read(), accessTokenExpiresAt: Date.now() - 1000 });
    const runs = await Promise.all([creds(), creds(), creds(), creds()]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect((await creds()).code).toBe(0);
    const reuse = await t.database.db.query(`SELECT 1 FROM audit_events WHERE action = 'CliRefreshReuse'`);
    expect(reuse.rows).toHaveLength(0);
  });

  it('the sign-in revoked (sign out everywhere in the browser): cached credentials are not handed out; the clear message', async () => {
    const page = await jar.get('/session');
    const csrf = /action="\/signout\/everywhere"><input type="hidden" name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
    expect((await jar.post('/signout/everywhere', { csrf })).location).toBe('/signed-out');
    const r = await creds();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tessera: your sign-in to ${t.url} has ended (revoked or expired). Run: tessera login --url ${t.url}\n`);
    // The tokens are gone from the cache; it says so again, without asking Tessera.
    expect(read().refreshToken).toBeUndefined();
    expect((await creds()).stderr).toContain('has ended');
  });

  it('logout revokes the sign-in (RFC 7009) and deletes the cache file', async () => {
    jar = await signInJar(t.url, user);
    await login();
    const { accessToken, loginSessionId } = read();
    expect((await creds()).code).toBe(0);
    const r = await tesseraRun(['logout', '--url', t.url], env);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(file)).toBe(false);
    const s = await fetch(`${t.url}/cli/session`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(s.status).toBe(401);
    const row = await t.database.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM login_sessions WHERE id = $1', [loginSessionId]);
    expect(row.rows[0]!.revoked_at).not.toBeNull();
  });
});
