import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { normalizeUrl, readSignIn, removeSignIn, writeSignIn, type CachedCredentials, type SignInFile } from './store.js';

/**
 * The person's side of the `tessera` command (issue 12), node built-ins only so that
 * `credential_process` starts fast:
 *
 *   tessera login [--url URL] [--browser] [--no-open]
 *       device code (RFC 8628: the code is shown here, approved in a browser), or with --browser a
 *       loopback redirect with PKCE (RFC 8252) on 127.0.0.1; the sign-in is kept 0600 in the
 *       config folder (src/client/store.ts)
 *   tessera credentials --role ARN [--duration SECONDS] [--url URL]
 *       AWS credential_process JSON (Version 1, with Expiration), reused until 5 minutes before
 *       expiry, the access token refreshed when it ends
 *   tessera logout [--url URL]    ends the sign-in at Tessera (RFC 7009) and deletes the file
 *
 * URL: --url, else $TESSERA_URL, else http://127.0.0.1:8080. A sign-in that has ended (revoked,
 * expired) is reported on stderr with what to run, and exit code 1.
 */
export const CLIENT_ID = 'tessera-cli';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const REFRESH_MARGIN_MS = 5 * 60_000;
const TIMEOUT_MS = 15_000;

const USAGE = `usage:
  tessera login [--url URL] [--browser] [--no-open]
  tessera credentials --role ROLE_ARN [--duration SECONDS] [--url URL]
  tessera logout [--url URL]

In ~/.aws/config:
  [profile work]
  credential_process = tessera credentials --role arn:aws:iam::123456789012:role/Developer --url https://tessera.example
  endpoint_url = https://tessera.example
`;

class Ended extends Error {}
class Usage extends Error {}

interface Args {
  url: string;
  role?: string;
  duration?: number;
  browser: boolean;
  open: boolean;
}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Args {
  const a: Args = { url: env.TESSERA_URL || 'http://127.0.0.1:8080', browser: false, open: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Usage(`${k} needs a value`);
      return x;
    };
    if (k === '--url') a.url = v();
    else if (k === '--role') a.role = v();
    else if (k === '--duration') {
      const d = v();
      if (!/^\d{3,5}$/.test(d)) throw new Usage('--duration is a number of seconds (900 to 43200)');
      a.duration = Number(d);
    } else if (k === '--browser') a.browser = true;
    else if (k === '--no-browser') a.browser = false;
    else if (k === '--no-open') a.open = false;
    else throw new Usage(`unknown option ${k}`);
  }
  a.url = normalizeUrl(a.url);
  return a;
}

async function post(url: string, path: string, form: Record<string, string>): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(form).toString(), redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await r.text();
  let body: any = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { error: 'invalid_response', error_description: `HTTP ${r.status} from ${url}${path} is not JSON` };
  }
  return { status: r.status, body };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function saveTokens(url: string, t: any, keep: Partial<SignInFile> = {}): SignInFile {
  if (typeof t.access_token !== 'string' || typeof t.refresh_token !== 'string') throw new Error('Tessera answered without tokens');
  const now = Date.now();
  const f: SignInFile = {
    url,
    accessToken: t.access_token,
    accessExpiresAt: now + Number(t.expires_in ?? 3600) * 1000,
    refreshToken: t.refresh_token,
    refreshExpiresAt: now + Number(t.refresh_expires_in ?? 43200) * 1000,
    credentials: keep.credentials ?? {},
  };
  writeSignIn(f);
  return f;
}

async function loginDevice(a: Args, out: NodeJS.WritableStream): Promise<void> {
  const d = await post(a.url, '/oauth2/device_authorization', { client_id: CLIENT_ID });
  if (d.status !== 200) throw new Error(`${d.body.error ?? d.status}: ${d.body.error_description ?? 'device authorization failed'}`);
  out.write(`To sign in, open ${d.body.verification_uri} in a browser and enter the code:\n\n    ${d.body.user_code}\n\nor open ${d.body.verification_uri_complete}\nWaiting for approval...\n`);
  let interval = Number(d.body.interval ?? 5) * 1000;
  const until = Date.now() + Number(d.body.expires_in ?? 600) * 1000;
  while (Date.now() < until) {
    await sleep(interval);
    const t = await post(a.url, '/oauth2/token', { grant_type: DEVICE_GRANT, device_code: d.body.device_code, client_id: CLIENT_ID });
    if (t.status === 200) {
      saveTokens(a.url, t.body);
      out.write(`Signed in to ${a.url}.\n`);
      return;
    }
    if (t.body.error === 'authorization_pending') continue;
    if (t.body.error === 'slow_down') {
      interval += 5000;
      continue;
    }
    throw new Error(`${t.body.error}: ${t.body.error_description ?? ''}`);
  }
  throw new Error('the code expired before it was approved; run `tessera login` again');
}

