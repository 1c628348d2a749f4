import pg from 'pg';
import type { Db } from './db.js';
import type { InvalidationMessage, SqlRunner } from './invalidation.js';

/**
 * The invalidation outbox (table invalidation_outbox, migration 0010): how an IAM change reaches
 * every replica's in-process caches (compiled policies, resolved access keys) without depending
 * on Redis.
 *
 * - Writing: the change's own transaction inserts the message(s) and NOTIFYs (Postgres delivers
 *   a NOTIFY at commit, and never for a rolled-back transaction), so an invalidation exists
 *   exactly when its change does.
 * - Reading: every replica runs one `OutboxListener`: a dedicated LISTEN connection for speed,
 *   and reads by sequence number (on each notification, and every `pollMs` anyway) as the source
 *   of truth. Sequence numbers are taken at insert but become visible at commit, so a lower one
 *   can appear after a higher one: a hole is re-read until it fills or `HOLE_MS` passes (its
 *   transaction rolled back). Applying a message twice is harmless (it only drops cache entries).
 * - Gaps: when the LISTEN connection or a read fails, the replica cannot know what it missed, so
 *   on the first success after it flushes everything (`{kind:'all'}`) and carries on from the
 *   newest sequence number. A backlog larger than one read is handled the same way.
 * - Purge: rows older than `RETAIN_MS` are deleted (any replica, at most every `PURGE_MS`).
 */
export const OUTBOX_CHANNEL = 'tessera_invalidate';

const INSERT = `WITH i AS (
    INSERT INTO invalidation_outbox (message) SELECT value FROM jsonb_array_elements($1::jsonb) RETURNING seq
  ) SELECT pg_notify('${OUTBOX_CHANNEL}', max(seq)::text) FROM i`;

/** Records invalidations on `q`: inside a transaction, they commit (and are announced) with it. */
export async function writeInvalidations(q: SqlRunner, messages: readonly InvalidationMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await q.query(INSERT, [JSON.stringify(messages)]);
}

const HOLE_MS = 60_000;
const MAX_BATCH = 1000;
const RETAIN_MS = 24 * 3600_000;
const PURGE_MS = 10 * 60_000;

export interface OutboxLogger {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

export interface OutboxListenerOptions {
  /** Read interval when no notification arrives (ms). Default 500. */
  pollMs?: number;
  logger?: OutboxLogger;
}

export class OutboxListener {
  private last = 0;
  /** Sequence numbers skipped by a read (not yet committed, or rolled back) → first seen. */
  private readonly holes = new Map<number, number>();
  /** Applied sequence numbers above the lowest hole (they are read again until it fills). */
  private readonly appliedAboveHole = new Set<number>();
  private gap = false;
  private listener: pg.Client | undefined;
  private listenerUp = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastPurge = 0;
  private reconnectDelay = 100;
  private readonly pollMs: number;

  constructor(
    private readonly db: Db,
    private readonly apply: (m: InvalidationMessage) => void,
    private readonly opts: OutboxListenerOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 500;
  }

  /** Reads the current position (nothing before it concerns a fresh replica), then listens. */
  async start(): Promise<void> {
    const r = await this.db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM invalidation_outbox');
    this.last = Number(r.rows[0]?.seq ?? 0);
    await this.connect().catch(() => this.scheduleReconnect());
    this.schedulePoll();
  }

  /** True while the LISTEN connection is up and the last read succeeded. */
  get healthy(): boolean {
    return this.listenerUp && !this.gap;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    const l = this.listener;
    this.listener = undefined;
    if (l) await l.end().catch(() => {});
    await this.reading?.catch(() => {});
  }

  /** Read now (coalesced with a read in flight). */
  poke(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.poke();
      this.schedulePoll();
    }, this.pollMs);
    this.pollTimer.unref();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = this.db.newClient();
    client.on('error', () => this.lostListener(client));
    client.on('end', () => this.lostListener(client));
    client.on('notification', () => this.poke());
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (e) {
      this.lostListener(client);
      throw e;
    }
    if (this.listener !== client) return;
    this.listenerUp = true;
    this.reconnectDelay = 100;
    // Whatever happened while we were not listening is read now (and a gap flushes everything).
    this.poke();
  }

  private lostListener(client: pg.Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    if (this.listenerUp) this.opts.logger?.warn({}, 'invalidation listener lost its database connection; reconnecting');
    this.listenerUp = false;
    this.gap = true;
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, 2000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch(() => this.scheduleReconnect());
    }, delay);
    this.reconnectTimer.unref();
  }

  private floor(): number {
    let f = this.last;
    for (const s of this.holes.keys()) if (s - 1 < f) f = s - 1;
    return f;
  }

  private async read(): Promise<void> {
    let rows: { seq: number; message: InvalidationMessage }[];
    try {
      const r = await this.db.query<{ seq: number; message: InvalidationMessage }>(
        'SELECT seq, message FROM invalidation_outbox WHERE seq > $1 ORDER BY seq LIMIT $2',
        [this.floor(), MAX_BATCH],
      );
      rows = r.rows.map((x) => ({ seq: Number(x.seq), message: x.message }));
    } catch {
      this.gap = true;
      return;
    }
    const now = Date.now();
    if (this.gap || rows.length >= MAX_BATCH) {
      // We may have missed anything: drop every cached entry and start again from the newest.
      this.apply({ kind: 'all' });
      if (this.gap) this.opts.logger?.info?.({}, 'invalidation bus back after a gap: caches flushed');
      this.gap = false;
      this.holes.clear();
      this.appliedAboveHole.clear();
      const top = rows.length ? rows[rows.length - 1]!.seq : this.last;
      if (rows.length >= MAX_BATCH) {
        const m = await this.db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM invalidation_outbox').catch(() => undefined);
        this.last = Math.max(top, Number(m?.rows[0]?.seq ?? 0));
      } else this.last = Math.max(this.last, top);
      return;
    }
    for (const row of rows) {
      if (row.seq <= this.last) {
        // A hole filling in (or an applied row re-read because a lower hole is still open).
        if (this.holes.delete(row.seq) || !this.appliedAboveHole.has(row.seq)) this.applyRow(row.message);
        this.appliedAboveHole.add(row.seq);
        continue;
      }
      for (let s = this.last + 1; s < row.seq; s++) this.holes.set(s, now);
      this.applyRow(row.message);
      this.appliedAboveHole.add(row.seq);
      this.last = row.seq;
    }
    for (const [s, seen] of this.holes) if (now - seen > HOLE_MS) this.holes.delete(s);
    if (this.holes.size > 10_000) {
      this.apply({ kind: 'all' });
      this.holes.clear();
    }
    const f = this.floor();
    for (const s of this.appliedAboveHole) if (s <= f) this.appliedAboveHole.delete(s);
    if (now - this.lastPurge > PURGE_MS) {
      this.lastPurge = now;
      await this.db
        .query('DELETE FROM invalidation_outbox WHERE created_at < $1', [new Date(now - RETAIN_MS)])
        .catch(() => {});
    }
  }

  private applyRow(m: InvalidationMessage): void {
    try {
      this.apply(m);
    } catch {
      this.apply({ kind: 'all' });
    }
  }
}
