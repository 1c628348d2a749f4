import type { Config } from './config/index.js';
import type { Db } from './store/db.js';
import type { Repositories, Store } from './store/store.js';
import type { Cache } from './cache/cache.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { AuditLog } from './audit/log.js';
import type { CredentialResolver } from './iam/credentials.js';
import type { KeyRing } from './keys/ring.js';
import type { RevocationStore } from './sts/revocation.js';
import type { OneTimeUses } from './security/one-time-use.js';
import type { PolicyCache } from './iam/effective-policies.js';
import type { AttemptLimiter } from './throttle/attempts.js';
import type { InvalidationMessage, SqlRunner } from './store/invalidation.js';
import type { Random } from './tokens/random.js';
import type { FederationDirectory } from './federation/directory.js';
import type { RoleRecord } from './sts/roles.js';
import type { ConnectorRegistry } from './federation/registry.js';

/**
 * Everything an operation may use, built once by the composition root (main.ts) or a test, and
 * passed down explicitly. No globals, no env reads below this line.
 */
export interface Services {
  config: Config;
  db: Db;
  /** The storage contract: repositories per aggregate and transactions (store/store.ts). */
  store: Store;
  cache: Cache;
  logger: Logger;
  metrics: Metrics;
  audit: AuditLog;
  masterKey: Buffer;
  /** The installation's bootstrap (root) account id. */
  accountId: string;
  credentials: CredentialResolver;
  /** Rotating keys for session tokens, derived secrets, authorization messages and JWTs (sts_keys). */
  keys: KeyRing;
  /** Revoked temporary-credential sessions: Postgres, with the cache as every replica's fast path. */
  revocations: RevocationStore;
  /** Failed-attempt counting and lockouts (MFA codes; sign-in next), durable in Postgres. */
  attempts: AttemptLimiter;
  /** Durable "accepted once" records (SAML assertion ids): Postgres decides, the cache short-circuits repeats. */
  oneTimeUses: OneTimeUses;
  /** Compiled policies per principal (authorization), dropped by invalidation messages. */
  policyCache: PolicyCache;
  /** Derived SigV4 signing keys, shared by every request. */
  signingKeyCache: Map<string, Buffer>;
  /**
   * Tell every replica that configuration changed (drop cached policies / keys). Durable: the
   * message goes into the invalidation outbox in Postgres (store/outbox.ts), which every replica
   * reads; Redis pub/sub is only a best-effort fast path. Pass the change's transaction client
   * as `within` so the invalidation commits with the change; without it, it is written on its
   * own after the change. (In an HTTP IAM call every transaction also records a catch-all
   * invalidation unless it passed one, so nothing is lost; see http/awsquery.ts.)
   */
  invalidate(message: InvalidationMessage, within?: SqlRunner | Repositories): Promise<void>;
  /**
   * The non-durable half of `invalidate`: drop locally and broadcast over Redis (best effort,
   * never throws). Only for when the durable outbox row has already committed.
   */
  invalidateFast(message: InvalidationMessage): void;
  /** Whether this replica's invalidation bus (outbox listener) is connected (readiness). */
  invalidationBusHealthy(): boolean;
  /** The clock; the HTTP edge reads it once per request. */
  now(): Date;
  /** Randomness for ids, request ids and secrets (tokens/random.ts), injected as the clock is. */
  random: Random;
  /** The region names a SigV4 credential scope may name (AWS's and config.extraRegions), computed once. */
  regions: ReadonlySet<string>;
  /** Roles, identity providers and JWKS as federation reads them, cached per process (federation/directory.ts). */
  federationDirectory: FederationDirectory<RoleRecord>;
  /** The configured sign-in connectors, built by their type's factory, cached per process (federation/registry.ts). */
  connectors: ConnectorRegistry;
}

// Defined in a neutral module (the outbox and the caches use them without importing this one);
// re-exported here for the operations that name them through the services contract.
export type { InvalidationMessage, SqlRunner } from './store/invalidation.js';
export { INVALIDATION_CHANNEL } from './store/invalidation.js';
