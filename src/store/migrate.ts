import { readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

/**
 * Numbered, append-only plain-SQL migrations (migrations/NNNN_name.sql). Applied in order, each
 * in its own transaction, under a Postgres advisory lock so concurrent replicas or Jobs never
 * race. A file whose first line is `-- tessera:no-transaction` runs outside a transaction.
 * Applied files are recorded with their checksum in schema_migrations; editing an applied
 * migration is refused.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const LOCK_ID = 7_245_118_001; // arbitrary, stable

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const out: Migration[] = [];
  for (const f of files) {
    const sql = await readFile(`${dir}/${f}`, 'utf8');
    out.push({
      version: Number(f.slice(0, 4)),
      name: f.replace(/\.sql$/, ''),
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  return out;
}

const ensureTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

export async function appliedVersions(db: Db): Promise<Map<number, string>> {
  let r;
  try {
    r = await db.pool.query<{ version: number; checksum: string }>(`SELECT version, checksum FROM schema_migrations ORDER BY version`);
  } catch (e) {
    // Only a missing table means "nothing applied"; anything else (refused, bad password, no
    // such database) is said as what it is.
    if ((e as { code?: unknown }).code === '42P01') return new Map();
    throw new DatabaseConnectError(e);
  }
  return new Map(r.rows.map((x) => [x.version, x.checksum]));
}

/**
 * The database could not be reached or refused us: one sentence saying which, for the start-up
 * message (no stack trace, no password).
 */
export class DatabaseConnectError extends Error {
  override readonly name = 'DatabaseConnectError';
  constructor(cause: unknown) {
    super(`cannot use the database: ${describeDbError(cause)}`, { cause });
  }
}

export function describeDbError(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown; address?: unknown; port?: unknown; hostname?: unknown };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const msg = typeof err?.message === 'string' ? err.message : String(e);
  const where = typeof err?.address === 'string' ? ` at ${err.address}${typeof err.port === 'number' ? `:${err.port}` : ''}` : '';
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused${where} (is PostgreSQL running, and is DATABASE_URL's host and port right?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${typeof err.hostname === 'string' ? err.hostname : ''} not found (check DATABASE_URL's host)`.replace('host  not', 'host not');
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach the server${where} (${code})`;
    case '28P01':
    case '28000':
      return `authentication failed: ${msg}`;
    case '3D000':
      return `${msg} (create it, or fix DATABASE_URL's database name)`;
    case '42501':
      return `permission denied: ${msg}`;
    default:
      return /timeout/i.test(msg) ? `timed out connecting to the database (${msg})` : code ? `${msg} (${code})` : msg;
  }
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await loadMigrations(dir);
  let client;
  try {
    client = await db.pool.connect();
  } catch (e) {
    throw new DatabaseConnectError(e);
  }
  // A checked-out client needs its own listener: a lost connection must fail the migration, not
  // end the process with an unhandled 'error' event.
  let lost: Error | undefined;
  const onError = (e: Error) => {
    lost ??= e;
  };
  client.on('error', onError);
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(ensureTable);
    const done = new Map(
      (await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations')).rows.map(
        (r) => [r.version, r.checksum],
      ),
    );
    for (const m of migrations) {
      const have = done.get(m.version);
      if (have !== undefined) {
        if (have !== m.checksum) throw new Error(`migration ${m.name} was changed after it was applied`);
        continue;
      }
      const noTx = m.sql.startsWith('-- tessera:no-transaction');
      if (!noTx) await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
        if (!noTx) await client.query('COMMIT');
      } catch (e) {
        if (!noTx) await client.query('ROLLBACK').catch(() => {});
        throw new Error(`migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
      applied.push(m.name);
    }
  } finally {
    if (!lost) await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
    if (!lost) client.off('error', onError);
    client.release(lost);
  }
  return applied;
}

/** True when every migration file has been applied (readiness). */
export async function migrationsCurrent(db: Db, dir = MIGRATIONS_DIR): Promise<boolean> {
  const [files, applied] = await Promise.all([loadMigrations(dir), appliedVersions(db)]);
  return files.every((m) => applied.get(m.version) === m.checksum);
}
