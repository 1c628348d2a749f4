import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/index.js';
import { createStore } from './store/store.js';
import { createApp } from './app.js';
import { createDb, type Db } from './store/db.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './store/embedded.js';
import { migrate, migrationsCurrent } from './store/migrate.js';
import { createCache } from './cache/index.js';
import type { Cache } from './cache/cache.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics } from './http/metrics.js';
import { AuditLog } from './audit/log.js';
import { CredentialResolver } from './iam/credentials.js';
import { KeyRing } from './keys/ring.js';
import { RevocationStore } from './sts/revocation.js';
import { OneTimeUses } from './security/one-time-use.js';
import { TemporaryCredentials } from './sts/temporary-credentials.js';
import { createFederationDirectory } from './sts/federation-directory.js';
import { PolicyCache } from './iam/effective-policies.js';
import { AttemptLimiter } from './throttle/attempts.js';
import { bootstrap, type BootstrapResult } from './iam/bootstrap.js';
import { resolveMasterKey } from './keys/master.js';
import { verifyMasterKey } from './keys/master-check.js';
import { INVALIDATION_CHANNEL, type InvalidationMessage, type Services } from './services.js';
import { OutboxListener, writeInvalidations } from './store/outbox.js';

/**
 * The composition root: config → database (external or embedded) → migrations → cache →
 * bootstrap → services → app → listen; and the reverse on stop, after in-flight requests drain.
 */
export interface BuildOptions {
  config: Config;
  db: Db;
  cache: Cache;
  logger: Logger;
  masterKey: Buffer;
  accountId: string;
  now?: () => Date;
  defaultMetrics?: boolean;
}

export async function buildServices(o: BuildOptions): Promise<Services & { dispose(): Promise<void> }> {
  // Refuse a master key that does not open the database's check value before anything runs.
  await verifyMasterKey(o.db, o.masterKey, { create: false });
  const metrics = createMetrics({ defaultMetrics: o.defaultMetrics ?? false });
  const credentials = new CredentialResolver(o.db, o.masterKey, o.config.partition);
  const keys = new KeyRing(o.db, o.masterKey);
  const store = createStore(o.db);
  const revocations = new RevocationStore(o.cache, store.sessions, { now: o.now ?? (() => new Date()), logger: o.logger });
  // Before the first request: a cache that came back empty is rebuilt from Postgres.
  await revocations.start();
  const policyCache = new PolicyCache(o.db);
  credentials.temporary = new TemporaryCredentials(keys, revocations, { exists: async (id) => (await policyCache.forPrincipal(id)).exists });
  const apply = (m: InvalidationMessage) => {
    policyCache.invalidate(m);
    if (m.kind === 'access-key') credentials.invalidate(m.accessKeyId);
    else credentials.invalidate();
  };
  // The source of truth: the outbox in Postgres (LISTEN/NOTIFY + reads by sequence number).
  const outbox = new OutboxListener(o.db, apply, { logger: o.logger });
  await outbox.start();
  // The fast path: Redis pub/sub, best effort (a replica that misses it still gets the outbox).
  const unsubscribe = await o.cache
    .subscribe(INVALIDATION_CHANNEL, (raw) => {
      try {
        apply(JSON.parse(raw) as InvalidationMessage);
      } catch {
        apply({ kind: 'all' });
      }
    })
    .catch((err: unknown) => {
      o.logger.warn({ err }, 'cache pub/sub unavailable; invalidations arrive through the database');
      return async () => {};
    });
  const audit = new AuditLog(o.db, metrics);
  const services: Services = {
    config: o.config,
    db: o.db,
    cache: o.cache,
    logger: o.logger,
    metrics,
    audit,
    masterKey: o.masterKey,
    accountId: o.accountId,
    credentials,
    keys,
    revocations,
    attempts: new AttemptLimiter(o.db, o.cache),
    oneTimeUses: new OneTimeUses(store.sessions, o.cache, o.logger),
    policyCache,
    store,
    signingKeyCache: new Map(),
    now: o.now ?? (() => new Date()),
    async invalidate(m, within) {
      apply(m);
      if (within && 'outbox' in within) await within.outbox.write([m]);
      else await writeInvalidations(within ?? o.db, [m]);
      if (!within) hint(m);
    },
    invalidateFast(m) {
      apply(m);
      hint(m);
    },
    invalidationBusHealthy: () => outbox.healthy,
    federationDirectory: createFederationDirectory(o.config, store, o.cache),
  };
  const hint = (m: InvalidationMessage) => {
    o.cache.publish(INVALIDATION_CHANNEL, JSON.stringify(m)).catch(() => {});
  };
  return {
    ...services,
    async dispose() {
      await outbox.stop();
      await unsubscribe().catch(() => {});
      await revocations.stop();
      await Promise.all([audit.flush(), credentials.flushLastUsed().catch(() => {})]);
    },
  };
}

