import type { Db } from '../store/db.js';
import type { Metrics } from '../http/metrics.js';

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
  outcome: 'success' | 'failure';
  errorCode?: string | undefined;
  detail?: Record<string, unknown> | undefined;
}

interface Pending {
  event: AuditEvent;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const COLS = 13;
const MAX_BATCH = 500;

export class AuditLog {
  private queue: Pending[] = [];
  private writing = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly metrics?: Metrics,
  ) {}

  record(event: AuditEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /** Resolves when nothing is queued or being written (shutdown). */
  flush(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.write(batch.map((p) => p.event));
        this.metrics?.auditBatch.observe(batch.length);
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.writing = false;
    for (const r of this.idle.splice(0)) r();
  }

  private async write(events: AuditEvent[]): Promise<void> {
    const values: unknown[] = [];
    const rows: string[] = [];
    events.forEach((e, i) => {
      const b = i * COLS;
      rows.push(`(${Array.from({ length: COLS }, (_, j) => `$${b + j + 1}`).join(',')})`);
      values.push(
        e.time,
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
        JSON.stringify(e.detail ?? {}),
      );
    });
    await this.db.query(
      `INSERT INTO audit_events (event_time, request_id, service, action, account_id, principal_arn, principal_id,
        access_key_id, source_ip, user_agent, outcome, error_code, detail) VALUES ${rows.join(',')}`,
      values,
    );
  }
}
