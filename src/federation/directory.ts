import { Lru } from '../cache/lru.js';
import { INVALIDATION_CHANNEL, type Services } from '../services.js';
import { findOidcProviderByIssuer } from '../iam/providers/oidc-repo.js';
import { normalizeIssuer } from './oidc/issuer-url.js';
import { loadSamlProvider } from '../iam/providers/saml-repo.js';
import { findRole, type RoleRecord } from '../sts/roles.js';
import { JwksStore } from './oidc/jwks.js';
import type { OidcProviderRecord } from './oidc/verify.js';
import type { SamlProviderRecord, SamlServiceProvider } from './saml/verify.js';

/**
 * What federation reads on its hot path — roles (part B's `roles` table), OIDC and SAML
 * providers (part C's repositories) and each issuer's JWKS — cached per process so a warm
 * AssumeRoleWith* reads no Postgres row. Entries live `TTL_MS` and every replica drops them all
 * on any invalidation message (services.invalidate: role, policy or provider changed).
 * One directory per Services object.
 */

const TTL_MS = 5_000;
const MAX = 10_000;
const ROLE_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;

export function parseRoleArn(arn: string): { partition: string; accountId: string; roleName: string } | null {
  const m = ROLE_ARN.exec(arn);
  return m ? { partition: m[1]!, accountId: m[2]!, roleName: m[3]! } : null;
}

export class FederationDirectory {
  readonly jwks: JwksStore;
  private readonly roles = new Lru<string, RoleRecord | null>({ max: MAX, ttlMs: TTL_MS });
  private readonly oidc = new Lru<string, OidcProviderRecord | null>({ max: MAX, ttlMs: TTL_MS });
  /** Token `iss` → its normalized provider URL (a URL parse saved per request on the hot path). */
  private readonly issuers = new Lru<string, { url: string; resource: string } | null>({ max: 1000 });
  private readonly saml = new Lru<string, SamlProviderRecord | null>({ max: MAX, ttlMs: TTL_MS });
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(private readonly services: Services) {
    this.jwks = new JwksStore({ allowInsecure: services.config.allowInsecureIssuers });
  }

  clear(): void {
    this.roles.clear();
    this.oidc.clear();
    this.saml.clear();
  }

  /** The role named by `arn` (account + case-insensitive name; a path must be the role's), or null. */
  role(arn: string): Promise<RoleRecord | null> {
    const parsed = parseRoleArn(arn);
    if (!parsed || parsed.partition !== this.services.config.partition) return Promise.resolve(null);
    return this.cached(this.roles, `r:${arn}`, arn, () => findRole(this.services, arn));
  }

  /**
   * The account's provider whose URL `issuer` normalizes to, or null. Cached by the NORMALIZED
   * URL, so variants of one issuer share an entry; an issuer that is not a URL Tessera accepts
   * reads nothing.
   */
  oidcProvider(accountId: string, issuer: string): Promise<OidcProviderRecord | null> {
    let n = this.issuers.get(issuer);
    if (n === undefined) {
      n = normalizeIssuer(issuer, true);
      this.issuers.set(issuer, n);
    }
    if (!n) return Promise.resolve(null);
    const key = `${accountId}|${n.url}`;
    return this.cached(this.oidc, `o:${key}`, key, async () => {
      const p = await findOidcProviderByIssuer(this.services.db, accountId, n.url);
      return p ? { arn: p.arn, url: p.url, clientIds: p.clientIds, thumbprints: p.thumbprints } : null;
    });
  }

  samlProvider(arn: string): Promise<SamlProviderRecord | null> {
    return this.cached(this.saml, `s:${arn}`, arn, async () => {
      const p = await loadSamlProvider(this.services.db, arn);
      return p ? { arn: p.arn, name: p.name, entityId: p.entityId, signingCertificates: p.signingCertificates, validUntil: p.validUntil } : null;
    });
  }

  /** The SAML SP values Tessera accepts (config.saml). */
  samlServiceProvider(): SamlServiceProvider {
    const { spEntityId, acsUrl, acceptAwsSp } = this.services.config.saml;
    return {
      audiences: acceptAwsSp ? [spEntityId, 'urn:amazon:webservices', 'https://signin.aws.amazon.com/saml'] : [spEntityId],
      recipients: acceptAwsSp ? [acsUrl, 'https://signin.aws.amazon.com/saml'] : [acsUrl],
    };
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

const directories = new WeakMap<Services, FederationDirectory>();

/** The directory of these services, created (and subscribed to invalidations) on first use. */
export function federationDirectory(services: Services): FederationDirectory {
  let d = directories.get(services);
  if (!d) {
    const dir = new FederationDirectory(services);
    d = dir;
    directories.set(services, dir);
    void services.cache.subscribe(INVALIDATION_CHANNEL, () => dir.clear()).catch(() => {});
  }
  return d;
}
