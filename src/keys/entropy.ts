import { randomBytes, randomFillSync } from 'node:crypto';

/**
 * CSPRNG bytes for the issuance hot path (IVs, session ids), drawn from a pool refilled 8 KiB
 * at a time: one call into OpenSSL per few hundred draws instead of one per draw (node's own
 * randomUUID() pools the same way). A refill allocates a new pool, so bytes handed out are
 * never overwritten; callers must treat them as read-only.
 */
const POOL_SIZE = 8192;
const MAX_POOLED = 256;
let pool = Buffer.alloc(0);
let offset = 0;

export function pooledRandomBytes(n: number): Buffer {
  if (n > MAX_POOLED) return randomBytes(n);
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_SIZE));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}
