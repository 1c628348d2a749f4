import { expect, it } from 'vitest';
import { CreateUserCommand, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../../support/tessera.js';
import { iamClient } from '../../support/clients.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

it('an IAM user may be called "root": the root user is not an IAM user', async () => {
  const iam = iamClient(t, t.root);
  const created = await iam.send(new CreateUserCommand({ UserName: 'root' }));
  expect(created.User?.Arn).toBe(`arn:aws:iam::${t.accountId}:user/root`);
  expect((await iam.send(new GetUserCommand({ UserName: 'root' }))).User?.UserId).toMatch(/^AIDA/);
  expect((await iam.send(new GetUserCommand({}))).User?.Arn).toBe(`arn:aws:iam::${t.accountId}:root`);
  expect((await iam.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName)).toEqual(['root']);
});
