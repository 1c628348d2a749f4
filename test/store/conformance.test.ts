import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/store/embedded.js';
import { createDb, type Db } from '../../src/store/db.js';
import { migrate, migrationsCurrent, MIGRATIONS_DIR } from '../../src/store/migrate.js';
import { isUniqueViolation } from '../../src/store/pg-errors.js';
import { bootstrap } from '../../src/iam/bootstrap.js';
import { AuditLog } from '../../src/audit/log.js';
import { open } from '../../src/keys/envelope.js';
import { adminUrl } from '../support/db.js';
import { readdirSync } from 'node:fs';
import { createStore } from '../../src/store/store.js';
import type { Contract, ContractFixture } from './contracts/fixture.js';

/** Every repository contract in ./contracts (one file per aggregate, default export). */
const contracts: [string, Contract][] = await Promise.all(
  readdirSync(new URL('./contracts/', import.meta.url))
    .filter((f) => f.endsWith('.ts') && f !== 'fixture.ts')
    .sort()
    .map(async (f) => [f.replace(/\.ts$/, ''), ((await import(/* @vite-ignore */ new URL(`./contracts/${f}`, import.meta.url).href)) as { default: Contract }).default] as [string, Contract]),
);

/**
 * One storage suite, run against an embedded PostgreSQL started here and against the external
 * one (DATABASE_URL, or the run's shared admin database) — the same code must hold on both.
 */
let embedded: EmbeddedDatabase | undefined;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-store-'));
  embedded = await startEmbeddedPostgres({ dir, dbName: 'admin', persistent: false });
}, 60_000);
afterAll(async () => {
  await embedded?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function freshDb(admin: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  const name = `tessera_s_${randomBytes(5).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const db = createDb(u.toString(), { max: 12 });
  return {
    db,
    drop: async () => {
      await db.close();
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c2.end();
    },
  };
}

const targets: [string, () => string][] = [
  ['embedded PostgreSQL', () => embedded!.url],
  ['external PostgreSQL', () => adminUrl()],
];

describe.each(targets)('storage on %s', (_name, admin) => {
  it('migrates, is idempotent, and reports the schema current', async () => {
    const { db, drop } = await freshDb(admin());
    try {
      expect(await migrationsCurrent(db)).toBe(false);
      const first = await migrate(db);
      expect(first[0]).toBe('0001_foundation');
      expect(await migrate(db)).toEqual([]);
      expect(await migrationsCurrent(db)).toBe(true);
    } finally {
      await drop();
    }
  });

  it('concurrent migrators apply each migration exactly once (advisory lock)', async () => {
    const { db, drop } = await freshDb(admin());
    try {
      const runs = await Promise.all(Array.from({ length: 5 }, () => migrate(db)));
      const applied = runs.flat();
      const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql'));
      expect(applied.length).toBe(files.length);
      const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(r.rows[0]!.n).toBe(files.length);
    } finally {
      await drop();
    }
  });

  it('refuses a migration edited after it was applied, and rolls back a failing one whole', async () => {
    const { db, drop } = await freshDb(admin());
    const mdir = await mkdtemp(join(tmpdir(), 'tessera-mig-'));
    try {
      await writeFile(join(mdir, '0001_a.sql'), 'CREATE TABLE a (x int);');
      expect(await migrate(db, mdir)).toEqual(['0001_a']);
      await writeFile(join(mdir, '0001_a.sql'), 'CREATE TABLE a (x bigint);');
      await expect(migrate(db, mdir)).rejects.toThrow(/changed after it was applied/);
      await writeFile(join(mdir, '0001_a.sql'), 'CREATE TABLE a (x int);');
      await writeFile(join(mdir, '0002_b.sql'), 'CREATE TABLE b (x int); INSERT INTO b VALUES (1); SELECT 1/0;');
      await expect(migrate(db, mdir)).rejects.toThrow(/0002_b failed/);
      const t = await db.query(`SELECT to_regclass('b') AS t`);
      expect(t.rows[0]?.t).toBeNull();
    } finally {
      await rm(mdir, { recursive: true, force: true });
      await drop();
    }
  });

  it('a transaction that throws leaves nothing written; unique violations are typed', async () => {
    const { db, drop } = await freshDb(admin());
    try {
      await migrate(db);
      await db.query(`INSERT INTO accounts (account_id, name) VALUES ('111111111111', 'a')`);
      await expect(
        db.tx(async (c) => {
          await c.query(`INSERT INTO accounts (account_id, name) VALUES ('222222222222', 'b')`);
          await c.query(`INSERT INTO accounts (account_id, name) VALUES ('111111111111', 'dup')`);
        }),
      ).rejects.toSatisfy((e) => isUniqueViolation(e));
      const r = await db.query(`SELECT account_id FROM accounts ORDER BY 1`);
      expect(r.rows.map((x) => x.account_id)).toEqual(['111111111111']);
    } finally {
      await drop();
    }
  });

  it('bootstrap is idempotent under concurrent replicas and seals the secret at rest', async () => {
    const { db, drop } = await freshDb(admin());
    try {
      await migrate(db);
      const masterKey = randomBytes(32);
      const results = await Promise.all(Array.from({ length: 6 }, () => bootstrap(db, { masterKey })));
      const generated = results.filter((r) => r.generatedCredentials);
      expect(generated).toHaveLength(1);
      expect(new Set(results.map((r) => r.accountId)).size).toBe(1);
      const k = generated[0]!.generatedCredentials!;
      const row = (await db.query<{ secret_sealed: Buffer }>('SELECT secret_sealed FROM access_keys WHERE access_key_id = $1', [k.accessKeyId])).rows[0]!;
      expect(row.secret_sealed.includes(Buffer.from(k.secretAccessKey))).toBe(false);
      expect(open(masterKey, row.secret_sealed, k.accessKeyId).toString()).toBe(k.secretAccessKey);
      expect(() => open(randomBytes(32), row.secret_sealed, k.accessKeyId)).toThrow();
      expect(() => open(masterKey, row.secret_sealed, 'AKIAOTHERKEYOTHERKEY')).toThrow();
    } finally {
      await drop();
    }
  });

  it('the audit log groups concurrent events into few commits, each durable when record() resolves', async () => {
    const { db, drop } = await freshDb(admin());
    try {
      await migrate(db);
      const audit = new AuditLog(db);
      const ids = Array.from({ length: 200 }, (_, i) => `req-${i}`);
      await Promise.all(
        ids.map((requestId) => audit.record({ time: new Date(), requestId, service: 'sts', action: 'GetCallerIdentity', outcome: 'success' })),
      );
      const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
      expect(r.rows[0]!.n).toBe(200);
    } finally {
      await drop();
    }
  });

  describe('repository contracts', () => {
    let shared: { db: Db; drop: () => Promise<void> } | undefined;
    let n = 0;
    beforeAll(async () => {
      shared = await freshDb(admin());
      await migrate(shared.db);
    }, 60_000);
    afterAll(async () => {
      await shared?.drop();
    });
    const fixture = async (): Promise<ContractFixture> => {
      const db = shared!.db;
      const accountId = String(100000000000 + ++n * 7919 + Math.floor(Math.random() * 1000) * 10_000_000);
      await db.query(`INSERT INTO accounts (account_id, name) VALUES ($1, $2)`, [accountId, `contract-${n}`]);
      return { store: createStore(db), db, accountId };
    };
    for (const [name, contract] of contracts) describe(name, () => contract(fixture));
  });
});
