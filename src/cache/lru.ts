export interface LruOptions {
  /** Most entries held; setting one more evicts the least recently used. */
  max: number;
  /** Default lifetime of an entry in ms; none means entries live until evicted or deleted. */
  ttlMs?: number;
  /** Milliseconds since the epoch. Default `Date.now`; tests pin it. */
  now?: () => number;
}

interface Slot<V> {
  value: V;
  /** Epoch ms at and after which the entry is gone; Infinity when it has no TTL. */
  expiresAt: number;
}

/**
 * A bounded in-process LRU map with optional TTL, for per-replica caches of things that are
 * costly to build and cheap to rebuild (compiled policies, roles, providers). Synchronous and
 * I/O-free; invalidate it from a Cache subscription. `get` refreshes recency, `peek` does not.
 */
export class Lru<K, V> {
  readonly #slots = new Map<K, Slot<V>>();
  readonly #max: number;
  readonly #ttlMs: number | undefined;
  readonly #now: () => number;

  constructor(opts: LruOptions) {
    if (!Number.isSafeInteger(opts.max) || opts.max <= 0) throw new TypeError('Lru max must be a positive integer');
    if (opts.ttlMs !== undefined) assertTtlMs(opts.ttlMs);
    this.#max = opts.max;
    this.#ttlMs = opts.ttlMs;
    this.#now = opts.now ?? Date.now;
  }

  /** Entries held, expired-but-not-yet-touched ones included. */
  get size(): number {
    return this.#slots.size;
  }

  get(key: K): V | undefined {
    const slot = this.#live(key);
    if (!slot) return undefined;
    this.#touch(key, slot);
    return slot.value;
  }

  /** The value without refreshing its recency. */
  peek(key: K): V | undefined {
    return this.#live(key)?.value;
  }

  has(key: K): boolean {
    return this.#live(key) !== undefined;
  }

  /** Stores `value`; `ttlMs` overrides the default lifetime for this entry. */
  set(key: K, value: V, ttlMs: number | undefined = this.#ttlMs): this {
    if (ttlMs !== undefined) assertTtlMs(ttlMs);
    this.#slots.delete(key);
    this.#slots.set(key, { value, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : this.#now() + ttlMs });
    while (this.#slots.size > this.#max) {
      const oldest = this.#slots.keys().next();
      if (oldest.done) break;
      this.#slots.delete(oldest.value);
    }
    return this;
  }

  /** The cached value, or `build()`'s result stored under `key`. */
  getOrSet(key: K, build: () => V): V {
    const slot = this.#live(key);
    if (slot) {
      this.#touch(key, slot);
      return slot.value;
    }
    const value = build();
    this.set(key, value);
    return value;
  }

  delete(key: K): boolean {
    return this.#slots.delete(key);
  }

  clear(): void {
    this.#slots.clear();
  }

  #touch(key: K, slot: Slot<V>): void {
    this.#slots.delete(key);
    this.#slots.set(key, slot);
  }

  #live(key: K): Slot<V> | undefined {
    const slot = this.#slots.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= this.#now()) {
      this.#slots.delete(key);
      return undefined;
    }
    return slot;
  }
}

function assertTtlMs(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new TypeError(`Lru ttlMs must be a positive number, got ${String(ttlMs)}`);
}
