/**
 * AssumeRoleWithWebIdentity end to end over HTTP, beside oidc-provider's client_credentials token
 * endpoint (JWT access tokens, ES256), same machine, same run.
 *
 *   npm run bench -- sts
 *   env: DATABASE_URL (admin URL; a fresh database is created and dropped; default
 *        postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default redis://127.0.0.1:6379),
 *        BENCH_SECONDS per level (default 5), BENCH_TOKENS (distinct pre-minted tokens, default 20000),
 *        BENCH_CONNECTIONS (levels, default 1,8,32), BENCH_PROFILE=tessera|idp (--cpu-prof into /tmp/sts-prof)
 *
 * Tessera (real Postgres + Redis, audit durable before each response) and the IdP each run in
 * their own child process; the load generator (autocannon: keep-alive connections, one request
 * in flight on each, a distinct pre-minted token in every request) runs in this process. Both
 * systems are warmed up, then measured one after the other at each level under the same
 * conditions (who goes first alternates by level).
 * Prints requests/s and p50/p99 at 1, 8 and 32 connections, and the ratios Tessera /
 * oidc-provider. Ratios, not verdicts.
 */
import http from 'node:http';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const CONCURRENCY = (process.env.BENCH_CONNECTIONS ?? '1,8,32').split(',').map(Number);
/** Tessera configurations to measure: worker processes (TESSERA_WORKERS) of each. */
const WORKERS = (process.env.BENCH_WORKERS ?? '1').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 20000);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Result {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
}

type Msg = { id: number; type: string; [k: string]: unknown };

function call(w: ChildProcess, type: string, extra: Record<string, unknown> = {}): Promise<any> {
  const id = Math.random();
  return new Promise((resolve, reject) => {
    const on = (raw: unknown) => {
      const m = raw as Msg;
      if (m.id !== id) return;
      w.off('message', on);
      if (m.type === 'error') reject(new Error(String(m.message)));
      else resolve(m);
    };
    w.on('message', on);
    w.send({ id, type, ...extra });
  });
}

const reply = (m: Record<string, unknown>) => process.send!(m);

/** The slice of autocannon's API the bench uses (the package ships no types). */
interface Cannon {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'done', fn: (r: { errors: number; timeouts: number; non2xx: number }) => void): void;
  on(event: 'error', fn: (e: Error) => void): void;
}
type CannonOptions = {
  url: string;
  connections: number;
  duration: number;
  pipelining: 1;
  requests: { method: 'POST'; path: string; headers: Record<string, string>; setupRequest: (r: Record<string, unknown>) => Record<string, unknown> }[];
};
const autocannon = (o: CannonOptions): Cannon => (createRequire(import.meta.url)('autocannon') as (o: CannonOptions) => Cannon)(o);

/**
 * Closed-loop load with autocannon (c keep-alive connections, one request in flight on each), in
 * this process, while both servers run in their own processes. Every request gets the next body
 * from `body(i)` (distinct tokens); latency is autocannon's per-response time, in ms.
 */
function load(url: string, c: number, seconds: number, body: (i: number) => string, headers: Record<string, string>): Promise<Result> {
  const u = new URL(url);
  const lat: number[] = [];
  let errors = 0;
  let n = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const inst = autocannon({
      url: u.origin,
      connections: c,
      duration: seconds,
      pipelining: 1,
      requests: [{ method: 'POST', path: u.pathname, headers, setupRequest: (r) => ({ ...r, body: body(n++) }) }],
    });
    inst.on('response', (_client, status, _bytes, ms) => {
      lat.push(ms);
      if (status !== 200) errors++;
    });
    inst.on('error', reject);
    inst.on('done', (r) => {
      const elapsed = (performance.now() - started) / 1000;
      errors += r.errors + r.timeouts;
      lat.sort((a, b) => a - b);
      const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? NaN;
      resolve({ rps: lat.length / elapsed, p50: q(0.5), p99: q(0.99), ok: lat.length - errors, errors });
    });
  });
}

