/**
 * Full OIDC sign-in per second — GET /signin/<id> → the upstream's authorize → its login
 * interaction → its redirect to Tessera's callback (Tessera redeems the code at the token
 * endpoint, verifies the ID token, opens a login session) → session cookie — beside
 * oidc-provider's own authorization-code flow (authorize → login interaction → code → token) in
 * the same run, same machine, same client.
 *
 *   npm run bench -- signin
 *   env: DATABASE_URL (admin URL; a fresh database is created and dropped; default
 *        postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (optional; in-process cache
 *        without), BENCH_SECONDS per figure (default 5), BENCH_CONNECTIONS (levels of concurrent
 *        browsers, default 1,8).
 *
 * Every flow is a new browser (an empty cookie jar): the upstream logs the person in each time
 * (its interaction is finished programmatically, as a person submitting the login form would),
 * so both sides pay the same upstream work and the difference is what Tessera adds: its start
 * redirect, flow state, the code redemption (a token request to the same oidc-provider), ID
 * token verification (JWKS cached), the login session and its cookie. One process runs the
 * oidc-provider, Tessera and the load (closed loop: each browser runs one flow at a time).
 * Prints flows/s and p50/p99 per level and the ratio Tessera / oidc-provider. Ratios, not verdicts.
 *
 * Until the sign-in router (spine) and the OIDC connector are merged, the Tessera half reports
 * what it got (e.g. 404 from /signin/<id>) and only the reference is measured.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import Provider from 'oidc-provider';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateOpenIDConnectProviderCommand, IAMClient } from '@aws-sdk/client-iam';
import { loadConfig } from '../src/config/index.js';
import { buildServices } from '../src/main.js';
import { createApp } from '../src/app.js';
import { createDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { bootstrap } from '../src/iam/bootstrap.js';
import { createCache } from '../src/cache/index.js';
import { createLogger } from '../src/log.js';
import { newAccessKeyId, newSecretAccessKey } from '../src/tokens/ids.js';
import { Sha256 } from '../test/support/sha256.js';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LEVELS = (process.env.BENCH_CONNECTIONS ?? '1,8').split(',').map(Number);
const ACCOUNT = '123456789012';
const CONNECTOR = 'corp';
const CLIENT_ID = 'tessera';
const CLIENT_SECRET = randomBytes(24).toString('base64url');
const REF_REDIRECT = 'http://127.0.0.1:1/reference-callback';

const b64url = (b: Buffer) => b.toString('base64url');

// ─── the upstream: a real oidc-provider with the authorization-code flow ───────────────────────
async function startIdp(tesseraCallback: string) {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [tesseraCallback, REF_REDIRECT],
      },
    ],
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub, email: `${sub}@example.test`, email_verified: true }) }),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 600, Session: 600, Interaction: 600 },
  });
  provider.on('server_error', () => {});
  const cb = provider.callback();
  let people = 0;
  server.on('request', async (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return cb(req, res);
    // The login form, submitted: a person, then consent to what the client asked.
    try {
      const details = await provider.interactionDetails(req, res);
      const accountId = `person-${++people % 1000}`;
      const grant = new provider.Grant({ accountId, clientId: CLIENT_ID });
      grant.addOIDCScope(String(details.params.scope ?? 'openid'));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    } catch (e) {
      res.statusCode = 500;
      res.end(String(e));
    }
  });
  return {
    issuer,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ─── a browser: cookies per origin, redirects followed by hand ────────────────────────────────
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();
  cookies(origin: string): Map<string, string> {
    let m = this.jar.get(origin);
    if (!m) this.jar.set(origin, (m = new Map()));
    return m;
  }
  async request(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.cookies(u.origin);
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}), redirect: 'manual' });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    return r;
  }
  /** Follows redirects from `url` until `stop(url)` says so (not fetched) or a non-redirect answer. */
  async follow(url: string, stop: (u: string) => boolean, max = 10): Promise<{ url: string; response?: Response }> {
    let at = url;
    for (let i = 0; i < max; i++) {
      if (stop(at)) return { url: at };
      const r = await this.request(at);
      const loc = r.headers.get('location');
      if (r.status < 300 || r.status >= 400 || !loc) return { url: at, response: r };
      await r.arrayBuffer();
      at = new URL(loc, at).toString();
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** oidc-provider's own code flow, as a relying party does it: authorize → login → code → token. */
async function referenceFlow(issuer: string): Promise<void> {
  const b = new Browser();
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const q = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    scope: 'openid email',
    redirect_uri: REF_REDIRECT,
    state,
    nonce: b64url(randomBytes(16)),
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  });
  const end = await b.follow(`${issuer}/auth?${q}`, (u) => u.startsWith(REF_REDIRECT));
  const back = new URL(end.url);
  const code = back.searchParams.get('code');
  if (!code || back.searchParams.get('state') !== state) throw new Error(`reference: no code (${end.response?.status ?? end.url} ${end.url} ${(await end.response?.text())?.replace(/<style[\s\S]*<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300)})`);
  const r = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REF_REDIRECT, code_verifier: verifier }).toString(),
  });
  const body = (await r.json()) as { id_token?: string; error?: string };
  if (!body.id_token) throw new Error(`reference: token endpoint ${r.status} ${body.error}`);
}