export interface Runtime {
  url: string;
  port: number;
  services: Services;
  bootstrap: BootstrapResult;
  embedded: boolean;
  /** Stop accepting, answer every request already accepted, then close pools. */
  stop(): Promise<void>;
}

export interface OpenedDatabase {
  db: Db;
  embedded: EmbeddedDatabase | undefined;
}

export async function openDatabase(config: Config, logger: Logger): Promise<OpenedDatabase> {
  if (config.databaseUrl) return { db: createDb(config.databaseUrl, { max: config.databasePoolSize }), embedded: undefined };
  const t0 = Date.now();
  const embedded = await startEmbeddedPostgres({ dir: config.dataDir, onLog: (l) => logger.debug({ pg: l }, 'embedded postgres') });
  for (const note of embedded.notes) logger.warn({ dataDir: config.dataDir }, note);
  logger.info({ dataDir: embedded.dataDir, port: embedded.port, ms: Date.now() - t0 }, 'embedded PostgreSQL started');
  return { db: createDb(embedded.url, { max: config.databasePoolSize }), embedded };
}

export async function startTessera(
  config: Config,
  opts: { logger?: Logger; onCredentials?: (c: { accountId: string; accessKeyId: string; secretAccessKey: string }) => void } = {},
): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const { db, embedded } = await openDatabase(config, logger);
  let cache: Cache | undefined;
  try {
    if (!config.databaseUrl) {
      logger.warn(
        { dataDir: config.dataDir },
        'single-node dev mode: embedded PostgreSQL and ' + (config.redisUrl ? 'Redis' : 'an in-process cache') + '; not for production',
      );
    }
    if (config.autoMigrate) {
      const applied = await migrate(db);
      if (applied.length) logger.info({ applied }, 'migrations applied');
    } else if (!(await migrationsCurrent(db))) {
      throw new Error('the database schema is not current: run `tessera migrate` first');
    }
    const { key: masterKey, generated } = await resolveMasterKey({ configured: config.masterKey, dataDir: config.dataDir });
    if (generated) logger.warn({ file: `${config.dataDir}/master.key` }, 'generated a new master key (dev mode); keep this file safe');
    cache = createCache({ redisUrl: config.redisUrl, logger });
    if (!config.redisUrl && config.databaseUrl) {
      logger.warn('REDIS_URL is not set: using an in-process cache, which is only correct for a single replica');
    }
    const boot = await bootstrap(db, {
      masterKey,
      accountId: config.accountId,
      rootAccessKeyId: config.rootAccessKeyId,
      rootSecretAccessKey: config.rootSecretAccessKey,
    });
    if (boot.generatedCredentials) {
      const c = { accountId: boot.accountId, ...boot.generatedCredentials };
      if (opts.onCredentials) opts.onCredentials(c);
      else printCredentials(c);
    }
    const services = await buildServices({ config, db, cache, logger, masterKey, accountId: boot.accountId, defaultMetrics: true });
    const app = createApp(services);
    const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 }, app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    logger.info({ url, accountId: boot.accountId, mode: embedded ? 'embedded' : 'external' }, 'tessera listening');

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        logger.info('shutting down: no new connections; finishing in-flight requests');
        server.on('request', (_req, res) => res.setHeader('connection', 'close'));
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), config.shutdownGraceSeconds * 1000);
        grace.unref();
        await closed;
        clearTimeout(grace);
        await services.dispose();
        await cache!.close().catch(() => {});
        await db.close().catch(() => {});
        if (embedded) await embedded.stop().catch(() => {});
        logger.info('stopped');
      })());
    return { url, port, services, bootstrap: boot, embedded: embedded !== undefined, stop };
  } catch (e) {
    await cache?.close().catch(() => {});
    await db.close().catch(() => {});
    if (embedded) await embedded.stop().catch(() => {});
    throw e;
  }
}

export function printCredentials(c: { accountId: string; accessKeyId: string; secretAccessKey: string }): void {
  // Printed once, to the terminal only (never to the JSON log).
  process.stdout.write(
    [
      '',
      '================ Tessera root credentials (shown once) ================',
      `  Account:               ${c.accountId}`,
      `  AWS_ACCESS_KEY_ID=${c.accessKeyId}`,
      `  AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`,
      '  Store them now: they will not be printed again.',
      '=======================================================================',
      '',
    ].join('\n'),
  );
}

