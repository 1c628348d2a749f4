/**
 * A policy that no longer exists must never widen what a principal may do:
 * - a managed session policy (AssumeRole PolicyArns) that was deleted contributes no allow; a
 *   session whose every session policy is gone is allowed nothing (session = role ∩ session
 *   policies, and the second set is now empty) — never the role's full permissions;
 * - a permissions boundary cannot be deleted while in use (DeleteConflict, as from AWS), and a
 *   boundary that names a policy that is gone anyway (a row removed beneath Tessera) allows
 *   nothing — never "no boundary".
 */
import { describe, expect, it } from 'vitest';
import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  GetPolicyCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  ListUsersCommand,
  PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { rejection } from '../support/clients.js';
import { allow, asCreds, doc, iamClient, makeRole, makeUser, stsClient, trustAws, type Creds } from '../sts/support.js';

let t: TestTessera;
let admin: IAMClient;
let assumer: { arn: string; creds: Creds };
useTessera(async (started) => {
  t = started;
  admin = iamClient(t.url, t.root);
  assumer = await makeUser(t, 'assumer', doc([allow('sts:AssumeRole')]));
});

const head = (m: string) => m.split('. Encoded authorization failure message:')[0]!;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function denied(c: IAMClient, cmd: any): Promise<string> {
  const e = await rejection(c.send(cmd));
  expect(e.name).toBe('AccessDenied');
  expect(e.$metadata.httpStatusCode).toBe(403);
  return head(e.message);
}
const policy = async (name: string, statements: object[]) =>
  (await admin.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: doc(statements) }))).Policy!.Arn!;
const roleNames = async (c: IAMClient) => (await c.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName).sort();

describe('deleted managed session policies (PolicyArns)', () => {
  it('a session whose only managed session policy was deleted is allowed nothing, not the role’s permissions', async () => {
    const role = await makeRole(t, 'sp-role', [trustAws(assumer.arn)], doc([allow(['iam:ListRoles', 'iam:ListPolicies', 'iam:ListUsers'])]));
    const rolesOnly = await policy('sp-roles-only', [allow('iam:ListRoles')]);
    const out = await stsClient(t.url, assumer.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1', PolicyArns: [{ arn: rolesOnly }] }));
    const s = iamClient(t.url, asCreds(out.Credentials));
    const who = `arn:aws:sts::${t.accountId}:assumed-role/sp-role/s1`;
    expect(await roleNames(s)).toEqual(['sp-role']);
    expect(await denied(s, new ListPoliciesCommand({}))).toBe(`User: ${who} is not authorized to perform: iam:ListPolicies on resource: arn:aws:iam::${t.accountId}:policy/ because no session policy allows the iam:ListPolicies action`);

    // Session-policy use is no attachment: AWS deletes the policy.
    expect((await admin.send(new GetPolicyCommand({ PolicyArn: rolesOnly }))).Policy).toMatchObject({ AttachmentCount: 0, PermissionsBoundaryUsageCount: 0 });
    await admin.send(new DeletePolicyCommand({ PolicyArn: rolesOnly }));

    expect(await denied(s, new ListRolesCommand({}))).toBe(`User: ${who} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${t.accountId}:role/ because no session policy allows the iam:ListRoles action`);
    expect(await denied(s, new ListPoliciesCommand({}))).toBe(`User: ${who} is not authorized to perform: iam:ListPolicies on resource: arn:aws:iam::${t.accountId}:policy/ because no session policy allows the iam:ListPolicies action`);
    expect(await denied(s, new ListUsersCommand({}))).toBe(`User: ${who} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${t.accountId}:user/ because no session policy allows the iam:ListUsers action`);
  });

  it('one deleted policy among several, or beside an inline session policy, removes only its own allows', async () => {
    const role = await makeRole(t, 'sp-role2', [trustAws(assumer.arn)], doc([allow(['iam:ListRoles', 'iam:ListPolicies', 'iam:ListUsers'])]));
    const users = await policy('sp2-users', [allow('iam:ListUsers')]);
    const roles = await policy('sp2-roles', [allow('iam:ListRoles')]);
    const sts = stsClient(t.url, assumer.creds);
    const two = iamClient(t.url, asCreds((await sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'two', PolicyArns: [{ arn: users }, { arn: roles }] }))).Credentials));
    const inline = iamClient(
      t.url,
      asCreds((await sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'inl', Policy: doc([allow('iam:ListUsers')]), PolicyArns: [{ arn: roles }] }))).Credentials),
    );
    expect(await roleNames(two)).toEqual(['sp-role', 'sp-role2']);
    expect(await roleNames(inline)).toEqual(['sp-role', 'sp-role2']);
    await admin.send(new DeletePolicyCommand({ PolicyArn: roles }));

    for (const [c, name] of [[two, 'two'], [inline, 'inl']] as const) {
      const who = `arn:aws:sts::${t.accountId}:assumed-role/sp-role2/${name}`;
      expect(await denied(c, new ListRolesCommand({}))).toBe(`User: ${who} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${t.accountId}:role/ because no session policy allows the iam:ListRoles action`);
      expect(await denied(c, new ListPoliciesCommand({}))).toBe(`User: ${who} is not authorized to perform: iam:ListPolicies on resource: arn:aws:iam::${t.accountId}:policy/ because no session policy allows the iam:ListPolicies action`);
      expect((await c.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName)).toEqual(['assumer']);
    }
  });
});

