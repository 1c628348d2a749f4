import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cachedUrls, cacheFile, readCache, withLock, writeCache, deleteCache, type CachedCredentials, type SignInCache } from './store.js';

/**
 * `tessera login | credentials | logout | roles`: the people CLI (issue 12). Node builtins and
 * global fetch only, no configuration loading: it starts in well under a second, as
 * credential_process needs (the AWS CLI runs it for every command).
 *
 *   tessera login [--url URL] [--browser] [--no-browser]
 *       device code (RFC 8628) by default: prints the code and the page to approve it on; with
 *       --browser a loopback redirect with PKCE S256 (RFC 8252). --no-browser: print, do not open.
 *   tessera credentials --role ARN [--duration SECONDS] [--url URL]
 *       credential_process JSON (Version 1). Cached credentials are reused until 5 minutes before
 *       their Expiration, after Tessera confirms the sign-in is still live (a revoked sign-in must
 *       stop at once); the access token is refreshed (rotated) when due.
 *   tessera logout [--url URL]      revokes the sign-in (RFC 7009) and deletes its cache file
 *   tessera roles [--url URL]       the roles this sign-in may pick
 *
 * --url defaults to $TESSERA_URL, else the one cached sign-in. Exit 0 on success, 1 on a refusal
 * (with one line on stderr), 2 on a usage error.
 */
const CLIENT_ID = 'tessera-cli';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const VERSION = '0.1.0';
const UA = `tessera-cli/${VERSION} node/${process.version}`;
/** Credentials closer than this to their Expiration are replaced (the AWS SDKs refresh at 5 min too). */
const CREDENTIALS_MARGIN_MS = 5 * 60_000;
/** An access token closer than this to its expiry is refreshed first. */
const ACCESS_MARGIN_MS = 60_000;
const HTTP_TIMEOUT_MS = 30_000;
const LOOPBACK_TIMEOUT_MS = 5 * 60_000;

class Exit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Args {
  url?: string | undefined;
  role?: string | undefined;
  duration?: number | undefined;
  browser: boolean;
  noBrowser: boolean;
}

const USAGE = `usage:
  tessera login [--url URL] [--browser] [--no-browser]
  tessera credentials --role ROLE_ARN [--duration SECONDS] [--url URL]
  tessera logout [--url URL]
  tessera roles [--url URL]
`;

function parseArgs(argv: string[]): Args {
  const a: Args = { browser: false, noBrowser: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const [name, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Exit(2, `tessera: ${name} needs a value\n${USAGE}`);
      return v;
    };
    switch (name) {
      case '--url':
        a.url = value();
        break;
      case '--role':
      case '--role-arn':
        a.role = value();
        break;
      case '--duration':
      case '--duration-seconds': {
        const v = value();
        if (!/^\d{1,6}$/.test(v)) throw new Exit(2, 'tessera: --duration is a whole number of seconds (900 up to the role\'s maximum)');
        a.duration = Number(v);
        break;
      }
      case '--browser':
        a.browser = true;
        break;
      case '--no-browser':
        a.noBrowser = true;
        break;
      case '-h':
      case '--help':
        throw new Exit(0, USAGE);
      default:
        throw new Exit(2, `tessera: unknown option ${arg}\n${USAGE}`);
    }
  }
  return a;
}

