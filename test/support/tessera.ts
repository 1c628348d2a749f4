import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createApp } from '../../src/app.js';
import { buildServices } from '../../src/main.js';
import { bootstrap } from '../../src/iam/bootstrap.js';
import { createCache, type Cache } from '../../src/cache/index.js';
import { createLogger, type Logger } from '../../src/log.js';
import { newAccessKeyId, newSecretAccessKey } from '../../src/tokens/ids.js';
import type { Services } from '../../src/services.js';
import type { Random } from '../../src/tokens/random.js';
import type { ConnectorFactory } from '../../src/federation/connector.js';
import { freshDatabase, type TestDatabase } from './db.js';
import { checkOutputShape, takeOutputShapeProblems } from './output-shapes.js';

/**
 * A running Tessera on port 0 over a fresh database: the real app, real Postgres, and Redis
 * when REDIS_URL is set (else the in-process cache). `replica()` starts a second instance on the
 * same database and cache namespace, as a second pod would be.
 */
export interface TestTessera {
  url: string;
  accountId: string;
  root: { accessKeyId: string; secretAccessKey: string };
  services: Services;
  database: TestDatabase;
  replica(): Promise<TestInstance>;
  stop(): Promise<void>;
}

export interface TestInstance {
  url: string;
  services: Services;
  stop(): Promise<void>;
}

export const redisUrl = (): string | undefined => inject('redisUrl') || undefined;

export async function startTestTessera(
  /** random: e.g. seededRandom('x') (src/tokens/random.ts) for deterministic ids and secrets. */
  /** connectorFactories: the sign-in connector types the instances build (default: the built-in ones). */
  /** logger: where the instances log (default: silent, or TEST_LOG_LEVEL), e.g. to read what they wrote. */
  opts: { env?: Record<string, string>; now?: () => Date; accountId?: string; random?: Random; connectorFactories?: readonly ConnectorFactory[]; logger?: Logger } = {},
): Promise<TestTessera> {
  const database = await freshDatabase();
  const accountId = opts.accountId ?? '123456789012';
  const root = { accessKeyId: newAccessKeyId('AKIA', accountId), secretAccessKey: newSecretAccessKey() };
  const masterKey = randomBytes(32);
  const config: Config = loadConfig({
    DATABASE_URL: database.url,
    TESSERA_MASTER_KEY: masterKey.toString('base64'),
    LOG_LEVEL: 'silent',
    TESSERA_ALLOW_INSECURE_ISSUERS: 'true',
    // Every test signs in from 127.0.0.1; the start limit has its own test (test/sso/start-limit.test.ts).
    TESSERA_SIGNIN_STARTS_PER_MINUTE: '100000',
    ...(redisUrl() ? { REDIS_URL: redisUrl()! } : {}),
    ...opts.env,
  });
  await bootstrap(database.db, { masterKey, accountId, rootAccessKeyId: root.accessKeyId, rootSecretAccessKey: root.secretAccessKey });
  const keyPrefix = `tessera-test:${randomBytes(4).toString('hex')}:`;
  // Replicas share one cache namespace. In-process mode: one MemoryCache object shared by every
  // instance stands in for the one Redis they would share.
  const sharedMemory: Cache | undefined = config.redisUrl ? undefined : createCache({ keyPrefix });
  const instances: TestInstance[] = [];

  const startInstance = async (): Promise<TestInstance> => {
    const cache: Cache = sharedMemory ?? createCache({ redisUrl: config.redisUrl, keyPrefix });
    const services = await buildServices({
      config,
      db: database.db,
      cache,
      logger: opts.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      masterKey,
      accountId,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.connectorFactories ? { connectorFactories: opts.connectorFactories } : {}),
    });
    const server = http.createServer(createApp(services, { onResult: checkOutputShape }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const inst: TestInstance = {
      url: `http://127.0.0.1:${port}`,
      services,
      async stop() {
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        await services.dispose();
        if (!sharedMemory) await cache.close();
      },
    };
    instances.push(inst);
    return inst;
  };

  const first = await startInstance();
  return {
    url: first.url,
    accountId,
    root,
    services: first.services,
    database,
    replica: startInstance,
    async stop() {
      for (const i of instances.splice(0)) await i.stop().catch(() => {});
      await sharedMemory?.close();
      if (config.redisUrl) await deleteKeys(config.redisUrl, keyPrefix);
      await database.drop();
      const shapes = takeOutputShapeProblems();
      if (shapes.length > 0) throw new Error(`results that do not match AWS's output shapes:\n  ${shapes.join('\n  ')}`);
    },
  };
}

/** Remove every Redis key this instance wrote (they all carry TTLs; this just leaves no trace). */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // best effort
  } finally {
    redis.disconnect();
  }
}

/**
 * One Tessera for the whole test file: started before its tests (then `ready` runs — create
 * clients, seed data), stopped after them.
 */
export function useTessera(ready: (t: TestTessera) => void | Promise<void>, opts?: Parameters<typeof startTestTessera>[0]): void {
  let started: TestTessera | undefined;
  beforeAll(async () => {
    started = await startTestTessera(opts);
    await ready(started);
  });
  afterAll(async () => {
    await started?.stop();
  });
}
