import { expect, it } from 'vitest';
import { CreateAccessKeyCommand, CreateUserCommand, GetGroupCommand, GetUserCommand, IAMClient, ListGroupsForUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../../support/tessera.js';
import { iamClient } from '../../support/clients.js';

/** A missing user or group is revealed only to a caller allowed the action on it. */
let t: TestTessera;
let alice: IAMClient;
let root: IAMClient;
useTessera(async (started) => {
  t = started;
  root = iamClient(t, t.root);
  await root.send(new CreateUserCommand({ UserName: 'alice' }));
  const k = (await root.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
  alice = iamClient(t, { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! });
  await root.send(
    new PutUserPolicyCommand({
      UserName: 'alice',
      PolicyName: 'read-own-groups',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListGroupsForUser', Resource: '*' }] }),
    }),
  );
});

it('a caller without permission gets AccessDenied for a user that does not exist', async () => {
  const e = await alice.send(new GetUserCommand({ UserName: 'ghost' })).catch((x) => x);
  expect(e.name).toBe('AccessDenied');
  expect(e.message).toContain(`is not authorized to perform: iam:GetUser on resource: arn:aws:iam::${t.accountId}:user/ghost`);
  const g = await alice.send(new GetGroupCommand({ GroupName: 'ghosts' })).catch((x) => x);
  expect(g.name).toBe('AccessDenied');
});

it('a caller allowed the action learns that it does not exist', async () => {
  const e = await alice.send(new ListGroupsForUserCommand({ UserName: 'ghost' })).catch((x) => x);
  expect(e.name).toBe('NoSuchEntityException');
  expect(e.message).toBe('The user with name ghost cannot be found.');
  const r = await root.send(new GetUserCommand({ UserName: 'ghost' })).catch((x) => x);
  expect(r.name).toBe('NoSuchEntityException');
});
