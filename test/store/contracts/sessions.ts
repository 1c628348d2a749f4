import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ContractFixture } from './fixture.js';

/** The session repository's contract (src/store/sessions.ts): revocations, one-time uses, key owners. */
export default function sessions(fixture: () => Promise<ContractFixture>): void {
  const uniq = () => randomBytes(6).toString('hex');
  const at = (s: string) => new Date(s);

  it('sessions: a revocation merges with an earlier one; its cutoff and expiry never move back', async () => {
    const { store } = await fixture();
    const role = `AROA${uniq()}`;
    const first = await store.sessions.recordRevocation({ kind: 'role', subject: role, issuedBefore: at('2026-01-01T00:10:00Z'), now: at('2026-01-01T00:10:00Z'), expiresAt: at('2099-01-02T00:00:00Z') });
    expect(first).toEqual({ kind: 'role', subject: role, issuedBefore: at('2026-01-01T00:10:00Z'), expiresAt: at('2099-01-02T00:00:00Z') });
    const earlier = await store.sessions.recordRevocation({ kind: 'role', subject: role, issuedBefore: at('2026-01-01T00:05:00Z'), now: at('2026-01-01T00:11:00Z'), expiresAt: at('2099-01-01T00:00:00Z') });
    expect(earlier).toMatchObject({ issuedBefore: at('2026-01-01T00:10:00Z'), expiresAt: at('2099-01-02T00:00:00Z') });
    const session = await store.sessions.recordRevocation({ kind: 'session', subject: `s-${uniq()}`, issuedBefore: undefined, now: at('2026-01-01T00:00:00Z'), expiresAt: at('2099-01-01T00:00:00Z') });
    expect(session.issuedBefore).toBeUndefined();
  });

  it('sessions: unexpired revocations are found by subject and paged in (kind, subject) order', async () => {
    const { store } = await fixture();
    const now = at('2030-01-01T00:00:00Z');
    const live = at('2099-01-01T00:00:00Z');
    const id = uniq();
    await store.sessions.recordRevocation({ kind: 'session', subject: `a-${id}`, issuedBefore: undefined, now, expiresAt: live });
    await store.sessions.recordRevocation({ kind: 'access-key', subject: `k-${id}`, issuedBefore: undefined, now, expiresAt: live });
    await store.sessions.recordRevocation({ kind: 'session', subject: `gone-${id}`, issuedBefore: undefined, now, expiresAt: at('2029-01-01T00:00:00Z') });
    const found = await store.sessions.findRevocations(now, { sessions: [`a-${id}`, `gone-${id}`, 'other'], accessKeys: [`k-${id}`], roles: [] });
    expect(found.map((r) => `${r.kind}:${r.subject}`).sort()).toEqual([`access-key:k-${id}`, `session:a-${id}`]);
    const all = [];
    let after: { kind: string; subject: string } | undefined;
    for (;;) {
      const page = await store.sessions.revocationsPage(now, after, 2);
      all.push(...page);
      if (page.length < 2) break;
      after = page[page.length - 1];
    }
    const keys = all.map((r) => `${r.kind}\u0000${r.subject}`);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toContain(`session\u0000a-${id}`);
    expect(keys).not.toContain(`session\u0000gone-${id}`);
  });

  it('sessions: purging drops expired revocations only', async () => {
    const { store } = await fixture();
    const id = uniq();
    await store.sessions.recordRevocation({ kind: 'session', subject: `old-${id}`, issuedBefore: undefined, now: at('2020-01-01T00:00:00Z'), expiresAt: at('2020-01-02T00:00:00Z') });
    await store.sessions.recordRevocation({ kind: 'session', subject: `new-${id}`, issuedBefore: undefined, now: at('2020-01-01T00:00:00Z'), expiresAt: at('2099-01-02T00:00:00Z') });
    expect(await store.sessions.purgeRevocations(at('2021-01-01T00:00:00Z'), 10_000)).toBeGreaterThanOrEqual(1);
    const left = await store.sessions.findRevocations(at('2000-01-01T00:00:00Z'), { sessions: [`old-${id}`, `new-${id}`], accessKeys: [], roles: [] });
    expect(left.map((r) => r.subject)).toEqual([`new-${id}`]);
  });

  it('sessions: a one-time use counts once until it expires, then may be used again', async () => {
    const { store } = await fixture();
    const digest = uniq();
    const now = at('2026-01-01T00:00:00Z');
    const until = at('2026-01-01T00:05:00Z');
    expect(await store.sessions.consumeOnce('test', digest, now, until)).toBe(true);
    expect(await store.sessions.consumeOnce('test', digest, at('2026-01-01T00:01:00Z'), until)).toBe(false);
    expect(await store.sessions.consumeOnce('other-scope', digest, now, until)).toBe(true);
    expect(await store.sessions.consumeOnce('test', digest, at('2026-01-01T00:06:00Z'), at('2026-01-01T00:10:00Z'))).toBe(true);
    expect(await store.sessions.purgeOneTimeUses(at('2026-01-02T00:00:00Z'), 10_000)).toBeGreaterThanOrEqual(2);
    expect(await store.sessions.consumeOnce('test', digest, at('2026-01-01T00:07:00Z'), at('2026-01-01T00:10:00Z'))).toBe(true);
  });

  it("sessions: a stored access key's account; null for one not stored", async () => {
    const { store, db, accountId } = await fixture();
    const userId = `AIDA${accountId}AAAAA`;
    const keyId = `AKIA${accountId.replace(/[^2-7]/g, 'A').slice(0, 12)}ZZZZ`;
    await db.query(`INSERT INTO users (user_id, account_id, user_name) VALUES ($1, $2, 'keyholder')`, [userId, accountId]);
    await db.query(`INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed) VALUES ($1, $2, $3, '\\x00')`, [keyId, accountId, userId]);
    expect(await store.sessions.accessKeyAccount(keyId)).toBe(accountId);
    expect(await store.sessions.accessKeyAccount('AKIANOTSTOREDANYWHER')).toBeNull();
  });
}
