import { Lru } from '../../cache/lru.js';
import { AwsError, Errors } from '../../errors/index.js';
import { fetchableUrl, normalizeIssuer } from './issuer-url.js';
import { candidates, importJwks, verifyJws, type ParsedJws, type VerificationKey } from './jws.js';

/**
 * Per-process cache of each REGISTERED provider's signing keys: discovery
 * (`<provider>/.well-known/openid-configuration`) → `jwks_uri` → JWKS.
 *
 * - Keyed by the provider's canonical URL (`scheme://host[:port]/path`, no trailing slash, lower-case
 *   host, default port dropped), never by a token's raw `iss`: `iss/`, `iss//`, a host in upper case…
 *   all land on the one entry of their provider. Callers pass the registered provider URL; the
 *   token's `iss` has already been matched to it (verify.ts), so an unregistered `iss` costs no fetch.
 * - Bounded: at most `maxProviders` entries (LRU).
 * - Fresh for the response's `Cache-Control: max-age` clamped to [`minTtlMs`, `maxTtlMs`], else `ttlMs`.
 * - A token whose key is not in the cached set (the IdP rotated keys) triggers ONE refetch, at most
 *   once per `refetchIntervalMs` per provider, so made-up `kid`s cannot turn Tessera into a traffic
 *   amplifier. A failed fetch is not retried for `failureBackoffMs` (a down IdP is not hammered;
 *   callers get IDPCommunicationError at once). Concurrent misses share one in-flight fetch.
 * - When a refresh fails but keys are cached, the stale keys keep working.
 * - Each request has a timeout (`timeoutMs`, body included) and a body cap (`maxBytes`, enforced
 *   while streaming, not after buffering), follows no redirect, and sends no credentials.
 */
export interface JwksStoreOptions {
  allowInsecure: boolean;
  /** How long a fetched key set is used when the IdP sends no max-age. Default 10 minutes. */
  ttlMs?: number;
  /** Bounds applied to a Cache-Control max-age. Defaults 1 minute (or ttlMs if smaller) and 1 day. */
  minTtlMs?: number;
  maxTtlMs?: number;
  /** Minimum spacing of unknown-kid refetches per provider. Default 30 s. */
  refetchIntervalMs?: number;
  /** After a failed fetch, no new attempt for this long per provider. Default 5 s. */
  failureBackoffMs?: number;
  /** Per-request timeout. Default 3 s. */
  timeoutMs?: number;
  /** Largest discovery document / JWKS accepted, bytes. Default 512 KiB. */
  maxBytes?: number;
  /** Most providers whose keys are held. Default 1000. */
  maxProviders?: number;
  /** Monotonic-ish clock for cache ages (not the request time). Default Date.now. */
  clock?: () => number;
  fetch?: typeof fetch;
}

interface Entry {
  /** null until a fetch succeeded. */
  keys: VerificationKey[] | null;
  freshUntil: number;
  lastAttempt: number;
  /** Time of the last failed attempt (-Infinity when the last attempt succeeded). */
  failedAt: number;
  inflight: Promise<void> | undefined;
}

const COMMUNICATION =
  'The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached. Try the request again.';
const NO_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

const communication = (cause?: unknown) => Errors.idpCommunicationError(COMMUNICATION, cause);

/**
 * The canonical form of a provider URL (the cache key), or null when Tessera may not fetch from
 * it: `scheme://host[:port]/path` without trailing slashes, query, fragment or credentials.
 */
export function canonicalProviderUrl(url: string, allowInsecure: boolean): string | null {
  const memoKey = `${allowInsecure ? 1 : 0}${url}`;
  const known = canonicalMemo.get(memoKey);
  if (known !== undefined) return known;
  const out = normalizeIssuer(url, allowInsecure)?.url ?? null;
  canonicalMemo.set(memoKey, out);
  return out;
}
/** Provider URLs seen (registered providers: few), so the hot path parses each once. */
const canonicalMemo = new Lru<string, string | null>({ max: 1000 });

/** Seconds of `Cache-Control: max-age` (0 for no-store/no-cache), or undefined. */
export function maxAgeOf(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/(?:^|,)\s*(?:no-store|no-cache)\s*(?:,|$)/i.test(header)) return 0;
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d{1,10})"?\s*(?:,|$)/i.exec(header);
  return m ? Number(m[1]) : undefined;
}

