import { describe, expect, it } from 'vitest';
import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteGroupPolicyCommand,
  DeleteRolePolicyCommand,
  DetachGroupPolicyCommand,
  GetGroupPolicyCommand,
  GetRolePolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  TagPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { newUniqueId } from '../../../src/tokens/ids.js';
import { useTessera, type TestTessera } from '../../support/tessera.js';
import { allow, code, doc, iam, makeUser } from './support.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

const root = () => iam(t.url, t.root);
const trust = () => doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

/** A group written straight to the database (independent of the groups API), with members. */
async function makeGroup(name: string, path = '/', members: string[] = []) {
  const groupId = newUniqueId('AGPA');
  await t.database.db.query(`INSERT INTO groups (group_id, account_id, group_name, path) VALUES ($1, $2, $3, $4)`, [groupId, t.accountId, name, path]);
  for (const m of members) await t.database.db.query(`INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)`, [groupId, m]);
  return { groupId, name };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const failure = async (c: IAMClient, cmd: any) => {
  const e = await c.send(cmd).catch((x: unknown) => x as Error & { $metadata: { httpStatusCode: number } });
  expect(e).toBeInstanceOf(Error);
  return { code: code(e as never), message: (e as Error).message.split('. Encoded authorization failure message:')[0], status: (e as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode };
};

async function walk<T>(page: (marker: string | undefined) => Promise<{ items: T[]; IsTruncated?: boolean; Marker?: string }>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const out = await page(marker);
    pages++;
    items.push(...out.items);
    marker = out.IsTruncated ? out.Marker : undefined;
  } while (marker);
  return { items, pages };
}

describe('attachments and inline policies: authorization', () => {
  it('a user without iam:AttachUserPolicy / iam:PutUserPolicy cannot grant itself anything, nor learn whether another user exists', async () => {
    const u = await makeUser(t, 'climber');
    await root().send(new PutUserPolicyCommand({ UserName: u.name, PolicyName: 'read', PolicyDocument: doc([allow(['iam:ListUserPolicies', 'iam:ListAttachedUserPolicies'])]) }));
    const c = iam(t.url, u.credentials);
    const attach = await failure(c, new AttachUserPolicyCommand({ UserName: u.name, PolicyArn: ADMIN }));
    expect(attach).toEqual({
      code: 'AccessDenied',
      status: 403,
      message: `User: ${u.arn} is not authorized to perform: iam:AttachUserPolicy on resource: ${u.arn} because no identity-based policy allows the iam:AttachUserPolicy action`,
    });
    const put = await failure(c, new PutUserPolicyCommand({ UserName: u.name, PolicyName: 'all', PolicyDocument: doc([allow('*')]) }));
    expect(put.code).toBe('AccessDenied');
    // Authorized on the name before the lookup: AccessDenied, not NoSuchEntity.
    const ghost = await failure(c, new AttachUserPolicyCommand({ UserName: 'ghost', PolicyArn: ADMIN }));
    expect([ghost.code, ghost.message]).toEqual([
      'AccessDenied',
      `User: ${u.arn} is not authorized to perform: iam:AttachUserPolicy on resource: arn:aws:iam::${t.accountId}:user/ghost because no identity-based policy allows the iam:AttachUserPolicy action`,
    ]);
    // Nothing was written.
    expect((await c.send(new ListUserPoliciesCommand({ UserName: u.name }))).PolicyNames).toEqual(['read']);
    const attached = await t.database.db.query(`SELECT count(*)::int AS n FROM user_policy_attachments WHERE user_id = $1`, [u.userId]);
    expect(attached.rows[0]!.n).toBe(0);
  });

  it('iam:PolicyARN in the request context: a delegate may attach only the policy its condition names', async () => {
    const u = await makeUser(t, 'delegate');
    await root().send(new CreateRoleCommand({ RoleName: 'delegated', AssumeRolePolicyDocument: trust() }));
    await root().send(
      new PutUserPolicyCommand({
        UserName: u.name,
        PolicyName: 'attach-read-only',
        PolicyDocument: doc([allow('iam:AttachRolePolicy', '*', { Condition: { ArnEquals: { 'iam:PolicyARN': READ_ONLY } } })]),
      }),
    );
    const c = iam(t.url, u.credentials);
    const admin = await failure(c, new AttachRolePolicyCommand({ RoleName: 'delegated', PolicyArn: ADMIN }));
    expect(admin.code).toBe('AccessDenied');
    await c.send(new AttachRolePolicyCommand({ RoleName: 'delegated', PolicyArn: READ_ONLY }));
    const listed = await root().send(new ListAttachedRolePoliciesCommand({ RoleName: 'delegated' }));
    expect(listed.AttachedPolicies).toEqual([{ PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY }]);
  });
});

describe('attachments: the quota holds under concurrency', () => {
  it('12 concurrent attaches of distinct policies to one user: exactly 10 succeed, the rest are LimitExceeded', async () => {
    const u = await makeUser(t, 'racer');
    const arns: string[] = [];
    for (let i = 0; i < 12; i++) arns.push((await root().send(new CreatePolicyCommand({ PolicyName: `race${i}`, PolicyDocument: doc([allow(`s3:Race${i}`)]) }))).Policy!.Arn!);
    const results = await Promise.all(arns.map((PolicyArn) => root().send(new AttachUserPolicyCommand({ UserName: u.name, PolicyArn })).then(() => 'ok', (e) => code(e))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
    expect(results.filter((r) => r !== 'ok')).toEqual(['LimitExceeded', 'LimitExceeded']);
    const n = await t.database.db.query(`SELECT count(*)::int AS n FROM user_policy_attachments WHERE user_id = $1`, [u.userId]);
    expect(n.rows[0]!.n).toBe(10);
  });
});

describe('attachments and inline policies: groups and roles', () => {
  it('group: attach, list by path prefix and keyset pages, inline put/get/list/delete, detach; a member gains and loses', async () => {
    const member = await makeUser(t, 'member');
    const g = await makeGroup('Readers', '/', [member.userId]);
    const c = iam(t.url, member.credentials);
    expect((await failure(c, new ListRolePoliciesCommand({ RoleName: 'nobody' }))).code).toBe('AccessDenied');

    const arns: string[] = [];
    for (const [name, path] of [['b-pol', '/'], ['A-pol', '/x/'], ['c-pol', '/x/']] as const) {
      arns.push((await root().send(new CreatePolicyCommand({ PolicyName: name, Path: path, PolicyDocument: doc([allow(`s3:${name}`)]) }))).Policy!.Arn!);
    }
    for (const arn of arns) await root().send(new AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: arn }));
    const all = await walk(async (Marker) => {
      const o = await root().send(new ListAttachedGroupPoliciesCommand({ GroupName: g.name, MaxItems: 1, Marker }));
      return { ...o, items: o.AttachedPolicies! };
    });
    expect([all.pages, all.items.map((p) => p.PolicyName)]).toEqual([3, ['A-pol', 'b-pol', 'c-pol']]);
    expect((await root().send(new ListAttachedGroupPoliciesCommand({ GroupName: g.name, PathPrefix: '/x/' }))).AttachedPolicies!.map((p) => p.PolicyName)).toEqual(['A-pol', 'c-pol']);

    await root().send(new PutGroupPolicyCommand({ GroupName: g.name, PolicyName: 'roles', PolicyDocument: doc([allow('iam:ListRolePolicies')]) }));
    await root().send(new PutGroupPolicyCommand({ GroupName: g.name, PolicyName: 'Also', PolicyDocument: doc([allow('s3:GetObject')]) }));
    const got = await root().send(new GetGroupPolicyCommand({ GroupName: 'READERS', PolicyName: 'roles' }));
    expect([got.GroupName, got.PolicyName, decodeURIComponent(got.PolicyDocument!)]).toEqual(['Readers', 'roles', doc([allow('iam:ListRolePolicies')])]);
    const names = await walk(async (Marker) => {
      const o = await root().send(new ListGroupPoliciesCommand({ GroupName: g.name, MaxItems: 1, Marker }));
      return { ...o, items: o.PolicyNames! };
    });
    expect(names.items).toEqual(['Also', 'roles']);
    // The member's authorization sees the group's inline policy now (NoSuchEntity: allowed to ask).
    expect((await failure(c, new ListRolePoliciesCommand({ RoleName: 'nobody' }))).code).toBe('NoSuchEntity');

    await root().send(new DeleteGroupPolicyCommand({ GroupName: g.name, PolicyName: 'roles' }));
    expect((await failure(c, new ListRolePoliciesCommand({ RoleName: 'nobody' }))).code).toBe('AccessDenied');
    const again = await failure(root(), new DeleteGroupPolicyCommand({ GroupName: g.name, PolicyName: 'roles' }));
    expect([again.code, again.message]).toEqual(['NoSuchEntity', 'The group policy with name roles cannot be found.']);
    await root().send(new DetachGroupPolicyCommand({ GroupName: g.name, PolicyArn: arns[0]! }));
    const notAttached = await failure(root(), new DetachGroupPolicyCommand({ GroupName: g.name, PolicyArn: arns[0]! }));
    expect([notAttached.code, notAttached.message]).toEqual(['NoSuchEntity', `Policy ${arns[0]} was not found.`]);
    const badArn = await failure(root(), new DetachGroupPolicyCommand({ GroupName: g.name, PolicyArn: 'arn:aws:iam::123:notapolicy' }));
    expect([badArn.code, badArn.message]).toEqual(['InvalidInput', 'ARN arn:aws:iam::123:notapolicy is not valid.']);
  });

  it('role: inline policies with the role quota, GetRolePolicy names the role as stored; ListEntitiesForPolicy pages across kinds', async () => {
    await root().send(new CreateRoleCommand({ RoleName: 'Holder', AssumeRolePolicyDocument: trust() }));
    await root().send(new PutRolePolicyCommand({ RoleName: 'holder', PolicyName: 'p1', PolicyDocument: doc([allow('s3:GetObject')]) }));
    const got = await root().send(new GetRolePolicyCommand({ RoleName: 'holder', PolicyName: 'p1' }));
    expect([got.RoleName, got.PolicyName]).toEqual(['Holder', 'p1']);
    const big = doc([allow(Array.from({ length: 700 }, (_, i) => `s3:SomeAction${i}`))]);
    const over = await failure(root(), new PutRolePolicyCommand({ RoleName: 'Holder', PolicyName: 'big', PolicyDocument: big }));
    expect([over.code, over.message]).toEqual(['LimitExceeded', 'Maximum policy size of 10240 bytes exceeded for role Holder']);
    expect((await root().send(new ListRolePoliciesCommand({ RoleName: 'Holder' }))).PolicyNames).toEqual(['p1']);
    await root().send(new DeleteRolePolicyCommand({ RoleName: 'Holder', PolicyName: 'p1' }));
    const missing = await failure(root(), new GetRolePolicyCommand({ RoleName: 'Holder', PolicyName: 'p1' }));
    expect([missing.code, missing.message]).toEqual(['NoSuchEntity', 'The role policy with name p1 cannot be found.']);

    const arn = (await root().send(new CreatePolicyCommand({ PolicyName: 'everywhere', PolicyDocument: doc([allow('s3:ListBucket')]) }))).Policy!.Arn!;
    const u1 = await makeUser(t, 'ent-b');
    const u2 = await makeUser(t, 'Ent-A');
    const g = await makeGroup('ent-group');
    await root().send(new AttachRolePolicyCommand({ RoleName: 'Holder', PolicyArn: arn }));
    await root().send(new AttachUserPolicyCommand({ UserName: u1.name, PolicyArn: arn }));
    await root().send(new AttachUserPolicyCommand({ UserName: u2.name, PolicyArn: arn }));
    await root().send(new AttachGroupPolicyCommand({ GroupName: g.name, PolicyArn: arn }));
    const pages: string[][] = [];
    let marker: string | undefined;
    do {
      const o = await root().send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, MaxItems: 1, Marker: marker }));
      pages.push([...o.PolicyGroups!.map((x) => `group:${x.GroupName}`), ...o.PolicyRoles!.map((x) => `role:${x.RoleName}`), ...o.PolicyUsers!.map((x) => `user:${x.UserName}`)]);
      marker = o.IsTruncated ? o.Marker : undefined;
    } while (marker);
    expect(pages).toEqual([['group:ent-group'], ['role:Holder'], ['user:Ent-A'], ['user:ent-b']]);
    const users = await root().send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'User' }));
    expect([users.PolicyGroups, users.PolicyRoles, users.PolicyUsers]).toEqual([[], [], [{ UserName: 'Ent-A', UserId: u2.userId }, { UserName: 'ent-b', UserId: u1.userId }]]);
    const local = await root().send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'AWSManagedPolicy' }));
    expect([local.PolicyGroups, local.PolicyRoles, local.PolicyUsers]).toEqual([[], [], []]);
  });

  it('TagPolicy refuses AWS managed policies and more than 50 tags; a missing policy is NoSuchEntity', async () => {
    const aws = await failure(root(), new TagPolicyCommand({ PolicyArn: READ_ONLY, Tags: [{ Key: 'a', Value: 'b' }] }));
    expect([aws.code, aws.message]).toEqual(['InvalidInput', `ARN ${READ_ONLY} is not valid.`]);
    const none = `arn:aws:iam::${t.accountId}:policy/none`;
    const missing = await failure(root(), new TagPolicyCommand({ PolicyArn: none, Tags: [{ Key: 'a', Value: 'b' }] }));
    expect([missing.code, missing.message]).toEqual(['NoSuchEntity', `Policy ${none} was not found.`]);
    const arn = (await root().send(new CreatePolicyCommand({ PolicyName: 'tagged', PolicyDocument: doc([allow('s3:ListBucket')]) }))).Policy!.Arn!;
    await root().send(new TagPolicyCommand({ PolicyArn: arn, Tags: Array.from({ length: 30 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }));
    const over = await failure(root(), new TagPolicyCommand({ PolicyArn: arn, Tags: Array.from({ length: 21 }, (_, i) => ({ Key: `n${i}`, Value: 'v' })) }));
    expect([over.code, over.message]).toEqual(['LimitExceeded', 'The number of tags has reached the maximum limit.']);
  });
});
