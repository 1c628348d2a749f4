import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { toBase32 } from '../tokens/ids.js';

/**
 * Virtual MFA enrolment: a fresh base32 seed (40 random bytes → 64 characters, as IAM's virtual
 * devices use), its otpauth:// URI, and the QR code PNG of that URI. IAM returns both as
 * base64 blobs: Base32StringSeed = base64(seed string), QRCodePNG = base64(PNG bytes).
 */
export const newTotpSeed = (bytes = 40, rnd: (n: number) => Buffer = randomBytes): string => toBase32(rnd(bytes));

/** otpauth://totp/Issuer:label?secret=…&issuer=… (Google Authenticator key URI format). */
export function otpauthUri(opts: { issuer: string; label: string; secret: string }): string {
  const issuer = encodeURIComponent(opts.issuer);
  return `otpauth://totp/${issuer}:${encodeURIComponent(opts.label)}?secret=${opts.secret}&issuer=${issuer}`;
}

export async function qrPng(uri: string): Promise<Buffer> {
  return QRCode.toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M' });
}
