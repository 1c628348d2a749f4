import type { Db, Sql } from './db.js';
import { translatePgError } from './pg-errors.js';

/**
 * The audit repository (table audit_events): appends events, alone or in a batch, and amends
 * an event's detail. The group commit that batches concurrent requests is audit/log.ts's; this
 * module only knows rows.
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

/**
 * Strings from outside (user agents, JWT claims, SAML attributes, names echoed in error
 * messages…) may hold what Postgres text and jsonb cannot store: U+0000 and unpaired UTF-16
 * surrogates (jsonb refuses `\u0000` and a lone `\ud800`, failing the whole INSERT). Such a
 * string is stored ESCAPED, losslessly and visibly: each `\` becomes `\\`, each NUL or unpaired
 * surrogate becomes `\uXXXX` (4 lower-case hex digits), and the field is named in
 * `detail.escapedFields` (a column name such as `user_agent`, or a detail path such as
 * `detail.subject`; object keys are escaped the same way), so the original is recoverable exactly
 * by undoing the two substitutions in the listed fields. Other strings are stored as they are.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNSTORABLE_TEST = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** What JSON.stringify emits for those (a superset: an escaped backslash before `u0000` also matches). */
const UNSTORABLE_IN_JSON = /\\u0000|\\ud[89a-f]/i;

export function escapeUnstorable(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(UNSTORABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function storable(v: unknown, path: string, escaped: string[]): unknown {
  if (typeof v === 'string') {
    if (!UNSTORABLE_TEST.test(v)) return v;
    escaped.push(path);
    return escapeUnstorable(v);
  }
  if (Array.isArray(v)) return v.map((x, i) => storable(x, `${path}[${i}]`, escaped));
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const key = UNSTORABLE_TEST.test(k) ? escapeUnstorable(k) : k;
      if (key !== k) escaped.push(`${path}{${key}}`);
      out[key] = storable(x, `${path}.${key}`, escaped);
    }
    return out;
  }
  return v;
}

const COLUMNS = ['event_time', 'request_id', 'service', 'action', 'account_id', 'principal_arn', 'principal_id', 'access_key_id', 'source_ip', 'user_agent', 'outcome', 'error_code'];

/** A row with every string storable, and the escaped fields listed in its detail. */
function storableRow(row: unknown[]): unknown[] {
  const escaped: string[] = [];
  const out = row.map((v, i) => (i < COLUMNS.length ? storable(v, COLUMNS[i]!, escaped) : v));
  const detail = storable(row[COLUMNS.length], 'detail', escaped) as Record<string, unknown>;
  out[COLUMNS.length] = escaped.length > 0 ? { ...detail, escapedFields: escaped } : detail;
  return out;
}

/** At most `max` UTF-16 units, never ending in the first half of a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const c = s.charCodeAt(max - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

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
      e.userAgent ? truncate(e.userAgent, 1024) : null,
      e.outcome,
      e.errorCode ?? null,
      e.detail ?? {},
    ];
  }
  const json = JSON.stringify(rows);
  // Fast path: nothing Postgres would refuse (the check is on the JSON text, one scan per batch).
  if (!UNSTORABLE_IN_JSON.test(json)) return json;
  return JSON.stringify(rows.map(storableRow));
}

/**
 * Inserts events on `q` (e.g. inside an operation's transaction, so a change and its audit
 * record commit together) and returns their row ids, in order.
 */
export async function insertAuditEvents(q: Sql, events: readonly AuditEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  const r = await q.query<{ id: number }>({ name: INSERT_RETURNING.name, text: INSERT_RETURNING.text, values: [rowsJson(events)] });
  return r.rows.map((row) => Number(row.id));
}

const isDataError = (e: unknown): boolean => typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('22');

/**
 * Appends a batch on the pool; resolves with each event's failure (undefined when written).
 * When Postgres refuses the batch's DATA (SQLSTATE class 22), the events are written one by
 * one, so one unstorable event fails only its own request, never its batch-mates'. Errors come
 * back translated (pg-errors.ts).
 */
export async function appendAuditBatch(db: Pick<Db, 'pool'>, events: readonly AuditEvent[]): Promise<unknown[]> {
  try {
    await db.pool.query({ name: INSERT.name, text: INSERT.text, values: [rowsJson(events)] });
    return [];
  } catch (e) {
    if (events.length === 1 || !isDataError(e)) throw translatePgError(e);
  }
  const failures: unknown[] = [];
  for (let i = 0; i < events.length; i++) {
    try {
      await db.pool.query({ name: INSERT.name, text: INSERT.text, values: [rowsJson([events[i]!])] });
    } catch (e) {
      failures[i] = translatePgError(e);
    }
  }
  return failures;
}

/** Replaces the detail of event `id` (what an operation noted after its change committed). */
export async function updateAuditDetail(q: Sql, id: number, detailJson: string): Promise<void> {
  await q.query('UPDATE audit_events SET detail = $2 WHERE id = $1', [id, detailJson]);
}

