import type { Db, Queryable } from '../store/db.js';
import type { Metrics } from '../http/metrics.js';
import { translatePgError } from '../store/pg-errors.js';

/**
 * The audit log. `record()` resolves only once the event is durable in Postgres, so a response
 * is sent after its audit record exists. Events arriving while a write is in flight are written
 * together in the next INSERT (group commit): one round trip for many requests under load,
 * no added latency when idle. Never put a secret, a token or a password in an event.
 */
export interface AuditEvent {
  time: Date;
  requestId: string;
  service: string;
  action: string;
  accountId?: string | undefined;
  principalArn?: string | undefined;
  principalId?: string | undefined;
  accessKeyId?: string | undefined;
  sourceIp?: string | undefined;
  userAgent?: string | undefined;
  outcome: 'success' | 'failure' | 'unknown';
  errorCode?: string | undefined;
  detail?: Record<string, unknown> | undefined;
}

interface Pending {
  event: AuditEvent;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 500;
/**
 * Batches written at once. One: events arriving during a write wait for the next INSERT, which
 * makes batches large under load. Measured (2 cores, 32 clients): two writes in flight shrink
 * batches from ~12 to ~8 events and cost ~10% more CPU per request (each INSERT is a round trip
 * and a syscall), for no latency gain once the process is busy.
 */
const MAX_IN_FLIGHT = 1;

/**
 * One statement text for any batch size, so the server plans it once per connection as a named
 * prepared statement. The batch travels as one JSON array of rows (one JSON.stringify call,
 * the detail object nested as is) rather than 13 text arrays that the client library would
 * escape element by element.
 */
const INSERT_TEXT = `INSERT INTO audit_events (event_time, request_id, service, action, account_id, principal_arn, principal_id,
    access_key_id, source_ip, user_agent, outcome, error_code, detail)
  SELECT (r->>0)::timestamptz, r->>1, r->>2, r->>3, r->>4, r->>5, r->>6, r->>7, r->>8, r->>9, r->>10, r->>11,
         coalesce(r->12, '{}'::jsonb)
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(r, n) ORDER BY n`;
const INSERT = { name: 'tessera_audit_insert_json', text: INSERT_TEXT };
const INSERT_RETURNING = { name: 'tessera_audit_insert_json_returning', text: `${INSERT_TEXT} RETURNING id` };

/** The batch as the statement's one parameter: a JSON array of 13-element rows. */
function rowsJson(events: readonly AuditEvent[]): string {
  const n = events.length;
  const rows = new Array<unknown[]>(n);
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    rows[i] = [
      e.time.toISOString(),
      e.requestId,
      e.service,
      e.action,
      e.accountId ?? null,
      e.principalArn ?? null,
      e.principalId ?? null,
      e.accessKeyId ?? null,
      e.sourceIp ?? null,
      e.userAgent ? e.userAgent.slice(0, 1024) : null,
      e.outcome,
      e.errorCode ?? null,
      e.detail ?? {},
    ];
  }
  return JSON.stringify(rows);
}

/**
 * Inserts events on `q` (e.g. inside an operation's transaction, so a change and its audit
 * record commit together) and returns their row ids, in order.
 */
export async function insertAuditEvents(q: Queryable, events: readonly AuditEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  const r = await q.query<{ id: number }>({ name: INSERT_RETURNING.name, text: INSERT_RETURNING.text, values: [rowsJson(events)] });
  return r.rows.map((row) => Number(row.id));
}

export class AuditLog {
  private queue: Pending[] = [];
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly metrics?: Metrics,
  ) {}

  record(event: AuditEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (this.inFlight < MAX_IN_FLIGHT) this.pump();
    });
  }

  /** Resolves when nothing is queued or being written (shutdown). */
  flush(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      this.write(batch).then(
        () => {
          this.metrics?.auditBatch.observe(batch.length);
          for (const p of batch) p.resolve();
        },
        (e: unknown) => {
          for (const p of batch) p.reject(e);
        },
      ).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) for (const r of this.idle.splice(0)) r();
      });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      await this.db.pool.query({ name: INSERT.name, text: INSERT.text, values: [rowsJson(batch.map((p) => p.event))] });
    } catch (e) {
      throw translatePgError(e);
    }
  }
}
