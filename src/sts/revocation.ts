import { Lru } from '../cache/lru.js';
import type { Cache } from '../cache/cache.js';
import type { SessionAncestor } from '../tokens/caller.js';
import type { Store } from '../store/store.js';
import type { Revocation, RevocationKind, SessionRepository } from '../store/sessions.js';

/**
 * Revocation of temporary credentials. Three kinds, all checked on every request made with
 * temporary credentials:
 * - one session, by its session id or by its access key id;
 * - every session of a role issued before a time ("revoke older sessions").
 * A session is refused when it, or any session of its lineage (the sessions it was chained
 * from: AssumeRole or /oauth2/token exchange with temporary credentials, carried in its sealed
 * token), is revoked by any of the three.
 *
 * Durability: Postgres (sts_revocations) is the source of truth, the cache (Redis) the fast
 * path every replica reads.
 * - A revocation is written to Postgres and then to the cache inside the operation's
 *   transaction (with its audit event): when the cache cannot take it the whole revocation fails
 *   (503, nothing recorded; retry). It is written to the cache once more after the commit.
 * - The cache's answer is trusted only while it is known to hold every revocation: a rebuild
 *   copies all unexpired rows from Postgres into the cache between two markers, a CANARY written
 *   first and a MARKER written last with the same stamp. Both are read with the revocation
 *   entries in one atomic MGET; a cache that restarted empty, or lost keys to eviction (the
 *   canary is the oldest write), has them missing or different. Then the replica answers from
 *   Postgres (database down: the request fails with 503, never "not revoked") and rebuilds the
 *   cache in the background. Every replica also checks the markers every CHECK_MS.
 * Each replica remembers an answer for at most MEMO_MS, so a revocation takes effect everywhere
 * within that bound (well under a second) without a cache round trip on every request.
 * Rows and cache entries live as long as any credential they could refer to
 * (REVOCATION_TTL_SECONDS) and are then purged.
 */
export const REVOCATION_TTL_SECONDS = 36 * 3600 + 3600;
const MEMO_MS = 250;
const CHECK_MS = 1_000;
/** The markers outlive any revocation; when they do expire, the next check rebuilds. */
const MARKER_TTL_SECONDS = 7 * 24 * 3600;
const PURGE_EVERY_MS = 10 * 60_000;
const REBUILD_BATCH = 500;

const sessionKey = (id: string) => `sts:revoked:session:${id}`;
const accessKeyKey = (id: string) => `sts:revoked:key:${id}`;
const roleKey = (roleId: string) => `sts:revoked:role:${roleId}`;
export const CANARY_KEY = 'sts:revoked:canary';
export const MARKER_KEY = 'sts:revoked:marker';

type Kind = RevocationKind;
const cacheKey = (kind: Kind, subject: string) => (kind === 'session' ? sessionKey(subject) : kind === 'access-key' ? accessKeyKey(subject) : roleKey(subject));

export interface RevocationSubject {
  sessionId: string;
  accessKeyId: string;
  roleId?: string | undefined;
  issuedAt: Date;
  /** The sessions it was chained from (SessionInfo.lineage). */
  lineage?: readonly SessionAncestor[] | undefined;
}

/** What a revocation is written through: `tx` of the operation's (audited) store. */
export type RevocationWriter = Pick<Store, 'tx'>;

export interface RevocationStoreOptions {
  now?: () => Date;
  logger?: { warn(obj: object, msg: string): void };
  /** Marker check interval; 0 disables the timer (tests drive `check()` themselves). */
  checkIntervalMs?: number;
}

export class RevocationStore {
  /** Memo: 's:'/'k:' + id → revoked?, 'r:' + role id → cutoff ms (0: none). */
  private readonly memo = new Lru<string, number>({ max: 200_000, ttlMs: MEMO_MS });
  private readonly now: () => Date;
  private rebuilding: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastPurge = 0;
  /** A warning was logged for the current outage (one per outage, not one per request). */
  private degraded = false;

