import { describe, expect, it } from 'vitest';
import {
  CreateUserCommand,
  DeleteUserCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
  ListUserTagsCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateUserCommand,
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  CreateLoginProfileCommand,
  DeleteLoginProfileCommand,
  CreateGroupCommand,
  AddUserToGroupCommand,
  RemoveUserFromGroupCommand,
  DeleteGroupCommand,
  CreatePolicyCommand,
} from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../../support/tessera.js';
import { iamClient, rejection } from '../../support/clients.js';

let t: TestTessera;
let iam: IAMClient;
useTessera((started) => {
  t = started;
  iam = iamClient(t, t.root);
});

const err = rejection;

describe('users', () => {
  it('create / get / update / delete', async () => {
    const c = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/eng/', Tags: [{ Key: 'team', Value: 'core' }] }));
    expect(c.User).toMatchObject({ UserName: 'alice', Path: '/eng/', Arn: `arn:aws:iam::${t.accountId}:user/eng/alice`, Tags: [{ Key: 'team', Value: 'core' }] });
    expect(c.User!.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(c.User!.CreateDate).toBeInstanceOf(Date);

    const g = await iam.send(new GetUserCommand({ UserName: 'ALICE' }));
    expect(g.User).toMatchObject({ UserName: 'alice', UserId: c.User!.UserId, Tags: [{ Key: 'team', Value: 'core' }] });

    await iam.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'alice2', NewPath: '/ops/' }));
    const g2 = await iam.send(new GetUserCommand({ UserName: 'alice2' }));
    expect(g2.User!.Arn).toBe(`arn:aws:iam::${t.accountId}:user/ops/alice2`);
    const gone = await err(iam.send(new GetUserCommand({ UserName: 'alice' })));
    expect(gone.name).toBe('NoSuchEntityException');
    expect(gone.message).toBe('The user with name alice cannot be found.');
    expect(gone.$metadata.httpStatusCode).toBe(404);

    await iam.send(new DeleteUserCommand({ UserName: 'alice2' }));
    expect((await err(iam.send(new DeleteUserCommand({ UserName: 'alice2' })))).name).toBe('NoSuchEntityException');
  });

  it('GetUser without a name returns the root user for root credentials', async () => {
    const g = await iam.send(new GetUserCommand({}));
    expect(g.User).toMatchObject({ UserId: t.accountId, Arn: `arn:aws:iam::${t.accountId}:root` });
  });

  it('names are unique case-insensitively', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    const e = await err(iam.send(new CreateUserCommand({ UserName: 'Bob' })));
    expect(e.name).toBe('EntityAlreadyExistsException');
    expect(e.message).toBe('User with name Bob already exists.');
    expect(e.$metadata.httpStatusCode).toBe(409);
  });

  it('twenty concurrent creates of one name: exactly one succeeds', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => iam.send(new CreateUserCommand({ UserName: 'racer' }))));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const bad = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(bad).toHaveLength(19);
    for (const b of bad) {
      expect(b.reason.name).toBe('EntityAlreadyExistsException');
      expect(b.reason.message).toBe('User with name racer already exists.');
      expect(b.reason.$metadata.httpStatusCode).toBe(409);
    }
  });

  it('an error part-way leaves nothing written', async () => {
    const dup = await err(iam.send(new CreateUserCommand({ UserName: 'halfway', Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] })));
    expect(dup.name).toBe('InvalidInputException');
    const tooMany = await err(
      iam.send(new CreateUserCommand({ UserName: 'halfway', Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) })),
    );
    expect(tooMany.name).toBe('ValidationError');
    const boundary = await err(
      iam.send(new CreateUserCommand({ UserName: 'halfway', PermissionsBoundary: `arn:aws:iam::${t.accountId}:policy/does-not-exist` })),
    );
    expect(['NoSuchEntityException', 'InvalidInputException']).toContain(boundary.name);
    const badArn = await err(iam.send(new CreateUserCommand({ UserName: 'halfway', PermissionsBoundary: 'arn:aws:s3:::some-bucket-name' })));
    expect(badArn.name).toBe('InvalidInputException');
    expect((await err(iam.send(new GetUserCommand({ UserName: 'halfway' })))).name).toBe('NoSuchEntityException');
  });

  it("a permissions boundary is a managed policy of the caller's account or an AWS managed policy, never another account's", async () => {
    // Another account of the installation, with a managed policy of its own.
    const other = '210987654321';
    const otherArn = `arn:aws:iam::${other}:policy/theirs`;
    await t.database.db.query(`INSERT INTO accounts (account_id, name) VALUES ($1, 'other')`, [other]);
    await t.database.db.query(`INSERT INTO policies (policy_id, account_id, policy_name, path, arn) VALUES ('ANPAOTHERACCOUNTPOLCY', $1, 'theirs', '/', $2)`, [other, otherArn]);
    const foreign = await err(iam.send(new CreateUserCommand({ UserName: 'bounded', PermissionsBoundary: otherArn })));
    expect(foreign.name).toBe('NoSuchEntityException');
    expect(foreign.message).toBe(`Scope ARN: ${otherArn} does not exist or is not attachable.`);
    expect((await err(iam.send(new GetUserCommand({ UserName: 'bounded' })))).name).toBe('NoSuchEntityException');

    const own = await iam.send(new CreatePolicyCommand({ PolicyName: 'ours', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }));
    const mine = await iam.send(new CreateUserCommand({ UserName: 'bounded', PermissionsBoundary: own.Policy!.Arn! }));
    expect(mine.User!.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: own.Policy!.Arn });
    const aws = await iam.send(new CreateUserCommand({ UserName: 'bounded-aws', PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    expect((await iam.send(new GetUserCommand({ UserName: 'bounded-aws' }))).User!.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    expect(aws.User!.UserName).toBe('bounded-aws');
  });

  it('validation errors speak AWS', async () => {
    const e = await err(iam.send(new CreateUserCommand({ UserName: 'bad name!' })));
    expect(e.name).toBe('ValidationError');
    expect(e.message).toContain("at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern");
  });

  it('paginates: 5 users, MaxItems 2 -> 3 pages', async () => {
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await iam.send(new CreateUserCommand({ UserName: n, Path: '/page/' }));
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const r = await iam.send(new ListUsersCommand({ PathPrefix: '/page/', MaxItems: 2, Marker: marker }));
      pages++;
      names.push(...r.Users!.map((u) => u.UserName!));
      expect(r.IsTruncated).toBe(pages < 3);
      marker = r.IsTruncated ? r.Marker : undefined;
      if (r.IsTruncated) expect(r.Marker).toMatch(/^\S+$/);
    } while (marker);
    expect(pages).toBe(3);
    expect(names).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    const all = await iam.send(new ListUsersCommand({}));
    expect(all.Users!.some((u) => u.Arn!.endsWith(':root'))).toBe(false);
  });

  it('tags: tag, list, untag', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'tagged' }));
    await iam.send(new TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    await iam.send(new TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'a', Value: '3' }] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }))).Tags).toEqual([{ Key: 'a', Value: '3' }, { Key: 'b', Value: '2' }]);
    await iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['a'] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }))).Tags).toEqual([{ Key: 'b', Value: '2' }]);
  });

  it('DeleteConflict while dependents exist', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'deps' }));
    const k = await iam.send(new CreateAccessKeyCommand({ UserName: 'deps' }));
    let e = await err(iam.send(new DeleteUserCommand({ UserName: 'deps' })));
    expect(e.name).toBe('DeleteConflictException');
    expect(e.message).toBe('Cannot delete entity, must delete access keys first.');
    expect(e.$metadata.httpStatusCode).toBe(409);
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'deps', AccessKeyId: k.AccessKey!.AccessKeyId! }));

    await iam.send(new CreateLoginProfileCommand({ UserName: 'deps', Password: 'Correct-Horse-9' }));
    e = await err(iam.send(new DeleteUserCommand({ UserName: 'deps' })));
    expect(e.message).toBe('Cannot delete entity, must delete login profile first.');
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'deps' }));

    await iam.send(new CreateGroupCommand({ GroupName: 'deps-group' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'deps-group', UserName: 'deps' }));
    e = await err(iam.send(new DeleteUserCommand({ UserName: 'deps' })));
    expect(e.message).toBe('Cannot delete entity, must remove users from group first.');
    e = await err(iam.send(new DeleteGroupCommand({ GroupName: 'deps-group' })));
    expect(e.name).toBe('DeleteConflictException');
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'deps-group', UserName: 'deps' }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'deps-group' }));
    await iam.send(new DeleteUserCommand({ UserName: 'deps' }));
  });
});
