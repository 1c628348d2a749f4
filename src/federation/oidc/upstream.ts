import { SignInConfigError, SignInError } from '../sign-in-errors.js';
import { fetchableUrl } from './issuer-url.js';

/**
 * What the sign-in connectors share about talking to an upstream and reading its claims:
 * a bounded fetch (10 s, size cap, no redirects followed), settings checks, and claim readers
 * that never let a hostile value through (non-strings, control characters, huge lists).
 */

export const UPSTREAM_TIMEOUT_MS = 10_000;
/** Discovery documents, JWKS, token and userinfo answers are small; anything bigger is refused. */
export const MAX_UPSTREAM_BODY = 512 * 1024;
export const MAX_GROUPS = 1000;
const MAX_GROUP_LENGTH = 256;

export class UpstreamTooLarge extends Error {
  override readonly name = 'UpstreamTooLarge';
}

/**
 * A fetch that aborts after 10 s (or the caller's signal) and buffers at most MAX_UPSTREAM_BODY
 * bytes of the answer. Redirects are the caller's (openid-client passes redirect: 'manual').
 */
export function boundedFetch(base: typeof fetch = fetch): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const timeout = AbortSignal.timeout(UPSTREAM_TIMEOUT_MS);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const res = await base(input, { redirect: 'manual', ...init, signal });
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_UPSTREAM_BODY) {
      await res.body?.cancel().catch(() => {});
      throw new UpstreamTooLarge(`upstream answer of ${declared} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > MAX_UPSTREAM_BODY) {
          await reader.cancel().catch(() => {});
          throw new UpstreamTooLarge(`upstream answer over ${MAX_UPSTREAM_BODY} bytes`);
        }
        chunks.push(value);
      }
    }
    const body = res.status === 204 || res.status === 304 ? null : Buffer.concat(chunks);
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  }) as typeof fetch;
}

// ─── settings ────────────────────────────────────────────────────────────────────────────────

export function str(settings: Record<string, unknown>, name: string, required: true): string;
export function str(settings: Record<string, unknown>, name: string, required?: false): string | undefined;
export function str(settings: Record<string, unknown>, name: string, required = false): string | undefined {
  const v = settings[name];
  if (v === undefined || v === null) {
    if (required) throw new SignInConfigError(`settings.${name} is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v.length === 0 || v.length > 2048 || /[\u0000-\u001f\u007f]/.test(v)) {
    throw new SignInConfigError(`settings.${name} must be a non-empty string`);
  }
  return v;
}

export function strList(settings: Record<string, unknown>, name: string, max = 100): string[] | undefined {
  const v = settings[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length > max || !v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 256 && !/[\s\u0000-\u001f\u007f]/.test(x))) {
    throw new SignInConfigError(`settings.${name} must be a list of at most ${max} non-empty strings without spaces`);
  }
  return v as string[];
}

/** An upstream base URL: https (or http on loopback when insecure issuers are allowed), no credentials, query or fragment. */
export function upstreamUrl(raw: string, name: string, allowInsecure: boolean): URL {
  const u = fetchableUrl(raw, allowInsecure);
  if (!u || u.search || u.hash || raw.includes('?') || raw.includes('#')) {
    throw new SignInConfigError(`settings.${name} must be an https URL without credentials, query or fragment${allowInsecure ? ' (or http on a loopback host)' : ''}`);
  }
  return u;
}

export function rejectUnknown(settings: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(settings)) {
    if (!known.includes(k)) throw new SignInConfigError(`settings.${k} is not a setting of this connector type (known: ${known.join(', ')})`);
  }
}

// ─── claims ──────────────────────────────────────────────────────────────────────────────────

const NOT_TEXT = /[\u0000-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isText = (s: string) => !NOT_TEXT.test(s);

/** A short printable string claim, else undefined. */
export function textClaim(v: unknown, max = 256): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= max && isText(v) ? v : undefined;
}

/** A groups claim: a list of strings (or one string); anything else is no groups. Too many groups is refused, not truncated. */
export function groupsOf(v: unknown): string[] {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
  if (list.length > MAX_GROUPS) throw new SignInError('identity_not_allowed', `The identity provider sent more than ${MAX_GROUPS} groups.`);
  const out: string[] = [];
  for (const g of list) {
    if (typeof g === 'string' && g.length > 0 && g.length <= MAX_GROUP_LENGTH && isText(g) && !out.includes(g)) out.push(g);
  }
  return out;
}

/** RFC 8176 methods that are a second factor (or stand for several). `pwd`, `kba`, `pin` alone are not. */
const MFA_METHODS = new Set(['mfa', 'mca', 'otp', 'hwk', 'swk', 'sms', 'tel', 'fpt', 'face', 'iris', 'retina', 'vbm', 'sc', 'pop']);

export function upstreamMfaOf(claims: Record<string, unknown>, now: Date): { authTime: Date } | undefined {
  const amr = Array.isArray(claims.amr) ? claims.amr : typeof claims.amr === 'string' ? [claims.amr] : [];
  if (!amr.some((m) => typeof m === 'string' && MFA_METHODS.has(m))) return undefined;
  const t = typeof claims.auth_time === 'number' ? claims.auth_time : typeof claims.iat === 'number' ? claims.iat : undefined;
  return { authTime: t !== undefined && Number.isSafeInteger(t) ? new Date(t * 1000) : now };
}

/** Only an OAuth error code goes on the page and in the log: never the description or URI the upstream chose. */
export function upstreamErrorCode(v: string | null | undefined): string {
  return v && /^[a-z0-9_.-]{1,64}$/i.test(v) ? v : 'error';
}
