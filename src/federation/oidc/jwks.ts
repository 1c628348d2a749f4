import * as jose from 'jose';
import { AwsError, Errors } from '../../errors/index.js';
import { fetchableUrl } from './issuer-url.js';

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
  keys: KeySet;
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
   * Verifies the JWS signature of `token` with the issuer's keys (only `algorithms`), refreshing
   * the key set once if no key matches. Returns the verified payload bytes.
   */
  async verifySignature(issuer: string, token: string, algorithms: string[]): Promise<Uint8Array> {
    let entry = this.entries.get(issuer);
    const t = this.clock();
    if (!entry || t - entry.fetchedAt > this.ttlMs) entry = await this.refresh(issuer, entry === undefined);
    const first = await attempt(token, entry.keys, algorithms);
    if (first) return first;
    // Unknown kid: the IdP may have rotated. One refetch, rate-limited per issuer.
    if (this.clock() - entry.lastAttempt >= this.refetchIntervalMs) {
      entry = await this.refresh(issuer, false);
      const second = await attempt(token, entry.keys, algorithms);
      if (second) return second;
    }
    throw Errors.invalidIdentityToken(NO_KEY);
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
      entry = { keys: jose.createLocalJWKSet({ keys: [] }), fetchedAt: -Infinity, lastAttempt: -Infinity, inflight: undefined, failedAt: -Infinity };
      this.entries.set(issuer, entry);
    }
    const e = entry;
    e.lastAttempt = now;
    e.inflight = (async () => {
      try {
        const jwks = await this.load(issuer);
        try {
          e.keys = jose.createLocalJWKSet(jwks);
        } catch (cause) {
          throw new AwsError('IDPCommunicationError', COMMUNICATION, 400, { cause });
        }
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

  private async load(issuer: string): Promise<jose.JSONWebKeySet> {
    const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const discovery = await this.getJson(discoveryUrl);
    const jwksUri = (discovery as { jwks_uri?: unknown }).jwks_uri;
    if (typeof jwksUri !== 'string' || !fetchableUrl(jwksUri, this.opts.allowInsecure)) {
      throw Errors.idpCommunicationError(COMMUNICATION);
    }
    const jwks = (await this.getJson(jwksUri)) as { keys?: unknown };
    if (!Array.isArray(jwks.keys)) throw Errors.idpCommunicationError(COMMUNICATION);
    return { keys: jwks.keys.filter((k): k is jose.JWK => typeof k === 'object' && k !== null) };
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

type KeySet = ReturnType<typeof jose.createLocalJWKSet>;

/** The verified payload; null when no key in the set matches the token's kid/alg. */
async function attempt(token: string, keys: KeySet, algorithms: string[]): Promise<Uint8Array | null> {
  try {
    return (await jose.compactVerify(token, keys, { algorithms })).payload;
  } catch (e) {
    if (e instanceof jose.errors.JWKSNoMatchingKey) return null;
    if (e instanceof jose.errors.JWKSMultipleMatchingKeys) {
      // No kid (or a shared kid): try each candidate key.
      for await (const key of e as unknown as AsyncIterable<jose.CryptoKey>) {
        try {
          return (await jose.compactVerify(token, key, { algorithms })).payload;
        } catch {
          /* next */
        }
      }
      throw Errors.invalidIdentityToken('Token signature invalid');
    }
    throw signatureError(e);
  }
}

function signatureError(e: unknown) {
  if (e instanceof jose.errors.JOSEAlgNotAllowed) return Errors.invalidIdentityToken('Unsupported token signing algorithm');
  return Errors.invalidIdentityToken('Token signature invalid');
}
