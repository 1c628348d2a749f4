import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestTessera } from './tessera.js';

export const run = promisify(execFile);

/** Whether the real `aws` CLI is installed (the CLI walkthroughs skip without it). */
export const hasAwsCli = await run('aws', ['--version']).then(
  () => true,
  () => false,
);

/** `aws iam <args>` against `t` as its root user, with no local AWS config; the parsed JSON output. */
export async function awsIam(t: TestTessera, ...args: string[]): Promise<any> {
  const { stdout } = await run('aws', ['--endpoint-url', t.url, '--output', 'json', 'iam', ...args], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: t.root.accessKeyId, AWS_SECRET_ACCESS_KEY: t.root.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
  });
  return stdout.trim() ? JSON.parse(stdout) : {};
}
