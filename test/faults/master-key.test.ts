import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateVirtualMFADeviceCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { iamClient, rejection } from '../support/clients.js';
import { startCluster, startPrivatePostgres, startPrivateRedis, stopAll, type Cluster, type PrivatePostgres } from '../support/faults.js';
import { bootstrap } from '../../src/iam/bootstrap.js';
import { createDb } from '../../src/store/db.js';
import { seal } from '../../src/keys/envelope.js';
import { rotateMasterKey } from '../../src/keys/rotate.js';
import { WRONG_KEY_MESSAGE } from '../../src/keys/master-check.js';
import { openConnectorSecrets, sealConnectorSecrets } from '../../src/federation/registry.js';

/**
 * A replica started with the wrong TESSERA_MASTER_KEY refuses to start, before writing anything:
 * the sealed columns are byte-for-byte what they were. A key-ring row that does not open does
 * not take the ring down, and /readyz says so. Master-key rotation re-wraps everything.
 */
const ROOT = join(import.meta.dirname, '..', '..');

let pg: PrivatePostgres;
let cluster: Cluster;

async function sealedSnapshot(): Promise<string[]> {
  const r = await pg.query<{ k: string }>(`
    SELECT 'access_keys ' || access_key_id || ' ' || encode(secret_sealed, 'hex') AS k FROM access_keys
    UNION ALL SELECT 'mfa_devices ' || serial_number || ' ' || encode(seed_sealed, 'hex') FROM mfa_devices
    UNION ALL SELECT 'sts_keys ' || kid || ' ' || encode(material_sealed, 'hex') FROM sts_keys
    UNION ALL SELECT 'sign_in_connectors ' || id || ' ' || encode(secrets_sealed, 'hex') FROM sign_in_connectors
    UNION ALL SELECT 'settings ' || key || ' ' || value::text FROM settings
    ORDER BY 1`);
  return r.rows.map((x) => x.k);
}

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const redis = await startPrivateRedis();
  cluster = await startCluster({ pg, redis, replicas: 1 });
  const iam = iamClient(cluster, cluster.root);
  await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'sealed-seed' }));
  await cluster.replicas[0]!.services.keys.current('session', new Date());
  // A sign-in connector's sealed secrets (a row as CreateSignInConnector writes it).
  await pg.query(
    `INSERT INTO sign_in_connectors (id, account_id, type, display_name, provider_arn, secrets_sealed) VALUES ('sealed', $1, 'oidc', 'Sealed', $2, $3)`,
    [cluster.accountId, `arn:aws:iam::${cluster.accountId}:oidc-provider/idp.example`, sealConnectorSecrets(cluster.masterKey, cluster.accountId, 'sealed', { clientSecret: 's3cret' })],
  );
}, 120_000);

afterAll(async () => {
  await stopAll();
}, 60_000);

