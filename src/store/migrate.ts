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
  const r = await db.query<{ version: number; checksum: string }>(
    `SELECT version, checksum FROM schema_migrations ORDER BY version`,
  ).catch(() => ({ rows: [] as { version: number; checksum: string }[] }));
  return new Map(r.rows.map((x) => [x.version, x.checksum]));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await loadMigrations(dir);
  const client = await db.pool.connect();
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
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
    client.release();
  }
  return applied;
}

/** True when every migration file has been applied (readiness). */
export async function migrationsCurrent(db: Db, dir = MIGRATIONS_DIR): Promise<boolean> {
  const [files, applied] = await Promise.all([loadMigrations(dir), appliedVersions(db)]);
  return files.every((m) => applied.get(m.version) === m.checksum);
}
