import type { Config } from './config/index.js';
import type { Db } from './store/db.js';
import type { Cache } from './cache/cache.js';
import type { Logger } from './log.js';
import type { Metrics } from './http/metrics.js';
import type { AuditLog } from './audit/log.js';
import type { CredentialResolver } from './iam/credentials.js';
import type { KeyRing } from './keys/ring.js';
import type { RevocationStore } from './sts/revocation.js';
import type { OneTimeUses } from './security/one-time-use.js';
import type { PolicyCache } from './iam/effective-policies.js';

/**
 * Everything an operation may use, built once by the composition root (main.ts) or a test, and
 * passed down explicitly. No globals, no env reads below this line.
 */
export interface Services {
  config: Config;
  db: Db;
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
  /** Durable "accepted once" records (SAML assertion ids): Postgres decides, the cache short-circuits repeats. */
  oneTimeUses: OneTimeUses;
  /** Compiled policies per principal (authorization), dropped by invalidation messages. */
  policyCache: PolicyCache;
  /** Derived SigV4 signing keys, shared by every request. */
  signingKeyCache: Map<string, Buffer>;
  /** Tell every replica (through the cache's pub/sub) that configuration changed. */
  invalidate(message: InvalidationMessage): Promise<void>;
  /** The clock; the HTTP edge reads it once per request. */
  now(): Date;
}

export type InvalidationMessage =
  | { kind: 'access-key'; accessKeyId: string }
  | { kind: 'principal'; principalId: string }
  | { kind: 'all' };

export const INVALIDATION_CHANNEL = 'tessera:invalidate';
