import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens for every form POST of the sign-in pages: HMAC-SHA-256, under a key derived from
 * the master key, of the cookie the form belongs to (the pre-auth flow cookie, or the session
 * cookie once signed in). The cookie's secret is server-side state, so this is the synchronizer
 * pattern without a per-form cache entry: a token is valid only beside the cookie it was made
 * for, on any replica, and a page of another site can neither read nor mint it.
 */
const keyOf = (masterKey: Buffer) => createHmac('sha256', masterKey).update('tessera/signin/csrf/v1').digest();

export function csrfToken(masterKey: Buffer, cookieValue: string): string {
  return createHmac('sha256', keyOf(masterKey)).update(`csrf\n${cookieValue}`).digest('base64url');
}

export function csrfValid(masterKey: Buffer, cookieValue: unknown, token: unknown): boolean {
  if (typeof cookieValue !== 'string' || cookieValue === '' || typeof token !== 'string' || token.length !== 43) return false;
  const want = Buffer.from(csrfToken(masterKey, cookieValue));
  const got = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}
