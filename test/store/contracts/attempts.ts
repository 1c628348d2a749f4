import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ContractFixture } from './fixture.js';

/** The attempt-counter repository's contract (src/store/attempts.ts). */
export default function attempts(fixture: () => Promise<ContractFixture>): void {
  const subject = () => `contract:${randomBytes(6).toString('hex')}`;
  const t0 = new Date('2026-01-02T03:00:00Z');
  const later = (s: number) => new Date(t0.getTime() + s * 1000);

  it('attempts: one upsert counts, concurrently without losing an increment; the window restarts', async () => {
    const { store } = await fixture();
    const s = subject();
    expect(await store.attempts.count(s, t0, 60)).toEqual({ failures: 1, lockedUntil: null, counted: true });
    const counts = await Promise.all(Array.from({ length: 8 }, () => store.attempts.count(s, later(1), 60)));
    expect(counts.map((c) => c.failures).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await store.attempts.count(s, later(120), 60)).failures).toBe(1);
    await store.attempts.uncount([s], later(120));
    expect((await store.attempts.count(s, later(121), 60)).failures).toBe(1);
    await store.attempts.reset([s]);
    expect((await store.attempts.count(s, later(122), 60)).failures).toBe(1);
  });

  it('attempts: lock once, refuse counting while locked, double a remembered lock, delete, sweep', async () => {
    const { store } = await fixture();
    const s = subject();
    await store.attempts.count(s, t0, 60);
    const first = await store.attempts.lock(s, t0, 30, 600);
    expect(first).toEqual({ lockedUntil: later(30), lockLevel: 1, failures: 1 });
    expect(await store.attempts.lock(s, later(1), 30, 600)).toBeNull();
    expect(await store.attempts.lockedUntil(s)).toEqual(later(30));
    expect(await store.attempts.count(s, later(2), 60)).toEqual({ failures: 0, lockedUntil: later(30), counted: false });
    expect((await store.attempts.lock(s, later(40), 30, 600))?.lockedUntil).toEqual(later(100));
    await store.attempts.delete(s);
    expect(await store.attempts.lockedUntil(s)).toBeNull();
    await store.attempts.count(s, t0, 60);
    await store.attempts.sweep(later(10 * 86_400), 500);
    expect(await store.attempts.lockedUntil(s)).toBeNull();
    expect((await store.attempts.count(s, later(10 * 86_400), 60)).failures).toBe(1);
  });
}
