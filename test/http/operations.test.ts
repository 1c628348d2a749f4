import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { createLogger } from '../../src/log.js';
import { loadConfig, ConfigError } from '../../src/config/index.js';
import { stsClient } from '../support/clients.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

describe('operations endpoints', () => {
  it('/healthz is alive and /readyz checks database, cache, migrations, master key, key ring and invalidation bus', async () => {
    expect(await (await fetch(t.url + '/healthz')).text()).toBe('ok');
    const r = await fetch(t.url + '/readyz');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', cache: 'ok', migrations: 'ok', masterKey: 'ok', keys: 'ok', invalidations: 'ok' },
    });
  });

  it('/readyz is 503 when the database is unreachable', async () => {
    const inst = await t.replica();
    const saved = inst.services.db.ping;
    inst.services.db.ping = () => Promise.reject(new Error('down'));
    try {
      const r = await fetch(inst.url + '/readyz');
      expect(r.status).toBe(503);
      expect(((await r.json()) as { checks: Record<string, string> }).checks.database).toBe("unreachable");
    } finally {
      inst.services.db.ping = saved;
    }
  });

  it('/metrics counts requests by action and outcome with latency histograms', async () => {
    const sts = stsClient(t, t.root);
    await sts.send(new GetCallerIdentityCommand({}));
    await stsClient(t, { ...t.root, secretAccessKey: 'z'.repeat(40) })
      .send(new GetCallerIdentityCommand({}))
      .catch(() => {});
    const text = await (await fetch(t.url + '/metrics')).text();
    expect(text).toMatch(/tessera_requests_total\{service="sts",action="GetCallerIdentity",outcome="success"\} [1-9]/);
    expect(text).toMatch(/tessera_requests_total\{service="sts",action="GetCallerIdentity",outcome="SignatureDoesNotMatch"\} [1-9]/);
    expect(text).toMatch(/tessera_request_duration_seconds_bucket\{le="0\.005",service="sts",action="GetCallerIdentity"\}/);
  });
});

describe('logging', () => {
  it('redacts secrets wherever they appear in a log record', () => {
    let out = '';
    const sink = new Writable({ write: (c, _e, cb) => ((out += c), cb()) });
    const log = createLogger('info', sink);
    log.info({ secret: 's1', password: 'p1', creds: { secretAccessKey: 's2', sessionToken: 't1' }, headers: { authorization: 'AWS4 s3' } }, 'x');
    expect(out).not.toMatch(/s1|p1|s2|t1|s3/);
    expect(out).toContain('[redacted]');
  });
});

describe('configuration', () => {
  it('lists every bad key at once', () => {
    try {
      loadConfig({ PORT: '99999', TESSERA_ROOT_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', TESSERA_MASTER_KEY: 'short' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT');
      expect(problems).toContain('TESSERA_ROOT_SECRET_ACCESS_KEY');
      expect(problems).toContain('TESSERA_MASTER_KEY');
    }
  });

  it('has documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir: './.tessera', publicUrl: 'http://localhost:8080', partition: 'aws', allowInsecureIssuers: false, logLevel: 'info', autoMigrate: true });
    expect(loadConfig({ DATABASE_URL: 'postgres://x@y/z', TESSERA_MASTER_KEY: 'a'.repeat(64) }).autoMigrate).toBe(false);
  });
});