/** The Tessera base URL: --url, $TESSERA_URL, or the one cached sign-in. */
function baseUrl(a: Args): string {
  const raw = a.url ?? process.env.TESSERA_URL;
  if (raw === undefined) {
    const known = cachedUrls();
    if (known.length === 1) return known[0]!;
    throw new Exit(2, known.length === 0 ? 'tessera: say which Tessera: --url https://tessera.example.com (or set TESSERA_URL)' : `tessera: several sign-ins are cached (${known.join(', ')}): choose one with --url`);
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Exit(2, `tessera: --url ${raw} is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Exit(2, 'tessera: --url must be an http(s) URL');
  if (u.username || u.password || u.search || u.hash) throw new Exit(2, 'tessera: --url must be a plain base URL (no user, query or fragment)');
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

const endedMessage = (url: string) => `tessera: your sign-in to ${url} has ended (revoked or expired). Run: tessera login --url ${url}`;

// ── HTTP ──────────────────────────────────────────────────────────────────────────────────────
interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(url: string, init: { method?: string; form?: Record<string, string>; json?: unknown; bearer?: string | undefined }): Promise<Answer> {
  const headers: Record<string, string> = { 'user-agent': UA, accept: 'application/json' };
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  let r: Response;
  try {
    r = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'error', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new Unreachable(`tessera: cannot reach ${new URL(url).origin} (${cause})`);
  }
  const text = await r.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { error: 'bad_response', error_description: `HTTP ${r.status} from ${new URL(url).origin} is not JSON` };
  }
  return { status: r.status, body: parsed };
}

class Unreachable extends Exit {
  constructor(message: string) {
    super(1, message);
  }
}

const describe = (a: Answer) => `${String(a.body.error ?? `HTTP ${a.status}`)}${a.body.error_description ? `: ${String(a.body.error_description)}` : a.body.message ? `: ${String(a.body.message)}` : ''}`;

interface Tokens {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  login_session_id?: string;
  session_expires_at?: string;
}

function isTokens(b: Record<string, unknown>): b is Record<string, unknown> & Tokens {
  return typeof b.access_token === 'string' && typeof b.refresh_token === 'string' && typeof b.expires_in === 'number';
}

function withTokens(url: string, prev: SignInCache | null, t: Tokens, now = Date.now()): SignInCache {
  return {
    version: 1,
    url,
    loginSessionId: t.login_session_id,
    principal: prev?.loginSessionId === t.login_session_id ? prev?.principal : undefined,
    sessionExpiresAt: t.session_expires_at,
    accessToken: t.access_token,
    accessTokenExpiresAt: now + t.expires_in * 1000,
    refreshToken: t.refresh_token,
    // Credentials belong to a sign-in: a new one starts empty.
    credentials: prev && prev.loginSessionId === t.login_session_id ? prev.credentials : {},
  };
}

// ── login ─────────────────────────────────────────────────────────────────────────────────────
function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // printed anyway
  }
}

async function deviceLogin(url: string, a: Args): Promise<Tokens> {
  const start = await call(`${url}/oauth2/device_authorization`, { form: { client_id: CLIENT_ID } });
  if (start.status !== 200 || typeof start.body.device_code !== 'string') throw new Exit(1, `tessera: ${url} refused to start a sign-in: ${describe(start)}`);
  const b = start.body as { device_code: string; user_code: string; verification_uri: string; verification_uri_complete?: string; expires_in: number; interval?: number };
  const page = b.verification_uri_complete ?? b.verification_uri;
  process.stdout.write(
    `To sign in, open this page in a browser and confirm the code:\n\n  ${b.verification_uri}\n\n  Code: ${b.user_code}\n\n` +
      `(or open ${page} directly)\nWaiting for approval (the code expires in ${Math.round(b.expires_in / 60)} minutes)...\n`,
  );
  if (!a.noBrowser) openBrowser(page);
  let interval = Math.max(1, b.interval ?? 5);
  const deadline = Date.now() + b.expires_in * 1000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, interval * 1000));
    const t = await call(`${url}/oauth2/token`, { form: { grant_type: DEVICE_GRANT, device_code: b.device_code, client_id: CLIENT_ID } });
    if (t.status === 200 && isTokens(t.body)) return t.body;
    switch (t.body.error) {
      case 'authorization_pending':
        continue;
      case 'slow_down':
        interval += 5;
        continue;
      case 'access_denied':
        throw new Exit(1, 'tessera: the sign-in was denied in the browser');
      case 'expired_token':
        throw new Exit(1, 'tessera: the code expired before it was approved. Run tessera login again.');
      default:
        throw new Exit(1, `tessera: sign-in failed: ${describe(t)}`);
    }
  }
  throw new Exit(1, 'tessera: the code expired before it was approved. Run tessera login again.');
}

async function loopbackLogin(url: string, a: Args): Promise<Tokens> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  let settle!: (v: { code: string } | { error: string }) => void;
  const got = new Promise<{ code: string } | { error: string }>((r) => (settle = r));
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (u.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const ok = u.searchParams.get('state') === state;
    const code = u.searchParams.get('code');
    const error = u.searchParams.get('error');
    const done = ok && code ? 'Signed in. You can close this tab and return to your terminal.' : `Sign-in failed: ${ok ? (error ?? 'no code') : 'state mismatch'}. Return to your terminal.`;
    res.writeHead(ok && code ? 200 : 400, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).end(done);
    if (!ok) return; // not our request: keep waiting for the real one
    settle(code ? { code } : { error: `${error ?? 'no code'}${u.searchParams.get('error_description') ? `: ${u.searchParams.get('error_description')}` : ''}` });
  });
  await new Promise<void>((r, j) => server.once('error', j).listen(0, '127.0.0.1', () => r()));
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const q = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state });
  const authorize = `${url}/oauth2/authorize?${q}`;
  process.stdout.write(`${a.noBrowser ? 'Open' : 'Opening'} this page in a browser to sign in:\n\n  ${authorize}\n\nWaiting for the browser...\n`);
  if (!a.noBrowser) openBrowser(authorize);
  const timer = setTimeout(() => settle({ error: 'timed out waiting for the browser' }), LOOPBACK_TIMEOUT_MS);
  try {
    const r = await got;
    if ('error' in r) throw new Exit(1, `tessera: sign-in failed: ${r.error}`);
    const t = await call(`${url}/oauth2/token`, { form: { grant_type: 'authorization_code', code: r.code, redirect_uri: redirectUri, code_verifier: verifier, client_id: CLIENT_ID } });
    if (t.status !== 200 || !isTokens(t.body)) throw new Exit(1, `tessera: sign-in failed: ${describe(t)}`);
    return t.body;
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  }
}

async function login(a: Args): Promise<number> {
  const url = baseUrl(a);
  const file = cacheFile(url);
  const tokens = a.browser ? await loopbackLogin(url, a) : await deviceLogin(url, a);
  const who = await call(`${url}/cli/session`, { bearer: tokens.access_token }).catch(() => null);
  const principal = who?.status === 200 ? String((who.body.principal as Record<string, unknown> | undefined)?.arn ?? (who.body.principal as Record<string, unknown> | undefined)?.subject ?? '') : undefined;
  const old = readCache(file);
  // The previous sign-in of this cache, if any, is replaced: end it rather than leave it live.
  if (old?.refreshToken) await call(`${url}/oauth2/revoke`, { form: { token: old.refreshToken, client_id: CLIENT_ID } }).catch(() => null);
  await withLock(file, async () => writeCache(file, { ...withTokens(url, null, tokens), principal }));
  process.stdout.write(`Signed in to ${url}${principal ? ` as ${principal}` : ''}${tokens.session_expires_at ? ` until ${tokens.session_expires_at}` : ''}.\n`);
  return 0;
}

// ── tokens ────────────────────────────────────────────────────────────────────────────────────
/** A usable access token: the cached one, or a refreshed one (rotated; written before use). */
async function accessToken(url: string, file: string, force = false): Promise<string> {
  const fresh = (c: SignInCache | null) => !force && c?.accessToken && (c.accessTokenExpiresAt ?? 0) - Date.now() > ACCESS_MARGIN_MS;
  const c0 = readCache(file);
  if (!c0) throw new Exit(1, `tessera: you are not signed in to ${url}. Run: tessera login --url ${url}`);
  if (fresh(c0)) return c0.accessToken!;
  return withLock(file, async () => {
    // Another run may have refreshed while this one waited for the lock.
    const c = readCache(file);
    if (!c) throw new Exit(1, `tessera: you are not signed in to ${url}. Run: tessera login --url ${url}`);
    if (c.accessToken && c.accessToken !== c0.accessToken && (c.accessTokenExpiresAt ?? 0) - Date.now() > ACCESS_MARGIN_MS) return c.accessToken;
    if (fresh(c)) return c.accessToken!;
    if (!c.refreshToken) throw new Exit(1, endedMessage(url));
    const t = await call(`${url}/oauth2/token`, { form: { grant_type: 'refresh_token', refresh_token: c.refreshToken, client_id: CLIENT_ID } });
    if (t.status === 200 && isTokens(t.body)) {
      writeCache(file, withTokens(url, c, t.body));
      return t.body.access_token;
    }
    if (t.body.error === 'invalid_grant') {
      markEnded(file, c);
      throw new Exit(1, endedMessage(url));
    }
    throw new Exit(1, `tessera: refreshing the sign-in to ${url} failed: ${describe(t)}`);
  });
}

function markEnded(file: string, c: SignInCache): void {
  writeCache(file, { version: 1, url: c.url, loginSessionId: c.loginSessionId, endedAt: new Date().toISOString(), credentials: {} });
}

/** A Bearer call; a 401 refreshes once (the token may have been revoked by rotation elsewhere), then means the sign-in ended. */
async function authed(url: string, file: string, path: string, init: { json?: unknown } = {}): Promise<Answer> {
  let token = await accessToken(url, file);
  let r = await call(`${url}${path}`, { ...init, bearer: token });
  if (r.status === 401) {
    token = await accessToken(url, file, true);
    r = await call(`${url}${path}`, { ...init, bearer: token });
  }
  if (r.status === 401) {
    await withLock(file, async () => {
      const c = readCache(file);
      if (c) markEnded(file, c);
    });
    throw new Exit(1, endedMessage(url));
  }
  return r;
}

// ── credentials ───────────────────────────────────────────────────────────────────────────────
async function credentials(a: Args): Promise<number> {
  if (!a.role) throw new Exit(2, `tessera credentials: --role ROLE_ARN is required\n${USAGE}`);
  if (!/^arn:[\w-]+:iam::\d{12}:role\/\S+$/.test(a.role)) throw new Exit(2, `tessera credentials: --role must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME), not ${a.role}`);
  const url = baseUrl(a);
  const file = cacheFile(url);
  const cache = readCache(file);
  if (!cache) throw new Exit(1, `tessera: you are not signed in to ${url}. Run: tessera login --url ${url}`);
  if (cache.endedAt || !cache.refreshToken) throw new Exit(1, endedMessage(url));
  const key = `${a.role}#${a.duration ?? 'default'}`;
  const cached = cache.credentials[key];
  if (cached && Date.parse(cached.Expiration) - Date.now() > CREDENTIALS_MARGIN_MS) {
    // Reuse them only while the sign-in lives: revocation must stop this at once.
    try {
      const live = await authed(url, file, '/cli/session');
      if (live.status === 200) return print(cached);
    } catch (e) {
      // Offline: the credentials themselves are still valid until AWS (Tessera) says otherwise.
      if (e instanceof Unreachable) return print(cached);
      throw e;
    }
  }
  const r = await authed(url, file, '/cli/credentials', { json: { role_arn: a.role, ...(a.duration !== undefined ? { duration_seconds: a.duration } : {}) } });
  if (r.status !== 200 || typeof r.body.AccessKeyId !== 'string') throw new Exit(1, `tessera: no credentials for ${a.role}: ${describe(r)}`);
  const creds: CachedCredentials = {
    Version: 1,
    AccessKeyId: String(r.body.AccessKeyId),
    SecretAccessKey: String(r.body.SecretAccessKey),
    SessionToken: String(r.body.SessionToken),
    Expiration: String(r.body.Expiration),
  };
  await withLock(file, async () => {
    const c = readCache(file);
    if (!c || c.endedAt) return;
    // Expired entries go; this one is added.
    const kept = Object.fromEntries(Object.entries(c.credentials).filter(([, v]) => Date.parse(v.Expiration) > Date.now()));
    writeCache(file, { ...c, credentials: { ...kept, [key]: creds } });
  });
  return print(creds);
}

function print(c: CachedCredentials): number {
  process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration }) + '\n');
  return 0;
}