  constructor(
    private readonly cache: Cache,
    private readonly sessions: SessionRepository,
    private readonly opts: RevocationStoreOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Check the markers now (rebuilding when needed), then every CHECK_MS. Never throws. */
  async start(): Promise<void> {
    await this.check();
    const every = this.opts.checkIntervalMs ?? CHECK_MS;
    if (every > 0 && !this.timer) {
      this.timer = setInterval(() => void this.check(), every);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.rebuilding?.catch(() => {});
  }

  /** True when the cache is (now) trusted; rebuilds it from Postgres when it is not. Never throws. */
  async check(): Promise<boolean> {
    try {
      const [c, m] = await this.cache.getMany([CANARY_KEY, MARKER_KEY]);
      const ok = (c !== null && c === m) || (await this.rebuild());
      if (ok) this.degraded = false;
      return ok;
    } catch (err) {
      this.warnOnce(err, 'revocation cache check or rebuild failed; answering from Postgres until it succeeds');
      return false;
    }
  }

  /** Copy every unexpired revocation into the cache between the canary and the marker (single flight). */
  rebuild(): Promise<boolean> {
    this.rebuilding ??= this.doRebuild().finally(() => {
      this.rebuilding = undefined;
    });
    return this.rebuilding;
  }

  private async doRebuild(): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [c0, m0] = await this.cache.getMany([CANARY_KEY, MARKER_KEY]);
      const seen = Math.max(Number(c0) || 0, Number(m0) || 0, this.now().getTime() * 1000);
      const stamp = seen + 1 + Math.floor(Math.random() * 1000);
      await this.cache.setIfGreater(CANARY_KEY, stamp, MARKER_TTL_SECONDS);
      const now = this.now();
      let after: Revocation | undefined;
      let copied = 0;
      for (;;) {
        const rows = await this.sessions.revocationsPage(now, after, REBUILD_BATCH);
        await Promise.all(rows.map((row) => this.writeCache(row.kind, row.subject, row.issuedBefore, row.expiresAt, now)));
        copied += rows.length;
        if (rows.length < REBUILD_BATCH) break;
        after = rows[rows.length - 1]!;
      }
      await this.cache.setIfGreater(MARKER_KEY, stamp, MARKER_TTL_SECONDS);
      const [c, m] = await this.cache.getMany([CANARY_KEY, MARKER_KEY]);
      if (c !== null && c === m) {
        this.opts.logger?.warn({ copied }, 'revocation cache was missing its markers (empty or restarted): rebuilt from Postgres');
        return true;
      }
    }
    return false;
  }

  private async writeCache(kind: Kind, subject: string, issuedBefore: Date | undefined, expiresAt: Date, now: Date): Promise<void> {
    const ttl = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
    if (kind === 'role') await this.cache.setIfGreater(roleKey(subject), issuedBefore!.getTime(), ttl);
    else await this.cache.set(cacheKey(kind, subject), '1', ttl);
  }

  async revokeSession(db: RevocationWriter, sessionId: string): Promise<void> {
    await this.record(db, 'session', sessionId, undefined);
    this.memo.set(`s:${sessionId}`, 1);
  }

  async revokeAccessKey(db: RevocationWriter, accessKeyId: string): Promise<void> {
    await this.record(db, 'access-key', accessKeyId, undefined);
    this.memo.set(`k:${accessKeyId}`, 1);
  }

  /** Revoke every session of the role issued strictly before `before` (never moves backwards). */
  async revokeRoleSessions(db: RevocationWriter, roleId: string, before: Date): Promise<void> {
    await this.record(db, 'role', roleId, before);
    this.memo.delete(`r:${roleId}`);
  }

