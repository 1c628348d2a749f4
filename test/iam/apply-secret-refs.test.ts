import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSecret } from '../../src/iam/gitops/cli.js';
import { ApplyError } from '../../src/iam/gitops/apply.js';

/**
 * Review of issue 11 (`tessera apply` signInConnectors): an apply document is reviewable text,
 * often from a repository others write to, and a connector's secret is sent to the upstream its
 * settings name (the client secret at the token endpoint). A reference must therefore never
 * resolve to Tessera's own secrets — `{ "env": "TESSERA_MASTER_KEY" }`, DATABASE_URL (with its
 * password), the data directory's master.key — which would hand the installation's master key
 * to whoever controls that upstream. And a `file` that never ends (/dev/zero) must not hang apply.
 */
let dir: string;
let dataDir: string;
const env = { TESSERA_MASTER_KEY: 'MASTER-KEY-VALUE', TESSERA_ROOT_SECRET_ACCESS_KEY: 'ROOT-SECRET', DATABASE_URL: 'postgres://u:pw@db/x', REDIS_URL: 'redis://:pw@r', GIT_SECRET: 'fine-secret' };
const refusal = (p: Promise<string>) =>
  p.then(
    (v) => `resolved to ${v}`,
    (e: unknown) => (e instanceof ApplyError ? e.message : `not an ApplyError: ${String(e)}`),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'review-apply-'));
  dataDir = join(dir, '.tessera');
  await mkdir(dataDir);
  await writeFile(join(dataDir, 'master.key'), 'MASTER-KEY-FILE\n');
  await symlink(join(dataDir, 'master.key'), join(dir, 'innocent.pem'));
  await writeFile(join(dir, 'client.secret'), 'file-secret\n');
  await writeFile(join(dir, 'huge'), 'x'.repeat(70_000));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('apply secret references never reach Tessera\'s own secrets', () => {
  it('refuses the variables Tessera\'s configuration reads, even when set', async () => {
    for (const v of ['TESSERA_MASTER_KEY', 'TESSERA_ROOT_SECRET_ACCESS_KEY', 'DATABASE_URL', 'REDIS_URL']) {
      expect(await refusal(resolveSecret({ env: v }, 'clientSecret', env, { dataDir }))).toBe(`secret clientSecret: ${v} is Tessera's own configuration, never a connector secret`);
    }
    expect(await resolveSecret({ env: 'GIT_SECRET' }, 'clientSecret', env, { dataDir })).toBe('fine-secret');
  });

  it('refuses files in the data directory, however the path reaches them', async () => {
    for (const f of [join(dataDir, 'master.key'), join(dataDir, '..', '.tessera', 'master.key'), join(dir, 'innocent.pem')]) {
      expect(await refusal(resolveSecret({ file: f }, 'spPrivateKey', env, { dataDir }))).toBe(`secret spPrivateKey: ${f} is in Tessera's data directory, never a connector secret`);
    }
    expect(await resolveSecret({ file: join(dir, 'client.secret') }, 'clientSecret', env, { dataDir })).toBe('file-secret');
  });

  it('reads only regular files of at most 64 KB: /dev/zero, a directory and a huge file are refused at once', async () => {
    for (const f of ['/dev/zero', dir, join(dir, 'huge')]) {
      expect(await refusal(resolveSecret({ file: f }, 'clientSecret', env, { dataDir }))).toBe(`secret clientSecret: ${f} is not a regular file of at most 65536 bytes`);
    }
  });
});
