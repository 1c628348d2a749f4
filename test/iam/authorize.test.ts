import { describe, expect, it } from 'vitest';
import {
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeleteUserPermissionsBoundaryCommand,
  DetachUserPolicyCommand,
  GetRoleCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  PutGroupPolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { newUniqueId } from '../../src/tokens/ids.js';
import { allow, code, deny, doc, iam, makeUser } from './policies/support.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

const root = () => iam(t.url, t.root);
const trust = doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const denied = async (c: IAMClient, cmd: any) => {
  const e = await c.send(cmd).catch((x: unknown) => x as { name: string; message: string; $metadata: { httpStatusCode: number } });
  expect(e).toBeInstanceOf(Error);
  expect(code(e as never)).toBe('AccessDenied');
  return e as { message: string; $metadata: { httpStatusCode: number } };
};

describe('authorize through the policy engine', () => {
  it('a user without policies is denied in AWS wording; an inline policy allows; a Deny beats an Allow', async () => {
    const u = await makeUser(t, 'alice');
    const c = iam(t.url, u.credentials);
    const e = await denied(c, new ListRolesCommand({}));
    expect(e.$metadata.httpStatusCode).toBe(403);
    // STS may append ". Encoded authorization failure message: …" (DecodeAuthorizationMessage).
    expect(e.message.split('. Encoded authorization failure message:')[0]).toBe(
      `User: ${u.arn} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${t.accountId}:role/ because no identity-based policy allows the iam:ListRoles action`,
    );
    await root().send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'list', PolicyDocument: doc([allow('iam:ListRoles')]) }));
    await expect(c.send(new ListRolesCommand({}))).resolves.toMatchObject({ IsTruncated: false });
    await root().send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'deny', PolicyDocument: doc([deny('iam:List*')]) }));
    const e2 = await denied(c, new ListRolesCommand({}));
    expect(e2.message.split('. Encoded authorization failure message:')[0]).toBe(`User: ${u.arn} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${t.accountId}:role/ with an explicit deny in an identity-based policy`);
    // The decision is in the audit record.
    const a = await t.database.db.query(`SELECT detail FROM audit_events WHERE principal_arn = $1 AND outcome = 'failure' ORDER BY id DESC LIMIT 1`, [u.arn]);
    expect(a.rows[0]!.detail.authorization).toMatchObject({ decision: 'explicitDeny', action: 'iam:ListRoles', matched: [expect.objectContaining({ effect: 'Deny' })] });
  });

  it('resource-level permissions and request-tag conditions', async () => {
    const u = await makeUser(t, 'bob');
    await root().send(
      new PutUserPolicyCommand({
        UserName: 'bob',
        PolicyName: 'p',
        PolicyDocument: doc([allow('iam:CreateRole', `arn:aws:iam::${t.accountId}:role/app/*`, { Condition: { StringEquals: { 'aws:RequestTag/team': '${aws:username}' } } }), allow('iam:GetRole')]),
      }),
    );
    const c = iam(t.url, u.credentials);
    await denied(c, new CreateRoleCommand({ RoleName: 'r1', Path: '/app/', AssumeRolePolicyDocument: trust }));
    const ok = await c.send(new CreateRoleCommand({ RoleName: 'r1', Path: '/app/', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'team', Value: 'bob' }] }));
    expect(ok.Role?.Arn).toBe(`arn:aws:iam::${t.accountId}:role/app/r1`);
    const other = await denied(c, new CreateRoleCommand({ RoleName: 'r2', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'team', Value: 'bob' }] }));
    expect(other.message).toContain(`on resource: arn:aws:iam::${t.accountId}:role/r2 because`);
    expect((await c.send(new GetRoleCommand({ RoleName: 'r1' }))).Role?.RoleName).toBe('r1');
    // A missing role is still authorized first: NoSuchEntity only for those allowed to ask.
    expect(code(await c.send(new GetRoleCommand({ RoleName: 'nope' })).catch((x) => x))).toBe('NoSuchEntity');
  });

  it('a managed policy with two versions: SetDefaultPolicyVersion switches which applies; detach revokes', async () => {
    const u = await makeUser(t, 'carol');
    const c = iam(t.url, u.credentials);
    const p = await root().send(new CreatePolicyCommand({ PolicyName: 'switch', PolicyDocument: doc([allow('iam:ListRoles')]) }));
    const arn = p.Policy!.Arn!;
    await root().send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc([allow('iam:ListPolicies')]) }));
    await root().send(new AttachUserPolicyCommand({ UserName: 'carol', PolicyArn: arn }));
    await c.send(new ListRolesCommand({}));
    await denied(c, new ListPoliciesCommand({}));
    await root().send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    await c.send(new ListPoliciesCommand({ Scope: 'Local' }));
    await denied(c, new ListRolesCommand({}));
    await root().send(new DetachUserPolicyCommand({ UserName: 'carol', PolicyArn: arn }));
    await denied(c, new ListPoliciesCommand({}));
  });

  it('a permissions boundary limits what the identity policies allow', async () => {
    const u = await makeUser(t, 'dave');
    const c = iam(t.url, u.credentials);
    await root().send(new AttachUserPolicyCommand({ UserName: 'dave', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    await c.send(new ListRolesCommand({}));
    const b = await root().send(new CreatePolicyCommand({ PolicyName: 'only-policies', PolicyDocument: doc([allow('iam:ListPolicies')]) }));
    await root().send(new PutUserPermissionsBoundaryCommand({ UserName: 'dave', PermissionsBoundary: b.Policy!.Arn! }));
    const e = await denied(c, new ListRolesCommand({}));
    expect(e.message).toMatch(/because no permissions boundary allows the iam:ListRoles action(\. Encoded authorization failure message: .*)?$/);
    await c.send(new ListPoliciesCommand({ MaxItems: 1 }));
    await root().send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'dave' }));
    await c.send(new ListRolesCommand({}));
  });

  it("group policies apply to the group's members", async () => {
    const u = await makeUser(t, 'erin');
    const groupId = newUniqueId('AGPA');
    await t.database.db.query(`INSERT INTO groups (group_id, account_id, group_name, path) VALUES ($1, $2, 'devs', '/')`, [groupId, t.accountId]);
    await t.database.db.query(`INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)`, [groupId, u.userId]);
    await t.services.invalidate({ kind: 'all' });
    const c = iam(t.url, u.credentials);
    await denied(c, new ListRolesCommand({}));
    await root().send(new PutGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'g', PolicyDocument: doc([allow('iam:ListRoles')]) }));
    await c.send(new ListRolesCommand({}));
    await root().send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }));
    await c.send(new ListPoliciesCommand({ MaxItems: 1 }));
  });

  it('two replicas: attach through one, the next call through the other is allowed within 1 s; detach revokes likewise', async () => {
    const r2 = await t.replica();
    const u = await makeUser(t, 'frank');
    const viaR2 = iam(r2.url, u.credentials);
    await denied(viaR2, new ListRolesCommand({})); // warms replica 2's cache with "no policies"
    const viaR1 = iam(t.url, t.root);
    await viaR1.send(new AttachUserPolicyCommand({ UserName: 'frank', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }));
    const until = async (want: 'allowed' | 'denied') => {
      const start = Date.now();
      for (;;) {
        const ok = await viaR2.send(new ListRolesCommand({})).then(() => true, () => false);
        if (ok === (want === 'allowed')) return Date.now() - start;
        if (Date.now() - start > 1000) throw new Error(`replica 2 still not ${want} after 1 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    expect(await until('allowed')).toBeLessThan(1000);
    await viaR1.send(new DetachUserPolicyCommand({ UserName: 'frank', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }));
    expect(await until('denied')).toBeLessThan(1000);
  });
});
