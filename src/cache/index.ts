import { MemoryCache } from './memory.js';
import { RedisCache } from './redis.js';
import type { Cache, CacheLogger } from './cache.js';

export type { Cache, CacheLogger } from './cache.js';
export { assertTtl } from './cache.js';
export { MemoryBus, MemoryCache } from './memory.js';
export type { MemoryCacheOptions } from './memory.js';
export { RedisCache } from './redis.js';
export type { RedisCacheOptions } from './redis.js';
export { Lru } from './lru.js';
export type { LruOptions } from './lru.js';

export interface CreateCacheOptions {
  /** Redis when set (several replicas); otherwise the single-node in-process cache. */
  redisUrl?: string | undefined;
  /** Namespace for keys and channels. Default `tessera:` (Redis), none (memory). */
  keyPrefix?: string | undefined;
  logger?: CacheLogger | undefined;
}

/** The composition root's one call: Redis when `redisUrl` is set, else MemoryCache. */
export function createCache(opts: CreateCacheOptions): Cache {
  const shared = {
    ...(opts.keyPrefix !== undefined ? { keyPrefix: opts.keyPrefix } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  };
  return opts.redisUrl ? new RedisCache(opts.redisUrl, shared) : new MemoryCache(shared);
}
