import { Redis, ReplyError } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { AwsError, Errors } from '../errors/index.js';
import { assertFiniteNumber, assertTtl } from './cache.js';
import type { Cache, CacheLogger } from './cache.js';

export interface RedisCacheOptions {
  /** Prepended to every key and pub/sub channel, so deployments (and tests) can share a Redis. Default `tessera:`. */
  keyPrefix?: string;
  logger?: CacheLogger;
}

/**
 * Connection settings, chosen so a dead or unreachable Redis makes calls fail within a few
 * hundred milliseconds instead of hanging a request, while the client keeps reconnecting in the
 * background for as long as the process lives. Once a call has failed that way the circuit
 * breaker (below) answers every later call at once until Redis answers again.
 */
export const COMMAND_TIMEOUT_MS = 300;
/** While the circuit is open, a PING this often decides when to close it. */
const PROBE_MS = 250;
const CONNECTION: RedisOptions = {
  /** Per connection attempt (TCP + handshake). */
  connectTimeout: 1_000,
  /** Per command, time spent waiting for a connection included: the hot path's bound. */
  commandTimeout: COMMAND_TIMEOUT_MS,
  /** Reconnection attempts a queued command waits through before it fails. */
  maxRetriesPerRequest: 2,
  /** Reconnect forever: 100 ms, 200 ms, … at most 2 s apart. */
  retryStrategy: (times: number) => Math.min(times * 100, 2_000),
};

/** Stores ARGV[1] when the key is absent or holds a lower number; KEYS[1], ARGV[1]=value, ARGV[2]=ttl. */
const SET_IF_GREATER = `
local current = redis.call('GET', KEYS[1])
if current then
  local n = tonumber(current)
  if n == nil or n >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

/** INCR, then a TTL if the key has none (it was just created); KEYS[1], ARGV[1]=ttl. */
const INCR_WITH_TTL = `
local n = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

interface ScriptedRedis extends Redis {
  tesseraSetIfGreater(key: string, value: string, ttlSeconds: number): Promise<number>;
  tesseraIncrWithTtl(key: string, ttlSeconds: number): Promise<number>;
}

/** Redis error replies that mean "the server cannot serve now", not "the command is wrong". */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|OOM|TRYAGAIN|CLUSTERDOWN|NOAUTH|WRONGPASS|NOPERM)\b/;

/** ioredis errors → the contract's AwsErrors (see cache.ts), original kept as `cause`. */
function translate(err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  if (err instanceof ReplyError && !UNAVAILABLE_REPLY.test((err as Error).message)) return Errors.internal(err);
  return Errors.serviceUnavailable(err);
}

async function shutdown(conn: Redis): Promise<void> {
  if (conn.status !== 'ready') {
    conn.disconnect();
    return;
  }
  try {
    await conn.quit();
  } catch {
    conn.disconnect();
  }
}

interface Channel {
  handlers: Set<(message: string) => void>;
  /** Settles when Redis has acknowledged SUBSCRIBE. */
  ready: Promise<void>;
}

/**
 * Cache on Redis (ioredis): one connection for commands, a second one (created on the first
 * subscribe) for pub/sub. Every write carries EX; the conditional writes are single commands
 * (SET NX) or Lua scripts, so they are atomic across replicas.
 *
 * Circuit breaker: a call that fails because Redis is unreachable (timeout, connection lost or
 * refused) opens the circuit, as does the command connection dropping. While open, every call
 * fails at once with ServiceUnavailable (fail closed, no 300 ms wait per call) and a PING every
 * PROBE_MS (or the connection becoming ready again) closes it. `circuitOpen()` feeds /readyz.
 */
export class RedisCache implements Cache {
  readonly kind = 'redis' as const;
  readonly #redis: ScriptedRedis;
  readonly #prefix: string;
  readonly #logger: CacheLogger | undefined;
  readonly #channels = new Map<string, Channel>();
  #sub: Redis | undefined;
  #closed = false;
  #open = false;
  #openedBy: unknown;
  #probe: NodeJS.Timeout | undefined;

  constructor(url: string, opts: RedisCacheOptions = {}) {
    this.#prefix = opts.keyPrefix ?? 'tessera:';
    this.#logger = opts.logger;
    const redis = new Redis(url, CONNECTION);
    redis.defineCommand('tesseraSetIfGreater', { numberOfKeys: 1, lua: SET_IF_GREATER });
    redis.defineCommand('tesseraIncrWithTtl', { numberOfKeys: 1, lua: INCR_WITH_TTL });
    this.#watch(redis, 'commands');
    this.#redis = redis as ScriptedRedis;
  }

