import { describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { JwksStore } from '../../src/federation/oidc/jwks.js';
import { verifyWebIdentityToken, type OidcProviderRecord } from '../../src/federation/oidc/verify.js';
import { parseJws } from '../../src/federation/oidc/jws.js';
import { isAwsError } from '../../src/errors/index.js';

const ISSUER = 'https://idp.example.test/realms/ci';
const provider: OidcProviderRecord = { arn: 'arn:aws:iam::123456789012:oidc-provider/idp.example.test/realms/ci', url: ISSUER, clientIds: ['sts.amazonaws.com'] };

async function key(kid: string, alg: 'RS256' | 'ES256' = 'RS256') {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A fake issuer: discovery + JWKS served from memory, with a request log and an off switch. */
function fakeIssuer(initial: { jwk: jose.JWK }[]) {
  let keys = initial.map((k) => k.jwk);
  let up = true;
  const calls: string[] = [];
  const fetchFn = (async (url: string | URL) => {
    const u = String(url);
    calls.push(u);
    if (!up) throw new TypeError('fetch failed');
    if (u === `${ISSUER}/.well-known/openid-configuration`) return Response.json({ issuer: ISSUER, jwks_uri: `${ISSUER}/certs` });
    if (u === `${ISSUER}/certs`) return Response.json({ keys });
    return new Response('nope', { status: 404 });
  }) as typeof fetch;
  return {
    fetchFn,
    calls,
    rotate: (next: { jwk: jose.JWK }[]) => (keys = next.map((k) => k.jwk)),
    down: () => (up = false),
  };
}

const sign = (k: Awaited<ReturnType<typeof key>>, claims: Record<string, unknown> = {}, now = Math.floor(Date.now() / 1000)) =>
  new jose.SignJWT({ iss: ISSUER, aud: 'sts.amazonaws.com', sub: 'repo:org/app:ref:refs/heads/main', iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: k.alg, kid: k.kid })
    .sign(k.privateKey);

const code = (e: unknown) => (isAwsError(e) ? e.code : String(e));

describe('JwksStore', () => {
  it('fetches discovery and JWKS once, then serves from cache', async () => {
    const k1 = await key('k1');
    const idp = fakeIssuer([k1]);
    const store = new JwksStore({ allowInsecure: false, fetch: idp.fetchFn });
    for (let i = 0; i < 5; i++) await store.verifySignature(ISSUER, parseJws(await sign(k1)));
    expect(idp.calls).toHaveLength(2);
  });

  it('a rotated key (unknown kid) triggers one rate-limited refetch', async () => {
    const [k1, k2] = await Promise.all([key('k1'), key('k2', 'ES256')]);
    const idp = fakeIssuer([k1]);
    let clock = 1_000_000;
    const store = new JwksStore({ allowInsecure: false, fetch: idp.fetchFn, clock: () => clock, refetchIntervalMs: 30_000 });
    await store.verifySignature(ISSUER, parseJws(await sign(k1)));
    idp.rotate([k1, k2]);
    clock += 31_000;
    await store.verifySignature(ISSUER, parseJws(await sign(k2)));
    expect(idp.calls.filter((c) => c.endsWith('/certs'))).toHaveLength(2);
    // Unknown kids right after: no new fetch within the interval.
    for (let i = 0; i < 3; i++) {
      const e = await store.verifySignature(ISSUER, parseJws(await sign({ ...k1, kid: `x${i}` }))).catch((x) => x);
      expect(code(e)).toBe('InvalidIdentityToken');
    }
    expect(idp.calls.filter((c) => c.endsWith('/certs'))).toHaveLength(2);
  });

  it('an unreachable issuer is IDPCommunicationError; cached keys keep working when a refresh fails', async () => {
    const k1 = await key('k1');
    const idp = fakeIssuer([k1]);
    let clock = 0;
    const store = new JwksStore({ allowInsecure: false, fetch: idp.fetchFn, clock: () => clock, ttlMs: 60_000 });
    await store.verifySignature(ISSUER, parseJws(await sign(k1)));
    idp.down();
    clock += 120_000;
    await store.verifySignature(ISSUER, parseJws(await sign(k1)));
    const cold = new JwksStore({ allowInsecure: false, fetch: idp.fetchFn });
    const e = await cold.verifySignature(ISSUER, parseJws(await sign(k1))).catch((x) => x);
    expect(code(e)).toBe('IDPCommunicationError');
    expect(e.status).toBe(400);
  });

  it('refuses http issuers unless insecure loopback is allowed', async () => {
    const k1 = await key('k1');
    const store = new JwksStore({ allowInsecure: false, fetch: fakeIssuer([k1]).fetchFn });
    const e = await store.verifySignature('http://127.0.0.1:9/x', parseJws(await sign(k1))).catch((x) => x);
    expect(code(e)).toBe('IDPCommunicationError');
  });

  it('skips weak RSA keys in the JWKS', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256' };
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${enc({ alg: 'RS256', kid: 'weak' })}.${enc({ iss: ISSUER, aud: 'sts.amazonaws.com', sub: 's', exp: 9999999999 })}`;
    const token = `${input}.${cryptoSign('sha256', Buffer.from(input), weak.privateKey).toString('base64url')}`;
    const store = new JwksStore({ allowInsecure: false, fetch: fakeIssuer([{ jwk: jwk as jose.JWK }]).fetchFn });
    const e = await store.verifySignature(ISSUER, parseJws(token)).catch((x) => x);
    expect(code(e)).toBe('InvalidIdentityToken');
  });
});

describe('verifyWebIdentityToken (pinned clock)', () => {
  it('normalizes a valid token into a FederatedIdentity with AWS condition keys', async () => {
    const k1 = await key('k1');
    const store = new JwksStore({ allowInsecure: false, fetch: fakeIssuer([k1]).fetchFn });
    const now = new Date('2026-11-27T12:00:00Z');
    const token = await sign(k1, { amr: ['mfa'], azp: 'cli', 'https://aws.amazon.com/tags': { principal_tags: { env: ['prod'] }, transitive_tag_keys: ['env'] } }, now.getTime() / 1000);
    const id = await verifyWebIdentityToken(token, { findProvider: async () => provider, jwks: store, allowInsecure: false, now });
    expect(id).toMatchObject({
      kind: 'oidc',
      providerArn: provider.arn,
      keyPrefix: 'idp.example.test/realms/ci',
      subject: 'repo:org/app:ref:refs/heads/main',
      audience: 'sts.amazonaws.com',
      conditionKeys: {
        'idp.example.test/realms/ci:sub': 'repo:org/app:ref:refs/heads/main',
        'idp.example.test/realms/ci:aud': 'sts.amazonaws.com',
        'idp.example.test/realms/ci:amr': ['mfa'],
        'idp.example.test/realms/ci:azp': 'cli',
      },
      session: { tags: { env: 'prod' }, transitiveTagKeys: ['env'] },
    });
    // Past exp + 5 minutes.
    const later = new Date(now.getTime() + 601_000);
    const e = await verifyWebIdentityToken(token, { findProvider: async () => provider, jwks: store, allowInsecure: false, now: later }).catch((x) => x);
    expect(code(e)).toBe('ExpiredTokenException');
    expect(e.message).toBe(`Token expired: current date/time ${later.getTime() / 1000} must be before the expiration date/time ${now.getTime() / 1000 + 300}`);
  });

  it('an issuer that only differs by scheme or path is refused', async () => {
    const k1 = await key('k1');
    const store = new JwksStore({ allowInsecure: true, fetch: fakeIssuer([k1]).fetchFn });
    const token = await sign(k1, { iss: 'https://idp.example.test/realms/other' });
    const e = await verifyWebIdentityToken(token, { findProvider: async () => provider, jwks: store, allowInsecure: true, now: new Date() }).catch((x) => x);
    expect(code(e)).toBe('InvalidIdentityToken');
  });

  it('invalid tags claims are InvalidIdentityToken', async () => {
    const k1 = await key('k1');
    const store = new JwksStore({ allowInsecure: false, fetch: fakeIssuer([k1]).fetchFn });
    for (const tags of [{ principal_tags: { a: 'not-a-list' } }, { principal_tags: { a: ['x'] }, transitive_tag_keys: ['b'] }, { principal_tags: { 'aws:x': ['y'] } }]) {
      const e = await verifyWebIdentityToken(await sign(k1, { 'https://aws.amazon.com/tags': tags }), { findProvider: async () => provider, jwks: store, allowInsecure: false, now: new Date() }).catch((x) => x);
      expect(code(e)).toBe('InvalidIdentityToken');
    }
  });
});

describe('parseJws alg allow-list', () => {
  it('refuses alg names that are only inherited object properties', () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const alg of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      let err: unknown;
      try {
        parseJws(`${b64({ alg, kid: 'k1' })}.${b64({ iss: ISSUER })}.c2ln`);
      } catch (e) {
        err = e;
      }
      expect(isAwsError(err) && err.code === 'InvalidIdentityToken' && /Unsupported token signing algorithm/.test(err.message)).toBe(true);
    }
  });
});

/** Any number of fake issuers at https://idp-N.example.test, counting requests per issuer. */
function fakeIssuers(k: { jwk: jose.JWK }, o: { cacheControl?: string; down?: () => boolean; jwksBody?: () => ConstructorParameters<typeof Response>[0] } = {}) {
  const calls: string[] = [];
  const fetchFn = (async (url: string | URL) => {
    const u = new URL(String(url));
    calls.push(u.href);
    if (o.down?.()) throw new TypeError('fetch failed');
    const headers = o.cacheControl ? { 'cache-control': o.cacheControl } : undefined;
    if (u.pathname.endsWith('/.well-known/openid-configuration')) return Response.json({ issuer: u.origin, jwks_uri: `${u.origin}/certs` }, { headers });
    if (u.pathname === '/certs') return o.jwksBody ? new Response(o.jwksBody(), { headers }) : Response.json({ keys: [k.jwk] }, { headers });
    return new Response('nope', { status: 404 });
  }) as typeof fetch;
  return { fetchFn, calls };
}

describe('JwksStore bounds', () => {
  it('keys by the canonical provider URL: case of scheme/host, default port and trailing slashes share one entry', async () => {
    const k1 = await key('k1');
    const idp = fakeIssuers(k1);
    const store = new JwksStore({ allowInsecure: false, fetch: idp.fetchFn });
    const token = parseJws(await sign(k1));
    for (const url of [ISSUER, `${ISSUER}/`, `${ISSUER}//`, 'HTTPS://IDP.example.test/realms/ci', 'https://idp.example.test:443/realms/ci/']) {
      await store.verifySignature(url, token);
    }
    expect(idp.calls).toEqual([`${ISSUER}/.well-known/openid-configuration`, 'https://idp.example.test/certs']);
    expect(store.size).toBe(1);
    for (const bad of [`${ISSUER}?x`, `${ISSUER}#x`, 'https://user:pw@idp.example.test/realms/ci']) {
      expect(code(await store.verifySignature(bad, token).catch((x) => x))).toBe('IDPCommunicationError');
    }
    expect(idp.calls).toHaveLength(2);
  });

  it('holds at most maxProviders entries (LRU)', async () => {
    const k1 = await key('k1');
    const idp = fakeIssuers(k1);
    const store = new JwksStore({ allowInsecure: false, fetch: idp.fetchFn, maxProviders: 8 });
    const token = parseJws(await sign(k1));
    for (let i = 0; i < 50; i++) await store.verifySignature(`https://idp-${i}.example.test`, token);
    expect(store.size).toBe(8);
    expect(idp.calls).toHaveLength(100);
  });

  it('a down IdP is not hammered: one attempt per failure backoff, IDPCommunicationError meanwhile', async () => {
    const k1 = await key('k1');
    let clock = 0;
    const idp = fakeIssuers(k1, { down: () => true });
    const store = new JwksStore({ allowInsecure: false, fetch: idp.fetchFn, clock: () => clock, failureBackoffMs: 5_000 });
    const token = parseJws(await sign(k1));
    const results = await Promise.all(Array.from({ length: 50 }, () => store.verifySignature(ISSUER, token).catch((x) => code(x))));
    expect(new Set(results)).toEqual(new Set(['IDPCommunicationError']));
    for (let i = 0; i < 50; i++) expect(code(await store.verifySignature(ISSUER, token).catch((x) => x))).toBe('IDPCommunicationError');
    expect(idp.calls).toHaveLength(1); // the discovery request of the one attempt
    clock += 5_000;
    expect(code(await store.verifySignature(ISSUER, token).catch((x) => x))).toBe('IDPCommunicationError');
    expect(idp.calls).toHaveLength(2);
  });

  it('concurrent cold misses share one fetch', async () => {
    const k1 = await key('k1');
    const idp = fakeIssuers(k1);
    const store = new JwksStore({ allowInsecure: false, fetch: idp.fetchFn });
    const token = parseJws(await sign(k1));
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.verifySignature(i % 2 ? ISSUER : `${ISSUER}/`, token)));
    expect(idp.calls).toHaveLength(2);
  });

  it('honours Cache-Control max-age within bounds', async () => {
    const k1 = await key('k1');
    const token = parseJws(await sign(k1));
    const jwksFetches = (calls: string[]) => calls.filter((c) => c.endsWith('/certs')).length;
    for (const [cc, freshMs] of [
      ['public, max-age=120', 120_000],
      ['max-age=1', 60_000], // raised to minTtlMs
      ['no-store', 60_000],
      ['max-age=9999999', 24 * 3600_000], // capped at maxTtlMs
      [undefined, 10 * 60_000], // no header: ttlMs
    ] as const) {
      let clock = 0;
      const idp = fakeIssuers(k1, { cacheControl: cc });
      const store = new JwksStore({ allowInsecure: false, fetch: idp.fetchFn, clock: () => clock });
      await store.verifySignature(ISSUER, token);
      clock = freshMs - 1;
      await store.verifySignature(ISSUER, token);
      expect(jwksFetches(idp.calls), String(cc)).toBe(1);
      clock = freshMs;
      await store.verifySignature(ISSUER, token);
      expect(jwksFetches(idp.calls), String(cc)).toBe(2);
    }
  });

  it('a JWKS larger than maxBytes is refused while streaming (no Content-Length)', async () => {
    const k1 = await key('k1');
    let pulled = 0;
    const endless = () =>
      new ReadableStream<Uint8Array>({
        pull(c) {
          pulled++;
          c.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        },
      });
    const idp = fakeIssuers(k1, { jwksBody: endless });
    const store = new JwksStore({ allowInsecure: false, fetch: idp.fetchFn, maxBytes: 256 * 1024 });
    const e = await store.verifySignature(ISSUER, parseJws(await sign(k1))).catch((x) => x);
    expect(code(e)).toBe('IDPCommunicationError');
    expect(pulled).toBeLessThanOrEqual(6);
  });
});
