import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createApp } from '../../src/app.js';
import { buildServices } from '../../src/main.js';
import { bootstrap } from '../../src/iam/bootstrap.js';
import { createCache, type Cache } from '../../src/cache/index.js';
import { createDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createLogger } from '../../src/log.js';
import { newAccessKeyId, newSecretAccessKey } from '../../src/tokens/ids.js';
import type { Services } from '../../src/services.js';

/**
 * Fault-test harness: a private PostgreSQL and a private Redis on free ports (never the shared
 * services), which a test may stop, restart, cut and kill; and Tessera replicas pointed at them,
 * each with its own pool and its own Redis connections, as separate pods would have.
 *
 *   const pg = await startPrivatePostgres();      // pg.url, pg.stop(), pg.start(), pg.restart(),
 *                                                  // pg.terminateBackends(), pg.query(sql), pg.close()
 *   const redis = await startPrivateRedis();      // redis.url, redis.kill() (SIGKILL), redis.start()
 *                                                  // (empty: no persistence), redis.close()
 *   const cluster = await startCluster({ pg, redis, replicas: 2 });
 *                                                  // cluster.replicas[i].url / .services / .stop()
 *                                                  // cluster.root, cluster.masterKey, cluster.accountId,
 *                                                  // cluster.config, cluster.addReplica(opts), cluster.stop()
 *
 * Everything started here is registered and `stopAll()` (call it in afterAll) ends it even when
 * a test failed half-way.
 */
const PG_BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];

