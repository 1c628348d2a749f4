import { expect, it } from 'vitest';
import { seedUser } from './access-keys.js';
import type { ContractFixture } from './fixture.js';

/** The group repository's contract (src/store/groups.ts). */
export default function groups(fixture: () => Promise<ContractFixture>): void {
  const group = (accountId: string, name: string, path = '/') => ({
    id: `AGPA${name.toUpperCase()}${accountId}`,
    accountId,
    name,
    path,
    createdAt: new Date('2026-01-02T03:04:05Z'),
  });

  it('groups: insert, get case-insensitively, refuse a second name differing in case, rename', async () => {
    const { store, accountId } = await fixture();
    const made = await store.groups.insert(group(accountId, 'Admins'));
    expect(made).toEqual(group(accountId, 'Admins'));
    expect(await store.groups.get(accountId, 'admins')).toEqual(made);
    expect(await store.groups.insert({ ...group(accountId, 'ADMINS'), id: `AGPAOTHER${accountId}` })).toBe('exists');
    await store.groups.insert(group(accountId, 'Devs'));
    const devs = (await store.groups.get(accountId, 'devs'))!;
    expect(await store.groups.update(devs.id, 'admins', '/')).toBe('exists');
    expect(await store.groups.update(devs.id, 'Builders', '/b/')).toBe(true);
    expect(await store.groups.get(accountId, 'builders')).toMatchObject({ id: devs.id, name: 'Builders', path: '/b/' });
    expect(await store.groups.get(accountId, 'devs')).toBeNull();
  });

  it('groups: keyset pages by case-folded name, by path prefix, per user, and members', async () => {
    const f = await fixture();
    const { store, accountId } = f;
    for (const [n, p] of [['b', '/'], ['A', '/x/'], ['c', '/x/']] as const) await store.groups.insert(group(accountId, n, p));
    expect((await store.groups.page(accountId, '/', { limit: 10 })).map((g) => g.name)).toEqual(['A', 'b', 'c']);
    expect((await store.groups.page(accountId, '/', { after: 'a', limit: 1 })).map((g) => g.name)).toEqual(['b']);
    expect((await store.groups.page(accountId, '/x/', { limit: 10 })).map((g) => g.name)).toEqual(['A', 'c']);
    const zed = await seedUser(f, 'Zed');
    const amy = await seedUser(f, 'amy');
    const [a, b, c] = await Promise.all(['A', 'b', 'c'].map(async (n) => (await store.groups.get(accountId, n))!));
    const at = new Date();
    await store.groups.addMember(c!.id, zed, at);
    await store.groups.addMember(a!.id, zed, at);
    await store.groups.addMember(a!.id, amy, at);
    expect((await store.groups.pageForUser(zed, { limit: 10 })).map((g) => g.name)).toEqual(['A', 'c']);
    expect((await store.groups.pageForUser(zed, { after: 'a', limit: 10 })).map((g) => g.name)).toEqual(['c']);
    expect((await store.groups.members(a!.id, { limit: 10 })).map((u) => u.name)).toEqual(['amy', 'Zed']);
    expect((await store.groups.members(a!.id, { after: 'amy', limit: 10 })).map((u) => u.id)).toEqual([zed]);
    expect(await store.groups.membership(zed, a!.id)).toEqual({ groups: 2, member: true });
    expect(await store.groups.membership(zed, b!.id)).toEqual({ groups: 2, member: false });
    expect(await store.groups.membership(await seedUser(f, 'lonely'), b!.id)).toEqual({ groups: 0, member: false });
    expect(await store.groups.removeMember(b!.id, zed)).toBe(false);
    expect(await store.groups.removeMember(c!.id, zed)).toBe(true);
  });

  it('groups: dependents in DeleteGroup order; delete refuses while members remain', async () => {
    const f = await fixture();
    const { store, accountId, db } = f;
    const g = (await store.groups.insert(group(accountId, 'Ops'))) as { id: string };
    expect(await store.groups.dependents(g.id)).toEqual([]);
    await db.query(`INSERT INTO group_policies (group_id, policy_name, document) VALUES ($1, 'p', '{}')`, [g.id]);
    const u = await seedUser(f, 'member');
    await store.groups.addMember(g.id, u, new Date());
    expect(await store.groups.dependents(g.id)).toEqual(['members', 'inlinePolicies']);
    expect(await store.groups.delete(g.id)).toBe('members');
    await store.groups.removeMember(g.id, u);
    await db.query('DELETE FROM group_policies WHERE group_id = $1', [g.id]);
    expect(await store.groups.delete(g.id)).toBe(true);
    expect(await store.groups.get(accountId, 'Ops')).toBeNull();
  });
}
