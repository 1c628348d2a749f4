import { expect, it } from 'vitest';
import { seedUser } from './access-keys.js';
import type { ContractFixture } from './fixture.js';

/** The MFA device repository's contract (src/store/mfa.ts). */
export default function mfa(fixture: () => Promise<ContractFixture>): void {
  const device = (accountId: string, name: string) => ({
    serialNumber: `arn:aws:iam::${accountId}:mfa/${name}`,
    accountId,
    name,
    path: '/',
    seedSealed: Buffer.from('sealed'),
    tags: [{ Key: 'k', Value: 'v' }],
    createdAt: new Date('2026-01-02T03:04:05Z'),
  });

  it('mfa: insert, get case-insensitively, refuse the same serial, enable, counters, deactivate, delete', async () => {
    const f = await fixture();
    const { store, accountId } = f;
    const d = device(accountId, 'Dev1');
    expect(await store.mfa.insert(d)).toEqual(d);
    expect(await store.mfa.insert({ ...d, serialNumber: d.serialNumber.toLowerCase() })).toBe('exists');
    expect(await store.mfa.get(accountId, d.serialNumber.toUpperCase())).toEqual(d);
    expect(await store.mfa.get('999999999999', d.serialNumber)).toBeNull();
    const u = await seedUser(f, 'mfa-user');
    expect(await store.mfa.enabledFor(accountId, u, d.serialNumber)).toBeNull();
    const at = new Date('2026-01-03T00:00:00Z');
    await store.mfa.enable(d.serialNumber, u, at, 100);
    expect(await store.mfa.countForUser(u)).toBe(1);
    expect(await store.mfa.enabledFor(accountId, u, d.serialNumber)).toMatchObject({ userId: u, enabledAt: at, lastCounter: 100 });
    expect(await store.mfa.enabledFor(accountId, u, d.serialNumber.toLowerCase())).toBeNull();
    expect(await store.mfa.consumeCounter(d.serialNumber, 100)).toBe(false);
    expect(await store.mfa.consumeCounter(d.serialNumber, 101)).toBe(true);
    await store.mfa.setCounter(d.serialNumber, 50);
    expect((await store.mfa.get(accountId, d.serialNumber))?.lastCounter).toBe(50);
    await store.mfa.deactivate(d.serialNumber);
    const off = await store.mfa.get(accountId, d.serialNumber);
    expect([off?.userId, off?.enabledAt]).toEqual([undefined, undefined]);
    await store.mfa.delete(d.serialNumber);
    expect(await store.mfa.get(accountId, d.serialNumber)).toBeNull();
  });

  it('mfa: keyset pages by serial number, per user and per assignment, with the user', async () => {
    const f = await fixture();
    const { store, accountId } = f;
    for (const n of ['c', 'a', 'b']) await store.mfa.insert(device(accountId, n));
    const u = await seedUser(f, 'owner');
    const serial = (n: string) => `arn:aws:iam::${accountId}:mfa/${n}`;
    await store.mfa.enable(serial('b'), u, new Date(), 1);
    expect((await store.mfa.page(accountId, 'Any', { limit: 10 })).map((d) => d.name)).toEqual(['a', 'b', 'c']);
    expect((await store.mfa.page(accountId, 'Any', { after: serial('a'), limit: 1 })).map((d) => d.name)).toEqual(['b']);
    const assigned = await store.mfa.page(accountId, 'Assigned', { limit: 10 });
    expect(assigned.map((d) => [d.name, d.user?.name])).toEqual([['b', 'owner']]);
    expect((await store.mfa.page(accountId, 'Unassigned', { limit: 10 })).map((d) => [d.name, d.user])).toEqual([['a', undefined], ['c', undefined]]);
    expect((await store.mfa.pageForUser(u, { limit: 10 })).map((d) => d.name)).toEqual(['b']);
    expect(await store.mfa.pageForUser(u, { after: serial('b'), limit: 10 })).toEqual([]);
  });
}
