import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCache } from '../../src/cache/memory.js';
import { Errors } from '../../src/errors/index.js';
import { CANARY_KEY, MARKER_KEY, RevocationStore } from '../../src/sts/revocation.js';
import type { Db } from '../../src/store/db.js';
import { createStore } from '../../src/store/store.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

/**
 * RevocationStore on its own: Postgres is the truth, the cache a fast path it trusts only while
 * the canary and marker of a complete rebuild are both there.
 */
let database: TestDatabase;
const caches: MemoryCache[] = [];
const stores: RevocationStore[] = [];
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  for (const s of stores) await s.stop();
  for (const c of caches) await c.close();
  await database.drop();
});

function open(db: Db = database.db): { cache: MemoryCache; store: RevocationStore } {
  const cache = new MemoryCache();
  const store = new RevocationStore(cache, createStore(db).sessions, { checkIntervalMs: 0 });
  caches.push(cache);
  stores.push(store);
  return { cache, store };
}

let n = 0;
const subject = (over: Partial<Parameters<RevocationStore['isRevoked']>[0]> = {}) => {
  n++;
  return { sessionId: `sess-${n}-${Math.random().toString(36).slice(2)}`, accessKeyId: `ASIA${String(n).padStart(16, 'A')}`, issuedAt: new Date(), ownerId: 'AIDAOWNEROWNEROWNER1', ...over };
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RevocationStore', () => {
  it('revokeSession takes effect at once on the revoking replica', async () => {
    const { store } = open();
    await store.start();
    const s = subject();
    expect(await store.isRevoked(s)).toBe(false);
    await store.revokeSession(createStore(database.db), s.sessionId);
    expect(await store.isRevoked(s)).toBe(true);
  });

  it('refuses a session when any ancestor of its lineage is revoked (session, access key or role cutoff)', async () => {
    const { store } = open();
    await store.start();
    const root = subject({ roleId: 'AROAROOTROOTROOTROOT1', issuedAt: new Date(Date.now() - 60_000) });
    const mid = subject({ roleId: 'AROAMIDMIDMIDMIDMID01' });
    const leaf = (a: typeof root) => subject({ roleId: 'AROALEAFLEAFLEAFLEAF1', lineage: [a, mid] });
    const child = leaf(root);
    expect(await store.isRevoked(child)).toBe(false);
    await store.revokeSession(createStore(database.db), root.sessionId);
    expect(await store.isRevoked(child)).toBe(true);

    const root2 = subject({ issuedAt: new Date(Date.now() - 60_000) });
    const child2 = leaf(root2);
    expect(await store.isRevoked(child2)).toBe(false);
    await store.revokeAccessKey(createStore(database.db), root2.accessKeyId);
    expect(await store.isRevoked(child2)).toBe(true);

    const root3 = subject({ roleId: 'AROAROLECUTROLECUT01', issuedAt: new Date(Date.now() - 60_000) });
    const child3 = leaf(root3);
    expect(await store.isRevoked(child3)).toBe(false);
    await store.revokeRoleSessions(createStore(database.db), 'AROAROLECUTROLECUT01', new Date(Date.now() - 30_000));
    await pause(300); // the memo of the role's (absent) cutoff
    expect(await store.isRevoked(child3)).toBe(true);
    // The leaf's own role was not cut, and a session of the cut role issued later is fine.
    expect(await store.isRevoked(subject({ roleId: 'AROAROLECUTROLECUT01' }))).toBe(false);
  });

  it('a cache that comes back empty is rebuilt from Postgres; revocations hold before and after', async () => {
    const a = open();
    await a.store.start();
    const s = subject({ roleId: 'AROAREBUILDREBUILD01', issuedAt: new Date(Date.now() - 60_000) });
    const later = subject({ roleId: 'AROAREBUILDREBUILD01', issuedAt: new Date(Date.now() - 60_000) });
    await a.store.revokeSession(createStore(database.db), s.sessionId);
    await a.store.revokeRoleSessions(createStore(database.db), 'AROAREBUILDREBUILD01', new Date(Date.now() - 1000));
    // "Redis restarted empty": a new cache, a new replica that has not checked it yet.
    const b = open();
    expect(await b.store.isRevoked(s)).toBe(true);
    expect(await b.store.isRevoked(later)).toBe(true);
    expect(await b.store.check()).toBe(true);
    expect(await b.cache.get(`sts:revoked:session:${s.sessionId}`)).toBe('1');
    const [c, m] = await b.cache.getMany([CANARY_KEY, MARKER_KEY]);
    expect(c).not.toBeNull();
    expect(m).toBe(c);
  });

  it('does not trust a cache whose canary is gone (keys lost), even with the marker there', async () => {
    const { cache, store } = open();
    await store.start();
    const s = subject();
    await store.revokeSession(createStore(database.db), s.sessionId);
    await cache.del(`sts:revoked:session:${s.sessionId}`);
    await cache.del(CANARY_KEY);
    await pause(300);
    expect(await store.isRevoked(s)).toBe(true);
  });

  it('fails closed: no vouched-for cache and no database → the check throws, never "not revoked"', async () => {
    const broken: Db = { ...database.db, query: () => Promise.reject(Errors.serviceUnavailable()) };
    const { store } = open(broken);
    expect(await store.check()).toBe(false);
    const err = await store.isRevoked(subject()).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
  });
});
