import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The CLI's cache: one JSON file per Tessera origin in `$XDG_CONFIG_HOME/tessera/` (else
 * `~/.config/tessera/`; `%APPDATA%\tessera\` on Windows). The folder is 0700 and every file
 * 0600, written atomically (a new 0600 file beside it, fsync, rename), so a reader never sees
 * half a file and a crash never leaves one. Writers serialise on a lock file (O_EXCL), so two
 * credential_process runs at once cannot both spend the same refresh token (which would revoke
 * the sign-in: reuse detection).
 */
export interface CachedCredentials {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

export interface SignInCache {
  version: 1;
  /** The Tessera base URL signed in to. */
  url: string;
  loginSessionId?: string | undefined;
  principal?: string | undefined;
  sessionExpiresAt?: string | undefined;
  accessToken?: string | undefined;
  /** ms since the epoch */
  accessTokenExpiresAt?: number | undefined;
  refreshToken?: string | undefined;
  /** Set when Tessera said the sign-in ended (tokens dropped). */
  endedAt?: string | undefined;
  /** By `roleArn#duration` (duration `default` when not chosen). */
  credentials: Record<string, CachedCredentials>;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'tessera');
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'tessera');
}

/** `http://127.0.0.1:8080` → `http_127.0.0.1_8080.json` */
export function cacheFile(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const o = new URL(url);
  const port = o.port || (o.protocol === 'https:' ? '443' : '80');
  const name = `${o.protocol.replace(':', '')}_${o.hostname.replace(/[^A-Za-z0-9.-]/g, '_')}_${port}.json`;
  return join(cacheDir(env), name);
}

function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32' && (statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

export function readCache(file: string): SignInCache | null {
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const v = JSON.parse(text) as SignInCache;
    if (v && v.version === 1 && typeof v.url === 'string') return { ...v, credentials: v.credentials ?? {} };
  } catch {
    // a damaged file is as good as none
  }
  return null;
}

export function writeCache(file: string, value: SignInCache): void {
  ensureDir(dirname(file));
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(value, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function deleteCache(file: string): void {
  rmSync(file, { force: true });
}

/** The base URLs of every cached sign-in (for a missing --url when there is exactly one). */
export function cachedUrls(env: NodeJS.ProcessEnv = process.env): string[] {
  try {
    return readdirSync(cacheDir(env))
      .filter((n) => n.endsWith('.json'))
      .map((n) => readCache(join(cacheDir(env), n))?.url)
      .filter((u): u is string => typeof u === 'string');
  } catch {
    return [];
  }
}

const STALE_LOCK_MS = 30_000;

/** Runs `fn` holding `<file>.lock` (waits up to 20 s; a lock older than 30 s is a crashed holder's). */
export async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  ensureDir(dirname(file));
  const t0 = Date.now();
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
      } catch {
        // gone meanwhile
      }
      if (Date.now() - t0 > 20_000) throw new Error(`another tessera command holds ${lock}; remove it if none is running`);
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