// ── logout, roles ─────────────────────────────────────────────────────────────────────────────
async function logout(a: Args): Promise<number> {
  const url = baseUrl(a);
  const file = cacheFile(url);
  const c = readCache(file);
  let note = '';
  if (c?.refreshToken) {
    const r = await call(`${url}/oauth2/revoke`, { form: { token: c.refreshToken, client_id: CLIENT_ID } }).catch((e: unknown) => ({ status: 0, body: { error: e instanceof Error ? e.message : String(e) } }));
    if (r.status !== 200) note = ` (Tessera could not be told: ${describe(r as Answer)}; the sign-in ends at its timeout)`;
  }
  await withLock(file, async () => deleteCache(file));
  process.stdout.write(c ? `Signed out of ${url}${note}.\n` : `Not signed in to ${url}.\n`);
  return 0;
}

async function roles(a: Args): Promise<number> {
  const url = baseUrl(a);
  const r = await authed(url, cacheFile(url), '/cli/roles');
  if (r.status !== 200 || !Array.isArray(r.body.roles)) throw new Exit(1, `tessera: ${describe(r)}`);
  for (const o of r.body.roles as { role_arn: string; max_session_duration: number; description?: string }[]) {
    process.stdout.write(`${o.role_arn}\t${o.max_session_duration}s${o.description ? `\t${o.description}` : ''}\n`);
  }
  return 0;
}

export async function runClient(cmd: string, argv: string[]): Promise<number> {
  try {
    const a = parseArgs(argv);
    switch (cmd) {
      case 'login':
        return await login(a);
      case 'credentials':
        return await credentials(a);
      case 'logout':
        return await logout(a);
      case 'roles':
        return await roles(a);
      default:
        throw new Exit(2, USAGE);
    }
  } catch (e) {
    if (e instanceof Exit) {
      (e.code === 0 ? process.stdout : process.stderr).write(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
      return e.code;
    }
    process.stderr.write(`tessera: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