/** What a reader may filter the log of one account by (every filter given must match). */
export interface AuditLookupFilter {
  /** Inclusive bounds. */
  start?: Date | undefined;
  end?: Date | undefined;
  service?: string | undefined;
  action?: string | undefined;
  principalArn?: string | undefined;
  outcome?: AuditEvent['outcome'] | undefined;
  accessKeyId?: string | undefined;
  requestId?: string | undefined;
}

/** The position after which a page starts (newest first): the last event of the previous page. */
export interface AuditCursor {
  /** event_time as Postgres text, to the microsecond (a JS Date would drop the microseconds). */
  time: string;
  id: string;
}

/** A stored event, as read back. */
export interface StoredAuditEvent extends AuditEvent {
  id: string;
  /** event_time to the microsecond, UTC (`2026-12-02T20:50:35.123456Z`): the cursor's time. */
  timeText: string;
  detail: Record<string, unknown>;
}

interface LookupRow {
  id: string;
  event_time: Date;
  time_text: string;
  request_id: string;
  service: string;
  action: string;
  account_id: string | null;
  principal_arn: string | null;
  principal_id: string | null;
  access_key_id: string | null;
  source_ip: string | null;
  user_agent: string | null;
  outcome: AuditEvent['outcome'];
  error_code: string | null;
  detail: Record<string, unknown>;
}

/**
 * One account's events, newest first ((event_time, id) descending), after `cursor`. The statement
 * names only the filters given, so the planner sees each as a plain equality or range on the
 * index (account_id, event_time DESC, id DESC) — migration 0015 — or on (principal_arn, event_time).
 */
export async function lookupAuditEvents(q: Sql, accountId: string, f: AuditLookupFilter, cursor: AuditCursor | undefined, limit: number): Promise<StoredAuditEvent[]> {
  const values: unknown[] = [accountId];
  const where = ['account_id = $1'];
  const add = (sql: (p: string) => string, v: unknown) => {
    if (v === undefined) return;
    values.push(v);
    where.push(sql(`$${values.length}`));
  };
  add((p) => `event_time >= ${p}::timestamptz`, f.start);
  add((p) => `event_time <= ${p}::timestamptz`, f.end);
  add((p) => `service = ${p}`, f.service);
  add((p) => `action = ${p}`, f.action);
  add((p) => `principal_arn = ${p}`, f.principalArn);
  add((p) => `outcome = ${p}`, f.outcome);
  add((p) => `access_key_id = ${p}`, f.accessKeyId);
  add((p) => `request_id = ${p}`, f.requestId);
  if (cursor) {
    values.push(cursor.time, cursor.id);
    where.push(`(event_time, id) < ($${values.length - 1}::timestamptz, $${values.length}::bigint)`);
  }
  values.push(limit);
  const r = await q.query<LookupRow>(
    `SELECT id::text AS id, event_time, to_char(event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time_text,
            request_id, service, action, account_id, principal_arn, principal_id, access_key_id, source_ip, user_agent,
            outcome, error_code, detail
       FROM audit_events WHERE ${where.join(' AND ')}
      -- The table's columns, not the text alias \`id\` above (a text order would put 9 before 13).
      ORDER BY audit_events.event_time DESC, audit_events.id DESC LIMIT $${values.length}`,
    values,
  );
  return r.rows.map((x) => ({
    id: x.id,
    time: x.event_time,
    timeText: x.time_text,
    requestId: x.request_id,
    service: x.service,
    action: x.action,
    accountId: x.account_id ?? undefined,
    principalArn: x.principal_arn ?? undefined,
    principalId: x.principal_id ?? undefined,
    accessKeyId: x.access_key_id ?? undefined,
    sourceIp: x.source_ip ?? undefined,
    userAgent: x.user_agent ?? undefined,
    outcome: x.outcome,
    errorCode: x.error_code ?? undefined,
    detail: x.detail,
  }));
}

/** Audit events bound to a connection or a transaction (the group commit of audit/log.ts uses the functions above). */
export interface AuditRepository {
  /** Inserts the events; their ids, in order. */
  insert(events: readonly AuditEvent[]): Promise<number[]>;
  /** Replaces one event's detail (what an operation noted after its change committed). */
  updateDetail(id: number, detailJson: string): Promise<void>;
  /** One account's events, newest first, after the cursor (lookupAuditEvents). */
  lookup(accountId: string, filter: AuditLookupFilter, cursor: AuditCursor | undefined, limit: number): Promise<StoredAuditEvent[]>;
}

export class PgAuditRepository implements AuditRepository {
  constructor(protected readonly q: Sql) {}
  insert(events: readonly AuditEvent[]): Promise<number[]> {
    return insertAuditEvents(this.q, events);
  }
  updateDetail(id: number, detailJson: string): Promise<void> {
    return updateAuditDetail(this.q, id, detailJson);
  }
  lookup(accountId: string, filter: AuditLookupFilter, cursor: AuditCursor | undefined, limit: number): Promise<StoredAuditEvent[]> {
    return lookupAuditEvents(this.q, accountId, filter, cursor, limit);
  }
}
