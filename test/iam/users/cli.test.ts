import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../support/tessera.js';
import { awsIam, hasAwsCli as hasAws } from '../../support/aws-cli.js';

let t: TestTessera;
beforeAll(async () => {
  if (hasAws) t = await startTestTessera();
});
afterAll(async () => {
  await t?.stop();
});

const aws = (...args: string[]) => awsIam(t, ...args);
const failure = (p: Promise<unknown>) => p.then(() => '', (e: { stderr: string }) => e.stderr);

describe.skipIf(!hasAws)('the aws CLI v1 drives users, login profiles and account settings', () => {
  it('users: create, get (named and root), list pages, update, tag, delete', async () => {
    const made = await aws('create-user', '--user-name', 'cli-user', '--path', '/cli/', '--tags', 'Key=team,Value=core');
    expect(made.User).toMatchObject({ UserName: 'cli-user', Path: '/cli/', Arn: `arn:aws:iam::${t.accountId}:user/cli/cli-user`, Tags: [{ Key: 'team', Value: 'core' }] });
    expect((await aws('get-user', '--user-name', 'CLI-USER')).User.UserId).toBe(made.User.UserId);
    const root = (await aws('get-user')).User;
    expect(Object.keys(root).sort()).toEqual(['Arn', 'CreateDate', 'UserId']);
    expect(root.Arn).toBe(`arn:aws:iam::${t.accountId}:root`);
    await aws('create-user', '--user-name', 'cli-other', '--path', '/cli/');
    const page = await aws('list-users', '--path-prefix', '/cli/', '--max-items', '1');
    expect(page.Users.map((u: { UserName: string }) => u.UserName)).toEqual(['cli-other']);
    const rest = await aws('list-users', '--path-prefix', '/cli/', '--starting-token', page.NextToken);
    expect(rest.Users.map((u: { UserName: string }) => u.UserName)).toEqual(['cli-user']);
    await aws('tag-user', '--user-name', 'cli-user', '--tags', 'Key=env,Value=dev');
    expect((await aws('list-user-tags', '--user-name', 'cli-user')).Tags).toEqual([{ Key: 'team', Value: 'core' }, { Key: 'env', Value: 'dev' }]);
    await aws('untag-user', '--user-name', 'cli-user', '--tag-keys', 'team');
    await aws('update-user', '--user-name', 'cli-user', '--new-user-name', 'cli-renamed');
    expect((await aws('get-user', '--user-name', 'cli-renamed')).User.Tags).toEqual([{ Key: 'env', Value: 'dev' }]);
    await aws('create-login-profile', '--user-name', 'cli-renamed', '--password', 'Correct-Horse-9', '--password-reset-required');
    expect((await aws('get-login-profile', '--user-name', 'cli-renamed')).LoginProfile).toMatchObject({ UserName: 'cli-renamed', PasswordResetRequired: true });
    await aws('update-login-profile', '--user-name', 'cli-renamed', '--no-password-reset-required');
    expect((await aws('get-login-profile', '--user-name', 'cli-renamed')).LoginProfile.PasswordResetRequired).toBe(false);
    expect(await failure(aws('delete-user', '--user-name', 'cli-renamed'))).toContain('DeleteConflict');
    await aws('delete-login-profile', '--user-name', 'cli-renamed');
    await aws('delete-user', '--user-name', 'cli-renamed');
    expect(await failure(aws('get-user', '--user-name', 'cli-renamed'))).toContain('NoSuchEntity');
  }, 240_000);

  it('account: alias and password policy', async () => {
    await aws('create-account-alias', '--account-alias', 'cli-alias');
    expect((await aws('list-account-aliases')).AccountAliases).toEqual(['cli-alias']);
    await aws('delete-account-alias', '--account-alias', 'cli-alias');
    expect((await aws('list-account-aliases')).AccountAliases).toEqual([]);
    await aws('update-account-password-policy', '--minimum-password-length', '12', '--require-symbols', '--max-password-age', '90');
    expect((await aws('get-account-password-policy')).PasswordPolicy).toEqual({
      MinimumPasswordLength: 12,
      RequireSymbols: true,
      RequireNumbers: false,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: false,
      ExpirePasswords: true,
      MaxPasswordAge: 90,
      HardExpiry: false,
    });
    await aws('delete-account-password-policy');
    expect(await failure(aws('get-account-password-policy'))).toContain('NoSuchEntity');
  }, 180_000);
});