  get(key: string): Promise<string | null> {
    return this.#run(() => this.#redis.get(this.#prefix + key));
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    this.#assertOpen();
    if (keys.length === 0) return [];
    return this.#run(() => this.#redis.mget(keys.map((k) => this.#prefix + k)));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    await this.#run(() => this.#redis.set(this.#prefix + key, value, 'EX', ttlSeconds));
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    const reply = await this.#run(() => this.#redis.set(this.#prefix + key, value, 'EX', ttlSeconds, 'NX'));
    return reply === 'OK';
  }

  async setIfGreater(key: string, value: number, ttlSeconds: number): Promise<boolean> {
    assertFiniteNumber(value);
    assertTtl(ttlSeconds);
    const stored = await this.#run(() => this.#redis.tesseraSetIfGreater(this.#prefix + key, String(value), ttlSeconds));
    return stored === 1;
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    assertTtl(ttlSeconds);
    return this.#run(() => this.#redis.tesseraIncrWithTtl(this.#prefix + key, ttlSeconds));
  }

  async del(key: string): Promise<void> {
    await this.#run(() => this.#redis.del(this.#prefix + key));
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#run(() => this.#redis.publish(this.#prefix + channel, message));
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    this.#assertOpen();
    const name = this.#prefix + channel;
    const deliver = (message: string): void => {
      try {
        handler(message);
      } catch (err) {
        this.#logger?.warn({ err, channel }, 'cache subscriber threw; message dropped for it');
      }
    };
    let entry = this.#channels.get(name);
    if (!entry) {
      const created: Channel = {
        handlers: new Set(),
        ready: this.#subscriber()
          .subscribe(name)
          .then(() => undefined),
      };
      // A failed SUBSCRIBE is forgotten so the next subscribe tries again.
      created.ready.catch(() => {
        if (this.#channels.get(name) === created) this.#channels.delete(name);
      });
      this.#channels.set(name, created);
      entry = created;
    }
    const joined = entry;
    joined.handlers.add(deliver);
    try {
      await joined.ready;
    } catch (err) {
      joined.handlers.delete(deliver);
      throw translate(err);
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      joined.handlers.delete(deliver);
      if (joined.handlers.size > 0 || this.#channels.get(name) !== joined) return;
      this.#channels.delete(name);
      if (this.#closed || !this.#sub) return;
      try {
        await this.#sub.unsubscribe(name);
      } catch (err) {
        // Delivery has already stopped locally; a stale server-side subscription is harmless.
        this.#logger?.warn({ err, channel }, 'redis UNSUBSCRIBE failed');
      }
    };
  }

  async ping(): Promise<void> {
    await this.#run(() => this.#redis.ping());
  }

  circuitOpen(): boolean {
    return this.#open;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#probe);
    this.#channels.clear();
    await Promise.all([shutdown(this.#redis), this.#sub ? shutdown(this.#sub) : undefined]);
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    if (this.#open) {
      throw Errors.serviceUnavailable(new Error('redis circuit open (Redis unreachable)', { cause: this.#openedBy }));
    }
    try {
      return await command();
    } catch (err) {
      const e = translate(err);
      if (e.status === 503) this.#trip(err);
      throw e;
    }
  }

  #trip(cause: unknown): void {
    if (this.#open || this.#closed) return;
    this.#open = true;
    this.#openedBy = cause;
    this.#logger?.warn({ err: cause }, 'redis unreachable: circuit open, cache calls fail fast until it answers');
    const probe = () => {
      this.#probe = setTimeout(() => {
        if (this.#closed || !this.#open) return;
        this.#redis.ping().then(
          () => this.#reset(),
          () => probe(),
        );
      }, PROBE_MS);
      this.#probe.unref();
    };
    probe();
  }

  #reset(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#openedBy = undefined;
    clearTimeout(this.#probe);
    this.#logger?.warn({}, 'redis answers again: circuit closed');
  }

  #assertOpen(): void {
    if (this.#closed) throw Errors.serviceUnavailable();
  }

  #subscriber(): Redis {
    if (!this.#sub) {
      const sub = this.#redis.duplicate();
      this.#watch(sub, 'subscriber');
      sub.on('message', (name: string, message: string) => {
        const entry = this.#channels.get(name);
        if (!entry) return;
        for (const deliver of [...entry.handlers]) deliver(message);
      });
      this.#sub = sub;
    }
    return this.#sub;
  }

  /** One warning per outage per connection (ioredis emits an error on every failed retry). */
  #watch(conn: Redis, role: 'commands' | 'subscriber'): void {
    let warned = false;
    let wasReady = false;
    conn.on('error', (err: Error) => {
      if (role === 'commands' && wasReady) this.#trip(err);
      if (warned) return;
      warned = true;
      this.#logger?.warn({ err, role }, 'redis connection error; reconnecting in the background');
    });
    conn.on('close', () => {
      if (role === 'commands' && wasReady && !this.#closed) this.#trip(new Error('redis connection closed'));
    });
    conn.on('ready', () => {
      warned = false;
      wasReady = true;
      if (role === 'commands') this.#reset();
    });
  }
}
