import { afterAll, beforeAll, expect, it } from 'vitest';
import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../../support/tessera.js';

let t: TestTessera;
beforeAll(async () => {
  t = await startTestTessera();
});
afterAll(async () => {
  await t?.stop();
});

it('an IAM user may be called "root": the root user is not an IAM user', async () => {
  const iam = new IAMClient({ endpoint: t.url, region: 'us-east-1', credentials: t.root, maxAttempts: 1 });
  const created = await iam.send(new CreateUserCommand({ UserName: 'root' }));
  expect(created.User?.Arn).toBe(`arn:aws:iam::${t.accountId}:user/root`);
  expect((await iam.send(new GetUserCommand({ UserName: 'root' }))).User?.UserId).toMatch(/^AIDA/);
  expect((await iam.send(new GetUserCommand({}))).User?.Arn).toBe(`arn:aws:iam::${t.accountId}:root`);
  expect((await iam.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName)).toEqual(['root']);
});
