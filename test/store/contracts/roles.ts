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
    trustPrincipals: {} as Record<string, string>,
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

  it('roles: update keeps what is not given; tags replaced; dependents counted; delete', async () => {
    const { store, accountId } = await fixture();
    const made = await store.roles.insert({ ...role(accountId, 'Upd'), description: 'one' });
    if (made === 'exists') throw new Error('exists');
    expect(await store.roles.update(made.id, { maxSessionDuration: 7200 })).toMatchObject({ description: 'one', maxSessionDuration: 7200 });
    expect(await store.roles.update(made.id, { description: '' })).toMatchObject({ description: '', maxSessionDuration: 7200 });
    expect(await store.roles.setTags(made.id, [{ Key: 'a', Value: '1' }])).toBe(true);
    expect((await store.roles.get(accountId, 'upd'))?.tags).toEqual([{ Key: 'a', Value: '1' }]);
    expect(await store.roles.dependents(made.id)).toEqual({ attached: 0, inline: 0 });
    expect(await store.roles.delete(made.id)).toBe(true);
    expect(await store.roles.delete(made.id)).toBe(false);
    expect(await store.roles.update(made.id, { description: 'x' })).toBeNull();
    expect(await store.roles.setTags(made.id, [])).toBe(false);
  });

  it('roles: trust binding — principals found and key-shared, bound trust policies found by id, rewritten', async () => {
    const { store, db, accountId } = await fixture();
    const target = await store.roles.insert(role(accountId, 'Target', '/p/'));
    if (target === 'exists') throw new Error('exists');
    await db.query(`INSERT INTO users (user_id, account_id, user_name, path) VALUES ($1, $2, 'Bob', '/')`, [`AIDA${accountId}BOB`, accountId]);
    expect(await store.roles.installationAccounts([accountId, '000000000001'])).toEqual(new Set([accountId]));
    expect(await store.roles.installationAccounts([])).toEqual(new Set());
    await store.tx(async (t) => {
      expect(await t.roles.keyShareTrustPrincipal(accountId, 'role', 'target')).toEqual({ id: target.id, path: '/p/' });
      expect(await t.roles.keyShareTrustPrincipal(accountId, 'user', 'BOB')).toEqual({ id: `AIDA${accountId}BOB`, path: '/' });
      expect(await t.roles.keyShareTrustPrincipal(accountId, 'user', 'nobody')).toBeNull();
    });
    const truster = await store.roles.insert({ ...role(accountId, 'Truster'), trustPrincipals: { [target.arn]: target.id, 'arn:aws:iam::000000000009:role/x': '' } });
    if (truster === 'exists') throw new Error('exists');
    const bound = await store.tx((t) => t.roles.boundTo(target.id));
    expect(bound).toEqual([{ roleId: truster.id, trustPolicy: truster.trustPolicy, trustPrincipals: { [target.arn]: target.id, 'arn:aws:iam::000000000009:role/x': '' } }]);
    await store.tx(async (t) => {
      expect(await t.roles.lockForTrustChange(truster.id)).toBe(true);
      expect(await t.roles.setTrustPolicy(truster.id, '{"Version":"2012-10-17","Statement":[]}', {})).toBe(true);
    });
    expect(await store.tx((t) => t.roles.boundTo(target.id))).toEqual([]);
    expect(await store.tx((t) => t.roles.lockForTrustChange('AROAZZZZZZZZZZZZZZZZZ'))).toBe(false);
  });

  it('roles: the STS lookup reads the trust policy, binding and maximum session, case-insensitively', async () => {
    const { store, accountId } = await fixture();
    const made = await store.roles.insert({ ...role(accountId, 'Assumed', '/a/'), maxSessionDuration: 7200, trustPrincipals: { 'arn:aws:iam::000000000009:user/u': '' } });
    if (made === 'exists') throw new Error('exists');
    expect(await store.roles.assumable(accountId, 'ASSUMED')).toEqual({
      id: made.id,
      accountId,
      name: 'Assumed',
      path: '/a/',
      arn: made.arn,
      trustPolicy: made.trustPolicy,
      trustPrincipals: { 'arn:aws:iam::000000000009:user/u': '' },
      maxSessionDuration: 7200,
    });
    expect(await store.roles.assumable(accountId, 'other')).toBeNull();
  });
}
