import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';

/**
 * Virtual MFA enrolment: a fresh base32 seed (40 random bytes → 64 characters, as IAM's virtual
 * devices use), its otpauth:// URI, and the QR code PNG of that URI. IAM returns both as
 * base64 blobs: Base32StringSeed = base64(seed string), QRCodePNG = base64(PNG bytes).
 */
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function newTotpSeed(bytes = 40): string {
  const buf = randomBytes(bytes);
  let bits = 0;
  let acc = 0;
  let s = '';
  for (const b of buf) {
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

/** otpauth://totp/Issuer:label?secret=…&issuer=… (Google Authenticator key URI format). */
export function otpauthUri(opts: { issuer: string; label: string; secret: string }): string {
  const issuer = encodeURIComponent(opts.issuer);
  return `otpauth://totp/${issuer}:${encodeURIComponent(opts.label)}?secret=${opts.secret}&issuer=${issuer}`;
}

export async function qrPng(uri: string): Promise<Buffer> {
  return QRCode.toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M' });
}