/**
 * `tessera serve` with TESSERA_WORKERS > 1: this (primary) process prepares the database once
 * (migrations when auto-migrating, bootstrap, printing generated root credentials once), then
 * forks that many workers, each a complete stateless replica (`startTessera`) sharing the port
 * through node:cluster. Worker processes that die are replaced (unless they keep dying at once).
 * `stop()` asks every worker to drain its in-flight requests as a single process does on SIGTERM,
 * and resolves with the exit code once all have exited.
 */
export interface WorkerPool {
  url: string;
  workers: number;
  /** Drain every worker (as SIGTERM drains one process); resolves with the exit code. */
  stop(): Promise<number>;
  /** Kill every worker at once (second signal). */
  kill(): void;
}

/** IPC message from the primary asking a worker to drain and exit. */
export const SHUTDOWN_MESSAGE = 'tessera:shutdown';

export async function startWorkers(config: Config, opts: { logger?: Logger } = {}): Promise<WorkerPool> {
  const cluster = (await import('node:cluster')).default;
  const logger = opts.logger ?? createLogger(config.logLevel);
  await prepareDatabase(config, logger);

  const n = config.workers;
  let stopping = false;
  let failed = false;
  const recentDeaths: number[] = [];
  const alive = new Set<import('node:cluster').Worker>();
  let allExited: () => void = () => {};
  const exited = new Promise<void>((r) => (allExited = r));
  let listeningCount = 0;
  let allListening: (url: string) => void = () => {};
  let startFailed: (e: Error) => void = () => {};
  const listening = new Promise<string>((resolve, reject) => ((allListening = resolve), (startFailed = reject)));

  const fork = () => {
    const w = cluster.fork();
    alive.add(w);
    w.once('listening', (a) => {
      const host = a.address === null || a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.address;
      if (++listeningCount === n) allListening(`http://${host.includes(':') ? `[${host}]` : host}:${a.port}`);
    });
    w.once('exit', (code, signal) => {
      alive.delete(w);
      if (stopping) {
        if (code !== 0) failed = true;
        if (alive.size === 0) allExited();
        return;
      }
      const now = Date.now();
      recentDeaths.push(now);
      while (recentDeaths.length > 0 && now - recentDeaths[0]! > 60_000) recentDeaths.shift();
      logger.error({ pid: w.process.pid, code, signal }, 'worker exited');
      if (recentDeaths.length > 2 * n) {
        logger.fatal('workers keep exiting: stopping');
        startFailed(new Error('workers exited during start'));
        failed = true;
        void stop();
        return;
      }
      fork();
    });
  };
  for (let i = 0; i < n; i++) fork();

  const stop = async (): Promise<number> => {
    stopping = true;
    if (alive.size === 0) allExited();
    for (const w of alive) if (w.isConnected()) w.send(SHUTDOWN_MESSAGE);
    await exited;
    return failed ? 1 : 0;
  };
  const kill = () => {
    stopping = true;
    for (const w of alive) w.process.kill('SIGKILL');
  };
  const url = await listening;
  logger.info({ url, workers: n, pids: [...alive].map((w) => w.process.pid) }, 'tessera workers listening');
  return { url, workers: n, stop, kill };
}

/** Migrations (when auto-migrating) and bootstrap, once, before any worker starts. */
async function prepareDatabase(config: Config, logger: Logger): Promise<void> {
  if (!config.databaseUrl) throw new Error('TESSERA_WORKERS above 1 needs DATABASE_URL');
  const db = createDb(config.databaseUrl, { max: 1 });
  try {
    if (config.autoMigrate) {
      const applied = await migrate(db);
      if (applied.length) logger.info({ applied }, 'migrations applied');
    } else if (!(await migrationsCurrent(db))) {
      throw new Error('the database schema is not current: run `tessera migrate` first');
    }
    const { key: masterKey } = await resolveMasterKey({ configured: config.masterKey, dataDir: config.dataDir });
    const boot = await bootstrap(db, {
      masterKey,
      accountId: config.accountId,
      rootAccessKeyId: config.rootAccessKeyId,
      rootSecretAccessKey: config.rootSecretAccessKey,
    });
    if (boot.generatedCredentials) printCredentials({ accountId: boot.accountId, ...boot.generatedCredentials });
  } finally {
    await db.close().catch(() => {});
  }
}
