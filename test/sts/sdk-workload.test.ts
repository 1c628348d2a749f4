import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { startTestOidcIdp, type TestOidcIdp } from '../fixtures/oidc-idp.js';
import { iamClient } from '../support/clients.js';

/**
 * The headline scenario: an unchanged AWS SDK program (and the aws CLI v1) configured only
 * through the standard environment variables gets credentials from Tessera for a token issued by
 * a real OIDC provider, and is allowed or denied IAM calls as the role's policies say.
 */
let t: TestTessera;
let idp: TestOidcIdp;
let dir: string;
const WORKLOAD = fileURLToPath(new URL('../fixtures/workload.mjs', import.meta.url));

function hasAws(): boolean {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const run = (cmd: string, args: string[], env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    execFile(cmd, args, { env: { ...clean, ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestTessera();
  idp = await startTestOidcIdp();
  dir = mkdtempSync(join(tmpdir(), 'tessera-workload-'));
  const iam = iamClient(t, t.root);
  const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [idp.audience] }));
  const prefix = idp.issuer.replace('http://', '');
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'ci-deployer',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: OpenIDConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${prefix}:sub`]: 'workload', [`${prefix}:aud`]: idp.audience } } }],
      }),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'ci-deployer',
      PolicyName: 'read-roles',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:ListRoles', 'iam:GetRole'], Resource: '*' }] }),
    }),
  );
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, await idp.token());
  env = {
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    AWS_ROLE_ARN: `arn:aws:iam::${t.accountId}:role/ci-deployer`,
    AWS_ROLE_SESSION_NAME: 'build-42',
    AWS_ENDPOINT_URL_STS: t.url,
    AWS_ENDPOINT_URL_IAM: t.url,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    HOME: dir,
  };
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a stock AWS SDK workload with web identity credentials', () => {
  it('sees its assumed-role identity and is allowed or denied IAM calls by the role policy', async () => {
    const r = await run(process.execPath, [WORKLOAD], env);
    expect(r.stderr.replace(/.*NodeDeprecationWarning[\s\S]*|\(node:\d+\)[^\n]*\n?/g, '')).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.identity).toMatchObject({ Account: t.accountId, Arn: `arn:aws:sts::${t.accountId}:assumed-role/ci-deployer/build-42` });
    expect(out.identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:build-42$/);
    expect(out.ListRoles).toBe('allowed');
    expect(out.ListUsers).toMatch(/^AccessDenied: User: arn:aws:sts::\d{12}:assumed-role\/ci-deployer\/build-42 is not authorized to perform: iam:ListUsers/);
  }, 60_000);

  it.skipIf(!hasAws())('the aws CLI v1 does the same through its web-identity provider', async () => {
    const who = await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], env);
    expect(who.stderr).toBe('');
    expect(JSON.parse(who.stdout)).toMatchObject({ Account: t.accountId, Arn: `arn:aws:sts::${t.accountId}:assumed-role/ci-deployer/build-42` });
    const roles = await run('aws', ['iam', 'list-roles', '--output', 'json'], env);
    expect(roles.code).toBe(0);
    expect(JSON.parse(roles.stdout).Roles.map((x: { RoleName: string }) => x.RoleName)).toContain('ci-deployer');
    const users = await run('aws', ['iam', 'list-users'], env);
    expect(users.code).toBe(255);
    expect(users.stderr).toMatch(/An error occurred \(AccessDenied\) when calling the ListUsers operation/);
  }, 60_000);
});
