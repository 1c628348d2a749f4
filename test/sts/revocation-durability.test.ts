import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CreateRoleCommand, CreateSAMLProviderCommand } from '@aws-sdk/client-iam';
import { Redis } from 'ioredis';
import { startTestTessera, type TestInstance, type TestTessera } from '../support/tessera.js';
import { idpMetadata, makeIdpKeys, samlResponse, type IdpKeys } from '../fixtures/saml-idp.js';
import { CANARY_KEY, MARKER_KEY } from '../../src/sts/revocation.js';
import { asCreds, iamClient, iamExtension, makeRole, makeUser, stsClient, trustAws, type Creds } from './support.js';

/**
 * Security state survives the cache restarting empty: this file runs its OWN redis-server
 * (no persistence), kills it with SIGKILL and starts it again empty on the same port, under two
 * Tessera replicas. Revoked sessions (and their chained descendants) stay refused and a used
 * SAML assertion stays used: Postgres is the source of truth, the cache is rebuilt from it.
 */
let redis: ChildProcess | undefined;
let port = 0;
let t: TestTessera;
let r2: TestInstance;
let keys: IdpKeys;
let providerArn = '';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('redis-server did not start');
}

async function killRedis(): Promise<void> {
  const p = redis;
  if (!p || p.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}


const outcome = async (url: string, c: Creds) => (await stsClient(url, c).send(new GetCallerIdentityCommand({})).then(() => 'ok', (e) => e.name as string));
const roleArn = (n: string) => `arn:aws:iam::${t.accountId}:role/${n}`;
const saml = (url: string, b64: string) =>
  stsClient(url, { accessKeyId: 'x', secretAccessKey: 'x' })
    .send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn('DurableSaml'), PrincipalArn: providerArn, SAMLAssertion: b64 }))
    .then(() => 'ok', (e) => `${e.name}: ${e.message}`);

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  t = await startTestTessera({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  r2 = await t.replica();
  keys = await makeIdpKeys();
  const iam = iamClient(t.url, t.root);
  providerArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Durable', SAMLMetadataDocument: idpMetadata('https://idp.durable.test/metadata', keys) }))).SAMLProviderArn!;
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'DurableSaml',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithSAML' }] }),
    }),
  );
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await killRedis();
});

describe('after the cache restarts empty', () => {
  it('revoked sessions (and sessions chained from them) stay refused and a used SAML assertion stays used, on both replicas', async () => {
    const alice = await makeUser(t, 'alice');
    const a = await makeRole(t, 'DurA', [trustAws(alice.arn)]);
    const b = await makeRole(t, 'DurB', [trustAws(a.arn)]);
    const assume = async (url: string, c: Creds, arn: string, n: string) =>
      asCreds((await stsClient(url, c).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: n }))).Credentials);
    const revoked = await assume(t.url, alice.creds, a.arn, 'gone');
    const child = await assume(r2.url, revoked, b.arn, 'gone-child');
    const kept = await assume(t.url, alice.creds, a.arn, 'kept');
    await iamExtension(t.url, t.root, 'RevokeSession', { AccessKeyId: revoked.accessKeyId });
    const c = await makeRole(t, 'DurC', [trustAws(alice.arn)]);
    const old = await assume(t.url, alice.creds, c.arn, 'old-c');
    await iamExtension(r2.url, t.root, 'RevokeRoleSessions', { RoleName: 'DurC' });
    const { b64 } = samlResponse(keys, {
      idpEntityId: 'https://idp.durable.test/metadata',
      audience: t.services.config.saml.acsUrl,
      acsUrl: t.services.config.saml.acsUrl,
      roles: [`${roleArn('DurableSaml')},${providerArn}`],
      sessionName: 'alice@durable.test',
    });
    expect(await saml(t.url, b64)).toBe('ok');
    await new Promise((r) => setTimeout(r, 300)); // past every replica's memo
    for (const url of [t.url, r2.url]) {
      for (const s of [revoked, child, old]) expect(await outcome(url, s)).toBe('InvalidClientTokenId');
      expect(await outcome(url, kept)).toBe('ok');
    }

    await killRedis();
    await startRedis(); // same port, no data

    // From the moment Redis is back (and while the replicas reconnect), a revoked session is
    // never accepted: each answer is a refusal or ServiceUnavailable, and settles on refusal.
    const seen: string[] = [];
    const deadline = Date.now() + 15_000;
    let settled = false;
    while (!settled && Date.now() < deadline) {
      const answers = await Promise.all([t.url, r2.url].flatMap((url) => [revoked, child, old].map((s) => outcome(url, s))));
      seen.push(...answers);
      settled = answers.every((x) => x === 'InvalidClientTokenId');
      if (!settled) await new Promise((r) => setTimeout(r, 50));
    }
    if (process.env.SHOW_SEEN) console.log([...new Set(seen)], seen.length);
    expect(seen).not.toContain('ok');
    expect(settled).toBe(true);
    expect([...new Set(seen)].filter((x) => x !== 'InvalidClientTokenId' && x !== 'ServiceUnavailable')).toEqual([]);
    for (const url of [t.url, r2.url]) {
      expect(await outcome(url, kept)).toBe('ok');
      expect(await saml(url, b64)).toBe('InvalidIdentityTokenException: This SAML assertion has already been used');
    }
    // The replicas rebuilt the new, empty Redis from Postgres: the markers vouch for it again.
    let vouched = false;
    for (let i = 0; i < 100 && !vouched; i++) {
      const [cn, mk] = await t.services.cache.getMany([CANARY_KEY, MARKER_KEY]);
      vouched = cn !== null && cn === mk && (await t.services.cache.get(`sts:revoked:key:${revoked.accessKeyId}`)) === '1';
      if (!vouched) await new Promise((r) => setTimeout(r, 50));
    }
    expect(vouched).toBe(true);
  }, 60_000);
});
