import { Errors } from '../../errors/index.js';

/**
 * OIDC issuer URLs as IAM names them. The provider's ARN suffix and condition-key prefix are the
 * issuer without its scheme, keeping host, port and path: `https://token.actions.githubusercontent.com`
 * → `token.actions.githubusercontent.com`; `http://127.0.0.1:4000/realms/x` → `127.0.0.1:4000/realms/x`.
 * Issuers must be https; plain http only on a loopback host and only with
 * `config.allowInsecureIssuers` (TESSERA_ALLOW_INSECURE_ISSUERS, dev/test).
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** `host[:port]/path` without scheme or trailing slash. */
export function issuerKey(url: string): string {
  let k = keys.get(url);
  if (k === undefined) {
    k = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
    if (keys.size >= MAX_MATCHED) keys.clear();
    keys.set(url, k);
  }
  return k;
}
/** issuerKey results (pure; the hot path computes one per request). */
const keys = new Map<string, string>();

export function isLoopbackUrl(u: URL): boolean {
  return LOOPBACK.has(u.hostname) || /^127\.\d+\.\d+\.\d+$/.test(u.hostname);
}

/** True when Tessera may fetch from `url` (https, or http on loopback with allowInsecure). */
export function fetchableUrl(url: string, allowInsecure: boolean): URL | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.username || u.password) return null;
  if (u.protocol === 'https:') return u;
  if (u.protocol === 'http:' && allowInsecure && isLoopbackUrl(u)) return u;
  return null;
}

/**
 * THE canonical form of an OIDC issuer / provider URL — one function for IAM (CreateOpenIDConnectProvider,
 * `tessera apply`), STS (the token's `iss` → its provider) and the JWKS cache key, so the three can
 * never disagree on what a URL names. Accepted: what `fetchableUrl` accepts (https, or http on a
 * loopback host — 127.0.0.0/8, localhost, [::1] — with `allowInsecure`), with a host and without
 * credentials, query or fragment (not even an empty `?` or `#`). `url` is
 * `scheme://host[:port][/path]` (host lower-cased, default port dropped, trailing slashes dropped);
 * `resource` is the same without the scheme (the ARN's resource part and the condition-key prefix).
 * null when it is not an acceptable issuer.
 */
export function normalizeIssuer(raw: string, allowInsecure: boolean): { url: string; resource: string } | null {
  const s = raw.trim();
  if (s.includes('?') || s.includes('#')) return null;
  const u = fetchableUrl(s, allowInsecure);
  if (!u || !u.hostname || u.search || u.hash) return null;
  const resource = `${u.host}${u.pathname.replace(/\/+$/, '')}`;
  return { url: `${u.protocol}//${resource}`, resource };
}

/**
 * The token's `iss` must name the registered provider exactly (the scheme aside, which must be
 * https, or http on loopback in insecure mode). Throws InvalidIdentityToken otherwise.
 */
export function assertIssuerMatches(iss: string, providerUrl: string, allowInsecure: boolean): void {
  const key = `${allowInsecure ? 1 : 0}\n${iss}\n${providerUrl}`;
  if (matched.has(key)) return;
  const u = fetchableUrl(iss, allowInsecure);
  if (!u || u.search || u.hash || issuerKey(iss) !== issuerKey(providerUrl)) {
    throw Errors.invalidIdentityToken('Issuer in the token does not match the OpenID Connect provider URL');
  }
  if (matched.size >= MAX_MATCHED) matched.clear();
  matched.add(key);
}

/** Issuer/provider pairs already accepted (a pure function of its inputs; the hot path parses no URL). */
const matched = new Set<string>();
const MAX_MATCHED = 1024;
