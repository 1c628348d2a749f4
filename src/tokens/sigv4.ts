import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Errors } from '../errors/index.js';
import { regionSet } from './regions.js';

/**
 * AWS Signature Version 4 verification, header (`Authorization: AWS4-HMAC-SHA256 …`) and
 * presigned-query (`X-Amz-Signature=…`) forms. Pure apart from the secret lookup. The credential
 * scope must name a real AWS region (src/tokens/regions.ts) or one of the configured extra regions,
 * as AWS refuses any other ("Credential should be scoped to a valid region, not 'x'. ",
 * SignatureDoesNotMatch 403); the service must be one the caller allows.
 */
export interface SignedRequest {
  method: string;
  /** Raw request target as received (path plus optional ?query). */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes. */
  body: Buffer;
}

export interface SigV4Claims {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  sessionToken: string | undefined;
  presigned: boolean;
  expiresSeconds: number | undefined;
}

export interface VerifyOptions {
  now: Date;
  services: readonly string[];
  /** Resolve the secret for an access key id; null when unknown. */
  lookupSecret: (accessKeyId: string, claims: SigV4Claims) => Promise<string | null> | string | null;
  /** Cache of derived signing keys (key = secret-id|date|region|service). */
  keyCache?: Map<string, Buffer>;
  maxSkewMs?: number;
  /** Regions a credential scope may name. Default: AWS's (regionSet()). */
  regions?: ReadonlySet<string>;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const sha256hex = (d: string | Buffer) => createHash('sha256').update(d).digest('hex');
const hmac = (k: string | Buffer, d: string) => createHmac('sha256', k).update(d, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it. */
export const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function headerValue(h: SignedRequest['headers'], name: string): string | undefined {
  const v = h[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw Errors.malformedQueryString('The request contains a malformed percent-encoded sequence.');
  }
}

function splitQuery(raw: string): [string, string][] {
  if (!raw) return [];
  return raw
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const i = p.indexOf('=');
      return i === -1 ? [safeDecode(p), ''] : [safeDecode(p.slice(0, i)), safeDecode(p.slice(i + 1))];
    });
}

/** Does this request carry SigV4 authentication in either form? */
export function hasSignature(req: { headers: SignedRequest['headers']; query: string }): boolean {
  return headerValue(req.headers, 'authorization') !== undefined || /(^|&)X-Amz-Signature=/i.test(req.query) || /(^|&)X-Amz-Credential=/.test(req.query);
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([^,\s]+)\s*$/;

function parseCredential(cred: string) {
  const parts = cred.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    throw Errors.incompleteSignature(
      `Credential should be scoped to a valid region. Credential should be scoped with a valid terminator: 'aws4_request', not '${parts[parts.length - 1] ?? ''}'.`,
    );
  }
  const [accessKeyId, date, region, service] = parts as [string, string, string, string, string];
  if (!/^\d{8}$/.test(date)) throw Errors.incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${date}'.`);
  if (!accessKeyId) throw Errors.incompleteSignature('Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.');
  return { accessKeyId, date, region, service };
}

function parseAmzDate(s: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return null;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? null : t;
}

const fmtAmz = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export function parseSignature(req: SignedRequest): SigV4Claims {
  const q = req.url.indexOf('?');
  const rawQuery = q === -1 ? '' : req.url.slice(q + 1);
  const auth = headerValue(req.headers, 'authorization');
  if (auth !== undefined) {
    if (!auth.startsWith(ALGORITHM)) {
      throw Errors.incompleteSignature(`Unsupported AWS 'algorithm': '${auth.split(/\s/)[0] ?? ''}'.`);
    }
    const m = AUTH_RE.exec(auth);
    if (!m) {
      const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !auth.includes(`${k}=`));
      throw Errors.incompleteSignature(
        missing.length
          ? `Authorization header requires '${missing[0]}' parameter. Authorization=${auth.replace(/Signature=\S*/, 'Signature=')}`
          : 'Authorization header is malformed.',
      );
    }
    const { accessKeyId, date, region, service } = parseCredential(m[1]!);
    const amzDate = headerValue(req.headers, 'x-amz-date') ?? '';
    if (!amzDate) {
      throw Errors.incompleteSignature(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    return {
      accessKeyId,
      date,
      region,
      service,
      signedHeaders: m[2]!.split(';'),
      signature: m[3]!,
      amzDate,
      sessionToken: headerValue(req.headers, 'x-amz-security-token'),
      presigned: false,
      expiresSeconds: undefined,
    };
  }
  const qp = new Map(splitQuery(rawQuery));
  const sig = qp.get('X-Amz-Signature');
  const cred = qp.get('X-Amz-Credential');
  if (sig === undefined && cred === undefined) throw Errors.missingAuthenticationToken();
  for (const k of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']) {
    if (!qp.get(k)) throw Errors.incompleteSignature(`AWS query-string parameters must include '${k}'. Re-examine the query-string parameters.`);
  }
  if (qp.get('X-Amz-Algorithm') !== ALGORITHM) throw Errors.incompleteSignature(`Unsupported AWS 'algorithm': '${qp.get('X-Amz-Algorithm')}'.`);
  const { accessKeyId, date, region, service } = parseCredential(cred!);
  const expiresRaw = qp.get('X-Amz-Expires');
  let expiresSeconds: number | undefined;
  if (expiresRaw !== undefined) {
    if (!/^\d{1,6}$/.test(expiresRaw) || Number(expiresRaw) > 604800) {
      throw Errors.incompleteSignature('X-Amz-Expires must be a non-negative integer no greater than 604800 (seven days).');
    }
    expiresSeconds = Number(expiresRaw);
  }
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: qp.get('X-Amz-SignedHeaders')!.split(';'),
    signature: qp.get('X-Amz-Signature')!,
    amzDate: qp.get('X-Amz-Date')!,
    sessionToken: qp.get('X-Amz-Security-Token'),
    presigned: true,
    expiresSeconds,
  };
}

