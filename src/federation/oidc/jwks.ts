import { AwsError, Errors } from '../../errors/index.js';
import { fetchableUrl } from './issuer-url.js';
import { candidates, importJwks, verifyJws, type ParsedJws, type VerificationKey } from './jws.js';

/**
 * Per-process cache of each issuer's signing keys: discovery (`/.well-known/openid-configuration`)
 * → `jwks_uri` → JWKS, fetched with a timeout and a size cap, kept for `ttlMs`. A token whose key
 * is not in the cached set (the IdP rotated keys) triggers ONE refetch, at most once per
 * `refetchIntervalMs` per issuer, so a flood of tokens with made-up `kid`s cannot turn Tessera into
 * a traffic amplifier. Concurrent misses share one in-flight fetch. When a refresh fails but keys
 * are cached, the stale keys keep working; with nothing cached the failure is IDPCommunicationError.
 * Tessera fetches nothing but the issuer's discovery document and the JWKS it names.
 */
export interface JwksStoreOptions {
  allowInsecure: boolean;
  /** How long a fetched key set is used before it is refreshed. Default 10 minutes. */
  ttlMs?: number;
  /** Minimum spacing of unknown-kid refetches per issuer. Default 30 s. */
  refetchIntervalMs?: number;
  /** Per-request timeout. Default 3 s. */
  timeoutMs?: number;
  /** Largest discovery document / JWKS accepted, bytes. Default 512 KiB. */
  maxBytes?: number;
  /** Monotonic-ish clock for cache ages (not the request time). Default Date.now. */
  clock?: () => number;
  fetch?: typeof fetch;
}

interface Entry {
  keys: VerificationKey[];
  fetchedAt: number;
  lastAttempt: number;
  inflight: Promise<void> | undefined;
  failedAt: number;
}

const COMMUNICATION =
  'The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached. Try the request again.';
const NO_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

export class JwksStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly refetchIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly clock: () => number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: JwksStoreOptions) {
    this.ttlMs = opts.ttlMs ?? 10 * 60_000;
    this.refetchIntervalMs = opts.refetchIntervalMs ?? 30_000;
    this.timeoutMs = opts.timeoutMs ?? 3_000;
    this.maxBytes = opts.maxBytes ?? 512 * 1024;
    this.clock = opts.clock ?? Date.now;
    this.fetchFn = opts.fetch ?? fetch;
  }

  /**
   * Verifies the signature of `jws` with the issuer's keys, refreshing the key set once if no
   * key matches its kid/alg. Throws InvalidIdentityToken (bad signature, no key) or
   * IDPCommunicationError (keys never fetched).
   */
  async verifySignature(issuer: string, jws: ParsedJws): Promise<void> {
    let entry = this.entries.get(issuer);
    if (!entry || this.clock() - entry.fetchedAt > this.ttlMs) entry = await this.refresh(issuer, entry === undefined);
    let keys = candidates(entry.keys, jws);
    // Unknown kid: the IdP may have rotated. One refetch, rate-limited per issuer.
    if (keys.length === 0 && this.clock() - entry.lastAttempt >= this.refetchIntervalMs) {
      entry = await this.refresh(issuer, false);
      keys = candidates(entry.keys, jws);
    }
    if (keys.length === 0) throw Errors.invalidIdentityToken(NO_KEY);
    for (const k of keys) if (verifyJws(jws, k)) return;
    throw Errors.invalidIdentityToken('Token signature invalid');
  }

  /** Drop everything (tests; provider deleted). */
  clear(issuer?: string): void {
    if (issuer === undefined) this.entries.clear();
    else this.entries.delete(issuer);
  }

  private async refresh(issuer: string, required: boolean): Promise<Entry> {
    let entry = this.entries.get(issuer);
    if (entry?.inflight) {
      await entry.inflight;
      return this.entries.get(issuer) ?? this.fail(issuer);
    }
    const now = this.clock();
    if (!entry) {
      entry = { keys: [], fetchedAt: -Infinity, lastAttempt: -Infinity, inflight: undefined, failedAt: -Infinity };
      this.entries.set(issuer, entry);
    }
    const e = entry;
    e.lastAttempt = now;
    e.inflight = (async () => {
      try {
        e.keys = await this.load(issuer);
        e.fetchedAt = this.clock();
      } catch (err) {
        e.failedAt = this.clock();
        if (required || e.fetchedAt === -Infinity) throw err;
        // Keep serving the stale set; try again after the refetch interval.
        e.fetchedAt = this.clock() - this.ttlMs + this.refetchIntervalMs;
      } finally {
        e.inflight = undefined;
      }
    })();
    try {
      await e.inflight;
    } catch (err) {
      if (e.fetchedAt === -Infinity) this.entries.delete(issuer);
      throw err;
    }
    return e;
  }

  private fail(_issuer: string): never {
    throw Errors.idpCommunicationError(COMMUNICATION);
  }

  private async load(issuer: string): Promise<VerificationKey[]> {
    const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const discovery = await this.getJson(discoveryUrl);
    const jwksUri = (discovery as { jwks_uri?: unknown }).jwks_uri;
    if (typeof jwksUri !== 'string' || !fetchableUrl(jwksUri, this.opts.allowInsecure)) {
      throw Errors.idpCommunicationError(COMMUNICATION);
    }
    try {
      return importJwks(await this.getJson(jwksUri));
    } catch (cause) {
      if (cause instanceof AwsError) throw cause;
      throw new AwsError('IDPCommunicationError', COMMUNICATION, 400, { cause });
    }
  }

  private async getJson(url: string): Promise<unknown> {
    if (!fetchableUrl(url, this.opts.allowInsecure)) throw Errors.idpCommunicationError(COMMUNICATION);
    try {
      const res = await this.fetchFn(url, {
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
        headers: { accept: 'application/json' },
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > this.maxBytes) throw new Error('response too large');
      const buf = Buffer.from(await res.arrayBuffer());
      if (buf.length > this.maxBytes) throw new Error('response too large');
      return JSON.parse(buf.toString('utf8')) as unknown;
    } catch (e) {
      if (e instanceof AwsError) throw e;
      throw new AwsError('IDPCommunicationError', COMMUNICATION, 400, { cause: e });
    }
  }
}

