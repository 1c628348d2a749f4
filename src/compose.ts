import { PgPolicyRepository } from './store/policies.js';
import { createStore } from './store/store.js';
import type { Config } from './config/index.js';
import { createDb, type Db } from './store/db.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './store/embedded.js';
import type { Cache } from './cache/cache.js';
import type { Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { AuditLog } from './audit/log.js';
import { CredentialResolver } from './iam/credentials.js';
import { KeyRing } from './keys/ring.js';
import { RevocationStore } from './sts/revocation.js';
import { OneTimeUses } from './security/one-time-use.js';
import { TemporaryCredentials } from './sts/temporary-credentials.js';
import { PolicyCache } from './iam/effective-policies.js';
import { AttemptLimiter } from './throttle/attempts.js';
import { verifyMasterKey } from './keys/master-check.js';
import { createFederationDirectory } from './sts/federation-directory.js';
import { regionSet } from './tokens/regions.js';
import { systemRandom, type Random } from './tokens/random.js';
import { INVALIDATION_CHANNEL, type InvalidationMessage, type Services } from './services.js';
import { OutboxListener, writeInvalidations } from './store/outbox.js';
import { createConnectorDirectory, providerLookups, storedConnectors } from './federation/registry.js';
import type { ConnectorFactory } from './federation/connector.js';
import { oidcConnector } from './federation/oidc/connector.js';
import { githubConnector } from './federation/social/github.js';
import { googleConnector } from './federation/social/google.js';
import { microsoftConnector } from './federation/social/microsoft.js';
import { gitlabConnector } from './federation/social/gitlab.js';
import { samlConnector } from './federation/saml/connector.js';
import { workerPool } from './workers/pool.js';

/**
 * The composition root's builder: every service is constructed here, once, from its
 * dependencies, and handed down in `Services` (no locator, no setter, no global). main.ts
 * (serve), cli.ts (commands) and the tests call it.
 */
export interface BuildOptions {
  config: Config;
  db: Db;
  cache: Cache;
  logger: Logger;
  masterKey: Buffer;
  accountId: string;
  now?: () => Date;
  /** Where ids and secrets come from (default: node:crypto); tests may pass tokens/random.ts's seededRandom. */
  random?: Random;
  defaultMetrics?: boolean;
  /** The sign-in connector types this installation builds (default: the built-in ones); tests may pass their own. */
  connectorFactories?: readonly ConnectorFactory[];
}

/** The sign-in connector types an installation can configure (src/federation/*). */
export const BUILT_IN_CONNECTORS: readonly ConnectorFactory[] = [
  oidcConnector,
  githubConnector,
  googleConnector,
  microsoftConnector,
  gitlabConnector,
  samlConnector,
];

export async function buildServices(o: BuildOptions): Promise<Services & { dispose(): Promise<void> }> {
  // Refuse a master key that does not open the database's check value before anything runs.
  await verifyMasterKey(o.db, o.masterKey, { create: false });
  const metrics = createMetrics({ defaultMetrics: o.defaultMetrics ?? false });
  const random = o.random ?? systemRandom();
  const keys = new KeyRing(o.db, o.masterKey, { random });
  const store = createStore(o.db);
  const revocations = new RevocationStore(o.cache, store.sessions, { now: o.now ?? (() => new Date()), logger: o.logger });
  // Before the first request: a cache that came back empty is rebuilt from Postgres.
  await revocations.start();
  const policyCache = new PolicyCache(new PgPolicyRepository(o.db));
  const temporary = new TemporaryCredentials(keys, revocations, { exists: async (id) => (await policyCache.forPrincipal(id)).exists });
  const credentials = new CredentialResolver(o.db, o.masterKey, o.config.partition, temporary);
  const federationDirectory = createFederationDirectory(o.config, store);
  const oneTimeUses = new OneTimeUses(store.sessions, o.cache, o.logger);
  const connectors = createConnectorDirectory({
    factories: o.connectorFactories ?? BUILT_IN_CONNECTORS,
    load: storedConnectors(store, o.masterKey),
    deps: {
      logger: o.logger,
      allowInsecure: o.config.allowInsecureIssuers,
      publicUrl: o.config.publicUrl,
      ...providerLookups(federationDirectory),
      consumeOnce: (scope, id, expiresAt, now) => oneTimeUses.consume(scope, id, expiresAt, now),
      // The SAML worker pool AssumeRoleWithSAML verifies in (src/sts/AssumeRoleWithSAML.ts).
      samlVerifier: (b64, verification) => workerPool('saml').run('saml.verifySignIn', { b64, verification }),
    },
  });
  const apply = (m: InvalidationMessage) => {
    // A connector change concerns only the connectors; 'all' (and every IAM change without its own message) reloads them too.
    if (m.kind === 'sign-in-connector') return connectors.clear();
    if (m.kind === 'all') connectors.clear();
    policyCache.invalidate(m);
    // Roles, providers and JWKS it caches may have changed: every invalidation empties it.
    federationDirectory.clear();
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
    oneTimeUses,
    policyCache,
    store,
    signingKeyCache: new Map(),
    now: o.now ?? (() => new Date()),
    random,
    regions: regionSet(o.config.extraRegions),
    federationDirectory,
    connectors,
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
