import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/**
 * Where the `tessera` command keeps a sign-in: one JSON file per Tessera URL in the user's config
 * folder — `$XDG_CONFIG_HOME/tessera`, else `~/.config/tessera` (`%APPDATA%\tessera` on
 * Windows) — the folder 0700 and the file 0600, written atomically (a temporary file in the same
 * folder, then rename), so a crash or a concurrent `tessera credentials` never leaves half a file.
 * It holds the access and refresh tokens and the credentials already issued (reused until five
 * minutes before they expire).
 */
export interface CachedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

export interface SignInFile {
  url: string;
  accessToken: string;
  /** ms since the epoch */
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
  /** by role ARN + duration */
  credentials: Record<string, CachedCredentials>;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (platform() === 'win32' && env.APPDATA) return join(env.APPDATA, 'tessera');
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'tessera');
}

/** The origin a sign-in is kept under (scheme, host, port; a trailing path is kept too). */
export function normalizeUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`not a URL: ${raw}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`not an http(s) URL: ${raw}`);
  if (u.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) {
    throw new Error(`refusing plain http to ${u.host}: tokens and credentials would travel unencrypted; use https`);
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

export const fileOf = (url: string, env?: NodeJS.ProcessEnv) => join(configDir(env), `signin-${createHash('sha256').update(url).digest('hex').slice(0, 16)}.json`);

export function readSignIn(url: string, env?: NodeJS.ProcessEnv): SignInFile | null {
  let text: string;
  try {
    text = readFileSync(fileOf(url, env), 'utf8');
  } catch {
    return null;
  }
  try {
    const f = JSON.parse(text) as SignInFile;
    return f && f.url === url && typeof f.refreshToken === 'string' ? { ...f, credentials: f.credentials ?? {} } : null;
  } catch {
    return null;
  }
}

export function writeSignIn(f: SignInFile, env?: NodeJS.ProcessEnv): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (platform() !== 'win32') {
    const st = statSync(dir);
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  }
  const path = fileOf(f.url, env);
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(f, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  renameSync(tmp, path);
  return path;
}

export function removeSignIn(url: string, env?: NodeJS.ProcessEnv): void {
  rmSync(fileOf(url, env), { force: true });
}