export async function stopAll(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const asPostgres = (cmd: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', cmd, ...args], { timeout: 60_000 });

export interface PrivatePostgres {
  url: string;
  port: number;
  dir: string;
  /** Fast shutdown (connections closed by the server). */
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** pg_terminate_backend on every other connection to the database. Returns how many. */
  terminateBackends(): Promise<number>;
  /** One statement on a fresh admin connection (server must be up). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  close(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-faults-pg-'));
  chownSync(dir, 101, 104);
  const data = join(dir, 'data');
  await asPostgres(`${PG_BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let up = false;
  const p: PrivatePostgres = {
    url,
    port,
    dir,
    async start() {
      await asPostgres(`${PG_BIN}/pg_ctl`, [
        '-D', data, '-w', '-t', '30', '-l', join(dir, 'log'),
        '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`,
        'start',
      ]);
      up = true;
    },
    async stop() {
      if (!up) return;
      up = false;
      await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', data, '-w', '-t', '30', '-m', 'fast', 'stop']);
    },
    async restart() {
      await p.stop();
      await p.start();
    },
    async terminateBackends() {
      const r = await p.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      return r.rows[0]!.n;
    },
    async query(sql, params) {
      const c = new pg.Client({ connectionString: url });
      c.on('error', () => {});
      await c.connect();
      try {
        return await c.query(sql, params);
      } finally {
        await c.end().catch(() => {});
      }
    },
    async close() {
      await p.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cleanups.push(() => p.close());
  await p.start();
  return p;
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL: the data set is lost (no persistence configured). */
  kill(): Promise<void>;
  /** Start again on the same port, empty. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const r: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      child = c;
      // Ready when it accepts a TCP connection.
      for (let i = 0; i < 200; i++) {
        if (c.exitCode !== null) throw new Error(`redis-server exited (${c.exitCode})`);
        const ok = await new Promise<boolean>((res) => {
          const s = net.connect(port, '127.0.0.1', () => {
            s.destroy();
            res(true);
          });
          s.on('error', () => res(false));
        });
        if (ok) return;
        await sleep(25);
      }
      throw new Error('redis-server did not start');
    },
    async kill() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise<void>((res) => c.once('exit', () => res()));
      c.kill('SIGKILL');
      await exited;
    },
    async close() {
      await r.kill();
    },
  };
  cleanups.push(() => r.close());
  await r.start();
  return r;
}

export interface Replica {
  url: string;
  services: Services;
  cache: Cache;
  db: Db;
  stop(): Promise<void>;
}

export interface Cluster {
  url: string;
  accountId: string;
  root: { accessKeyId: string; secretAccessKey: string };
  masterKey: Buffer;
  config: Config;
  replicas: Replica[];
  /** Another replica (e.g. with another master key, which buildServices must refuse). */
  addReplica(opts?: { masterKey?: Buffer }): Promise<Replica>;
  stop(): Promise<void>;
}

export async function startCluster(o: { pg: PrivatePostgres; redis: PrivateRedis; replicas?: number; poolSize?: number }): Promise<Cluster> {
  const accountId = '123456789012';
  const root = { accessKeyId: newAccessKeyId('AKIA', accountId), secretAccessKey: newSecretAccessKey() };
  const masterKey = randomBytes(32);
  const config = loadConfig({
    DATABASE_URL: o.pg.url,
    REDIS_URL: o.redis.url,
    TESSERA_MASTER_KEY: masterKey.toString('base64'),
    LOG_LEVEL: 'silent',
  });
  const setup = createDb(o.pg.url, { max: 1 });
  try {
    await migrate(setup);
    await bootstrap(setup, { masterKey, accountId, rootAccessKeyId: root.accessKeyId, rootSecretAccessKey: root.secretAccessKey });
  } finally {
    await setup.close();
  }
  const keyPrefix = `tessera-fault:${randomBytes(3).toString('hex')}:`;
  const replicas: Replica[] = [];
  const addReplica = async (ro: { masterKey?: Buffer } = {}): Promise<Replica> => {
    const db = createDb(o.pg.url, { max: o.poolSize ?? 6 });
    const cache = createCache({ redisUrl: o.redis.url, keyPrefix });
    let services;
    try {
      services = await buildServices({
        config,
        db,
        cache,
        logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
        masterKey: ro.masterKey ?? masterKey,
        accountId,
      });
    } catch (e) {
      await cache.close().catch(() => {});
      await db.close().catch(() => {});
      throw e;
    }
    const server = http.createServer(createApp(services));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    let stopped = false;
    const rep: Replica = {
      url: `http://127.0.0.1:${port}`,
      services,
      cache,
      db,
      async stop() {
        if (stopped) return;
        stopped = true;
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        await services.dispose().catch(() => {});
        await cache.close().catch(() => {});
        await db.close().catch(() => {});
      },
    };
    replicas.push(rep);
    cleanups.push(() => rep.stop());
    return rep;
  };
  for (let i = 0; i < (o.replicas ?? 2); i++) await addReplica();
  return {
    url: replicas[0]!.url,
    accountId,
    root,
    masterKey,
    config,
    replicas,
    addReplica,
    async stop() {
      for (const r of replicas) await r.stop();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns true or `attempts` run out; returns the elapsed ms, or -1. */
export async function waitFor(check: () => Promise<boolean>, opts: { attempts: number; everyMs: number }): Promise<number> {
  const t0 = Date.now();
  for (let i = 0; i < opts.attempts; i++) {
    if (await check().catch(() => false)) return Date.now() - t0;
    await sleep(opts.everyMs);
  }
  return -1;
}

/** The audit rows of the private database (for "every answered request has its audit row"). */
export async function auditRows(p: PrivatePostgres): Promise<Map<string, { outcome: string; error_code: string | null; action: string }[]>> {
  const r = await p.query<{ request_id: string; outcome: string; error_code: string | null; action: string }>(
    'SELECT request_id, outcome, error_code, action FROM audit_events',
  );
  const m = new Map<string, { outcome: string; error_code: string | null; action: string }[]>();
  for (const row of r.rows) {
    const list = m.get(row.request_id) ?? [];
    list.push(row);
    m.set(row.request_id, list);
  }
  return m;
}


/** One answered (or unanswered) SDK call, for the audit cross-check. */
export interface CallRecord {
  op: string;
  replica: number;
  status: number | undefined;
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
  at: number;
  ms: number;
}

/** Sends through an SDK client, recording the outcome instead of throwing. */
export async function call<T>(log: CallRecord[], replica: number, op: string, send: () => Promise<T>): Promise<{ ok: true; out: T } | { ok: false; err: any }> {
  const t0 = Date.now();
  try {
    const out = await send();
    const md = (out as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
    log.push({ op, replica, status: md?.httpStatusCode, code: undefined, message: undefined, requestId: md?.requestId, at: t0, ms: Date.now() - t0 });
    return { ok: true, out };
  } catch (err: any) {
    const md = err?.$metadata as { httpStatusCode?: number; requestId?: string } | undefined;
    log.push({ op, replica, status: md?.httpStatusCode, code: err?.name ?? err?.Code, message: err?.message, requestId: md?.requestId, at: t0, ms: Date.now() - t0 });
    return { ok: false, err };
  }
}

/**
 * Every answered request has its audit row with the matching outcome: 2xx → one 'success';
 * 4xx → one 'failure'; a 503 whose outcome is unknown → no 'failure'; any other 503 → no
 * 'success' (while Postgres is away, a 503 may have no row at all: nothing can be written).
 * Returns the list of violations (empty when all is well).
 */
export async function auditViolations(p: PrivatePostgres, log: CallRecord[]): Promise<string[]> {
  const rows = await auditRows(p);
  const out: string[] = [];
  for (const c of log) {
    if (c.status === undefined) continue; // no answer (connection reset): nothing to compare
    if (!c.requestId) {
      out.push(`${c.op} ${c.status}: no request id`);
      continue;
    }
    const got = (rows.get(c.requestId) ?? []).map((r) => r.outcome);
    const desc = `${c.op} ${c.status} ${c.code ?? ''} ${c.requestId}: audit ${JSON.stringify(got)}`;
    if (c.status < 300) {
      if (got.length !== 1 || got[0] !== 'success') out.push(desc);
    } else if (c.status < 500) {
      if (got.length !== 1 || got[0] !== 'failure') out.push(desc);
    } else if (/outcome|may or may not/.test(c.message ?? '')) {
      if (got.includes('failure')) out.push(desc);
    } else if (got.includes('success')) out.push(desc);
  }
  return out;
}
