import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { base32Random, newUniqueId } from './ids.js';
import { pooledRandomBytes } from '../keys/entropy.js';

/** The prefixes of AWS unique ids (user, role, group, policy, server certificate, public key). */
export type UniqueIdPrefix = Parameters<typeof newUniqueId>[0];

/**
 * The randomness port, injected where ids and secrets are made (as the clock is): built once by
 * the composition root (`services.random`), deterministic in tests that ask for it.
 */
export interface Random {
  /** `n` random bytes (a CSPRNG in production). */
  bytes(n: number): Buffer;
  /** An RFC 4122 version-4 UUID (request ids). */
  uuid(): string;
  /** An AWS unique id: the prefix and 17 base32 characters (`AROA…`). */
  uniqueId(prefix: UniqueIdPrefix): string;
}

/** node:crypto's CSPRNG. */
export function systemRandom(): Random {
  return {
    // Small draws (ids, session ids) from the pooled CSPRNG: the issuance hot path makes several per request.
    bytes: (n) => (n <= 64 ? Buffer.from(pooledRandomBytes(n)) : randomBytes(n)),
    uuid: () => randomUUID(),
    uniqueId: (prefix) => newUniqueId(prefix),
  };
}

/**
 * A deterministic stream for tests: SHA-256 in counter mode over `seed`. Same seed, same
 * sequence of bytes, UUIDs and ids. Never for production (the seed is the whole secret).
 */
export function seededRandom(seed: string): Random {
  let counter = 0;
  let pool = Buffer.alloc(0);
  const bytes = (n: number): Buffer => {
    while (pool.length < n) {
      const block = createHash('sha256').update(seed).update(String(counter++)).digest();
      pool = Buffer.concat([pool, block]);
    }
    const out = Buffer.from(pool.subarray(0, n));
    pool = pool.subarray(n);
    return out;
  };
  return {
    bytes,
    uuid: () => {
      const b = bytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    uniqueId: (prefix) => prefix + base32Random(17, bytes),
  };
}
