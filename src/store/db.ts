import pg from 'pg';
import { translatePgError } from './pg-errors.js';

/**
 * The Postgres port: a pool plus `tx()` for work that must be one transaction. Every query
 * error is translated at this boundary (pg-errors.ts) with the original kept as `cause`.
 */
export type Queryable = Pick<pg.PoolClient, 'query'>;

export interface Db {
  readonly pool: pg.Pool;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs fn in one transaction (READ COMMITTED); rolls back on any throw. */
  tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// int8 and numeric come back as strings by default; counts and ids we use fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export function createDb(url: string, opts: { max?: number; applicationName?: string } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: opts.applicationName ?? 'tessera',
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  const db: Db = {
    pool,
    async query(sql, params) {
      try {
        return await pool.query(sql, params as unknown[]);
      } catch (e) {
        throw translatePgError(e);
      }
    },
    async tx(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw translatePgError(e);
      }
      try {
        await client.query('BEGIN');
        const out = await fn(client);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw translatePgError(e);
      } finally {
        client.release();
      }
    },
    async ping() {
      await db.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}