async function loginBrowser(a: Args, out: NodeJS.WritableStream): Promise<void> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  let done!: (v: { code?: string; error?: string }) => void;
  const answer = new Promise<{ code?: string; error?: string }>((r) => (done = r));
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (u.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const ok = u.searchParams.get('state') === state;
    const code = u.searchParams.get('code');
    const error = u.searchParams.get('error');
    res.writeHead(ok ? 200 : 400, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
    res.end(ok && code ? 'Tessera CLI: signed in. You can close this tab.\n' : 'Tessera CLI: sign-in failed. Go back to your terminal.\n');
    if (ok) done(code ? { code } : { error: `${error ?? 'no code'}: ${u.searchParams.get('error_description') ?? ''}` });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const q = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state });
  const authorize = `${a.url}/oauth2/authorize?${q.toString()}`;
  out.write(`Opening ${authorize}\nIf no browser opens, open that address yourself. Waiting...\n`);
  if (a.open) openBrowser(authorize);
  try {
    let timer: NodeJS.Timeout | undefined;
    const r: { code?: string; error?: string } = await Promise.race([answer, new Promise<{ error: string }>((ok) => (timer = setTimeout(() => ok({ error: 'timed out after 10 minutes' }), 600_000)))]);
    clearTimeout(timer);
    if (!r.code) throw new Error(`sign-in failed: ${r.error}`);
    const t = await post(a.url, '/oauth2/token', { grant_type: 'authorization_code', code: r.code, code_verifier: verifier, redirect_uri: redirectUri, client_id: CLIENT_ID });
    if (t.status !== 200) throw new Error(`${t.body.error}: ${t.body.error_description ?? ''}`);
    saveTokens(a.url, t.body);
    out.write(`Signed in to ${a.url}.\n`);
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'rundll32' : 'xdg-open';
  const args = process.platform === 'win32' ? ['url.dll,FileProtocolHandler', url] : [url];
  try {
    spawn(cmd, args, { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  } catch {
    // printed above
  }
}

/** A live access token: the cached one, else a refreshed one (rotation: the new pair is saved). */
async function accessToken(a: Args, f: SignInFile): Promise<SignInFile> {
  if (f.accessExpiresAt - Date.now() > 30_000) return f;
  if (f.refreshExpiresAt <= Date.now()) throw new Ended();
  const t = await post(a.url, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: f.refreshToken, client_id: CLIENT_ID });
  if (t.status === 200) return saveTokens(a.url, t.body, f);
  if (t.body.error === 'invalid_grant') throw new Ended();
  throw new Error(`${t.body.error ?? t.status}: ${t.body.error_description ?? 'refresh failed'}`);
}

async function credentials(a: Args, out: NodeJS.WritableStream): Promise<void> {
  if (!a.role) throw new Usage('credentials needs --role ROLE_ARN');
  let f = readSignIn(a.url);
  if (!f) throw new Ended();
  const key = `${a.role}#${a.duration ?? ''}`;
  const cached = f.credentials[key];
  if (cached && Date.parse(cached.Expiration) - Date.now() > REFRESH_MARGIN_MS) {
    // Reused only while the sign-in is live: a revoked sign-in must say so here, not as an
    // InvalidClientTokenId from the next AWS call (its credentials are revoked with it).
    f = await accessToken(a, f);
    const r = await fetch(`${a.url}/cli/session`, { headers: { authorization: `Bearer ${f.accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (r.status === 200) {
      out.write(JSON.stringify({ Version: 1, ...cached }) + '\n');
      return;
    }
    if (r.status !== 401) throw new Error(`HTTP ${r.status} from ${a.url}/cli/session`);
    f = { ...f, accessExpiresAt: 0 };
  }
  for (let attempt = 0; ; attempt++) {
    f = await accessToken(a, f);
    const r = await fetch(`${a.url}/cli/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ roleArn: a.role, ...(a.duration !== undefined ? { durationSeconds: a.duration } : {}) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await r.json().catch(() => ({}))) as any;
    if (r.status === 401 && attempt === 0) {
      // The access token may have been dropped (a cache restart): refresh once, then give up.
      f = { ...f, accessExpiresAt: 0 };
      continue;
    }
    if (r.status === 401) throw new Ended();
    if (r.status !== 200) throw new Error(`${body.error ?? r.status}: ${body.error_description ?? 'credentials refused'}`);
    const c: CachedCredentials = { AccessKeyId: body.AccessKeyId, SecretAccessKey: body.SecretAccessKey, SessionToken: body.SessionToken, Expiration: body.Expiration };
    // Drop what has expired; keep the rest.
    const now = Date.now();
    const kept = Object.fromEntries(Object.entries(f.credentials).filter(([, v]) => Date.parse(v.Expiration) > now));
    writeSignIn({ ...f, credentials: { ...kept, [key]: c } });
    out.write(JSON.stringify({ Version: 1, ...c }) + '\n');
    return;
  }
}

async function logout(a: Args, out: NodeJS.WritableStream): Promise<void> {
  const f = readSignIn(a.url);
  if (f) await post(a.url, '/oauth2/revoke', { token: f.refreshToken, token_type_hint: 'refresh_token', client_id: CLIENT_ID }).catch(() => null);
  removeSignIn(a.url);
  out.write(`Signed out of ${a.url}.\n`);
}

export async function runClient(argv: string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream; env: NodeJS.ProcessEnv } = { out: process.stdout, err: process.stderr, env: process.env }): Promise<number> {
  const [cmd, ...rest] = argv;
  let url = '';
  try {
    const a = parseArgs(rest, io.env);
    url = a.url;
    if (cmd === 'login') await (a.browser ? loginBrowser(a, io.err) : loginDevice(a, io.err));
    else if (cmd === 'credentials') await credentials(a, io.out);
    else if (cmd === 'logout') await logout(a, io.err);
    else throw new Usage(`unknown command ${cmd}`);
    return 0;
  } catch (e) {
    if (e instanceof Ended) {
      io.err.write(`tessera: your sign-in to ${url} has ended (revoked or expired), or you have not signed in. Run: tessera login --url ${url}\n`);
      return 1;
    }
    if (e instanceof Usage) {
      io.err.write(`tessera: ${e.message}\n${USAGE}`);
      return 2;
    }
    const m = e instanceof Error ? (e.name === 'TimeoutError' ? `no answer from ${url} within ${TIMEOUT_MS / 1000} s` : e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
    io.err.write(`tessera: ${m}\n`);
    return 1;
  }
}

export const CLIENT_COMMANDS = new Set(['login', 'credentials', 'logout']);
