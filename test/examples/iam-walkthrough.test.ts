import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

const SCRIPT = fileURLToPath(new URL('../../examples/iam-walkthrough.sh', import.meta.url));

const has = (cmd: string) => {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
// The script needs the aws CLI and jq (both on this machine's image).
const hasAws = has('aws') && has('jq');

describe.skipIf(!hasAws)('examples/iam-walkthrough.sh with the real aws CLI', () => {
  let t: TestTessera;
  beforeAll(async () => {
    t = await startTestTessera();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('runs the scenario end to end and exits 0', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'bash',
        [SCRIPT],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '/tmp',
            TESSERA_URL: t.url,
            AWS_ACCESS_KEY_ID: t.root.accessKeyId,
            AWS_SECRET_ACCESS_KEY: t.root.secretAccessKey,
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
            WALK_SUFFIX: 't1',
          },
          timeout: 240_000,
          maxBuffer: 4 * 1024 * 1024,
        },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    if (code !== 0) console.error(stdout + '\n' + stderr);
    expect(stderr).not.toMatch(/FAIL/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/# all \d+ checks passed/);
    expect(stdout).toContain('AccessDenied message is AWS');
  }, 300_000);
});
