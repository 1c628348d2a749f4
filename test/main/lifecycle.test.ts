import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../support/sha256.js';
import { freePort } from '../../src/store/embedded.js';
import { stsClient } from '../support/clients.js';

/**
 * The real command (`bin/tessera.js serve`, what `npm start` runs) on embedded PostgreSQL:
 * readiness, credentials printed once, restart keeps the account, configured root keys, and
 * SIGTERM draining in-flight requests.
 */
// Exactly what `npm start` runs (package.json "start").
const ROOT = join(import.meta.dirname, '..', '..');
const START = ['--import', 'tsx', join(ROOT, 'src', 'cli.ts')];
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) {
    // As root from a 0700 temp folder, the cluster lives elsewhere (src/store/embedded.ts): remove it too.
    const moved = await readFile(join(d, 'pg-location'), 'utf8').catch(() => '');
    if (moved.trim()) await rm(dirname(moved.trim()), { recursive: true, force: true });
    await rm(d, { recursive: true, force: true });
  }
});

interface Proc {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  exited: Promise<number | null>;
}

async function serve(dataDir: string, env: Record<string, string> = {}): Promise<Proc> {
  const port = await freePort();
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', TESSERA_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env };
  const child = spawn(process.execPath, [...START, 'serve'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (Date.now() - t0 > 30_000) throw new Error(`not ready within 30 s:\n${out}`);
    if (child.exitCode !== null) throw new Error(`exited:\n${out}`);
    const ok = await fetch(url + '/readyz').then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, stdout: () => out, exited };
}

async function stop(p: Proc): Promise<number | null> {
  p.child.kill('SIGTERM');
  return p.exited;
}

const creds = (out: string) => ({
  accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(out)?.[1] ?? '',
  secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(out)?.[1] ?? '',
});

describe('tessera serve on embedded PostgreSQL', () => {
  it('is ready within 30 s, prints the admin credentials once, and keeps the account across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-life-'));
    dirs.push(dir);
    const first = await serve(dir);
    expect(first.stdout()).toContain('single-node dev mode');
    const c = creds(first.stdout());
    expect(c.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(c.secretAccessKey).toHaveLength(40);
    const sts = (url: string) => new STSClient({ endpoint: url, region: 'us-east-1', credentials: c, maxAttempts: 1 });
    const id1 = await sts(first.url).send(new GetCallerIdentityCommand({}));
    // The secret never reaches the JSON log lines.
    for (const line of first.stdout().split('\n').filter((l) => l.startsWith('{'))) expect(line).not.toContain(c.secretAccessKey);
    expect(await stop(first)).toBe(0);

    const second = await serve(dir);
    expect(second.stdout()).not.toContain('AWS_SECRET_ACCESS_KEY');
    const id2 = await sts(second.url).send(new GetCallerIdentityCommand({}));
    expect(id2.Account).toBe(id1.Account);
    expect(id2.Arn).toBe(`arn:aws:iam::${id1.Account}:root`);
    expect(await stop(second)).toBe(0);
  }, 90_000);

  it('uses TESSERA_ROOT_* and TESSERA_ACCOUNT_ID when set, printing no secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-life-'));
    dirs.push(dir);
    const c = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const p = await serve(dir, { TESSERA_ROOT_ACCESS_KEY_ID: c.accessKeyId, TESSERA_ROOT_SECRET_ACCESS_KEY: c.secretAccessKey, TESSERA_ACCOUNT_ID: '111122223333' });
    expect(p.stdout()).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(p.stdout()).not.toContain(c.secretAccessKey);
    const id = await stsClient(p, c).send(new GetCallerIdentityCommand({}));
    expect(id).toMatchObject({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root', UserId: '111122223333' });
    expect(await stop(p)).toBe(0);
  }, 90_000);

  it('refuses bad configuration with a message naming every bad key', async () => {
    const child = spawn(process.execPath, [...START, 'serve'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: 'abc', LOG_LEVEL: 'loud', TESSERA_ACCOUNT_ID: '12', DATABASE_URL: 'not a url' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(2);
    for (const k of ['PORT', 'LOG_LEVEL', 'TESSERA_ACCOUNT_ID', 'DATABASE_URL', 'TESSERA_MASTER_KEY']) expect(err).toContain(k);
  });

  it('on SIGTERM under load, answers every request already accepted, then exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-life-'));
    dirs.push(dir);
    const p = await serve(dir);
    const c = creds(p.stdout());
    const { port } = new URL(p.url);
    const signer = new SignatureV4({ credentials: c, region: 'us-east-1', service: 'sts', sha256: Sha256 as never });
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    // 40 signed requests, each accepted by the server with its body still arriving when the
    // signal comes; plus a burst of complete requests sent just before it.
    const inFlight = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: Number(port), path: '/', headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded' }, body });
        const head = Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
        const s = net.connect(Number(port), '127.0.0.1');
        await new Promise<void>((r, j) => (s.once('connect', () => r()), s.once('error', j)));
        let out = '';
        s.on('data', (d) => (out += d));
        const done = new Promise<string>((r) => s.on('close', () => r(out)));
        s.write(`POST / HTTP/1.1\r\n${head}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`);
        return { finish: () => s.write(body.slice(10)), done };
      }),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const client = stsClient(p, c);
    // Settled at once: a refusal must not surface as an unhandled rejection while the test waits.
    const burst = Promise.allSettled(Array.from({ length: 20 }, () => client.send(new GetCallerIdentityCommand({}))));
    await new Promise((r) => setTimeout(r, 50));
    p.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    for (const f of inFlight) f.finish();
    const answers = await Promise.all(inFlight.map((f) => f.done));
    for (const a of answers) {
      expect(a).toMatch(/^HTTP\/1\.1 200 /);
      expect(a).toContain('<GetCallerIdentityResult>');
    }
    // Complete requests sent before the signal: each either answered 200, or refused at
    // connect time because it was never accepted — never cut off half-way.
    for (const r of await burst) {
      if (r.status === 'fulfilled') expect(r.value.Account).toMatch(/^\d{12}$/);
      else expect(String((r.reason as Error).message)).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up/);
    }
    expect(await p.exited).toBe(0);
    // After shutdown nothing listens any more.
    await expect(fetch(p.url + '/healthz')).rejects.toThrow();
  }, 90_000);
});
