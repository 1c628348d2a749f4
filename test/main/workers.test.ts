import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../support/sha256.js';
import { freePort } from '../../src/store/embedded.js';
import { stsClient } from '../support/clients.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { redisUrl } from '../support/tessera.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { newAccessKeyId, newSecretAccessKey } from '../../src/tokens/ids.js';

/**
 * `tessera serve` with TESSERA_WORKERS=2 (node:cluster): two worker processes answer on one port,
 * and SIGTERM to the primary drains every worker's in-flight requests before it exits 0.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const START = ['--import', 'tsx', join(ROOT, 'src', 'cli.ts')];
const databases: TestDatabase[] = [];

afterAll(async () => {
  for (const d of databases) await d.drop().catch(() => {});
});

describe('TESSERA_WORKERS', () => {
  it('is 1 by default; above 1 it needs DATABASE_URL and REDIS_URL; auto is 1 without them', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ TESSERA_WORKERS: 'auto' }).workers).toBe(1);
    expect(() => loadConfig({ TESSERA_WORKERS: '2' })).toThrow(ConfigError);
    expect(() => loadConfig({ TESSERA_WORKERS: '0' })).toThrow(/TESSERA_WORKERS/);
    const ext = { DATABASE_URL: 'postgres://x@127.0.0.1/db', REDIS_URL: 'redis://127.0.0.1:6379', TESSERA_MASTER_KEY: randomBytes(32).toString('base64') };
    expect(loadConfig({ ...ext, TESSERA_WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ ...ext, TESSERA_WORKERS: 'auto' }).workers).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(!redisUrl())('two workers share the port; SIGTERM drains both, then the primary exits 0', async () => {
    const database = await freshDatabase({ migrate: false });
    databases.push(database);
    const port = await freePort();
    const c = { accessKeyId: newAccessKeyId('AKIA', '123456789012'), secretAccessKey: newSecretAccessKey() };
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl()!,
      TESSERA_MASTER_KEY: randomBytes(32).toString('base64'),
      TESSERA_AUTO_MIGRATE: 'true',
      TESSERA_ACCOUNT_ID: '123456789012',
      TESSERA_ROOT_ACCESS_KEY_ID: c.accessKeyId,
      TESSERA_ROOT_SECRET_ACCESS_KEY: c.secretAccessKey,
      TESSERA_WORKERS: '2',
    };
    const child: ChildProcess = spawn(process.execPath, [...START, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = `http://127.0.0.1:${port}`;
      const t0 = Date.now();
      while (!out.includes('tessera workers listening')) {
        if (Date.now() - t0 > 60_000) throw new Error(`not ready within 60 s:\n${out}`);
        if (child.exitCode !== null) throw new Error(`exited:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const ready = out.split('\n').find((l) => l.includes('"tessera workers listening"'))!;
      const workerPids = new Set((JSON.parse(ready) as { pids: number[] }).pids);
      // Each worker logs its own line through its own stdout: it may reach the pipe just after the primary's.
      const listening = () => out.split('\n').filter((l) => l.includes('"tessera listening"'));
      for (let i = 0; i < 50 && listening().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect(listening()).toHaveLength(2);
      expect(workerPids.size).toBe(2);
      expect(workerPids.has(child.pid!)).toBe(false);
      expect((await stsClient({ url }, c).send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');

      // Requests accepted on several connections (spread over both workers), their bodies still
      // arriving when the primary gets SIGTERM: every one is answered.
      const signer = new SignatureV4({ credentials: c, region: 'us-east-1', service: 'sts', sha256: Sha256 as never });
      const body = 'Action=GetCallerIdentity&Version=2011-06-15';
      const inFlight = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/', headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded' }, body });
          const head = Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
          const s = net.connect(port, '127.0.0.1');
          await new Promise<void>((r, j) => (s.once('connect', () => r()), s.once('error', j)));
          let answer = '';
          s.on('data', (d) => (answer += d));
          const done = new Promise<string>((r) => s.on('close', () => r(answer)));
          s.write(`POST / HTTP/1.1\r\n${head}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`);
          return { finish: () => s.write(body.slice(10)), done };
        }),
      );
      await new Promise((r) => setTimeout(r, 500));
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      for (const f of inFlight) f.finish();
      for (const a of await Promise.all(inFlight.map((f) => f.done))) {
        expect(a).toMatch(/^HTTP\/1\.1 200 /);
        expect(a).toContain('<GetCallerIdentityResult>');
      }
      expect(await exited).toBe(0);
      for (const pid of workerPids) expect(() => process.kill(pid, 0)).toThrow();
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