export class JwksStore {
  private readonly entries: Lru<string, Entry>;
  private readonly ttlMs: number;
  private readonly minTtlMs: number;
  private readonly maxTtlMs: number;
  private readonly refetchIntervalMs: number;
  private readonly failureBackoffMs: number;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly clock: () => number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: JwksStoreOptions) {
    this.ttlMs = opts.ttlMs ?? 10 * 60_000;
    this.minTtlMs = opts.minTtlMs ?? Math.min(60_000, this.ttlMs);
    this.maxTtlMs = Math.max(opts.maxTtlMs ?? 24 * 3600_000, this.minTtlMs);
    this.refetchIntervalMs = opts.refetchIntervalMs ?? 30_000;
    this.failureBackoffMs = opts.failureBackoffMs ?? 5_000;
    this.timeoutMs = opts.timeoutMs ?? 3_000;
    this.maxBytes = opts.maxBytes ?? 512 * 1024;
    this.clock = opts.clock ?? Date.now;
    this.fetchFn = opts.fetch ?? fetch;
    this.entries = new Lru({ max: opts.maxProviders ?? 1000 });
  }

  /** Providers whose keys are held (tests). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Verifies the signature of `jws` with the keys of the provider registered at `providerUrl`,
   * refreshing the key set once if no key matches its kid/alg. Throws InvalidIdentityToken (bad
   * signature, no key) or IDPCommunicationError (keys could not be fetched).
   */
  async verifySignature(providerUrl: string, jws: ParsedJws): Promise<void> {
    const key = canonicalProviderUrl(providerUrl, this.opts.allowInsecure);
    if (key === null) throw communication();
    let entry = this.entries.get(key);
    if (!entry || entry.keys === null || this.clock() >= entry.freshUntil) entry = await this.refresh(key, entry);
    let keys = candidates(entry.keys ?? [], jws);
    // Unknown kid: the IdP may have rotated. One refetch, rate-limited per provider.
    if (keys.length === 0 && this.clock() - entry.lastAttempt >= this.refetchIntervalMs) {
      entry = await this.refresh(key, entry, true);
      keys = candidates(entry.keys ?? [], jws);
    }
    if (keys.length === 0) throw Errors.invalidIdentityToken(NO_KEY);
    for (const k of keys) if (verifyJws(jws, k)) return;
    throw Errors.invalidIdentityToken('Token signature invalid');
  }

  /** Drop everything, or one provider's keys (tests; provider deleted). */
  clear(providerUrl?: string): void {
    if (providerUrl === undefined) this.entries.clear();
    else this.entries.delete(canonicalProviderUrl(providerUrl, true) ?? providerUrl);
  }

  /** The entry with keys as fresh as the rate limits allow; throws when it has none. */
  private async refresh(key: string, existing: Entry | undefined, force = false): Promise<Entry> {
    let e = existing ?? this.entries.get(key);
    if (!e) {
      e = { keys: null, freshUntil: -Infinity, lastAttempt: -Infinity, failedAt: -Infinity, inflight: undefined };
      this.entries.set(key, e);
    }
    const entry = e;
    if (!entry.inflight) {
      const now = this.clock();
      const backingOff = entry.failedAt >= entry.lastAttempt && now - entry.failedAt < this.failureBackoffMs;
      const fresh = entry.keys !== null && now < entry.freshUntil && !force;
      if (!backingOff && !fresh) {
        entry.lastAttempt = now;
        entry.inflight = this.load(key)
          .then(({ keys, maxAgeSec }) => {
            entry.keys = keys;
            entry.failedAt = -Infinity;
            const ttl = maxAgeSec === undefined ? this.ttlMs : Math.min(this.maxTtlMs, Math.max(this.minTtlMs, maxAgeSec * 1000));
            entry.freshUntil = this.clock() + ttl;
          })
          .catch(() => {
            // Serve stale keys (if any) until the backoff has passed, then try again.
            entry.failedAt = this.clock();
            if (entry.keys !== null) entry.freshUntil = entry.failedAt + this.failureBackoffMs;
          })
          .finally(() => {
            entry.inflight = undefined;
          });
      }
    }
    if (entry.inflight) await entry.inflight;
    if (entry.keys === null) throw communication();
    return entry;
  }

  private async load(providerUrl: string): Promise<{ keys: VerificationKey[]; maxAgeSec: number | undefined }> {
    const discovery = await this.getJson(`${providerUrl}/.well-known/openid-configuration`);
    const jwksUri = (discovery.body as { jwks_uri?: unknown } | null)?.jwks_uri;
    if (typeof jwksUri !== 'string' || !fetchableUrl(jwksUri, this.opts.allowInsecure)) throw communication();
    const jwks = await this.getJson(jwksUri);
    const ages = [discovery.maxAgeSec, jwks.maxAgeSec].filter((a): a is number => a !== undefined);
    try {
      return { keys: importJwks(jwks.body), maxAgeSec: ages.length ? Math.min(...ages) : undefined };
    } catch (cause) {
      if (cause instanceof AwsError) throw cause;
      throw communication(cause);
    }
  }

  private async getJson(url: string): Promise<{ body: unknown; maxAgeSec: number | undefined }> {
    if (!fetchableUrl(url, this.opts.allowInsecure)) throw communication();
    try {
      const res = await this.fetchFn(url, {
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
        credentials: 'omit',
        headers: { accept: 'application/json' },
      });
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw new Error(`HTTP ${res.status}`);
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > this.maxBytes) {
        await res.body?.cancel().catch(() => {});
        throw new Error('response too large');
      }
      const buf = await readCapped(res, this.maxBytes);
      return { body: JSON.parse(buf.toString('utf8')) as unknown, maxAgeSec: maxAgeOf(res.headers.get('cache-control')) };
    } catch (e) {
      if (e instanceof AwsError) throw e;
      throw communication(e);
    }
  }
}

/** The body, refusing (and cancelling) it as soon as it exceeds `max` bytes. */
async function readCapped(res: Response, max: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw new Error('response too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}
