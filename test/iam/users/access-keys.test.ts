import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { useTessera, type TestTessera } from '../../support/tessera.js';
import { iamClient, rejection } from '../../support/clients.js';

let t: TestTessera;
let iam: IAMClient;
useTessera((started) => {
  t = started;
  iam = iamClient(t, t.root);
});

const hasAws = (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(`${d}/aws`));
const err = rejection;
const sts = (creds: { accessKeyId: string; secretAccessKey: string }, url = t.url) =>
  new STSClient({ endpoint: url, region: 'eu-west-1', credentials: creds, maxAttempts: 1 });

async function newKey(user: string) {
  const k = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
  return { accessKeyId: k.AccessKey!.AccessKeyId!, secretAccessKey: k.AccessKey!.SecretAccessKey! };
}

describe('access keys', () => {
  it('a new user key authenticates as the user; at most two keys', async () => {
    const u = await iam.send(new CreateUserCommand({ UserName: 'kuser', Path: '/svc/' }));
    const k = await iam.send(new CreateAccessKeyCommand({ UserName: 'kuser' }));
    expect(k.AccessKey).toMatchObject({ UserName: 'kuser', Status: 'Active' });
    expect(k.AccessKey!.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(k.AccessKey!.SecretAccessKey).toHaveLength(40);
    const id = await sts({ accessKeyId: k.AccessKey!.AccessKeyId!, secretAccessKey: k.AccessKey!.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
    expect(id).toMatchObject({ Account: t.accountId, Arn: `arn:aws:iam::${t.accountId}:user/svc/kuser`, UserId: u.User!.UserId });
    expect(id.UserId).toMatch(/^AIDA/);

    await iam.send(new CreateAccessKeyCommand({ UserName: 'kuser' }));
    const e = await err(iam.send(new CreateAccessKeyCommand({ UserName: 'kuser' })));
    expect(e.name).toBe('LimitExceededException');
    expect(e.message).toBe('Cannot exceed quota for AccessKeysPerUser: 2');
    expect(e.$metadata.httpStatusCode).toBe(409);
    const list = await iam.send(new ListAccessKeysCommand({ UserName: 'kuser' }));
    expect(list.AccessKeyMetadata).toHaveLength(2);
    expect(list.AccessKeyMetadata!.every((m) => m.UserName === 'kuser' && m.Status === 'Active')).toBe(true);
  });

  it('concurrent creates never exceed the quota', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'kracer' }));
    const r = await Promise.allSettled(Array.from({ length: 6 }, () => iam.send(new CreateAccessKeyCommand({ UserName: 'kracer' }))));
    expect(r.filter((x) => x.status === 'fulfilled')).toHaveLength(2);
  });

  it('deactivating or deleting a key makes it fail immediately, on every replica', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'kinv' }));
    const creds = await newKey('kinv');
    const replica = await t.replica();
    await sts(creds).send(new GetCallerIdentityCommand({}));
    await sts(creds, replica.url).send(new GetCallerIdentityCommand({})); // warm both caches

    await iam.send(new UpdateAccessKeyCommand({ UserName: 'kinv', AccessKeyId: creds.accessKeyId, Status: 'Inactive' }));
    expect((await err(sts(creds).send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
    const deadline = Date.now() + 1000;
    let last: any;
    while (Date.now() < deadline) {
      last = await sts(creds, replica.url).send(new GetCallerIdentityCommand({})).catch((e) => e);
      if (last?.name === 'InvalidClientTokenId') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(last?.name).toBe('InvalidClientTokenId');

    await iam.send(new UpdateAccessKeyCommand({ UserName: 'kinv', AccessKeyId: creds.accessKeyId, Status: 'Active' }));
    await sts(creds).send(new GetCallerIdentityCommand({}));
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'kinv', AccessKeyId: creds.accessKeyId }));
    const e = await err(sts(creds).send(new GetCallerIdentityCommand({})));
    expect(e.name).toBe('InvalidClientTokenId');
    expect(e.$metadata.httpStatusCode).toBe(403);
    const gone = await err(iam.send(new DeleteAccessKeyCommand({ UserName: 'kinv', AccessKeyId: creds.accessKeyId })));
    expect(gone.name).toBe('NoSuchEntityException');
    expect(gone.message).toBe(`The Access Key with id ${creds.accessKeyId} cannot be found.`);
  });

  it('GetAccessKeyLastUsed: N/A before use, then service and region', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'klast' }));
    const creds = await newKey('klast');
    const before = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: creds.accessKeyId }));
    expect(before).toMatchObject({ UserName: 'klast', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
    expect(before.AccessKeyLastUsed!.LastUsedDate).toBeUndefined();
    await sts(creds).send(new GetCallerIdentityCommand({}));
    const after = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: creds.accessKeyId }));
    expect(after.AccessKeyLastUsed).toMatchObject({ ServiceName: 'sts', Region: 'eu-west-1' });
    expect(after.AccessKeyLastUsed!.LastUsedDate).toBeInstanceOf(Date);
  });

  it('a user without permissions is refused IAM actions with AccessDenied', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'nobody' }));
    const creds = await newKey('nobody');
    const mine = iamClient(t, creds);
    const e = await err(mine.send(new ListUsersCommand({})));
    expect(e.name).toBe('AccessDenied');
    expect(e.$metadata.httpStatusCode).toBe(403);
    expect(e.message).toContain(`User: arn:aws:iam::${t.accountId}:user/nobody is not authorized to perform: iam:ListUsers`);
  });

  it('a user allowed by an inline policy may act; others are still refused', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'lister' }));
    const creds = await newKey('lister');
    const mine = iamClient(t, creds);
    const before = await err(mine.send(new ListUsersCommand({})));
    expect(before.name).toBe('AccessDenied');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'lister',
        PolicyName: 'list-users',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }),
      }),
    );
    // Same replica: the grant applies to the very next call (the policy cache was dropped).
    const out = await mine.send(new ListUsersCommand({}));
    expect(out.Users!.map((u) => u.UserName)).toContain('lister');
    const e = await err(mine.send(new CreateUserCommand({ UserName: 'not-allowed' })));
    expect(e.name).toBe('AccessDenied');
    expect(e.$metadata.httpStatusCode).toBe(403);
    expect(e.message.split('. Encoded authorization failure message:')[0]).toBe(
      `User: arn:aws:iam::${t.accountId}:user/lister is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${t.accountId}:user/not-allowed because no identity-based policy allows the iam:CreateUser action`,
    );
  });

  it.skipIf(!hasAws)(
    'aws CLI v1: iam create-user and list-access-keys',
    async () => {
      const run = promisify(execFile);
      const env = {
        ...process.env,
        AWS_ACCESS_KEY_ID: t.root.accessKeyId,
        AWS_SECRET_ACCESS_KEY: t.root.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      };
      const out = await run('aws', ['--endpoint-url', t.url, 'iam', 'create-user', '--user-name', 'cli-user', '--path', '/cli/'], { env });
      const parsed = JSON.parse(out.stdout);
      expect(parsed.User).toMatchObject({ UserName: 'cli-user', Path: '/cli/', Arn: `arn:aws:iam::${t.accountId}:user/cli/cli-user` });
      const key = JSON.parse((await run('aws', ['--endpoint-url', t.url, 'iam', 'create-access-key', '--user-name', 'cli-user'], { env })).stdout);
      expect(key.AccessKey.AccessKeyId).toMatch(/^AKIA/);
      const dup = await run('aws', ['--endpoint-url', t.url, 'iam', 'create-user', '--user-name', 'CLI-USER'], { env }).catch((e) => e);
      expect(dup.code).toBe(255);
      expect(dup.stderr).toContain('An error occurred (EntityAlreadyExists) when calling the CreateUser operation: User with name CLI-USER already exists.');
    },
    60_000,
  );
});
