import { expect, it } from 'vitest';
import type { ContractFixture } from './fixture.js';
import type { NewUser } from '../../../src/store/users.js';

/** The user repository's contract (src/store/users.ts): users, their dependents, login profiles and password history. */
export default function users(fixture: () => Promise<ContractFixture>): void {
  let n = 0;
  const user = (accountId: string, name: string, path = '/'): NewUser => ({
    id: `AIDA${String(++n).padStart(4, '0')}${accountId.slice(-6)}${'A'.repeat(7)}`.replace(/[0189]/g, 'Q').slice(0, 21),
    accountId,
    name,
    path,
    tags: [{ Key: 'k', Value: 'v' }],
    createdAt: new Date('2026-01-02T03:04:05Z'),
  });
  const made = async (p: Promise<unknown>) => {
    const u = await p;
    if (u === 'exists' || u === null || typeof u !== 'object') throw new Error(`expected a user, got ${String(u)}`);
    return u as { id: string };
  };

  it('users: insert, get case-insensitively and by id, refuse a name differing in case', async () => {
    const { store, accountId } = await fixture();
    const u = await made(store.users.insert({ ...user(accountId, 'Alice'), permissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    expect(await store.users.get(accountId, 'alice')).toMatchObject({ id: u.id, name: 'Alice', path: '/', isRoot: false, tags: [{ Key: 'k', Value: 'v' }], permissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    expect((await store.users.getById(u.id))?.name).toBe('Alice');
    expect(await store.users.insert(user(accountId, 'ALICE'))).toBe('exists');
    expect(await store.users.get(accountId, 'missing')).toBeNull();
    expect(await store.users.getById('AIDAMISSINGMISSINGMIS')).toBeNull();
  });

  it('users: keyset pages in case-folded order, filtered by path prefix, never the root user', async () => {
    const { store, accountId, db } = await fixture();
    await db.query(`INSERT INTO users (user_id, account_id, user_name, path, is_root) VALUES ($1, $1, 'root', '/', true)`, [accountId]);
    for (const [name, path] of [['b', '/'], ['A', '/x/'], ['c', '/x/'], ['d', '/']] as const) await store.users.insert(user(accountId, name, path));
    expect((await store.users.page(accountId, '/', { limit: 10 })).map((u) => u.name)).toEqual(['A', 'b', 'c', 'd']);
    expect((await store.users.page(accountId, '/', { after: 'a', limit: 2 })).map((u) => u.name)).toEqual(['b', 'c']);
    expect((await store.users.page(accountId, '/x/', { limit: 10 })).map((u) => u.name)).toEqual(['A', 'c']);
    expect((await store.users.getById(accountId))?.isRoot).toBe(true);
  });

  it('users: rename refuses a taken name, setTags replaces the tags, delete reports whether it deleted', async () => {
    const { store, accountId } = await fixture();
    const a = await made(store.users.insert(user(accountId, 'one')));
    await store.users.insert(user(accountId, 'two'));
    expect(await store.users.rename(a.id, 'TWO', '/')).toBe('exists');
    expect(await store.users.rename(a.id, 'uno', '/p/')).toBe(true);
    expect(await store.users.get(accountId, 'uno')).toMatchObject({ id: a.id, path: '/p/' });
    await store.users.setTags(a.id, [{ Key: 'x', Value: '1' }]);
    expect((await store.users.getById(a.id))?.tags).toEqual([{ Key: 'x', Value: '1' }]);
    expect(await store.users.delete(a.id)).toBe(true);
    expect(await store.users.delete(a.id)).toBe(false);
    expect(await store.users.rename(a.id, 'gone', '/')).toBe(false);
  });

  it('users: the first dependent in AWS order; a referencing row refuses the delete', async () => {
    const { store, accountId, db } = await fixture();
    const u = await made(store.users.insert(user(accountId, 'deps')));
    expect(await store.users.firstDependent(u.id)).toBeNull();
    await db.query(`INSERT INTO groups (group_id, account_id, group_name) VALUES ($1, $2, 'g')`, [`AGPA${u.id.slice(4)}`, accountId]);
    await db.query(`INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)`, [`AGPA${u.id.slice(4)}`, u.id]);
    expect(await store.users.firstDependent(u.id)).toBe('groups');
    await store.users.insertLoginProfile({ userId: u.id, passwordHash: 'scrypt$x', passwordResetRequired: false, createdAt: new Date(), passwordChangedAt: new Date() });
    expect(await store.users.firstDependent(u.id)).toBe('loginProfile');
    expect(await store.tx((t) => t.users.delete(u.id))).toBe('conflict');
    expect((await store.users.getById(u.id))?.name).toBe('deps');
  });

  it('users: boundary policies are the account own or AWS managed ones, key-share locked', async () => {
    const { store, accountId, db } = await fixture();
    const own = `arn:aws:iam::${accountId}:policy/own`;
    const other = '999999999999';
    await db.query(`INSERT INTO accounts (account_id, name) VALUES ($1, 'other') ON CONFLICT DO NOTHING`, [other]);
    await db.query(`INSERT INTO policies (policy_id, account_id, policy_name, arn) VALUES ($1, $2, 'own', $3)`, [`ANPA${accountId.slice(0, 12)}AAAAA`.replace(/[0189]/g, 'Q'), accountId, own]);
    await db.query(`INSERT INTO policies (policy_id, account_id, policy_name, arn) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      'ANPAOTHERCONTRACTPOLI',
      other,
      'theirs',
      `arn:aws:iam::${other}:policy/theirs`,
    ]);
    expect(await store.users.lockBoundaryPolicy(accountId, own)).toBe(true);
    expect(await store.users.lockBoundaryPolicy(accountId, `arn:aws:iam::${other}:policy/theirs`)).toBe(false);
    expect(await store.users.lockBoundaryPolicy(accountId, `arn:aws:iam::${accountId}:policy/none`)).toBe(false);
  });

  it('users: trust policies bound to a user are found locked and unbound', async () => {
    const { store, accountId } = await fixture();
    const u = await made(store.users.insert(user(accountId, 'trusted')));
    const arn = `arn:aws:iam::${accountId}:user/trusted`;
    await store.roles.insert({
      id: `AROA${u.id.slice(4)}`,
      accountId,
      name: 'r',
      path: '/',
      arn: `arn:aws:iam::${accountId}:role/r`,
      trustPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: arn }, Action: 'sts:AssumeRole' }] }),
      maxSessionDuration: 3600,
      tags: [],
      createdAt: new Date(),
      trustPrincipals: { [arn]: u.id },
    });
    const bound = await store.tx((t) => t.users.trustBindings(u.id));
    expect(bound).toHaveLength(1);
    expect(bound[0]!.trustPrincipals).toEqual({ [arn]: u.id });
    await store.users.unbindTrust(u.id, { roleId: bound[0]!.roleId, trustPolicy: '{"rewritten":true}', trustPrincipals: {} });
    expect(await store.users.trustBindings(u.id)).toEqual([]);
    expect((await store.roles.get(accountId, 'r'))?.trustPolicy).toBe('{"rewritten":true}');
  });

  it('login profiles: insert once, update what is given, delete; password history keeps the newest', async () => {
    const { store, accountId } = await fixture();
    const u = await made(store.users.insert(user(accountId, 'pw')));
    const at = new Date('2026-02-03T04:05:06Z');
    expect(await store.users.loginProfile(u.id)).toBeNull();
    expect(await store.users.insertLoginProfile({ userId: u.id, passwordHash: 'h1', passwordResetRequired: true, createdAt: at, passwordChangedAt: at })).toMatchObject({ passwordHash: 'h1', passwordResetRequired: true });
    expect(await store.users.insertLoginProfile({ userId: u.id, passwordHash: 'h2', passwordResetRequired: false, createdAt: at, passwordChangedAt: at })).toBe('exists');
    expect(await store.users.updateLoginProfile(u.id, { passwordResetRequired: false })).toBe(true);
    expect(await store.users.loginProfile(u.id)).toMatchObject({ passwordHash: 'h1', passwordResetRequired: false, createdAt: at });
    const later = new Date('2026-03-01T00:00:00Z');
    await store.users.updateLoginProfile(u.id, { passwordHash: 'h3', passwordChangedAt: later });
    expect(await store.users.loginProfile(u.id)).toMatchObject({ passwordHash: 'h3', passwordResetRequired: false, passwordChangedAt: later });
    for (const h of ['a', 'b', 'c']) await store.users.rememberPassword(u.id, h, at, 2);
    expect(await store.users.passwordHistory(u.id, 5)).toEqual(['c', 'b']);
    expect(await store.users.passwordHistory(u.id, 1)).toEqual(['c']);
    expect(await store.users.deleteLoginProfile(u.id)).toBe(true);
    expect(await store.users.deleteLoginProfile(u.id)).toBe(false);
    expect(await store.users.updateLoginProfile(u.id, { passwordResetRequired: true })).toBe(false);
  });
}
