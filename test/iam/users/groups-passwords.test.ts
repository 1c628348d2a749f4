import { describe, expect, it } from 'vitest';
import {
  AddUserToGroupCommand,
  ChangePasswordCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccountAliasCommand,
  DeleteAccountPasswordPolicyCommand,
  GetAccountPasswordPolicyCommand,
  GetGroupCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccountAliasesCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateGroupCommand,
  UpdateLoginProfileCommand,
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

describe('groups', () => {
  it('create, membership, get with members, rename, list', async () => {
    const g = await iam.send(new CreateGroupCommand({ GroupName: 'devs', Path: '/eng/' }));
    expect(g.Group).toMatchObject({ GroupName: 'devs', Path: '/eng/', Arn: `arn:aws:iam::${t.accountId}:group/eng/devs` });
    expect(g.Group!.GroupId).toMatch(/^AGPA/);
    expect((await err(iam.send(new CreateGroupCommand({ GroupName: 'DEVS' })))).message).toBe('Group with name DEVS already exists.');
    for (const u of ['g1', 'g2', 'g3']) {
      await iam.send(new CreateUserCommand({ UserName: u }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: u }));
    }
    await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'g1' })); // idempotent
    const page1 = await iam.send(new GetGroupCommand({ GroupName: 'devs', MaxItems: 2 }));
    expect(page1.Users!.map((u) => u.UserName)).toEqual(['g1', 'g2']);
    expect(page1.IsTruncated).toBe(true);
    const page2 = await iam.send(new GetGroupCommand({ GroupName: 'devs', Marker: page1.Marker }));
    expect(page2.Users!.map((u) => u.UserName)).toEqual(['g3']);
    expect(page2.IsTruncated).toBe(false);
    await iam.send(new UpdateGroupCommand({ GroupName: 'devs', NewGroupName: 'developers' }));
    const forUser = await iam.send(new ListGroupsForUserCommand({ UserName: 'g1' }));
    expect(forUser.Groups!.map((x) => x.GroupName)).toEqual(['developers']);
    expect((await iam.send(new ListGroupsCommand({ PathPrefix: '/eng/' }))).Groups!.map((x) => x.GroupName)).toEqual(['developers']);
    expect((await err(iam.send(new GetGroupCommand({ GroupName: 'devs' })))).message).toBe('The group with name devs cannot be found.');
  });

  it('at most 10 groups per user', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'joiner' }));
    for (let i = 0; i < 10; i++) {
      await iam.send(new CreateGroupCommand({ GroupName: `q${i}` }));
      await iam.send(new AddUserToGroupCommand({ GroupName: `q${i}`, UserName: 'joiner' }));
    }
    await iam.send(new CreateGroupCommand({ GroupName: 'q10' }));
    const e = await err(iam.send(new AddUserToGroupCommand({ GroupName: 'q10', UserName: 'joiner' })));
    expect(e.name).toBe('LimitExceededException');
    expect(e.message).toBe('Cannot exceed quota for GroupsPerUser: 10');
  });
});

describe('login profiles and the password policy', () => {
  it('no policy: NoSuchEntity with AWS wording; update/get/delete', async () => {
    const e = await err(iam.send(new GetAccountPasswordPolicyCommand({})));
    expect(e.name).toBe('NoSuchEntityException');
    expect(e.message).toBe(`The Password Policy with domain name ${t.accountId} cannot be found.`);
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 12, RequireNumbers: true, AllowUsersToChangePassword: true, PasswordReusePrevention: 2 }));
    const p = await iam.send(new GetAccountPasswordPolicyCommand({}));
    expect(p.PasswordPolicy).toMatchObject({ MinimumPasswordLength: 12, RequireNumbers: true, RequireSymbols: false, AllowUsersToChangePassword: true, ExpirePasswords: false, PasswordReusePrevention: 2 });
  });

  it('login profile lifecycle, policy enforcement, ChangePassword by the user', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'pw' }));
    const weak = await err(iam.send(new CreateLoginProfileCommand({ UserName: 'pw', Password: 'short1' })));
    expect(weak.name).toBe('PasswordPolicyViolationException');
    expect(weak.message).not.toContain('short1');
    const noNum = await err(iam.send(new CreateLoginProfileCommand({ UserName: 'pw', Password: 'long-enough-password' })));
    expect(noNum.name).toBe('PasswordPolicyViolationException');
    const lp = await iam.send(new CreateLoginProfileCommand({ UserName: 'pw', Password: 'first-password-1', PasswordResetRequired: true }));
    expect(lp.LoginProfile).toMatchObject({ UserName: 'pw', PasswordResetRequired: true });
    expect((await err(iam.send(new CreateLoginProfileCommand({ UserName: 'pw', Password: 'first-password-1' })))).name).toBe('EntityAlreadyExistsException');
    const got = await iam.send(new GetLoginProfileCommand({ UserName: 'pw' }));
    expect(got.LoginProfile).toMatchObject({ UserName: 'pw', PasswordResetRequired: true });
    const row = await t.database.db.query("SELECT password_hash FROM login_profiles lp JOIN users u USING (user_id) WHERE u.user_name = 'pw'");
    expect(row.rows[0]?.password_hash).toMatch(/^scrypt\$/);
    expect(row.rows[0]?.password_hash).not.toContain('first-password-1');

    const k = await iam.send(new CreateAccessKeyCommand({ UserName: 'pw' }));
    const self = iamClient(t, { accessKeyId: k.AccessKey!.AccessKeyId!, secretAccessKey: k.AccessKey!.SecretAccessKey! });
    const wrongOld = await err(self.send(new ChangePasswordCommand({ OldPassword: 'nope', NewPassword: 'second-password-2' })));
    expect(wrongOld.$metadata.httpStatusCode).toBe(403);
    await self.send(new ChangePasswordCommand({ OldPassword: 'first-password-1', NewPassword: 'second-password-2' }));
    expect((await iam.send(new GetLoginProfileCommand({ UserName: 'pw' }))).LoginProfile!.PasswordResetRequired).toBe(false);
    const reuse = await err(self.send(new ChangePasswordCommand({ OldPassword: 'second-password-2', NewPassword: 'first-password-1' })));
    expect(reuse.name).toBe('PasswordPolicyViolationException');
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'pw', Password: 'third-password-3' }));
    const rootChange = await err(iam.send(new ChangePasswordCommand({ OldPassword: 'x', NewPassword: 'y' })));
    expect(rootChange.$metadata.httpStatusCode).toBe(400);

    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
    expect((await err(iam.send(new DeleteAccountPasswordPolicyCommand({})))).name).toBe('NoSuchEntityException');
  });
});

describe('account aliases', () => {
  it('one alias per account, replaced by a new one; pattern enforced', async () => {
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([]);
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-prod' }));
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-main' }));
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual(['acme-main']);
    expect((await err(iam.send(new CreateAccountAliasCommand({ AccountAlias: 'bad--alias' })))).name).toBe('ValidationError');
    expect((await err(iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'acme-prod' })))).name).toBe('NoSuchEntityException');
    await iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'acme-main' }));
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([]);
  });
});
