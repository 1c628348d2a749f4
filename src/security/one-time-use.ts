import { createHash } from 'node:crypto';
import type { Cache } from '../cache/cache.js';
import type { SessionRepository } from '../store/sessions.js';

/**
 * Durable "used once" records (SAML assertion ids; any token, code or nonce that must be
 * accepted exactly once):
 *
 *   if (!(await services.oneTimeUses.consume('saml-assertion', `${providerArn}\n${id}`, notOnOrAfter, now))) refuse();
 *
 * Postgres (one_time_uses) decides: the INSERT … ON CONFLICT that stores the row is the one use
 * that counts, on any replica, across cache and process restarts. The cache only short-circuits
 * repeats (a "used" entry is refused without a database round trip); its absence proves nothing,
 * so a cache that lost its data costs a database write, never a second acceptance. A record whose
 * expiry has passed may be used again (whatever it guards must have expired with it) and is
 * purged. `id` is stored as a SHA-256 digest.
 */
const PURGE_EVERY_MS = 60_000;

export class OneTimeUses {
  private lastPurge = 0;

  constructor(
    private readonly sessions: Pick<SessionRepository, 'consumeOnce' | 'purgeOneTimeUses'>,
    private readonly cache: Cache,
    private readonly logger?: { warn(obj: object, msg: string): void },
  ) {}

  /** True when this call is the first use of (scope, id) before `expiresAt`; false for a repeat. */
  async consume(scope: string, id: string, expiresAt: Date, now: Date): Promise<boolean> {
    const digest = createHash('sha256').update(id).digest('base64url');
    const key = `once:${scope}:${digest}`;
    const ttl = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
    const seen = await this.cache.get(key).catch(() => null);
    if (seen !== null) return false;
    const first = await this.sessions.consumeOnce(scope, digest, now, new Date(now.getTime() + ttl * 1000));
    await this.cache.set(key, '1', ttl).catch((err: unknown) => this.logger?.warn({ err }, 'one-time-use cache write failed'));
    this.purge(now);
    return first;
  }

  private purge(now: Date): void {
    if (now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    this.sessions
      .purgeOneTimeUses(now, 10_000)
      .catch((err: unknown) => this.logger?.warn({ err }, 'purging expired one-time-use records failed'));
  }
}