/** A person signing in to Tessera: /signin/<id> → upstream → callback → session cookie. */
async function tesseraFlow(tessera: string): Promise<Browser> {
  const b = new Browser();
  const end = await b.follow(`${tessera}/signin/${CONNECTOR}`, (u) => u.startsWith(tessera) && !u.includes('/signin/'));
  const r = end.response;
  if (r) await r.arrayBuffer();
  const signedIn = b.cookies(new URL(tessera).origin).size > 0 && (r === undefined || r.status < 400);
  if (!signedIn) throw new Error(`tessera: sign-in did not complete (${r?.status ?? 'redirect'} at ${new URL(end.url).pathname})`);
  return b;
}

interface Figure {
  flowsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

/** `browsers` concurrent closed loops of `flow` for SECONDS. */
async function measure(browsers: number, flow: () => Promise<unknown>): Promise<Figure> {
  const lat: number[] = [];
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await flow();
        lat.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: browsers }, loop));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  return { flowsPerSecond: lat.length / secs, p50: pct(0.5), p99: pct(0.99), errors };
}

async function signedQuery(url: string, creds: { accessKeyId: string; secretAccessKey: string }, action: string, params: Record<string, string>): Promise<{ status: number; text: string }> {
  const signer = new SignatureV4({ credentials: creds, region: 'us-east-1', service: 'iam', sha256: Sha256 as never });
  const u = new URL(url);
  const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString();
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', headers: { host: u.host, 'content-type': 'application/x-www-form-urlencoded' }, body });
  const r = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: r.status, text: await r.text() };
}

export async function run(): Promise<void> {
  const name = `tessera_bench_signin_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const dbUrl = u.toString();
  const masterKey = randomBytes(32);
  const db = createDb(dbUrl, { max: 10 });
  // Tessera listens first: the upstream registers its callback URL.
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const tesseraUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp = await startIdp(`${tesseraUrl}/signin/${CONNECTOR}/callback`);
  let services: Awaited<ReturnType<typeof buildServices>> | undefined;
  try {
    await migrate(db);
    const root = { accessKeyId: newAccessKeyId('AKIA', ACCOUNT), secretAccessKey: newSecretAccessKey() };
    await bootstrap(db, { masterKey, accountId: ACCOUNT, rootAccessKeyId: root.accessKeyId, rootSecretAccessKey: root.secretAccessKey });
    const config = loadConfig({
      DATABASE_URL: dbUrl,
      TESSERA_MASTER_KEY: masterKey.toString('base64'),
      LOG_LEVEL: 'silent',
      TESSERA_ALLOW_INSECURE_ISSUERS: 'true',
      TESSERA_SIGNIN_STARTS_PER_MINUTE: '100000', // the load comes from one address
      TESSERA_PUBLIC_URL: tesseraUrl,
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    } as Record<string, string>);
    services = await buildServices({ config, db, cache: createCache({ ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}), keyPrefix: `${name}:` }), logger: createLogger('silent'), masterKey, accountId: ACCOUNT });
    server.on('request', createApp(services));

    const iam = new IAMClient({ endpoint: tesseraUrl, region: 'us-east-1', credentials: root, maxAttempts: 1 });
    const providerArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [CLIENT_ID] }))).OpenIDConnectProviderArn!;
    const created = await signedQuery(tesseraUrl, root, 'CreateSignInConnector', {
      Id: CONNECTOR,
      Type: 'oidc',
      DisplayName: 'Corp',
      ProviderArn: providerArn,
      Settings: JSON.stringify({ issuer: idp.issuer, clientId: CLIENT_ID }),
      Secrets: JSON.stringify({ clientSecret: CLIENT_SECRET }),
    });

    // Both flows once, unmeasured: they must work before they are timed.
    await referenceFlow(idp.issuer);
    let pending: string | undefined;
    if (created.status !== 200) pending = `CreateSignInConnector answered ${created.status}: ${/<Message>([^<]*)</.exec(created.text)?.[1] ?? created.text.slice(0, 200)}`;
    else {
      try {
        await tesseraFlow(tesseraUrl);
      } catch (e) {
        pending = (e as Error).message;
      }
    }

    console.log(`signin: ${SECONDS}s per figure, levels ${LEVELS.join(',')} concurrent browsers, each flow a fresh browser`);
    for (const level of LEVELS) {
      // Alternate who goes first, so drift in the machine's load falls on both.
      const ref = async () => measure(level, () => referenceFlow(idp.issuer));
      const ours = async () => (pending ? undefined : measure(level, () => tesseraFlow(tesseraUrl)));
      let r: Figure;
      let o: Figure | undefined;
      if (level % 2 === 0) {
        r = await ref();
        o = await ours();
      } else {
        o = await ours();
        r = await ref();
      }
      const fmt = (f: Figure) => `${f.flowsPerSecond.toFixed(1)} flows/s p50 ${f.p50.toFixed(1)} ms p99 ${f.p99.toFixed(1)} ms${f.errors ? ` (${f.errors} errors)` : ''}`;
      console.log(`  ${String(level).padStart(2)} browsers  oidc-provider code flow: ${fmt(r)}`);
      if (o) console.log(`  ${String(level).padStart(2)} browsers  Tessera sign-in:         ${fmt(o)}   ratio ${(o.flowsPerSecond / r.flowsPerSecond).toFixed(2)}× (p50 ${(o.p50 / r.p50).toFixed(2)}×)`);
    }
    if (pending) console.log(`  Tessera sign-in: pending — ${pending}`);
  } finally {
    await new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
    await services?.dispose().catch(() => {});
    await idp.close();
    await db.close().catch(() => {});
    const a = new pg.Client({ connectionString: ADMIN_URL });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  }
}
