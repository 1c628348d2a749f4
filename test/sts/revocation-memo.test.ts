import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCache } from '../../src/cache/memory.js';
import { RevocationStore } from '../../src/sts/revocation.js';

/** The replica that revokes must not keep serving its own remembered "not revoked" answer. */
describe('RevocationStore local memo', () => {
  let cache: MemoryCache | undefined;
  afterEach(async () => {
    await cache?.close();
  });

  it('revokeSession takes effect at once on the revoking replica', async () => {
    cache = new MemoryCache();
    const store = new RevocationStore(cache);
    const subject = { sessionId: 'sess-1', accessKeyId: 'ASIAAAAAAAAAAAAAAAAA', issuedAt: new Date() };
    expect(await store.isRevoked(subject)).toBe(false);
    await store.revokeSession(subject.sessionId);
    expect(await store.isRevoked(subject)).toBe(true);
  });
});
