import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoleCommand, GetRoleCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { allow, deny, doc, iam, makeUser } from './policies/support.js';

let t: TestTessera;
beforeAll(async () => {
  t = await startTestTessera();
});
afterAll(async () => {
  await t?.stop();
});

const trust = doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);

async function putInline(userId: string, name: string, document: string) {
  await t.database.db.query(`INSERT INTO user_policies (user_id, policy_name, document) VALUES ($1, $2, $3)`, [userId, name, document]);
  await t.services.invalidate({ kind: 'principal', principalId: userId });
}

describe('authorize (direct rows)', () => {
  it('denies a user without policies with AWS message, then allows once a policy grants it', async () => {
    const u = await makeUser(t, 'alice');
    const c = iam(t.url, u.credentials);
    const err = await c.send(new ListRolesCommand({})).catch((e) => e);
    expect(err.name).toBe('AccessDenied');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(err.message).toBe(
      `User: ${u.arn} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${t.accountId}:role/ because no identity-based policy allows the iam:ListRoles action`,
    );
    await putInline(u.userId, 'list', doc([allow('iam:ListRoles')]));
    await expect(c.send(new ListRolesCommand({}))).resolves.toMatchObject({ IsTruncated: false });
    await putInline(u.userId, 'nolist', doc([deny('iam:List*')]));
    const err2 = await c.send(new ListRolesCommand({})).catch((e) => e);
    expect(err2.message).toMatch(/with an explicit deny in an identity-based policy$/);
  });

  it('resource-level: CreateRole only under a path, tag conditions', async () => {
    const u = await makeUser(t, 'bob');
    await putInline(u.userId, 'p', doc([allow('iam:CreateRole', `arn:aws:iam::${t.accountId}:role/app/*`, { Condition: { StringEquals: { 'aws:RequestTag/team': 'blue' } } }), allow('iam:GetRole')]));
    const c = iam(t.url, u.credentials);
    const bad = await c.send(new CreateRoleCommand({ RoleName: 'r1', Path: '/app/', AssumeRolePolicyDocument: trust })).catch((e) => e);
    expect(bad.name).toBe('AccessDenied');
    const ok = await c.send(new CreateRoleCommand({ RoleName: 'r1', Path: '/app/', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'team', Value: 'blue' }] }));
    expect(ok.Role?.Arn).toBe(`arn:aws:iam::${t.accountId}:role/app/r1`);
    const other = await c.send(new CreateRoleCommand({ RoleName: 'r2', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'team', Value: 'blue' }] })).catch((e) => e);
    expect(other.message).toContain(`on resource: arn:aws:iam::${t.accountId}:role/r2 because`);
    const got = await c.send(new GetRoleCommand({ RoleName: 'r1' }));
    expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toBe(trust);
  });
});
