import { hash, randomBytes, randomInt } from 'node:crypto';
import { pooledRandomBytes } from '../keys/entropy.js';

/**
 * Identifiers in AWS's formats. Access key ids are a 4-letter prefix (AKIA long-term, ASIA
 * temporary) and 16 characters of base32 (A-Z, 2-7); unique ids (AIDA user, AROA role, AGPA
 * group, ANPA policy) are a prefix and 17 characters; secrets are 40 characters.
 */
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Random(n: number, rnd: (n: number) => Buffer = randomBytes): string {
  const bytes = rnd(n);
  let s = '';
  for (let i = 0; i < n; i++) s += B32[bytes[i]! & 31];
  return s;
}

/** RFC 4648 base32 without padding (a trailing partial group is zero-filled). */
export function toBase32(bytes: Uint8Array): string {
  let bits = 0;
  let acc = 0;
  let s = '';
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      s += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) s += B32[(acc << (5 - bits)) & 31];
  return s;
}

function fromBase32(s: string): Buffer | null {
  let bits = 0;
  let acc = 0;
  const out: number[] = [];
  for (const ch of s) {
    const v = B32.indexOf(ch);
    if (v < 0) return null;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 255);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

const mask5 = (r: Uint8Array): Buffer => hash('sha256', r, 'buffer');

/**
 * Access key ids carry their account, as AWS's do, so GetAccessKeyInfo answers for any key
 * (active, inactive or deleted) without a lookup: 5 bytes of account id masked by a hash of 5
 * random bytes, then the random bytes, in base32 (80 bits = 16 characters). The random bytes
 * come from the pooled CSPRNG (one OpenSSL call per few hundred ids on the issuance hot path).
 */
export function newAccessKeyId(prefix: 'AKIA' | 'ASIA', accountId: string, rnd: (n: number) => Buffer = pooledRandomBytes): string {
  const b = Buffer.allocUnsafe(10);
  rnd(5).copy(b, 5);
  b.writeUIntBE(Number(accountId), 0, 5);
  const m = mask5(b.subarray(5));
  for (let i = 0; i < 5; i++) b[i] = b[i]! ^ m[i]!;
  return prefix + toBase32(b);
}

/** The account id encoded in an access key id, or null when it is not one of ours. */
export function accountOfAccessKeyId(accessKeyId: string): string | null {
  if (!/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(accessKeyId)) return null;
  const b = fromBase32(accessKeyId.slice(4));
  if (!b || b.length !== 10) return null;
  const r = b.subarray(5);
  const m = mask5(r);
  const a = Buffer.from(b.subarray(0, 5));
  for (let i = 0; i < 5; i++) a[i] = a[i]! ^ m[i]!;
  const n = a.readUIntBE(0, 5);
  if (n >= 1e12) return null;
  return String(n).padStart(12, '0');
}
export const newUniqueId = (prefix: 'AIDA' | 'AROA' | 'AGPA' | 'ANPA' | 'ASCA' | 'APKA') => prefix + base32Random(17);

const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export function newSecretAccessKey(rnd: (n: number) => Buffer = randomBytes): string {
  const bytes = rnd(40);
  let s = '';
  for (let i = 0; i < 40; i++) s += SECRET_ALPHABET[bytes[i]! & 63];
  return s;
}

export function newAccountId(): string {
  let s = String(randomInt(1, 10));
  for (let i = 0; i < 11; i++) s += String(randomInt(0, 10));
  return s;
}
