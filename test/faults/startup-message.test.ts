import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/store/db.js';
import { migrate, migrationsCurrent } from '../../src/store/migrate.js';
import { adminUrl } from '../support/db.js';
import { freePort } from '../support/faults.js';

/** Start-up says what failed about the database, not "the schema is not current". */
describe('start-up messages when the database cannot be used', () => {
  it('connection refused', async () => {
    const port = await freePort();
    const db = createDb(`postgres://postgres@127.0.0.1:${port}/tessera`, { max: 1 });
    try {
      for (const p of [migrationsCurrent(db), migrate(db)]) {
        const e = await p.then(() => null, (x: unknown) => x as Error);
        expect(e?.name).toBe('DatabaseConnectError');
        expect(e?.message).toBe(`cannot use the database: connection refused at 127.0.0.1:${port} (is PostgreSQL running, and is DATABASE_URL's host and port right?)`);
      }
    } finally {
      await db.close();
    }
  });

  it('no such database', async () => {
    const u = new URL(adminUrl());
    u.pathname = '/tessera_no_such_db';
    const db = createDb(u.toString(), { max: 1 });
    try {
      const e = await migrationsCurrent(db).then(() => null, (x: unknown) => x as Error);
      expect(e?.message).toBe(`cannot use the database: database "tessera_no_such_db" does not exist (create it, or fix DATABASE_URL's database name)`);
    } finally {
      await db.close();
    }
  });
});
