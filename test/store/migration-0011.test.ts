import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../../src/store/migrate.js';
import { freshDatabase } from '../support/db.js';

/**
 * 0011 (schema constraints, paging indexes) applies to a database made by 0001–0010 that holds
 * data, bad rows included: orphans of deleted groups are removed, rows breaking a new CHECK or
 * cross-account key are kept and their constraint left NOT VALID (enforced for new rows), and
 * dependents the Delete* operations refuse on no longer cascade.
 */
const A = '111111111111';
const B = '222222222222';
const uid = (c: string) => `AIDA${c.repeat(17)}`;
const rid = (c: string) => `AROA${c.repeat(17)}`;
const gid = (c: string) => `AGPA${c.repeat(17)}`;

async function upTo10(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-m10-'));
  for (const f of await readdir(MIGRATIONS_DIR)) {
    if (/^\d{4}_/.test(f) && Number(f.slice(0, 4)) <= 10) await copyFile(join(MIGRATIONS_DIR, f), join(dir, f));
  }
  return dir;
}

const pgCode = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string; cause?: { code?: string } }) => e.code ?? e.cause?.code);

describe('migration 0011', () => {
  it('applies over data from 0001–0010, keeps bad rows under NOT VALID constraints, and enforces them for new rows', async () => {
    const t = await freshDatabase({ migrate: false });
    const dir = await upTo10();
    try {
      await migrate(t.db, dir);
      const q = (sql: string, params: unknown[] = []) => t.db.query(sql, params);
      await q(`INSERT INTO accounts (account_id, name) VALUES ($1, 'a'), ($2, 'b')`, [A, B]);
      await q(`INSERT INTO users (user_id, account_id, user_name) VALUES ($1, $3, 'alice'), ($2, $3, 'bad name!')`, [uid('A'), uid('B'), A]);
      await q(`INSERT INTO groups (group_id, account_id, group_name) VALUES ($1, $2, 'devs')`, [gid('A'), A]);
      await q(`INSERT INTO group_policies (group_id, policy_name, document) VALUES ($1, 'p', '{}'), ($2, 'orphan', '{}')`, [gid('A'), gid('Z')]);
      await q(`INSERT INTO policies (policy_id, account_id, policy_name, arn) VALUES ('ANPA${'A'.repeat(17)}', $1, 'pol', $2)`, [A, `arn:aws:iam::${A}:policy/pol`]);
      await q(`INSERT INTO group_policy_attachments (group_id, policy_arn) VALUES ($1, $2)`, [gid('Z'), `arn:aws:iam::${A}:policy/pol`]);
      await q(`INSERT INTO roles (role_id, account_id, role_name, arn, assume_role_policy) VALUES ($1, $2, 'r', $3, '{}')`, [rid('A'), A, `arn:aws:iam::${A}:role/r`]);
      await q(`INSERT INTO role_policies (role_id, policy_name, document) VALUES ($1, 'inline', '{}')`, [rid('A')]);
      // A key of alice's (account A) recorded under account B.
      await q(`INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed) VALUES ('AKIA${'A'.repeat(16)}', $1, $2, '\\x00')`, [B, uid('A')]);

      // An attachment and a boundary that exist before 0012: its backfill counts them.
      await q(`INSERT INTO policies (policy_id, account_id, policy_name, arn) VALUES ('ANPA${'B'.repeat(17)}', $1, 'used', $2)`, [A, `arn:aws:iam::${A}:policy/used`]);
      await q(`INSERT INTO user_policy_attachments (user_id, policy_arn) VALUES ($1, $2)`, [uid('B'), `arn:aws:iam::${A}:policy/used`]);
      await q(`UPDATE roles SET permissions_boundary = $2 WHERE role_id = $1`, [rid('A'), `arn:aws:iam::${A}:policy/used`]);

      // 0011 and 0012 first; later migrations (0013 on) follow them.
      expect((await migrate(t.db)).slice(0, 2)).toEqual(['0011_schema_constraints', '0012_policy_usage']);
      expect((await q(`SELECT account_id, attachments, boundaries FROM policy_usage WHERE policy_arn = $1`, [`arn:aws:iam::${A}:policy/used`])).rows).toEqual([
        { account_id: A, attachments: 1, boundaries: 1 },
      ]);

      // Orphans of groups that do not exist are gone; the group's own rows stay.
      expect((await q(`SELECT group_id, policy_name FROM group_policies`)).rows).toEqual([{ group_id: gid('A'), policy_name: 'p' }]);
      expect((await q(`SELECT count(*)::int AS n FROM group_policy_attachments`)).rows[0]?.n).toBe(0);
      // Bad rows are kept, their constraints not validated; everything else is validated.
      expect((await q(`SELECT user_name FROM users ORDER BY user_name`)).rows.map((r) => r.user_name)).toEqual(['alice', 'bad name!']);
      const unvalidated = await q(`SELECT conname FROM pg_constraint WHERE NOT convalidated AND connamespace = current_schema()::regnamespace ORDER BY 1`);
      expect(unvalidated.rows.map((r) => r.conname)).toEqual(['access_keys_user_account_fkey', 'users_name_check']);

      // New rows are checked.
      expect(await pgCode(q(`INSERT INTO users (user_id, account_id, user_name) VALUES ($1, $2, 'also bad!')`, [uid('C'), A]))).toBe('23514');
      expect(await pgCode(q(`INSERT INTO group_policies (group_id, policy_name, document) VALUES ($1, 'x', '{}')`, [gid('Y')]))).toBe('23503');
      expect(await pgCode(q(`INSERT INTO roles (role_id, account_id, role_name, arn, assume_role_policy) VALUES ($1, $2, 'x', 'arn:aws:iam::${B}:role/x', '{}')`, [rid('B'), A]))).toBe('23514');
      expect(await pgCode(q(`INSERT INTO users (user_id, account_id, user_name, tags) VALUES ($1, $2, 'tagged', '{"a":1}')`, [uid('D'), A]))).toBe('23514');
      await q(`INSERT INTO users (user_id, account_id, user_name) VALUES ($1, $2, 'bob')`, [uid('E'), A]);
      expect(await pgCode(q(`INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed) VALUES ('AKIA${'B'.repeat(16)}', $1, $2, '\\x00')`, [B, uid('E')]))).toBe('23503');

      // Dependents the Delete* operations refuse on do not cascade: the schema refuses too.
      expect(await pgCode(q(`DELETE FROM roles WHERE role_id = $1`, [rid('A')]))).toBe('23503');
      expect(await pgCode(q(`DELETE FROM groups WHERE group_id = $1`, [gid('A')]))).toBe('23503');
      expect(await pgCode(q(`DELETE FROM users WHERE user_id = $1`, [uid('A')]))).toBe('23503');
      // What the operations delete with their row still goes with it (a policy's last version).
      await q(`INSERT INTO policy_versions (policy_id, version_id, document, is_default) VALUES ('ANPA${'A'.repeat(17)}', 'v1', '{}', true)`);
      await q(`DELETE FROM policies WHERE arn = $1`, [`arn:aws:iam::${A}:policy/pol`]);
      expect((await q(`SELECT count(*)::int AS n FROM policy_versions WHERE policy_id = 'ANPA${'A'.repeat(17)}'`)).rows[0]?.n).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await t.drop();
    }
  });

  it('on a clean database every constraint is validated', async () => {
    const t = await freshDatabase();
    try {
      const r = await t.db.query(`SELECT conname FROM pg_constraint WHERE NOT convalidated AND connamespace = current_schema()::regnamespace`);
      expect(r.rows).toEqual([]);
    } finally {
      await t.drop();
    }
  });
});
