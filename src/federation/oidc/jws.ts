import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { Errors } from '../../errors/index.js';

/**
 * Compact JWS parsing and synchronous signature verification with node:crypto (the hot path of
 * AssumeRoleWithWebIdentity: no WebCrypto promise hop, the token decoded once). Only the
 * algorithms IAM accepts for web identity tokens: RS256/384/512 and ES256/384/512.
 */
export const WEB_IDENTITY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const;
export type JwsAlgorithm = (typeof WEB_IDENTITY_ALGORITHMS)[number];

const ALG: Record<JwsAlgorithm, { hash: string; kty: 'RSA' | 'EC'; crv?: string }> = {
  RS256: { hash: 'sha256', kty: 'RSA' },
  RS384: { hash: 'sha384', kty: 'RSA' },
  RS512: { hash: 'sha512', kty: 'RSA' },
  ES256: { hash: 'sha256', kty: 'EC', crv: 'P-256' },
  ES384: { hash: 'sha384', kty: 'EC', crv: 'P-384' },
  ES512: { hash: 'sha512', kty: 'EC', crv: 'P-521' },
};

export interface ParsedJws {
  header: Record<string, unknown>;
  alg: JwsAlgorithm;
  kid: string | undefined;
  /** The payload as decoded JSON (unverified until `verifyJws` succeeds). */
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

/** A public verification key from a JWKS. */
export interface VerificationKey {
  kid: string | undefined;
  kty: string;
  alg: string | undefined;
  crv: string | undefined;
  key: KeyObject;
}

const invalid = (m: string) => Errors.invalidIdentityToken(m);
const SEGMENT = /^[A-Za-z0-9_-]+$/;

function json(segment: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw invalid('The web identity token is not a valid JWT');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('The web identity token is not a valid JWT');
  return v as Record<string, unknown>;
}

interface Header {
  header: Record<string, unknown>;
  alg: JwsAlgorithm;
  kid: string | undefined;
}

function parseHeader(h: string): Header {
  const header = json(h);
  const alg = header.alg;
  if (typeof alg !== 'string' || !Object.hasOwn(ALG, alg)) throw invalid(`Unsupported token signing algorithm ${typeof alg === 'string' ? alg.slice(0, 20) : ''}`.trim());
  if (header.crit !== undefined) throw invalid('Unsupported critical header parameters in the web identity token');
  if (header.b64 !== undefined) throw invalid('The web identity token is not a valid JWT');
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  return { header: Object.freeze(header), alg: alg as JwsAlgorithm, kid };
}

/** Accepted header segments: an IdP signs every token with the same few headers. */
const headers = new Map<string, Header>();
const MAX_HEADERS = 1024;
const MAX_CACHED_HEADER = 512;

export function parseJws(token: string): ParsedJws {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw invalid('The web identity token is not a valid JWT');
  const [h, p, s] = parts as [string, string, string];
  let hd = headers.get(h);
  if (hd === undefined) {
    hd = parseHeader(h);
    if (h.length <= MAX_CACHED_HEADER) {
      if (headers.size >= MAX_HEADERS) headers.clear();
      headers.set(h, hd);
    }
  }
  return { header: hd.header, alg: hd.alg, kid: hd.kid, payload: json(p), signingInput: Buffer.from(token.slice(0, h.length + 1 + p.length), 'latin1'), signature: Buffer.from(s, 'base64url') };
}

/** Keys of a JWKS usable for this token (kid, kty/crv, alg, use), in JWKS order. */
export function candidates(keys: readonly VerificationKey[], jws: ParsedJws): VerificationKey[] {
  const a = ALG[jws.alg];
  return keys.filter(
    (k) => (jws.kid === undefined || k.kid === jws.kid) && k.kty === a.kty && (a.crv === undefined || k.crv === a.crv) && (k.alg === undefined || k.alg === jws.alg),
  );
}

export function verifyJws(jws: ParsedJws, key: VerificationKey): boolean {
  const a = ALG[jws.alg];
  try {
    return verify(a.hash, jws.signingInput, a.kty === 'EC' ? { key: key.key, dsaEncoding: 'ieee-p1363' } : key.key, jws.signature);
  } catch {
    return false;
  }
}

/** Imports the signature keys of a JWKS; skips private, symmetric, encryption-only or weak keys. */
export function importJwks(jwks: unknown): VerificationKey[] {
  const list = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new Error('JWKS has no keys array');
  const out: VerificationKey[] = [];
  for (const jwk of list as Record<string, unknown>[]) {
    if (typeof jwk !== 'object' || jwk === null) continue;
    if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) continue;
    try {
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
      const key = createPublicKey({ key: pub as never, format: 'jwk' });
      if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) continue;
      out.push({
        kid: typeof jwk.kid === 'string' ? jwk.kid : undefined,
        kty: jwk.kty,
        alg: typeof jwk.alg === 'string' ? jwk.alg : undefined,
        crv: typeof jwk.crv === 'string' ? jwk.crv : undefined,
        key,
      });
    } catch {
      /* malformed key: skip it */
    }
  }
  return out;
}
