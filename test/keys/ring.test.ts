import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { migrate } from '../../src/store/migrate.js';
import { KeyRing, RETAIN_MS, ROTATE_MS } from '../../src/keys/ring.js';

let d: TestDatabase;
const master = randomBytes(32);
beforeAll(async () => {
  d = await freshDatabase();
  await migrate(d.db);
});
afterAll(async () => {
  await d?.drop();
});

describe('KeyRing', () => {
  it('many replicas racing for the first key create exactly one', async () => {
    const now = new Date();
    const rings = Array.from({ length: 6 }, () => new KeyRing(d.db, master));
    const keys = await Promise.all(rings.map((r) => r.current('session', now)));
    expect(new Set(keys.map((k) => k.id)).size).toBe(1);
    const n = await d.db.query(`SELECT count(*)::int AS n FROM sts_keys WHERE purpose = 'session'`);
    expect(n.rows[0]!.n).toBe(1);
  });

  it('rotates after its window, keeps the old key for verification until it expires', async () => {
    const t0 = new Date(Date.now() + 1000);
    const a = new KeyRing(d.db, master);
    const first = await a.current('session', t0);
    const later = new Date(first.retiresAt.getTime() + 1);
    const second = await a.current('session', later);
    expect(second.id).not.toBe(first.id);
    const b = new KeyRing(d.db, master);
    expect((await b.byId(first.id, later))?.kid).toBe(first.kid);
    expect(await b.byId(first.id, new Date(first.retiresAt.getTime() + RETAIN_MS.session + 1))).toBeUndefined();
    // A token signed just before the key retires lives up to 36 h (GetSessionToken /
    // GetFederationToken DurationSeconds 129600): the key must still verify it when it expires.
    const LONGEST_CREDENTIAL_MS = 129_600_000;
    expect(RETAIN_MS.session).toBeGreaterThanOrEqual(LONGEST_CREDENTIAL_MS);
    expect((await b.byId(first.id, new Date(first.retiresAt.getTime() + LONGEST_CREDENTIAL_MS)))?.kid).toBe(first.kid);
    expect(first.retiresAt.getTime() - first.activatesAt.getTime()).toBe(ROTATE_MS.session);
  });

  it('stores key material sealed, never in clear', async () => {
    const r = new KeyRing(d.db, master);
    const k = await r.current('jwt-ES384', new Date());
    const row = await d.db.query(`SELECT material_sealed, public_jwk FROM sts_keys WHERE key_id = $1`, [k.id]);
    expect(Buffer.compare(row.rows[0]!.material_sealed, k.material)).not.toBe(0);
    expect(row.rows[0]!.public_jwk).toMatchObject({ kty: 'EC', crv: 'P-384', kid: k.kid, alg: 'ES384' });
    expect(row.rows[0]!.public_jwk.d).toBeUndefined();
  });
});