/** Non-S3 services encode each segment of the path as sent once more (so `%20` becomes `%2520`). */
function canonicalPath(path: string): string {
  if (path === '' || path === '/') return '/';
  return path
    .split('/')
    .map((s) => uriEncode(s))
    .join('/');
}

function canonicalQuery(rawQuery: string, dropSignature: boolean): string {
  return splitQuery(rawQuery)
    .filter(([k]) => !(dropSignature && k === 'X-Amz-Signature'))
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function signingKey(secret: string, c: SigV4Claims, cache?: Map<string, Buffer>): Buffer {
  const id = `${c.accessKeyId}|${sha256hex(secret).slice(0, 16)}|${c.date}|${c.region}|${c.service}`;
  const hit = cache?.get(id);
  if (hit) return hit;
  const k = hmac(hmac(hmac(hmac('AWS4' + secret, c.date), c.region), c.service), 'aws4_request');
  if (cache) {
    if (cache.size > 10_000) cache.clear();
    cache.set(id, k);
  }
  return k;
}

/** Verify a request's SigV4 signature; returns its claims or throws the AWS error. */
export async function verifySigV4(req: SignedRequest, opts: VerifyOptions): Promise<SigV4Claims> {
  const c = parseSignature(req);
  if (!opts.services.includes(c.service)) {
    throw Errors.incompleteSignature(`Credential should be scoped to correct service: '${opts.services[0]}'. `);
  }
  if (!(opts.regions ?? regionSet()).has(c.region)) {
    throw Errors.invalidRegionScope(c.region);
  }
  const t = parseAmzDate(c.amzDate);
  if (t === null) throw Errors.incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${c.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  if (!c.amzDate.startsWith(c.date)) {
    throw Errors.signatureDoesNotMatch();
  }
  if (!c.signedHeaders.includes('host')) {
    throw Errors.incompleteSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const now = opts.now.getTime();
  const skew = opts.maxSkewMs ?? 15 * 60_000;
  if (c.presigned) {
    const expires = c.expiresSeconds ?? 900;
    if (t - now > skew) {
      throw Errors.signatureExpired(`Signature not yet current: ${c.amzDate} is still later than ${fmtAmz(now + skew)} (${fmtAmz(now)} + 15 min.)`);
    }
    if (now > t + expires * 1000) {
      throw Errors.requestExpired('Request has expired.');
    }
  } else if (now - t > skew) {
    throw Errors.signatureExpired(`Signature expired: ${c.amzDate} is now earlier than ${fmtAmz(now - skew)} (${fmtAmz(now)} - 15 min.)`);
  } else if (t - now > skew) {
    throw Errors.signatureExpired(`Signature not yet current: ${c.amzDate} is still later than ${fmtAmz(now + skew)} (${fmtAmz(now)} + 15 min.)`);
  }
  if (!/^[0-9a-f]{64}$/.test(c.signature)) throw Errors.signatureDoesNotMatch();

  const secret = await opts.lookupSecret(c.accessKeyId, c);
  if (secret === null) throw Errors.invalidClientTokenId();

  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  const rawQuery = q === -1 ? '' : req.url.slice(q + 1);
  const canonHeaders = c.signedHeaders
    .map((n) => {
      const v = headerValue(req.headers, n);
      return `${n}:${(v ?? '').trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  // The payload hash is always computed from the bytes received: STS and IAM do not accept
  // UNSIGNED-PAYLOAD, and a claimed x-amz-content-sha256 only counts as a signed header.
  const payloadHash = req.body.length === 0 ? EMPTY_SHA256 : sha256hex(req.body);
  const canonical = [req.method, canonicalPath(path), canonicalQuery(rawQuery, c.presigned), canonHeaders, c.signedHeaders.join(';'), payloadHash].join('\n');
  const scope = `${c.date}/${c.region}/${c.service}/aws4_request`;
  const stringToSign = [ALGORITHM, c.amzDate, scope, sha256hex(canonical)].join('\n');
  const key = signingKey(secret, c, opts.keyCache);
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(c.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(expected, given)) throw Errors.signatureDoesNotMatch();
  return c;
}
