import { Lru } from '../cache/lru.js';
import { JwksStore } from './oidc/jwks.js';
import type { OidcProviderRecord } from './oidc/verify.js';
import type { SamlProviderRecord, SamlServiceProvider } from './saml/verify.js';

/**
 * What federation reads on its hot path — roles, OIDC and SAML providers, and each issuer's
 * JWKS — cached per process so a warm AssumeRoleWith* reads no Postgres row. Entries live
 * `TTL_MS`; `clear()` drops them all (the composition root calls it on every invalidation
 * message: role, policy or provider changed). Built once, by the composition root, from its
 * sources (src/sts/federation-directory.ts wires them to the store): this port knows nothing of
 * STS, IAM or storage.
 */
const TTL_MS = 5_000;
const MAX = 10_000;
const ROLE_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;

export function parseRoleArn(arn: string): { partition: string; accountId: string; roleName: string } | null {
  const m = ROLE_ARN.exec(arn);
  return m ? { partition: m[1]!, accountId: m[2]!, roleName: m[3]! } : null;
}

/** Where the directory loads what it caches from. */
export interface FederationSources<R> {
  /** The role named by `arn` (its path, when given, must be the role's), or null. */
  role(arn: string): Promise<R | null>;
  /**
   * A token's `iss` as the provider URL it names (`url`, the form providers are stored under),
   * or null when it is not an issuer URL Tessera accepts. Pure; memoized by the directory.
   */
  normalizeIssuer(iss: string): { url: string } | null;
  /** The account's OIDC provider registered for the normalized issuer `url`, or null. */
  oidcProvider(accountId: string, url: string): Promise<OidcProviderRecord | null>;
  samlProvider(arn: string): Promise<SamlProviderRecord | null>;
  /** The OIDC provider with exactly this ARN (sign-in connectors name their provider by ARN), or null. */
  oidcProviderByArn(arn: string): Promise<OidcProviderRecord | null>;
}

export interface FederationDirectoryOptions {
  partition: string;
  allowInsecureIssuers: boolean;
  /** The SAML SP values Tessera accepts (audiences, recipients). */
  samlServiceProvider: SamlServiceProvider;
}

export class FederationDirectory<R extends object = object> {
  readonly jwks: JwksStore;
  private readonly roles = new Lru<string, R | null>({ max: MAX, ttlMs: TTL_MS });
  private readonly oidc = new Lru<string, OidcProviderRecord | null>({ max: MAX, ttlMs: TTL_MS });
  /** Token `iss` → its normalized provider URL (a URL parse saved per request on the hot path). */
  private readonly issuers = new Lru<string, { url: string } | null>({ max: 1000 });
  private readonly saml = new Lru<string, SamlProviderRecord | null>({ max: MAX, ttlMs: TTL_MS });
  private readonly oidcByArn = new Lru<string, OidcProviderRecord | null>({ max: MAX, ttlMs: TTL_MS });
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly sources: FederationSources<R>,
    private readonly opts: FederationDirectoryOptions,
  ) {
    this.jwks = new JwksStore({ allowInsecure: opts.allowInsecureIssuers });
  }

  clear(): void {
    this.roles.clear();
    this.oidc.clear();
    this.saml.clear();
    this.oidcByArn.clear();
  }

  /** The OIDC provider with this ARN, or null (a sign-in connector's provider: read at every sign-in). */
  oidcProviderByArn(arn: string): Promise<OidcProviderRecord | null> {
    return this.cached(this.oidcByArn, `a:${arn}`, arn, () => this.sources.oidcProviderByArn(arn));
  }

  /** The role named by `arn` (account + case-insensitive name; a path must be the role's), or null. */
  role(arn: string): Promise<R | null> {
    const parsed = parseRoleArn(arn);
    if (!parsed || parsed.partition !== this.opts.partition) return Promise.resolve(null);
    return this.cached(this.roles, `r:${arn}`, arn, () => this.sources.role(arn));
  }

  /**
   * The account's provider whose URL `issuer` normalizes to, or null. Cached by the NORMALIZED
   * URL, so variants of one issuer share an entry; an issuer that is not a URL Tessera accepts
   * reads nothing.
   */
  oidcProvider(accountId: string, issuer: string): Promise<OidcProviderRecord | null> {
    let n = this.issuers.get(issuer);
    if (n === undefined) {
      n = this.sources.normalizeIssuer(issuer);
      this.issuers.set(issuer, n);
    }
    if (!n) return Promise.resolve(null);
    const url = n.url;
    const key = `${accountId}|${url}`;
    return this.cached(this.oidc, `o:${key}`, key, () => this.sources.oidcProvider(accountId, url));
  }

  samlProvider(arn: string): Promise<SamlProviderRecord | null> {
    return this.cached(this.saml, `s:${arn}`, arn, () => this.sources.samlProvider(arn));
  }

  /** The SAML SP values Tessera accepts (config.saml). */
  samlServiceProvider(): SamlServiceProvider {
    return this.opts.samlServiceProvider;
  }

  private async cached<V>(lru: Lru<string, V>, flightKey: string, key: string, load: () => Promise<V>): Promise<V> {
    const hit = lru.get(key);
    if (hit !== undefined) return hit;
    const pending = this.inflight.get(flightKey) as Promise<V> | undefined;
    if (pending) return pending;
    const p = load()
      .then((v) => {
        lru.set(key, v);
        return v;
      })
      .finally(() => this.inflight.delete(flightKey));
    this.inflight.set(flightKey, p);
    return p;
  }
}
