import { Errors } from '../errors/index.js';
import { assertFiniteNumber, assertTtl } from './cache.js';
import type { Cache, CacheLogger } from './cache.js';

/**
 * The in-process channel that MemoryCache instances publish on. Each MemoryCache gets its
 * own bus unless one is passed in; sharing one bus between instances stands in for several
 * replicas on one Redis (tests), with `keyPrefix` keeping their channels apart as it does there.
 * Delivery is asynchronous (setImmediate) and in publish order.
 */
export class MemoryBus {
  readonly #subscribers = new Map<string, Set<(message: string) => void>>();

  /** Registers `deliver` for `channel`; returns its removal. */
  subscribe(channel: string, deliver: (message: string) => void): () => void {
    let set = this.#subscribers.get(channel);
    if (!set) {
      set = new Set();
      this.#subscribers.set(channel, set);
    }
    set.add(deliver);
    return () => {
      const current = this.#subscribers.get(channel);
      if (!current) return;
      current.delete(deliver);
      if (current.size === 0) this.#subscribers.delete(channel);
    };
  }

  publish(channel: string, message: string): void {
    const set = this.#subscribers.get(channel);
    if (!set || set.size === 0) return;
    const targets = [...set];
    setImmediate(() => {
      for (const deliver of targets) {
        // Removed between publish and delivery: an unsubscribed handler hears nothing more.
        if (set.has(deliver)) deliver(message);
      }
    });
  }
}

export interface MemoryCacheOptions {
  /** Milliseconds since the epoch. Default `Date.now`; tests pin it. */
  now?: () => number;
  /**
   * Most entries held; writing a new key beyond it evicts the least recently written one
   * (and logs a warning once). Default 100_000.
   */
  maxEntries?: number;
  /** How often expired entries are swept (ms); the timer never keeps the process alive. Default 60_000. */
  sweepIntervalMs?: number;
  /** Namespaces channels on a shared `bus` (keys are private to the instance anyway). Default ''. */
  keyPrefix?: string;
  /** Pub/sub channel; default a private one. */
  bus?: MemoryBus;
  logger?: CacheLogger;
}

interface Entry {
  value: string;
  /** Epoch ms at and after which the entry is gone. */
  expiresAt: number;
}

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** The number a stored value denotes for setIfGreater (as Lua's tonumber reads it), or null. */
function storedNumber(stored: string): number | null {
  if (!DECIMAL.test(stored)) return null;
  const n = Number(stored);
  return Number.isFinite(n) ? n : null;
}

/**
 * Single-node Cache: a Map with lazy expiry on read plus a periodic sweep, and pub/sub on an
 * in-process bus. Honest about what it is: state is lost on restart and not shared between
 * processes, so it is for `npm start` dev mode and tests, never for several replicas.
 */
export class MemoryCache implements Cache {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #maxEntries: number;
  readonly #prefix: string;
  readonly #bus: MemoryBus;
  readonly #logger: CacheLogger | undefined;
  readonly #subscriptions = new Set<() => void>();
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;
  #warnedFull = false;
  #lastEvictSweep = Number.NEGATIVE_INFINITY;

  constructor(opts: MemoryCacheOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#maxEntries = opts.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(this.#maxEntries) || this.#maxEntries <= 0) {
      throw new TypeError('MemoryCache maxEntries must be a positive integer');
    }
    this.#prefix = opts.keyPrefix ?? '';
    this.#bus = opts.bus ?? new MemoryBus();
    this.#logger = opts.logger;
    this.#sweeper = setInterval(() => this.sweep(), opts.sweepIntervalMs ?? 60_000);
    this.#sweeper.unref();
  }

  /** Number of entries held, expired-but-unswept ones included. */
  get size(): number {
    return this.#entries.size;
  }

  /** Drops every expired entry now (the timer calls this; tests may too). */
  sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
  }

  async get(key: string): Promise<string | null> {
    this.#assertOpen();
    return this.#live(key)?.value ?? null;
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    this.#assertOpen();
    return keys.map((k) => this.#live(k)?.value ?? null);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    this.#assertOpen();
    this.#write(key, value, ttlSeconds);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    this.#assertOpen();
    if (this.#live(key)) return false;
    this.#write(key, value, ttlSeconds);
    return true;
  }

  async setIfGreater(key: string, value: number, ttlSeconds: number): Promise<boolean> {
    assertFiniteNumber(value);
    assertTtl(ttlSeconds);
    this.#assertOpen();
    const current = this.#live(key);
    if (current) {
      const n = storedNumber(current.value);
      if (n === null || n >= value) return false;
    }
    this.#write(key, String(value), ttlSeconds);
    return true;
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    assertTtl(ttlSeconds);
    this.#assertOpen();
    const current = this.#live(key);
    if (!current) {
      this.#write(key, '1', ttlSeconds);
      return 1;
    }
    const n = INTEGER.test(current.value) ? Number(current.value) : Number.NaN;
    if (!Number.isSafeInteger(n) || !Number.isSafeInteger(n + 1)) {
      throw Errors.internal(new Error(`cache incr: value of ${key} is not an integer or out of range`));
    }
    current.value = String(n + 1);
    return n + 1;
  }

  async del(key: string): Promise<void> {
    this.#assertOpen();
    this.#entries.delete(key);
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#assertOpen();
    this.#bus.publish(this.#prefix + channel, message);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    this.#assertOpen();
    const remove = this.#bus.subscribe(this.#prefix + channel, (message) => {
      try {
        handler(message);
      } catch (err) {
        this.#logger?.warn({ err, channel }, 'cache subscriber threw; message dropped for it');
      }
    });
    this.#subscriptions.add(remove);
    return async () => {
      remove();
      this.#subscriptions.delete(remove);
    };
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    for (const remove of this.#subscriptions) remove();
    this.#subscriptions.clear();
    this.#entries.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw Errors.serviceUnavailable();
  }

  /** The entry when present and unexpired; an expired one is dropped on the way. */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #write(key: string, value: string, ttlSeconds: number): void {
    // Delete first so Map order stays "least recently written first" for eviction.
    const existed = this.#entries.delete(key);
    if (!existed && this.#entries.size >= this.#maxEntries) this.#evict();
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlSeconds * 1000 });
  }

  #evict(): void {
    // A full sweep is O(n): at most once a second when writes keep the cache full.
    const now = this.#now();
    if (now - this.#lastEvictSweep >= 1000) {
      this.#lastEvictSweep = now;
      this.sweep();
      if (this.#entries.size < this.#maxEntries) return;
    }
    if (!this.#warnedFull) {
      this.#warnedFull = true;
      this.#logger?.warn({ maxEntries: this.#maxEntries }, 'in-process cache full: evicting least recently written entries');
    }
    const excess = this.#entries.size - this.#maxEntries + 1;
    let i = 0;
    for (const key of this.#entries.keys()) {
      if (i++ >= excess) break;
      this.#entries.delete(key);
    }
  }
}
