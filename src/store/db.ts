import pg from 'pg';
import { Errors } from '../errors/index.js';
import { isConnectionError, translatePgError } from './pg-errors.js';

/**
 * The Postgres port: a pool plus `tx()` for work that must be one transaction. Every query
 * error is translated at this boundary (pg-errors.ts) with the original kept as `cause`.
 */
/**
 * What a repository runs its statements on: the pool (Db) or a transaction's client. A statement
 * is its text, or a named (prepared) query config with its values.
 */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Db {
  readonly pool: pg.Pool;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs fn in one transaction (READ COMMITTED); rolls back on any throw. */
  tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T>;
  /** A new, unconnected client with the pool's settings (LISTEN connections); its owner adds the 'error' listener. */
  newClient(): pg.Client;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// int8 and numeric come back as strings by default; counts and ids we use fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export function createDb(url: string, opts: { max?: number; applicationName?: string } = {}): Db {
  const settings = { connectionString: url, connectionTimeoutMillis: 5_000, application_name: opts.applicationName ?? 'tessera' };
  const pool = new pg.Pool({ ...settings, max: opts.max ?? 10, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection must not crash the process. (pool.query() listens on
  // the client it checks out itself; tx() and every other checkout add their own listener.)
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
      // A checked-out client has no listener of the pool's: without this one, the server closing
      // the connection (restart, pg_terminate_backend) is an unhandled 'error' event that ends
      // the process. The query in flight rejects on its own; the client is then discarded.
      let lost: Error | undefined;
      const onError = (e: Error) => {
        lost ??= e;
      };
      client.on('error', onError);
      let committing = false;
      try {
        await client.query('BEGIN');
        const out = await fn(client);
        committing = true;
        await client.query('COMMIT');
        return out;
      } catch (e) {
        // COMMIT sent but the connection died before its answer: it may have been applied.
        if (committing && (lost !== undefined || isConnectionError(e))) {
          lost ??= e instanceof Error ? e : new Error(String(e));
          throw Errors.outcomeUnknown(e);
        }
        if (lost === undefined) await client.query('ROLLBACK').catch(() => {});
        throw translatePgError(lost !== undefined && !isConnectionError(e) ? lost : e);
      } finally {
        // A broken connection is destroyed, not returned to the pool; it keeps our listener, as
        // closing it may still emit 'error'.
        if (!lost) client.off('error', onError);
        client.release(lost);
      }
    },
    newClient() {
      return new pg.Client(settings);
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