export async function run(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const prof = (role: string) => (process.env.BENCH_PROFILE === role ? ['--cpu-prof', '--cpu-prof-dir=/tmp/sts-prof'] : []);
  const child = (role: string) => fork(self, [], { execArgv: ['--import', 'tsx', '--no-warnings', ...prof(role)], env: { ...process.env, BENCH_STS_ROLE: role }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = (w: ChildProcess) => new Promise<void>((r) => w.once('message', () => r()));
  const idpW = child('idp');
  const tesWs = WORKERS.map(() => child('tessera'));
  await Promise.all([ready(idpW), ...tesWs.map(ready)]);
  try {
    const idp = await call(idpW, 'start');
    const tess = await Promise.all(tesWs.map((w, i) => call(w, 'start', { issuer: idp.issuer, audience: idp.audience, workers: WORKERS[i] })));
    const { tokens } = (await call(idpW, 'mint', { n: TOKENS })) as { tokens: string[] };
    for (const t of tess) console.log(`tessera ×${t.workers} ${t.url} (${t.mode})`);
    console.log(`oidc-provider ${idp.issuer} (one process); ${tokens.length} distinct RS256 tokens; ${SECONDS}s per level; ${os.availableParallelism()} cores`);
    const tesBody = (roleArn: string) => (i: number) =>
      `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=bench-${i % 1000}&RoleArn=${encodeURIComponent(roleArn)}&WebIdentityToken=${tokens[i % tokens.length]}`;
    const idpBody = () => `grant_type=client_credentials&scope=sts&resource=${encodeURIComponent(idp.audience)}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const basic = { ...form, authorization: `Basic ${Buffer.from(`${idp.clientId}:${idp.clientSecret}`).toString('base64')}` };

    // Warm up every server (JWKS fetch, role/provider caches, JIT).
    for (const t of tess) await load(t.url, 8, 2, tesBody(t.roleArn), form);
    await load(`${idp.issuer}/token`, 8, 2, idpBody, basic);
    const audited0 = await Promise.all(tesWs.map((w) => call(w, 'audited')));
    const tesOk = tess.map(() => 0);
    // Server CPU time per request (user + system of its processes), a figure that other load on
    // the machine disturbs far less than requests/s; "load" is the load generator's.
    const cpu = async (w: ChildProcess) => ((await call(w, 'cpu')) as { micros: number }).micros;
    const measured = async (w: ChildProcess, go: () => Promise<Result>) => {
      const c0 = await cpu(w);
      const l0 = process.cpuUsage();
      const r = await go();
      const used = (await cpu(w)) - c0;
      const l = process.cpuUsage(l0);
      const n = Math.max(1, r.ok + r.errors);
      return { ...r, cpuPerReq: used / n, loadCpuPerReq: (l.user + l.system) / n };
    };
    const fmt = (r: Result & { cpuPerReq: number; loadCpuPerReq: number }) =>
      `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(5)}ms  p99 ${r.p99.toFixed(1).padStart(5)}ms  cpu ${r.cpuPerReq.toFixed(0).padStart(4)}µs/req (load ${r.loadCpuPerReq.toFixed(0)})  ${r.errors} errors`;
    for (const [level, c] of CONCURRENCY.entries()) {
      const as = [];
      // Who goes first alternates by level, so neither system always runs right after the
      // other's load (Postgres WAL/checkpoint work, page cache, CPU frequency).
      const idpFirst = level % 2 === 1;
      let b = idpFirst ? await measured(idpW, () => load(`${idp.issuer}/token`, c, SECONDS, idpBody, basic)) : undefined;
      for (const [i, t] of tess.entries()) {
        const a = await measured(tesWs[i]!, () => load(t.url, c, SECONDS, tesBody(t.roleArn), form));
        tesOk[i] = (tesOk[i] ?? 0) + a.ok;
        as.push(a);
      }
      b ??= await measured(idpW, () => load(`${idp.issuer}/token`, c, SECONDS, idpBody, basic));
      console.log(`c=${String(c).padStart(2)}  oidc-provider ${fmt(b)}`);
      for (const [i, a] of as.entries()) {
        console.log(`c=${String(c).padStart(2)}  tessera ×${tess[i].workers}    ${fmt(a)}  | ratio rps ${(a.rps / b.rps).toFixed(2)}x, p99 ${(a.p99 / b.p99).toFixed(2)}x`);
      }
    }
    for (const [i, w] of tesWs.entries()) {
      const audited1 = await call(w, 'audited');
      const batches = audited1.batches - audited0[i].batches;
      const n = audited1.count - audited0[i].count;
      // Requests still in flight when a level ends are answered (and audited) but not counted.
      console.log(
        `audit (tessera ×${tess[i].workers}): ${n} durable AssumeRoleWithWebIdentity success events for ${tesOk[i]} counted successful responses (ratio ${(n / Math.max(1, tesOk[i]!)).toFixed(3)})` +
          (batches > 0 ? `; ${((audited1.batched - audited0[i].batched) / batches).toFixed(1)} events per INSERT` : ''),
      );
    }
  } finally {
    for (const w of tesWs) await call(w, 'stop').catch(() => {});
    await call(idpW, 'stop').catch(() => {});
    for (const w of [...tesWs, idpW]) w.disconnect();
    setTimeout(() => { for (const w of [...tesWs, idpW]) w.kill(); }, 2000).unref();
  }
}

// ---- worker side ----
async function idpWorker(): Promise<void> {
  const { startTestOidcIdp, claimsFor } = await import('../test/fixtures/oidc-idp.js');
  let idp: Awaited<ReturnType<typeof startTestOidcIdp>> | undefined;
  process.on('message', async (raw: unknown) => {
    const m = raw as Msg;
    try {
      if (m.type === 'start') {
        idp = await startTestOidcIdp({ alg: 'ES256', ttlSeconds: 3600 });
        reply({ id: m.id, type: 'ok', issuer: idp.issuer, audience: idp.audience, clientId: idp.clientId, clientSecret: idp.clientSecret });
      } else if (m.type === 'mint') {
        const tokens: string[] = [];
        for (let i = 0; i < (m.n as number); i++) tokens.push(await idp!.mint(claimsFor(idp!, { sub: `workload-${i}`, exp: Math.floor(Date.now() / 1000) + 3600 })));
        reply({ id: m.id, type: 'ok', tokens });
      } else if (m.type === 'cpu') {
        const u = process.cpuUsage();
        reply({ id: m.id, type: 'ok', micros: u.user + u.system });
      } else if (m.type === 'stop') {
        await idp?.close();
        reply({ id: m.id, type: 'ok' });
      }
    } catch (e) {
      reply({ id: m.id, type: 'error', message: String(e) });
    }
  });
}

async function tesseraWorker(): Promise<void> {
  const pg = (await import('pg')).default;
  const { loadConfig } = await import('../src/config/index.js');
  const { buildServices } = await import('../src/main.js');
  const { createApp } = await import('../src/app.js');
  const { createDb } = await import('../src/store/db.js');
  const { migrate } = await import('../src/store/migrate.js');
  const { bootstrap } = await import('../src/iam/bootstrap.js');
  const { createCache } = await import('../src/cache/index.js');
  const { createLogger } = await import('../src/log.js');
  const { newAccessKeyId, newSecretAccessKey } = await import('../src/tokens/ids.js');
  const { IAMClient, CreateOpenIDConnectProviderCommand, CreateRoleCommand } = await import('@aws-sdk/client-iam');
  let stop: (() => Promise<void>) | undefined;
  let db: import('../src/store/db.js').Db | undefined;
  let metrics: import('../src/metrics.js').Metrics | undefined;
  let pids: number[] = [];

  process.on('message', async (raw: unknown) => {
    const m = raw as Msg;
    try {
      if (m.type === 'start') {
        const name = `tessera_bench_${randomBytes(5).toString('hex')}`;
        const admin = new pg.Client({ connectionString: ADMIN_URL });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const u = new URL(ADMIN_URL);
        u.pathname = `/${name}`;
        const masterKey = randomBytes(32);
        const accountId = '123456789012';
        const config = loadConfig({ DATABASE_URL: u.toString(), REDIS_URL, TESSERA_MASTER_KEY: masterKey.toString('base64'), LOG_LEVEL: 'silent', TESSERA_ALLOW_INSECURE_ISSUERS: 'true', DATABASE_POOL_SIZE: '10' });
        db = createDb(u.toString(), { max: 10 });
        await migrate(db);
        const root = { accessKeyId: newAccessKeyId('AKIA', accountId), secretAccessKey: newSecretAccessKey() };
        await bootstrap(db, { masterKey, accountId, rootAccessKeyId: root.accessKeyId, rootSecretAccessKey: root.secretAccessKey });
        const workers = Number(m.workers ?? 1);
        let url: string;
        let closeServer: () => Promise<void>;
        if (workers === 1) {
          const cache = createCache({ redisUrl: REDIS_URL, keyPrefix: `${name}:` });
          const services = await buildServices({ config, db, cache, logger: createLogger('silent'), masterKey, accountId });
          metrics = services.metrics;
          const server = http.createServer({ keepAliveTimeout: 30_000 }, createApp(services));
          await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
          url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
          pids = [];
          closeServer = async () => {
            server.closeAllConnections();
            await new Promise<void>((r) => server.close(() => r()));
            await services.dispose();
            await cache.close();
          };
        } else {
          // The real `tessera serve` with TESSERA_WORKERS (node:cluster), on the same database.
          const { freePort } = await import('../src/store/embedded.js');
          const port = await freePort();
          const serve = spawn(process.execPath, ['--import', 'tsx', '--no-warnings', fileURLToPath(new URL('../src/cli.ts', import.meta.url)), 'serve'], {
            env: {
              PATH: process.env.PATH ?? '',
              HOME: process.env.HOME ?? '/root',
              PORT: String(port),
              HOST: '127.0.0.1',
              LOG_LEVEL: 'info',
              DATABASE_URL: u.toString(),
              DATABASE_POOL_SIZE: '10',
              REDIS_URL,
              TESSERA_MASTER_KEY: masterKey.toString('base64'),
              TESSERA_ACCOUNT_ID: accountId,
              TESSERA_ROOT_ACCESS_KEY_ID: root.accessKeyId,
              TESSERA_ROOT_SECRET_ACCESS_KEY: root.secretAccessKey,
              TESSERA_ALLOW_INSECURE_ISSUERS: 'true',
              TESSERA_WORKERS: String(workers),
            },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          const line = await new Promise<string>((resolve, reject) => {
            let out = '';
            serve.stdout!.on('data', (d) => {
              out += d;
              const l = out.split('\n').find((x) => x.includes('"tessera workers listening"'));
              if (l) resolve(l);
            });
            serve.once('exit', (code) => reject(new Error(`tessera serve exited ${code}`)));
          });
          serve.stdout!.resume();
          pids = [serve.pid!, ...(JSON.parse(line) as { pids: number[] }).pids];
          url = `http://127.0.0.1:${port}`;
          closeServer = async () => {
            const exited = new Promise((r) => serve.once('exit', r));
            serve.kill('SIGTERM');
            await exited;
          };
        }
        const iam = new IAMClient({ endpoint: url, region: 'us-east-1', credentials: root, maxAttempts: 1 });
        const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: m.issuer as string, ClientIDList: [m.audience as string] }));
        const prefix = (m.issuer as string).replace('http://', '');
        await iam.send(
          new CreateRoleCommand({
            RoleName: 'bench',
            AssumeRolePolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { Federated: OpenIDConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [`${prefix}:sub`]: 'workload-*' }, StringEquals: { [`${prefix}:aud`]: m.audience } } }],
            }),
          }),
        );
        stop = async () => {
          await closeServer();
          await db!.close();
          const a = new pg.Client({ connectionString: ADMIN_URL });
          await a.connect();
          await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await a.end();
        };
        reply({ id: m.id, type: 'ok', url, workers, roleArn: `arn:aws:iam::${accountId}:role/bench`, mode: workers === 1 ? 'one process, postgres + redis' : `tessera serve, TESSERA_WORKERS=${workers}, postgres + redis` });
      } else if (m.type === 'audited') {
        const r = await db!.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'AssumeRoleWithWebIdentity' AND outcome = 'success'`);
        const batch = metrics ? (await metrics.auditBatch.get()).values : [];
        const sum = batch.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
        const count = batch.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
        reply({ id: m.id, type: 'ok', count: r.rows[0]!.n, batches: count, batched: sum });
      } else if (m.type === 'cpu') {
        if (pids.length > 0) {
          // user + system clock ticks (1/100 s) of the serve primary and its workers
          const ticks = pids.map((pid) => {
            try {
              const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
              return Number(f[11]) + Number(f[12]);
            } catch {
              return 0;
            }
          });
          reply({ id: m.id, type: 'ok', micros: ticks.reduce((a, b) => a + b, 0) * 10_000 });
        } else {
          const u = process.cpuUsage();
          reply({ id: m.id, type: 'ok', micros: u.user + u.system });
        }
      } else if (m.type === 'stop') {
        await stop?.();
        reply({ id: m.id, type: 'ok' });
      }
    } catch (e) {
      reply({ id: m.id, type: 'error', message: String((e as Error)?.stack ?? e) });
    }
  });
}

const role = process.env.BENCH_STS_ROLE;
if (role) process.on('disconnect', () => process.exit(0));
if (role === 'idp') void idpWorker().then(() => reply({ type: 'ready' }));
else if (role === 'tessera') void tesseraWorker().then(() => reply({ type: 'ready' }));
