import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM sealing under a 32-byte key. Layout: version(1)=1 | iv(12) | tag(16) | ciphertext.
 * The associated data binds a ciphertext to its row (e.g. the access key id), so a sealed secret
 * copied onto another row does not open.
 */
const VERSION = 1;

export function seal(key: Buffer, plaintext: Buffer | string, aad: string): Buffer {
  if (key.length !== 32) throw new Error('seal: key must be 32 bytes');
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), c.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, c.getAuthTag(), ct]);
}

/** Throws when the key, the associated data or the bytes do not match. */
export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 29 || sealed[0] !== VERSION) throw new Error('open: not a sealed value');
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(sealed.subarray(13, 29));
  return Buffer.concat([d.update(sealed.subarray(29)), d.final()]);
}
