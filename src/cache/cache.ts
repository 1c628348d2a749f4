/**
 * The cache contract: short-lived state shared between replicas (login sessions, OIDC
 * state/nonce, SAML replay ids, TOTP last-used counters, rate-limit counters, session
 * revocations — for security state only the fast path: Postgres holds the truth) plus pub/sub to
 * invalidate every replica's in-process caches.
 *
 * Every write carries a TTL in seconds (a positive integer); nothing lives forever.
 * Two implementations: RedisCache (ioredis, REDIS_URL set) and MemoryCache (single node).
 * Both pass test/cache/conformance.test.ts.
 *
 * Errors, identical for both implementations:
 * - a TTL that is not a positive safe integer, or a `setIfGreater` value that is not a finite
 *   number, is a programming error: the call rejects with a `TypeError` before touching the
 *   store;
 * - the store being unreachable (connection refused, timeout, retries exhausted) or the cache
 *   being closed: `AwsError` `ServiceUnavailable` (503), the original error as `cause`;
 * - the store refusing a command (e.g. `incr` on a value that is not an integer):
 *   `AwsError` `InternalFailure` (500), the original error as `cause`.
 *
 * Keys and channels are namespaced by the implementation's `keyPrefix`; callers pass bare
 * names.
 */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  /** The value, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /**
   * The values of several keys (null where absent or expired), in order, read atomically: one
   * MGET on Redis, so no write lands between two of the reads. An empty list answers [].
   */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  /** Set with a TTL in seconds, replacing any value and TTL. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Set only when absent (atomic). True when this call stored it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Store `value` only when the current value is absent or a number lower than `value`
   * (atomic); used for TOTP replay counters. True when stored (the TTL is then reset to
   * `ttlSeconds`). An equal value, or a current value that is not a number, is not replaced.
   */
  setIfGreater(key: string, value: number, ttlSeconds: number): Promise<boolean>;
  /**
   * Atomically increment; the TTL is set when the key is created (later calls keep the
   * running TTL: a fixed window for rate limits). Returns the new value.
   */
  incr(key: string, ttlSeconds: number): Promise<number>;
  /** Remove the key; absent keys are fine. */
  del(key: string): Promise<void>;
  /**
   * Fire-and-forget broadcast to every replica (including this one). Delivery is always
   * asynchronous (never inside this call) and at-most-once: replicas disconnected at the time
   * miss it, so subscribers must treat messages as hints (e.g. "drop your cached copy").
   */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Resolves once the subscription is active: messages published after that are delivered.
   * Returns an idempotent unsubscribe function. Handlers never throw into the cache: an
   * exception from a handler is logged and swallowed, other handlers still run.
   */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  /**
   * True while calls fail fast because the store was found unreachable (circuit breaker; see
   * redis.ts). Absent or false for stores without one.
   */
  circuitOpen?(): boolean;
  /** Round trip to the backing store; throws when unreachable. */
  ping(): Promise<void>;
  /** Release connections and timers. Idempotent; every later call rejects (ServiceUnavailable). */
  close(): Promise<void>;
}

/** What the cache logs through (a pino logger fits). Only warnings: nothing else is worth saying. */
export interface CacheLogger {
  warn(obj: object, msg: string): void;
}

/** Throws the contract's TypeError unless `ttlSeconds` is a positive safe integer. */
export function assertTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new TypeError(`cache TTL must be a positive integer number of seconds, got ${String(ttlSeconds)}`);
  }
}

/** Throws the contract's TypeError unless `value` is a finite number (setIfGreater). */
export function assertFiniteNumber(value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`cache setIfGreater value must be a finite number, got ${String(value)}`);
  }
}

