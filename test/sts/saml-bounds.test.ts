import { beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleWithSAMLCommand } from '@aws-sdk/client-sts';
import { CreateRoleCommand, CreateSAMLProviderCommand } from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { assertionXml, b64, idpMetadata, makeIdpKeys, responseXml, samlResponse, sign, type AssertionOptions, type IdpKeys } from '../fixtures/saml-idp.js';
import { iamClient, rejection, stsClient } from '../support/clients.js';
import { probeWhile } from '../support/latency.js';
import { workerPool } from '../../src/workers/pool.js';

/**
 * AssumeRoleWithSAML, bounded and fresh (hardening items 6 and 10): a response must be redeemed
 * within 5 minutes of its IssueInstant and not be issued in the future; structural bombs are
 * refused before any DOM is built; parsing and signature checks run off the event loop; a worker
 * crash costs one request, not the server.
 */
let t: TestTessera;
let keys: IdpKeys;
let attacker: IdpKeys;
let providerArn: string;
const ENTITY = 'https://idp.example.test/metadata';
useTessera((started) => {
  t = started;
});

const roleArn = () => `arn:aws:iam::${t.accountId}:role/Saml`;
const opts = (o: Partial<AssertionOptions> = {}): AssertionOptions => ({
  idpEntityId: ENTITY,
  audience: t.services.config.saml.spEntityId,
  acsUrl: t.services.config.saml.acsUrl,
  roles: [`${roleArn()},${providerArn}`],
  sessionName: 'alice@example.test',
  ...o,
});
const sts = () => stsClient(t, { accessKeyId: 'x', secretAccessKey: 'x' });
const assume = (assertion: string) => sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn(), PrincipalArn: providerArn, SAMLAssertion: assertion }));
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

beforeAll(async () => {
  [keys, attacker] = await Promise.all([makeIdpKeys(), makeIdpKeys('attacker')]);
  const iam = iamClient(t, t.root);
  providerArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idpMetadata(ENTITY, keys) }))).SAMLProviderArn!;
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithSAML' }] };
  await iam.send(new CreateRoleCommand({ RoleName: 'Saml', AssumeRolePolicyDocument: JSON.stringify(trust) }));
}, 120_000);

describe('SAML freshness (IssueInstant)', () => {
  it('accepts a response issued 4 minutes ago', async () => {
    const out = await assume(samlResponse(keys, opts({ now: minutes(-4), validForSeconds: 3600 })).b64);
    expect(out.Subject).toBe('alice');
  }, 60_000);

  it('refuses a response issued 6 minutes ago: ExpiredTokenException, as AWS words it', async () => {
    const e = await rejection(assume(samlResponse(keys, opts({ now: minutes(-6), validForSeconds: 3600 })).b64));
    expect(e.name).toBe('ExpiredTokenException');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.message).toBe('Token must be redeemed within 5 minutes of issuance');
  }, 60_000);

  it('the signed Assertion IssueInstant counts too (an unsigned Response cannot refresh it)', async () => {
    const o = opts({ validForSeconds: 3600 });
    const old = assertionXml({ ...o, now: minutes(-6), notBefore: minutes(-7) });
    const xml = responseXml({ ...o, now: new Date() }, sign(old.xml, keys, 'Assertion'));
    const e = await rejection(assume(b64(xml)));
    expect(e.name).toBe('ExpiredTokenException');
    expect(e.message).toBe('Token must be redeemed within 5 minutes of issuance');
  }, 60_000);

  it('refuses a response issued 10 minutes in the future (beyond clock skew): InvalidIdentityToken', async () => {
    const e = await rejection(assume(samlResponse(keys, opts({ now: minutes(10), notBefore: minutes(-1), validForSeconds: 3600 })).b64));
    expect(e.name).toBe('InvalidIdentityTokenException');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.message).toBe('SAML response IssueInstant is in the future');
  }, 60_000);
});