  private async record(db: RevocationWriter, kind: Kind, subject: string, issuedBefore: Date | undefined): Promise<void> {
    const now = this.now();
    const expiresAt = new Date(now.getTime() + REVOCATION_TTL_SECONDS * 1000);
    const stored = await db.tx(async (t) => {
      const row = await t.sessions.recordRevocation({ kind, subject, issuedBefore, now, expiresAt });
      // In the transaction: a cache that cannot take it fails the revocation (nothing recorded).
      await this.writeCache(kind, subject, row.issuedBefore, row.expiresAt, now);
      return row;
    });
    // Again after the commit: a rebuild that read Postgres just before it must not miss it.
    await this.writeCache(kind, subject, stored.issuedBefore, stored.expiresAt, now).catch((err: unknown) => {
      this.opts.logger?.warn({ err }, 'revocation cache write after commit failed');
    });
    this.purge(now);
  }

  /** Drop expired rows, at most every PURGE_EVERY_MS per replica; in the background. */
  private purge(now: Date): void {
    if (now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    this.sessions
      .purgeRevocations(now, 10_000)
      .catch((err: unknown) => this.opts.logger?.warn({ err }, 'purging expired revocations failed'));
  }

  async isRevoked(s: RevocationSubject): Promise<boolean> {
    const chain: RevocationSubject[] = s.lineage?.length ? [s, ...s.lineage] : [s];
    // Memo keys this check needs, and those the memo does not answer.
    const need: string[] = [];
    for (const e of chain) {
      need.push(`s:${e.sessionId}`, `k:${e.accessKeyId}`);
      if (e.roleId !== undefined) need.push(`r:${e.roleId}`);
    }
    const answers = new Map<string, number>();
    const missing: string[] = [];
    for (const k of need) {
      if (answers.has(k)) continue;
      const v = this.memo.get(k);
      if (v === undefined) {
        if (!missing.includes(k)) missing.push(k);
      } else answers.set(k, v);
    }
    if (missing.length > 0) {
      const found = await this.lookup(missing);
      for (const k of missing) {
        const v = found.get(k) ?? 0;
        answers.set(k, v);
        this.memo.set(k, v);
      }
    }
    for (const e of chain) {
      if (answers.get(`s:${e.sessionId}`) === 1 || answers.get(`k:${e.accessKeyId}`) === 1) return true;
      if (e.roleId !== undefined && (answers.get(`r:${e.roleId}`) ?? 0) > e.issuedAt.getTime()) return true;
    }
    return false;
  }

  private warnOnce(err: unknown, msg: string): void {
    if (this.degraded) return;
    this.degraded = true;
    this.opts.logger?.warn({ err }, msg);
  }

  /** Memo keys → values, from the cache when its markers vouch for it, else from Postgres. */
  private async lookup(keys: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const toCache = (k: string) => (k[0] === 's' ? sessionKey(k.slice(2)) : k[0] === 'k' ? accessKeyKey(k.slice(2)) : roleKey(k.slice(2)));
    let values: (string | null)[] | undefined;
    try {
      values = await this.cache.getMany([...keys.map(toCache), CANARY_KEY, MARKER_KEY]);
    } catch (err) {
      this.warnOnce(err, 'revocation cache unreachable; answering from Postgres');
    }
    if (values) {
      const c = values[keys.length];
      const m = values[keys.length + 1];
      if (c !== null && c !== undefined && c === m) {
        this.degraded = false;
        keys.forEach((k, i) => {
          const v = values[i];
          if (v !== null && v !== undefined) out.set(k, k[0] === 'r' ? Number(v) || 0 : 1);
        });
        return out;
      }
      void this.rebuild().catch((err: unknown) => this.warnOnce(err, 'revocation cache rebuild failed; answering from Postgres'));
    }
    // The cache cannot vouch: ask the source of truth (a database error fails the request: 503).
    const by = (p: string) => keys.filter((k) => k[0] === p).map((k) => k.slice(2));
    const rows = await this.sessions.findRevocations(this.now(), { sessions: by('s'), accessKeys: by('k'), roles: by('r') });
    for (const row of rows) {
      if (row.kind === 'session') out.set(`s:${row.subject}`, 1);
      else if (row.kind === 'access-key') out.set(`k:${row.subject}`, 1);
      else out.set(`r:${row.subject}`, row.issuedBefore!.getTime());
    }
    return out;
  }
}