describe('wrong master key', () => {
  it('a replica with another key refuses to start and changes no sealed byte', async () => {
    const before = await sealedSnapshot();
    expect(before.filter((x) => x.startsWith('settings master_key_check'))).toHaveLength(1);
    expect(before.filter((x) => x.startsWith('sts_keys'))).toHaveLength(1);

    const wrong = randomBytes(32);
    const err = await rejection(cluster.addReplica({ masterKey: wrong }));
    expect(err.name).toBe('MasterKeyError');
    expect(err.message).toBe(WRONG_KEY_MESSAGE);

    // Bootstrap with configured root credentials (which used to re-seal the root secret) refuses too.
    const db = createDb(pg.url, { max: 1 });
    try {
      const b = await rejection(
        bootstrap(db, { masterKey: wrong, accountId: cluster.accountId, rootAccessKeyId: cluster.root.accessKeyId, rootSecretAccessKey: cluster.root.secretAccessKey }),
      );
      expect(b.message).toBe(WRONG_KEY_MESSAGE);
      // The right key with the same configured secret rewrites nothing either.
      await bootstrap(db, { masterKey: cluster.masterKey, accountId: cluster.accountId, rootAccessKeyId: cluster.root.accessKeyId, rootSecretAccessKey: cluster.root.secretAccessKey });
    } finally {
      await db.close();
    }
    expect(await sealedSnapshot()).toEqual(before);

    // The real command: exits non-zero with one line, no stack trace, and writes nothing.
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'serve'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: pg.url,
        TESSERA_MASTER_KEY: wrong.toString('base64'),
        TESSERA_ROOT_ACCESS_KEY_ID: cluster.root.accessKeyId,
        TESSERA_ROOT_SECRET_ACCESS_KEY: cluster.root.secretAccessKey,
        PORT: '0',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').filter((l) => !/node >=22|upgrade|a\.co\/|trace-warnings|AWS SDK|^\s*$|NodeDeprecationWarning|security updates|bug fixes/.test(l))).toEqual([
      `tessera: ${WRONG_KEY_MESSAGE}`,
    ]);
    expect(await sealedSnapshot()).toEqual(before);
  }, 90_000);

  it('a key-ring row that does not open is skipped, and /readyz says this replica cannot open it', async () => {
    const r = cluster.replicas[0]!;
    const now = new Date();
    const live = await r.services.keys.current('session', now);
    // A newer session key sealed under another master key (what a wrongly keyed replica used to mint).
    const kid = 's-foreignkey000000001';
    await pg.query(
      `INSERT INTO sts_keys (kid, purpose, material_sealed, activates_at, retires_at, expires_at) VALUES ($1, 'session', $2, $3, $4, $5)`,
      [kid, seal(randomBytes(32), randomBytes(32), kid), new Date(now.getTime() - 1000), new Date(now.getTime() + 3600_000), new Date(now.getTime() + 7200_000)],
    );
    await r.services.keys.reload(now);
    expect((await r.services.keys.current('session', now)).kid).toBe(live.kid);
    const jwks = await fetch(`${r.url}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    const ready = await fetch(`${r.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect(body.checks.keys).toBe(`cannot open 1 key-ring key(s) (${kid}): sealed under another master key`);
    expect(body.checks.masterKey).toBe('ok');
    await pg.query('DELETE FROM sts_keys WHERE kid = $1', [kid]);
    await r.services.keys.reload(now);
    expect((await fetch(`${r.url}/readyz`)).status).toBe(200);
  }, 30_000);

  it('rotate-master-key re-wraps every sealed value; the old key is then refused', async () => {
    const before = await sealedSnapshot();
    const next = randomBytes(32);
    const db = createDb(pg.url, { max: 1 });
    try {
      // A wrong "old" key changes nothing.
      expect((await rejection(rotateMasterKey(db, randomBytes(32), next))).message).toBe(WRONG_KEY_MESSAGE);
      expect(await sealedSnapshot()).toEqual(before);
      const r = await rotateMasterKey(db, cluster.masterKey, next);
      // root key, one MFA seed, and the session + two JWT keys (JWKS above created them).
      expect(r.rewrapped).toEqual({ 'access_keys.secret_sealed': 1, 'mfa_devices.seed_sealed': 1, 'sts_keys.material_sealed': 3, 'sign_in_connectors.secrets_sealed': 1, 'sign_in_mfa.seed_sealed': 0 });
      const row = (await pg.query<{ secrets_sealed: Buffer }>(`SELECT secrets_sealed FROM sign_in_connectors WHERE id = 'sealed'`)).rows[0]!;
      expect(openConnectorSecrets(next, cluster.accountId, 'sealed', row.secrets_sealed)).toEqual({ clientSecret: 's3cret' });
    } finally {
      await db.close();
    }
    const after = await sealedSnapshot();
    expect(after).toHaveLength(before.length);
    for (let i = 0; i < after.length; i++) expect(after[i]).not.toBe(before[i]);
    // The replica still on the old key reports it; one on the new key serves the same root key.
    const stale = await fetch(`${cluster.replicas[0]!.url}/readyz`).then((x) => x.json() as Promise<{ checks: Record<string, string> }>);
    expect(stale.checks.masterKey).toBe("wrong key: this replica cannot open the database's sealed data");
    expect((await rejection(cluster.addReplica({ masterKey: cluster.masterKey }))).message).toBe(WRONG_KEY_MESSAGE);
    const fresh = await cluster.addReplica({ masterKey: next });
    const out = await iamClient(fresh, cluster.root).send(new GetUserCommand({}));
    expect(out.User?.Arn).toBe(`arn:aws:iam::${cluster.accountId}:root`);
    expect(await fresh.services.keys.problem(new Date())).toBeUndefined();
  }, 30_000);
});
