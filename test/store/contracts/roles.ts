import { expect, it } from 'vitest';
import type { ContractFixture } from './fixture.js';

/** The role repository's contract (src/store/roles.ts). */
export default function roles(fixture: () => Promise<ContractFixture>): void {
  const role = (accountId: string, name: string, path = '/') => ({
    id: `AROA${'A'.repeat(17 - name.length)}${name.toUpperCase().replace(/[^A-Z2-7]/g, 'A')}`.slice(0, 21),
    accountId,
    name,
    path,
    arn: `arn:aws:iam::${accountId}:role${path}${name}`,
    trustPolicy: '{"Version":"2012-10-17","Statement":[]}',
    maxSessionDuration: 3600,
    tags: [{ Key: 'k', Value: 'v' }],
    createdAt: new Date('2026-01-02T03:04:05Z'),
    trustPrincipals: {},
    trustPrincipalIds: [],
  });

  it('roles: insert, get case-insensitively, refuse a second name differing in case', async () => {
    const { store, accountId } = await fixture();
    const made = await store.roles.insert(role(accountId, 'Alpha'));
    expect(made).toMatchObject({ name: 'Alpha', tags: [{ Key: 'k', Value: 'v' }], maxSessionDuration: 3600 });
    expect((await store.roles.get(accountId, 'alpha'))?.id).toBe(made !== 'exists' ? made.id : '');
    expect(await store.roles.insert({ ...role(accountId, 'ALPHA'), id: 'AROAZZZZZZZZZZZZZZZZZ', arn: `arn:aws:iam::${accountId}:role/ALPHA` })).toBe('exists');
    expect(await store.roles.get(accountId, 'missing')).toBeNull();
  });

  it('roles: keyset pages in case-folded byte order, filtered by path prefix', async () => {
    const { store, accountId } = await fixture();
    for (const [n, p] of [['b', '/'], ['A', '/x/'], ['c', '/x/'], ['_d', '/']] as const) await store.roles.insert(role(accountId, n, p));
    const all = await store.roles.page(accountId, '/', { limit: 10 });
    expect(all.map((r) => r.name)).toEqual(['_d', 'A', 'b', 'c']);
    const second = await store.roles.page(accountId, '/', { after: 'a', limit: 1 });
    expect(second.map((r) => r.name)).toEqual(['b']);
    expect((await store.roles.page(accountId, '/x/', { limit: 10 })).map((r) => r.name)).toEqual(['A', 'c']);
  });

  it('roles: a transaction that throws writes nothing', async () => {
    const { store, accountId } = await fixture();
    await expect(
      store.tx(async (t) => {
        await t.roles.insert(role(accountId, 'Gone'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.roles.get(accountId, 'Gone')).toBeNull();
  });
}