describe('permissions boundaries naming a deleted policy', () => {
  it('a policy in use as a boundary cannot be deleted (DeleteConflict)', async () => {
    const b = await policy('bnd-in-use', [allow('iam:ListRoles')]);
    const u = await makeUser(t, 'bounded-1');
    await admin.send(new PutUserPermissionsBoundaryCommand({ UserName: u.name, PermissionsBoundary: b }));
    expect((await admin.send(new GetPolicyCommand({ PolicyArn: b }))).Policy).toMatchObject({ AttachmentCount: 0, PermissionsBoundaryUsageCount: 1 });
    const e = await rejection(admin.send(new DeletePolicyCommand({ PolicyArn: b })));
    expect(e.name).toBe('DeleteConflictException');
    expect(e.message).toBe('Cannot delete a policy attached to entities.');
    expect(e.$metadata.httpStatusCode).toBe(409);
    expect((await admin.send(new GetPolicyCommand({ PolicyArn: b }))).Policy!.Arn).toBe(b);
  });

  it('PutUserPermissionsBoundary racing DeletePolicy never leaves a boundary naming a deleted policy', async () => {
    const u = await makeUser(t, 'bounded-race');
    for (let i = 0; i < 12; i++) {
      const b = await policy(`bnd-race-${i}`, [allow('iam:ListRoles')]);
      const [put, del] = await Promise.allSettled([
        admin.send(new PutUserPermissionsBoundaryCommand({ UserName: u.name, PermissionsBoundary: b })),
        admin.send(new DeletePolicyCommand({ PolicyArn: b })),
      ]);
      const left = await t.database.db.query<{ permissions_boundary: string | null; exists: boolean }>(
        `SELECT u.permissions_boundary, EXISTS (SELECT 1 FROM policies p WHERE p.arn = u.permissions_boundary) AS exists FROM users u WHERE u.user_name = $1`,
        [u.name],
      );
      // Exactly one wins: the boundary is set on a policy that still exists, or the policy is gone and the put was refused.
      if (put.status === 'fulfilled') {
        expect(del.status).toBe('rejected');
        expect((del as PromiseRejectedResult).reason.name).toBe('DeleteConflictException');
        expect(left.rows[0]).toEqual({ permissions_boundary: b, exists: true });
      } else {
        expect(del.status).toBe('fulfilled');
        expect(put.reason.name).toBe('NoSuchEntityException');
        expect(put.reason.message).toBe(`Scope ARN: ${b} does not exist or is not attachable.`);
      }
      await t.database.db.query(`UPDATE users SET permissions_boundary = NULL WHERE user_name = $1`, [u.name]);
      await admin.send(new DeletePolicyCommand({ PolicyArn: b })).catch(() => undefined);
    }
  });

  it('a user whose boundary policy is gone is allowed nothing, though AdministratorAccess is attached', async () => {
    const b = await policy('bnd-user', [allow(['iam:ListRoles', 'iam:ListUsers'])]);
    const u = await makeUser(t, 'bounded-2');
    await admin.send(new AttachUserPolicyCommand({ UserName: u.name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    await admin.send(new PutUserPermissionsBoundaryCommand({ UserName: u.name, PermissionsBoundary: b }));
    const c = iamClient(t.url, u.creds);
    expect((await c.send(new ListUsersCommand({}))).Users!.map((x) => x.UserName)).toContain('bounded-2');
    expect(await denied(c, new ListPoliciesCommand({}))).toBe(`User: ${u.arn} is not authorized to perform: iam:ListPolicies on resource: arn:aws:iam::${t.accountId}:policy/ because no permissions boundary allows the iam:ListPolicies action`);

    // The policy disappears beneath the API (restored backup, manual repair): the user keeps the reference.
    await t.database.db.query(`DELETE FROM policies WHERE arn = $1`, [b]);
    await t.services.invalidate({ kind: 'all' });
    expect(await denied(c, new ListUsersCommand({}))).toBe(`User: ${u.arn} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${t.accountId}:user/ because no permissions boundary allows the iam:ListUsers action`);
    expect(await denied(c, new ListPoliciesCommand({}))).toBe(`User: ${u.arn} is not authorized to perform: iam:ListPolicies on resource: arn:aws:iam::${t.accountId}:policy/ because no permissions boundary allows the iam:ListPolicies action`);
  });

  it("a role session whose role's boundary policy is gone is allowed nothing", async () => {
    const b = await policy('bnd-role', [allow(['iam:ListRoles', 'iam:ListUsers'])]);
    const role = await makeRole(t, 'bnd-role', [trustAws(assumer.arn)], doc([allow('*')]));
    await admin.send(new PutRolePermissionsBoundaryCommand({ RoleName: role.name, PermissionsBoundary: b }));
    const s = iamClient(t.url, asCreds((await stsClient(t.url, assumer.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'bs' }))).Credentials));
    expect(await roleNames(s)).toContain('bnd-role');
    await t.database.db.query(`DELETE FROM policies WHERE arn = $1`, [b]);
    await t.services.invalidate({ kind: 'all' });
    const who = `arn:aws:sts::${t.accountId}:assumed-role/bnd-role/bs`;
    expect(await denied(s, new ListRolesCommand({}))).toBe(`User: ${who} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${t.accountId}:role/ because no permissions boundary allows the iam:ListRoles action`);
    expect(await denied(s, new ListPoliciesCommand({}))).toBe(`User: ${who} is not authorized to perform: iam:ListPolicies on resource: arn:aws:iam::${t.accountId}:policy/ because no permissions boundary allows the iam:ListPolicies action`);
  });
});
