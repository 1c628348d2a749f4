import { SignJWT } from 'jose';
import type { KeyRing } from './ring.js';

/**
 * Asymmetrically signed JWTs from the key ring (GetWebIdentityToken; later ID tokens for
 * internal apps). The header names the ring key's kid, which /.well-known/jwks.json publishes.
 */
export type JwtAlgorithm = 'RS256' | 'ES384';
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'ES384'];

export async function signJwt(ring: KeyRing, alg: JwtAlgorithm, claims: Record<string, unknown>, now: Date): Promise<string> {
  const key = await ring.current(`jwt-${alg}`, now);
  return new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' }).sign(ring.privateKey(key));
}

/** The public JWK set: every signing key that may still have live tokens (and the current ones). */
export async function jwks(ring: KeyRing, now: Date): Promise<{ keys: Record<string, unknown>[] }> {
  const keys: Record<string, unknown>[] = [];
  for (const alg of JWT_ALGORITHMS) {
    await ring.current(`jwt-${alg}`, now);
    for (const k of await ring.verificationKeys(`jwt-${alg}`, now)) if (k.publicJwk) keys.push(k.publicJwk);
  }
  return { keys };
}