describe('structural bombs are refused before parsing', () => {
  const bomb = (inside: string) => b64(responseXml(opts(), assertionXml(opts()).xml, inside));
  it.each([
    ['5,000 elements', `<samlp:Extensions>${'<x/>'.repeat(5000)}</samlp:Extensions>`, 'Invalid SAML response: too many elements'],
    ['nesting 40 deep', `<samlp:Extensions>${'<x>'.repeat(40)}${'</x>'.repeat(40)}</samlp:Extensions>`, 'Invalid SAML response: too many nested elements'],
    ['40 attributes on one element', `<samlp:Extensions><x ${Array.from({ length: 40 }, (_, i) => `a${i}="1"`).join(' ')}/></samlp:Extensions>`, 'Invalid SAML response: too many attributes'],
    ['9,000 attributes in all', `<samlp:Extensions>${`<x ${Array.from({ length: 30 }, (_, i) => `a${i}="1"`).join(' ')}/>`.repeat(300)}</samlp:Extensions>`, 'Invalid SAML response: too many attributes'],
  ])('%s: InvalidIdentityToken', async (_n, inside, message) => {
    const assertion = bomb(inside);
    expect(assertion.length).toBeLessThanOrEqual(100_000);
    const e = await rejection(assume(assertion));
    expect(e.name).toBe('InvalidIdentityTokenException');
    expect(e.message).toBe(message);
  }, 60_000);
});

describe('SAML verification runs off the event loop', () => {
  it('health checks and GetCallerIdentity answer within 100 ms while 100 KB SAML responses are verified', async () => {
    // Close to the 100,000-character limit, with hundreds of elements, signed by the wrong key:
    // every one goes through parsing, canonicalization and signature verification, then fails.
    const values = Array.from({ length: 330 }, (_, i) => `group-${i}-${'x'.repeat(20)}`);
    const heavy = () => samlResponse(attacker, opts({ extraAttributes: { 'urn:oid:1.3.6.1.4.1.5923.1.1.1.7': values } })).b64;
    const sample = heavy();
    expect(sample.length).toBeGreaterThan(90_000);
    expect(sample.length).toBeLessThanOrEqual(100_000);
    const first = await rejection(assume(sample)); // also starts the SAML workers
    expect(first.message).toBe('Response signature invalid');
    const batch = Array.from({ length: 12 }, heavy);
    const gci = stsClient(t, t.root);
    const idle = await probeWhile(t.url, gci, new Promise((r) => setTimeout(r, 1_500)));
    console.log(`idle: ${idle.probes} probes, event-loop stall ${idle.eventLoopDelay.toFixed(1)} ms, max healthz ${idle.healthz.toFixed(1)} ms, max GetCallerIdentity ${idle.callerIdentity.toFixed(1)} ms`);
    const run = (async () => {
      // Four at a time (two per SAML worker, so one always waits in the queue), back to back.
      for (let i = 0; i < batch.length; i += 4) {
        const errors = await Promise.all(batch.slice(i, i + 4).map((a) => rejection(assume(a))));
        for (const e of errors) expect(e.message).toBe('Response signature invalid');
      }
    })();
    const max = await probeWhile(t.url, gci, run);
    console.log(`saml: ${max.probes} probes, event-loop stall ${max.eventLoopDelay.toFixed(1)} ms, max healthz ${max.healthz.toFixed(1)} ms, max GetCallerIdentity ${max.callerIdentity.toFixed(1)} ms`);
    expect(max.probes).toBeGreaterThan(5);
    expect(max.healthz).toBeLessThan(100);
    // The bound the hardening issue sets is on the health check. A signed call also waits for its
    // audit row's group commit in Postgres, which shares the machine's cores with the rest of the
    // suite: it must never stall behind the heavy work (seconds, before), held to 500 ms here.
    expect(max.callerIdentity).toBeLessThan(500);
  }, 300_000);

  it('a crashed SAML worker costs no more than its request: the server keeps answering', async () => {
    const pool = workerPool('saml');
    await assume(samlResponse(keys, opts()).b64);
    const before = pool.replaced;
    const inFlight = assume(samlResponse(keys, opts()).b64).then(() => 'ok', (e: { name: string }) => e.name);
    await Promise.all(pool.workers().map((w) => w.terminate()));
    // Either it was answered before the crash, or it failed with the retryable 503.
    expect(['ok', 'ServiceUnavailable']).toContain(await inFlight);
    expect(pool.replaced).toBeGreaterThan(before);
    const out = await assume(samlResponse(keys, opts()).b64);
    expect(out.Subject).toBe('alice');
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  }, 120_000);
});
