import { describe, expect, it } from 'vitest';
import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  ListUserPoliciesCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
  TagPolicyCommand,
  UntagPolicyCommand,
} from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../../support/tessera.js';
import { allow, code, doc, iam, makeUser } from './support.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

const c = () => iam(t.url, t.root);
const trust = () => doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);

describe('managed policies', () => {
  it('create, get, versions (at most 5), default switch, delete rules', async () => {
    const d1 = doc([allow('s3:GetObject')]);
    const created = await c().send(new CreatePolicyCommand({ PolicyName: 'reader', Path: '/team/', PolicyDocument: d1, Description: 'reads', Tags: [{ Key: 'k', Value: 'v' }] }));
    const arn = `arn:aws:iam::${t.accountId}:policy/team/reader`;
    expect(created.Policy).toMatchObject({ PolicyName: 'reader', Arn: arn, Path: '/team/', DefaultVersionId: 'v1', AttachmentCount: 0, IsAttachable: true });
    expect(created.Policy!.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    expect((await c().send(new GetPolicyCommand({ PolicyArn: arn }))).Policy).toMatchObject({ Description: 'reads', Tags: [{ Key: 'k', Value: 'v' }] });
    const dup = await c().send(new CreatePolicyCommand({ PolicyName: 'READER', PolicyDocument: d1 })).catch((e) => e);
    expect([code(dup), dup.message]).toEqual(['EntityAlreadyExists', 'A policy called READER already exists. Duplicate names are not allowed.']);

    const v2 = await c().send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc([allow('s3:PutObject')]), SetAsDefault: true }));
    expect(v2.PolicyVersion).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true });
    for (let i = 3; i <= 5; i++) await c().send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc([allow(`s3:Op${i}`)]) }));
    const six = await c().send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: d1 })).catch((e) => e);
    expect([code(six), six.$metadata.httpStatusCode, six.message]).toEqual([
      'LimitExceeded',
      409,
      'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
    ]);
    const versions = await c().send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(versions.Versions!.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([['v5', false], ['v4', false], ['v3', false], ['v2', true], ['v1', false]]);
    const got = await c().send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(decodeURIComponent(got.PolicyVersion!.Document!)).toBe(d1);
    const delDefault = await c().send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })).catch((e) => e);
    expect([code(delDefault), delDefault.message]).toEqual(['DeleteConflict', 'Cannot delete the default version of a policy.']);
    await c().send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' }));
    expect((await c().send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: d1 }))).PolicyVersion!.VersionId).toBe('v6');
    await c().send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect((await c().send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.DefaultVersionId).toBe('v1');

    // Attached: DeleteConflict; then several versions: DeleteConflict; then it goes.
    await c().send(new CreateRoleCommand({ RoleName: 'holder', AssumeRolePolicyDocument: trust() }));
    await c().send(new AttachRolePolicyCommand({ RoleName: 'holder', PolicyArn: arn }));
    expect((await c().send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount).toBe(1);
    const attached = await c().send(new DeletePolicyCommand({ PolicyArn: arn })).catch((e) => e);
    expect([code(attached), attached.$metadata.httpStatusCode, attached.message]).toEqual(['DeleteConflict', 409, 'Cannot delete a policy attached to entities.']);
    await c().send(new DetachRolePolicyCommand({ RoleName: 'holder', PolicyArn: arn }));
    const multi = await c().send(new DeletePolicyCommand({ PolicyArn: arn })).catch((e) => e);
    expect(multi.message).toBe(
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    );
    for (const v of ['v2', 'v4', 'v5', 'v6']) await c().send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
    await c().send(new DeletePolicyCommand({ PolicyArn: arn }));
    const gone = await c().send(new GetPolicyCommand({ PolicyArn: arn })).catch((e) => e);
    expect([code(gone), gone.message]).toEqual(['NoSuchEntity', `Policy ${arn} was not found.`]);
  });

  it('MalformedPolicyDocument and the size quota', async () => {
    const principal = await c()
      .send(new CreatePolicyCommand({ PolicyName: 'bad', PolicyDocument: doc([{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }]) }))
      .catch((e) => e);
    expect([code(principal), principal.$metadata.httpStatusCode]).toEqual(['MalformedPolicyDocument', 400]);
    const syntax = await c().send(new CreatePolicyCommand({ PolicyName: 'bad', PolicyDocument: 'not json' })).catch((e) => e);
    expect(code(syntax)).toBe('MalformedPolicyDocument');
    const big = doc([allow(Array.from({ length: 400 }, (_, i) => `s3:SomeLongActionName${i}`))]);
    const tooBig = await c().send(new CreatePolicyCommand({ PolicyName: 'bad', PolicyDocument: big })).catch((e) => e);
    expect([code(tooBig), tooBig.message]).toEqual(['LimitExceeded', 'Cannot exceed quota for PolicySize: 6144']);
    expect((await t.database.db.query(`SELECT count(*)::int AS n FROM policies WHERE policy_name = 'bad'`)).rows[0]!.n).toBe(0);
  });

  it('attach/detach with LimitExceeded at 10, AWS managed ARNs, nonexistent ARNs', async () => {
    const u = await makeUser(t, 'attacher');
    const arns: string[] = [];
    for (let i = 0; i < 11; i++) {
      const p = await c().send(new CreatePolicyCommand({ PolicyName: `lim${i}`, PolicyDocument: doc([allow(`s3:Op${i}`)]) }));
      arns.push(p.Policy!.Arn!);
    }
    for (const arn of arns.slice(0, 10)) await c().send(new AttachUserPolicyCommand({ UserName: u.name, PolicyArn: arn }));
    await c().send(new AttachUserPolicyCommand({ UserName: u.name, PolicyArn: arns[0]! })); // idempotent
    const over = await c().send(new AttachUserPolicyCommand({ UserName: u.name, PolicyArn: arns[10]! })).catch((e) => e);
    expect([code(over), over.$metadata.httpStatusCode, over.message]).toEqual(['LimitExceeded', 409, 'Cannot exceed quota for PoliciesPerUser: 10']);
    const missing = await c().send(new AttachUserPolicyCommand({ UserName: u.name, PolicyArn: `arn:aws:iam::${t.accountId}:policy/none` })).catch((e) => e);
    expect([code(missing), missing.message]).toEqual(['NoSuchEntity', `Policy arn:aws:iam::${t.accountId}:policy/none does not exist or is not attachable.`]);
    const noUser = await c().send(new AttachUserPolicyCommand({ UserName: 'nobody', PolicyArn: arns[0]! })).catch((e) => e);
    expect([code(noUser), noUser.message]).toEqual(['NoSuchEntity', 'The user with name nobody cannot be found.']);

    // Pagination of attached policies.
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await c().send(new ListAttachedUserPoliciesCommand({ UserName: u.name, MaxItems: 4, Marker: marker }));
      seen.push(...page.AttachedPolicies!.map((p) => p.PolicyArn!));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    expect(seen.sort()).toEqual(arns.slice(0, 10).sort());

    await c().send(new DetachUserPolicyCommand({ UserName: u.name, PolicyArn: arns[0]! }));
    const again = await c().send(new DetachUserPolicyCommand({ UserName: u.name, PolicyArn: arns[0]! })).catch((e) => e);
    expect(code(again)).toBe('NoSuchEntity');
    await c().send(new AttachUserPolicyCommand({ UserName: u.name, PolicyArn: arns[10]! }));

    const ents = await c().send(new ListEntitiesForPolicyCommand({ PolicyArn: arns[10]! }));
    expect(ents.PolicyUsers).toEqual([{ UserName: u.name, UserId: u.userId }]);
    expect(ents.PolicyRoles).toEqual([]);
    await c().send(new PutUserPermissionsBoundaryCommand({ UserName: u.name, PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const b = await c().send(new ListEntitiesForPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', PolicyUsageFilter: 'PermissionsBoundary' }));
    expect(b.PolicyUsers).toEqual([{ UserName: u.name, UserId: u.userId }]);
    const aws = await c().send(new ListPoliciesCommand({ Scope: 'AWS' }));
    expect(aws.Policies!.map((p) => p.PolicyName)).toEqual(expect.arrayContaining(['AdministratorAccess', 'ReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess']));
    const onlyAttached = await c().send(new ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true, MaxItems: 1000 }));
    expect(onlyAttached.Policies).toHaveLength(10);
  });

  it('ListPolicies paginates local policies; tags on policies', async () => {
    for (let i = 0; i < 5; i++) await c().send(new CreatePolicyCommand({ PolicyName: `page${i}`, Path: '/paged/', PolicyDocument: doc([allow('s3:GetObject')]) }));
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await c().send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/paged/', MaxItems: 2, Marker: marker }));
      pages++;
      names.push(...out.Policies!.map((p) => p.PolicyName!));
      marker = out.IsTruncated ? out.Marker : undefined;
    } while (marker);
    expect([pages, names]).toEqual([3, ['page0', 'page1', 'page2', 'page3', 'page4']]);
    const arn = `arn:aws:iam::${t.accountId}:policy/paged/page0`;
    await c().send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    await c().send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ['a'] }));
    expect((await c().send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags).toEqual([{ Key: 'b', Value: '2' }]);
  });

  it('inline user policies: put, get (URL-encoded), list, aggregate size, delete', async () => {
    const u = await makeUser(t, 'inliner');
    const d = doc([allow('s3:GetObject', 'arn:aws:s3:::bucket/*')]);
    await c().send(new PutUserPolicyCommand({ UserName: u.name, PolicyName: 'one', PolicyDocument: d }));
    await c().send(new PutUserPolicyCommand({ UserName: u.name, PolicyName: 'two', PolicyDocument: d }));
    const got = await c().send(new GetUserPolicyCommand({ UserName: u.name, PolicyName: 'one' }));
    expect(got).toMatchObject({ UserName: u.name, PolicyName: 'one' });
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(d);
    expect((await c().send(new ListUserPoliciesCommand({ UserName: u.name }))).PolicyNames).toEqual(['one', 'two']);
    const big = doc([allow(Array.from({ length: 200 }, (_, i) => `s3:Action${i}`))]);
    const over = await c().send(new PutUserPolicyCommand({ UserName: u.name, PolicyName: 'big', PolicyDocument: big })).catch((e) => e);
    expect([code(over), over.message]).toEqual(['LimitExceeded', `Maximum policy size of 2048 bytes exceeded for user ${u.name}`]);
    const bad = await c().send(new PutUserPolicyCommand({ UserName: u.name, PolicyName: 'bad', PolicyDocument: '{"Statement":[{"Effect":"Maybe"}]}' })).catch((e) => e);
    expect(code(bad)).toBe('MalformedPolicyDocument');
    await c().send(new DeleteUserPolicyCommand({ UserName: u.name, PolicyName: 'one' }));
    const missing = await c().send(new GetUserPolicyCommand({ UserName: u.name, PolicyName: 'one' })).catch((e) => e);
    expect([code(missing), missing.message]).toEqual(['NoSuchEntity', 'The user policy with name one cannot be found.']);
  });

  it('groups: attach to a nonexistent group is NoSuchEntity', async () => {
    const e = await c().send(new AttachGroupPolicyCommand({ GroupName: 'nogroup', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })).catch((x) => x);
    expect([code(e), e.message]).toEqual(['NoSuchEntity', 'The group with name nogroup cannot be found.']);
  });
});
