import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal } from '../../src/keys/envelope.js';
import { CredentialResolver } from '../../src/iam/credentials.js';
import { PolicyCache } from '../../src/iam/effective-policies.js';
import type { Db } from '../../src/store/db.js';
import type { AuthorizationPolicySource } from '../../src/store/policies.js';

/**
 * The per-process caches of access keys and of principals' policies are bounded LRUs: many
 * distinct callers evict the least recently used entries one by one, and entries in use stay
 * cached (no cliff where the whole cache is dropped once it is full).
 */

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A distinct, well-formed long-term access key id for each number. */
const keyId = (n: number) => {
  let s = '';
  for (let i = 0; i < 16; i++, n = Math.floor(n / 32)) s = B32[n % 32] + s;
  return `AKIA${s}`;
};

/** A Db stand-in that answers the credential lookup for any key and counts lookups per key. */
function keyDb(masterKey: Buffer) {
  const loads = new Map<string, number>();
  const db = {
    async query(_sql: string, params: unknown[]) {
      const id = String(params[0]);
      loads.set(id, (loads.get(id) ?? 0) + 1);
      return {
        rows: [{ secret_sealed: seal(masterKey, `secret-${id}`, id), status: 'Active', account_id: '123456789012', user_id: `AIDA${id.slice(4)}X`, user_name: 'u', path: '/', is_root: false }],
        rowCount: 1,
      };
    },
  };
  return { db: db as unknown as Db, loads };
}

describe('access key cache (50,000 keys per process)', () => {
  it('keeps a key in use cached while 60,000 other keys pass through, and evicts the least recently used', { timeout: 90_000 }, async () => {
    const masterKey = randomBytes(32);
    const { db, loads } = keyDb(masterKey);
    const r = new CredentialResolver(db, masterKey, 'aws');
    const now = new Date('2026-01-01T00:00:00Z');
    const hot = keyId(0);
    expect((await r.resolve(hot, undefined, now))?.secret).toBe(`secret-${hot}`);
    for (let i = 1; i <= 60_000; i++) {
      await r.resolve(keyId(i), undefined, now);
      // The hot caller signs a request every 1,000 others.
      if (i % 1000 === 0) expect((await r.resolve(hot, undefined, now))?.secret).toBe(`secret-${hot}`);
    }
    expect(loads.get(hot)).toBe(1);
    // Bounded: the oldest cold keys were evicted (a second use reads the database again) ...
    await r.resolve(keyId(1), undefined, now);
    expect(loads.get(keyId(1))).toBe(2);
    // ... and the most recent ones are still cached.
    await r.resolve(keyId(60_000), undefined, now);
    expect(loads.get(keyId(60_000))).toBe(1);
  });
});

describe("principals' policy cache", () => {
  it('keeps a principal in use cached while more distinct principals than it holds pass through', async () => {
    const loads = new Map<string, number>();
    const source: AuthorizationPolicySource = {
      async userPolicies(userId) {
        loads.set(userId, (loads.get(userId) ?? 0) + 1);
        return { isRoot: false, tags: [], policies: [] };
      },
      rolePolicies: async () => null,
      defaultVersion: async () => null,
    };
    const cache = new PolicyCache(source, { max: 100 });
    const hot = 'AIDAHOTHOTHOTHOTHOTHO';
    await cache.forPrincipal(hot);
    for (let i = 0; i < 1000; i++) {
      await cache.forPrincipal(`AIDACOLD${String(i).padStart(13, '0')}`);
      if (i % 50 === 0) await cache.forPrincipal(hot);
    }
    expect(loads.get(hot)).toBe(1);
    await cache.forPrincipal('AIDACOLD0000000000000');
    expect(loads.get('AIDACOLD0000000000000')).toBe(2);
  });
});
