import { describe, expect, it } from 'vitest';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../../support/tessera.js';
import { allow, code, doc, iam } from './support.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

const trust = (acct: string) => doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }]);

describe('roles', () => {
  it('create, get (URL-encoded trust policy, tags, boundary), update, tag, delete', async () => {
    const c = iam(t.url, t.root);
    const pol = await c.send(new CreatePolicyCommand({ PolicyName: 'boundary1', PolicyDocument: doc([allow('s3:*')]) }));
    const created = await c.send(
      new CreateRoleCommand({
        RoleName: 'app',
        Path: '/svc/',
        AssumeRolePolicyDocument: trust(t.accountId),
        Description: 'the app',
        MaxSessionDuration: 7200,
        PermissionsBoundary: pol.Policy!.Arn!,
        Tags: [{ Key: 'team', Value: 'blue' }],
      }),
    );
    expect(created.Role).toMatchObject({ RoleName: 'app', Path: '/svc/', Arn: `arn:aws:iam::${t.accountId}:role/svc/app`, Description: 'the app' });
    // AWS's CreateRole answer carries neither MaxSessionDuration nor RoleLastUsed (OUTPUT_OMITTED); GetRole does.
    expect(created.Role!.MaxSessionDuration).toBeUndefined();
    expect(created.Role!.RoleLastUsed).toBeUndefined();
    expect((await c.send(new GetRoleCommand({ RoleName: 'app' }))).Role!.MaxSessionDuration).toBe(7200);
    expect(created.Role!.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    const got = (await c.send(new GetRoleCommand({ RoleName: 'APP' }))).Role!;
    expect(decodeURIComponent(got.AssumeRolePolicyDocument!)).toBe(trust(t.accountId));
    expect(got.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: pol.Policy!.Arn });
    expect(got.Tags).toEqual([{ Key: 'team', Value: 'blue' }]);
    expect(got.CreateDate).toBeInstanceOf(Date);

    await c.send(new UpdateRoleCommand({ RoleName: 'app', MaxSessionDuration: 3600 }));
    const desc = await c.send(new UpdateRoleDescriptionCommand({ RoleName: 'app', Description: 'new' }));
    expect(desc.Role).toMatchObject({ Description: 'new', MaxSessionDuration: 3600 });
    const newTrust = doc([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    await c.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: newTrust }));
    expect(decodeURIComponent((await c.send(new GetRoleCommand({ RoleName: 'app' }))).Role!.AssumeRolePolicyDocument!)).toBe(newTrust);

    await c.send(new TagRoleCommand({ RoleName: 'app', Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'TEAM', Value: 'red' }] }));
    expect((await c.send(new ListRoleTagsCommand({ RoleName: 'app' }))).Tags).toEqual([{ Key: 'env', Value: 'prod' }, { Key: 'TEAM', Value: 'red' }]);
    await c.send(new UntagRoleCommand({ RoleName: 'app', TagKeys: ['env'] }));
    expect((await c.send(new ListRoleTagsCommand({ RoleName: 'app' }))).Tags).toEqual([{ Key: 'TEAM', Value: 'red' }]);

    // DeleteConflict while policies are attached or inline.
    await c.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    await c.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'inline', PolicyDocument: doc([allow('s3:GetObject')]) }));
    const e1 = await c.send(new DeleteRoleCommand({ RoleName: 'app' })).catch((e) => e);
    expect([code(e1), e1.$metadata.httpStatusCode, e1.message]).toEqual(['DeleteConflict', 409, 'Cannot delete entity, must detach all policies first.']);
    await c.send(new DetachRolePolicyCommand({ RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const e2 = await c.send(new DeleteRoleCommand({ RoleName: 'app' })).catch((e) => e);
    expect(e2.message).toBe('Cannot delete entity, must delete policies first.');
    await c.send(new DeleteRolePolicyCommand({ RoleName: 'app', PolicyName: 'inline' }));
    await c.send(new DeleteRoleCommand({ RoleName: 'app' }));
    const gone = await c.send(new GetRoleCommand({ RoleName: 'app' })).catch((e) => e);
    expect([code(gone), gone.$metadata.httpStatusCode, gone.message]).toEqual(['NoSuchEntity', 404, 'The role with name app cannot be found.']);
  });

  it('validates input: trust policy, MaxSessionDuration, names, boundary', async () => {
    const c = iam(t.url, t.root);
    const bad = await c.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[' })).catch((e) => e);
    expect([code(bad), bad.$metadata.httpStatusCode]).toEqual(['MalformedPolicyDocument', 400]);
    const noPrincipal = await c.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: doc([allow('sts:AssumeRole')]) })).catch((e) => e);
    expect(code(noPrincipal)).toBe('MalformedPolicyDocument');
    const dur = await c.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: trust(t.accountId), MaxSessionDuration: 60 })).catch((e) => e);
    expect(code(dur)).toBe('ValidationError');
    expect(dur.message).toContain("at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600");
    const big = doc([{ Effect: 'Allow', Principal: { AWS: Array.from({ length: 60 }, (_, i) => `arn:aws:iam::${t.accountId}:user/u${i}`) }, Action: 'sts:AssumeRole' }]);
    const tooBig = await c.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: big })).catch((e) => e);
    expect([code(tooBig), tooBig.message]).toEqual(['LimitExceeded', 'Cannot exceed quota for ACLSizePerRole: 2048']);
    const nb = await c
      .send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: trust(t.accountId), PermissionsBoundary: `arn:aws:iam::${t.accountId}:policy/nope` }))
      .catch((e) => e);
    expect(code(nb)).toBe('NoSuchEntity');
    // None of the failed creates left a role behind.
    expect((await t.database.db.query(`SELECT count(*)::int AS n FROM roles WHERE lower(role_name) = 'bad'`)).rows[0]!.n).toBe(0);
  });

  it('an error part-way leaves nothing: a duplicate tag key creates no role', async () => {
    const c = iam(t.url, t.root);
    const e = await c
      .send(new CreateRoleCommand({ RoleName: 'dup', AssumeRolePolicyDocument: trust(t.accountId), Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] }))
      .catch((x) => x);
    expect(code(e)).toBe('InvalidInput');
    expect(code(await c.send(new GetRoleCommand({ RoleName: 'dup' })).catch((x) => x))).toBe('NoSuchEntity');
  });

  it('concurrent CreateRole of one name: exactly one succeeds, case-insensitively', async () => {
    const c = iam(t.url, t.root);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => c.send(new CreateRoleCommand({ RoleName: i % 2 ? 'Racer' : 'racer', AssumeRolePolicyDocument: trust(t.accountId) }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const errs = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    expect(new Set(errs.map((e) => `${code(e)} ${e.$metadata.httpStatusCode}`))).toEqual(new Set(['EntityAlreadyExists 409']));
    expect(errs[0].message).toMatch(/^Role with name [Rr]acer already exists\.$/);
  });

  it('ListRoles: PathPrefix and Marker/MaxItems pagination', async () => {
    const c = iam(t.url, t.root);
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await c.send(new CreateRoleCommand({ RoleName: n, Path: '/pages/', AssumeRolePolicyDocument: trust(t.accountId) }));
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await c.send(new ListRolesCommand({ PathPrefix: '/pages/', MaxItems: 2, Marker: marker }));
      pages++;
      names.push(...out.Roles!.map((r) => r.RoleName!));
      expect(JSON.parse(decodeURIComponent(out.Roles![0]!.AssumeRolePolicyDocument!))).toEqual(JSON.parse(trust(t.accountId)));
      marker = out.IsTruncated ? out.Marker : undefined;
      if (out.IsTruncated) expect(out.Marker).toMatch(/^\S+$/);
    } while (marker);
    expect(pages).toBe(3);
    expect(names).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('DeleteRole of a principal racing UpdateAssumeRolePolicy naming it: both lock in one order (no deadlock)', async () => {
    const c = iam(t.url, t.root);
    const db = t.database.db;
    const target = await c.send(new CreateRoleCommand({ RoleName: 'dl-target', AssumeRolePolicyDocument: trust(t.accountId) }));
    const namingTarget = doc([{ Effect: 'Allow', Principal: { AWS: target.Role!.Arn! }, Action: 'sts:AssumeRole' }]);
    await c.send(new CreateRoleCommand({ RoleName: 'dl-truster', AssumeRolePolicyDocument: namingTarget }));
    const waiting = async (n: number) => {
      for (let i = 0; i < 200; i++) {
        const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (r.rows[0]!.n >= n) return;
        await new Promise((ok) => setTimeout(ok, 20));
      }
      throw new Error(`never saw ${n} lock waiters`);
    };
    // A third transaction holds the trusting role, so both calls are mid-way when it lets go:
    // UpdateAssumeRolePolicy has what it locks before the role, DeleteRole has the target role.
    let release!: () => void;
    const released = new Promise<void>((ok) => (release = ok));
    const blocker = db.tx(async (q) => {
      await q.query(`SELECT 1 FROM roles WHERE account_id = $1 AND role_name = 'dl-truster' FOR UPDATE`, [t.accountId]);
      await released;
    });
    await new Promise((ok) => setTimeout(ok, 50));
    const update = c.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'dl-truster', PolicyDocument: namingTarget }));
    await waiting(1);
    const del = c.send(new DeleteRoleCommand({ RoleName: 'dl-target' }));
    await waiting(2);
    release();
    await blocker;
    const [u, d] = await Promise.allSettled([update, del]);
    expect([u.status, d.status]).toEqual(['fulfilled', 'fulfilled']);
    // The update committed first; the delete then rewrote the binding to the target's id.
    const after = await c.send(new GetRoleCommand({ RoleName: 'dl-truster' }));
    expect(decodeURIComponent(after.Role!.AssumeRolePolicyDocument!)).toContain(target.Role!.RoleId!);
  });

  it('DeleteRole of a role racing UpdateAssumeRolePolicy of it naming a role that trusts it: no deadlock', async () => {
    const c = iam(t.url, t.root);
    const db = t.database.db;
    const gone = await c.send(new CreateRoleCommand({ RoleName: 'dl2-gone', AssumeRolePolicyDocument: trust(t.accountId) }));
    const other = await c.send(
      new CreateRoleCommand({ RoleName: 'dl2-other', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: gone.Role!.Arn! }, Action: 'sts:AssumeRole' }]) }),
    );
    const waiting = async (n: number) => {
      for (let i = 0; i < 200; i++) {
        const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (r.rows[0]!.n >= n) return;
        await new Promise((ok) => setTimeout(ok, 20));
      }
      throw new Error(`never saw ${n} lock waiters`);
    };
    // Held so that DeleteRole gets the role first and UpdateAssumeRolePolicy has key-shared
    // dl2-other (which DeleteRole then rewrites) while it waits for the role.
    let release!: () => void;
    const released = new Promise<void>((ok) => (release = ok));
    const blocker = db.tx(async (q) => {
      await q.query(`SELECT 1 FROM roles WHERE account_id = $1 AND role_name = 'dl2-gone' FOR UPDATE`, [t.accountId]);
      await released;
    });
    await new Promise((ok) => setTimeout(ok, 50));
    const del = c.send(new DeleteRoleCommand({ RoleName: 'dl2-gone' }));
    await waiting(1);
    const update = c.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'dl2-gone', PolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: other.Role!.Arn! }, Action: 'sts:AssumeRole' }]) }),
    );
    await waiting(2);
    release();
    await blocker;
    const [d, u] = await Promise.allSettled([del, update]);
    expect(d.status).toBe('fulfilled');
    expect(u.status === 'rejected' ? code(u.reason as { name: string }) : u.status).toBe('NoSuchEntity');
    const after = await c.send(new GetRoleCommand({ RoleName: 'dl2-other' }));
    expect(decodeURIComponent(after.Role!.AssumeRolePolicyDocument!)).toContain(gone.Role!.RoleId!);
  });
});
