import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ContractFixture } from './fixture.js';

/** A user row for the contracts of aggregates that hang off users (the users aggregate's own repository is elsewhere). */
export async function seedUser(f: ContractFixture, name: string, opts: { root?: boolean } = {}): Promise<string> {
  const id = opts.root ? f.accountId : `AIDA${randomBytes(8).toString('hex').toUpperCase()}`;
  await f.db.query('INSERT INTO users (user_id, account_id, user_name, path, is_root) VALUES ($1, $2, $3, $4, $5)', [id, f.accountId, name, '/', opts.root === true]);
  return id;
}

const keyId = () => `AKIA${Array.from(randomBytes(16), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('')}`;

/** The access-key repository's contract (src/store/access-keys.ts) and the user lookups (src/store/user-refs.ts). */
export default function accessKeys(fixture: () => Promise<ContractFixture>): void {
  it('access keys: insert, get within the account, count, status, delete only the owner’s', async () => {
    const f = await fixture();
    const { store, accountId } = f;
    const userId = await seedUser(f, 'alice');
    const other = await seedUser(f, 'bob');
    const id = keyId();
    const at = new Date('2026-01-02T03:04:05Z');
    const k = await store.accessKeys.insert({ id, accountId, userId, secretSealed: Buffer.from('sealed'), createdAt: at });
    expect(k).toEqual({ id, accountId, userId, status: 'Active', createdAt: at });
    expect(await store.accessKeys.get(accountId, id)).toEqual(k);
    expect(await store.accessKeys.get('999999999999', id)).toBeNull();
    expect(await store.accessKeys.countForUser(userId)).toBe(1);
    expect(await store.accessKeys.setStatus(other, id, 'Inactive')).toBe(false);
    expect(await store.accessKeys.setStatus(userId, id, 'Inactive')).toBe(true);
    expect((await store.accessKeys.get(accountId, id))?.status).toBe('Inactive');
    expect(await store.accessKeys.delete(other, id)).toBe(false);
    expect(await store.accessKeys.delete(userId, id)).toBe(true);
    expect(await store.accessKeys.get(accountId, id)).toBeNull();
    expect(await store.accessKeys.countForUser(userId)).toBe(0);
  });

  it('access keys: keyset pages in key-id order', async () => {
    const f = await fixture();
    const userId = await seedUser(f, 'carol');
    const ids = [keyId(), keyId(), keyId()].sort();
    for (const id of ids) await f.store.accessKeys.insert({ id, accountId: f.accountId, userId, secretSealed: Buffer.from('s'), createdAt: new Date() });
    expect((await f.store.accessKeys.pageForUser(userId, { limit: 10 })).map((k) => k.id)).toEqual(ids);
    expect((await f.store.accessKeys.pageForUser(userId, { after: ids[0], limit: 1 })).map((k) => k.id)).toEqual([ids[1]]);
  });

  it('access keys: the credential lookup joins the user; last use only moves forward', async () => {
    const f = await fixture();
    const root = await seedUser(f, 'root-internal', { root: true });
    const id = keyId();
    await f.store.accessKeys.insert({ id, accountId: f.accountId, userId: root, secretSealed: Buffer.from('sealed'), createdAt: new Date() });
    expect(await f.store.accessKeys.credential(id)).toEqual({
      secretSealed: Buffer.from('sealed'),
      status: 'Active',
      accountId: f.accountId,
      userId: root,
      userName: 'root-internal',
      path: '/',
      isRoot: true,
    });
    expect(await f.store.accessKeys.credential(keyId())).toBeNull();
    const t1 = new Date('2026-02-01T00:00:00Z');
    await f.store.accessKeys.recordLastUsed(id, t1, 'sts', 'us-east-1');
    await f.store.accessKeys.recordLastUsed(id, new Date('2026-01-01T00:00:00Z'), 'iam', 'eu-west-1');
    expect((await f.store.accessKeys.get(f.accountId, id))?.lastUsed).toEqual({ at: t1, service: 'sts', region: 'us-east-1' });
  });

  it('user refs: by name (never root, case-insensitively) and by id', async () => {
    const f = await fixture();
    const root = await seedUser(f, 'root', { root: true });
    const dave = await seedUser(f, 'Dave');
    expect(await f.store.userRefs.byName(f.accountId, 'root')).toBeNull();
    expect(await f.store.userRefs.byName(f.accountId, 'dave')).toMatchObject({ id: dave, name: 'Dave', path: '/', isRoot: false, accountId: f.accountId });
    expect(await f.store.userRefs.byId(root)).toMatchObject({ id: root, isRoot: true });
    expect(await f.store.userRefs.byId('AIDANOBODY')).toBeNull();
  });
}
