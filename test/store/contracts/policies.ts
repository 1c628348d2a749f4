import { randomInt } from 'node:crypto';
import { expect, it } from 'vitest';
import { attachedPolicySortKey, policyEntitySortKey } from '../../../src/store/policies.js';
import type { ContractFixture } from './fixture.js';

/**
 * The policy repository's contract (src/store/policies.ts): entity lookups, attachments, inline
 * policies, policy tags, the entities of a policy, and a principal's policies for authorization.
 * Users, groups and policies are written with plain SQL here (their own repositories are other
 * contracts); roles through the role repository.
 */
export default function policies(fixture: () => Promise<ContractFixture>): void {
  const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const rid = (prefix: string) => prefix + Array.from({ length: 17 }, () => B32[randomInt(32)]).join('');
  const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

  async function setup(f: ContractFixture) {
    const { db, store, accountId } = f;
    const user = async (name: string, path = '/', extra: { root?: boolean; boundary?: string } = {}) => {
      const id = rid('AIDA');
      await db.query(`INSERT INTO users (user_id, account_id, user_name, path, is_root, permissions_boundary, tags) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        id,
        accountId,
        name,
        path,
        extra.root ?? false,
        extra.boundary ?? null,
        JSON.stringify([{ Key: 'team', Value: name }]),
      ]);
      return id;
    };
    const group = async (name: string, path = '/') => {
      const id = rid('AGPA');
      await db.query(`INSERT INTO groups (group_id, account_id, group_name, path) VALUES ($1, $2, $3, $4)`, [id, accountId, name, path]);
      return id;
    };
    const role = async (name: string, path = '/', boundary?: string) => {
      const id = rid('AROA');
      const made = await store.roles.insert({
        id,
        accountId,
        name,
        path,
        arn: `arn:aws:iam::${accountId}:role${path}${name}`,
        trustPolicy: '{"Version":"2012-10-17","Statement":[]}',
        maxSessionDuration: 3600,
        ...(boundary ? { permissionsBoundary: boundary } : {}),
        tags: [{ Key: 'r', Value: name }],
        createdAt: new Date('2026-01-02T03:04:05Z'),
        trustPrincipals: {},
      });
      expect(made).not.toBe('exists');
      return id;
    };
    const policy = async (name: string, path = '/', opts: { attachable?: boolean; owner?: string | null } = {}) => {
      const id = rid('ANPA');
      const owner = opts.owner === undefined ? accountId : opts.owner;
      const arn = `arn:aws:iam::${owner ?? 'aws'}:policy${path}${name}${owner === null ? `-${id}` : ''}`;
      await db.query(`INSERT INTO policies (policy_id, account_id, policy_name, path, arn, is_attachable, tags) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        id,
        owner,
        name,
        path,
        arn,
        opts.attachable ?? true,
        JSON.stringify([{ Key: 'p', Value: '1' }]),
      ]);
      await db.query(`INSERT INTO policy_versions (policy_id, version_id, document, is_default) VALUES ($1, 'v1', $2, false), ($1, 'v2', $3, true)`, [id, doc('old:Action'), doc(`${name}:Do`)]);
      return { id, arn };
    };
    const member = (groupId: string, userId: string) => db.query(`INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)`, [groupId, userId]);
    return { user, group, role, policy, member };
  }

  it('policies: entity lookups by kind, case-insensitively, never the root user; null when absent', async () => {
    const f = await fixture();
    const { store, accountId } = f;
    const s = await setup(f);
    const u = await s.user('Alice', '/t/');
    await s.user('root', '/', { root: true });
    const g = await s.group('Admins');
    const r = await s.role('Runner', '/svc/');
    expect(await store.policies.entity('user', accountId, 'alice')).toEqual({ id: u, name: 'Alice', path: '/t/' });
    expect(await store.policies.entity('user', accountId, 'root')).toBeNull();
    expect(await store.policies.entity('group', accountId, 'ADMINS')).toEqual({ id: g, name: 'Admins', path: '/' });
    expect(await store.policies.entity('role', accountId, 'runner')).toEqual({ id: r, name: 'Runner', path: '/svc/', arn: `arn:aws:iam::${accountId}:role/svc/Runner` });
    expect(await store.policies.entity('role', accountId, 'Alice')).toBeNull();
    expect(await store.policies.entity('user', '000000000000', 'Alice')).toBeNull();
    // FOR UPDATE inside a transaction.
    expect((await store.tx((t) => t.policies.entity('group', accountId, 'admins', { lock: true })))?.id).toBe(g);
  });

  it('policies: policy() sees own and AWS managed policies, not another account’s; tags replaced', async () => {
    const f = await fixture();
    const { store, accountId, db } = f;
    const s = await setup(f);
    const own = await s.policy('Own', '/', { attachable: false });
    const aws = await s.policy('AwsOne', '/', { owner: null });
    const otherAccount = String(Number(accountId) + 1).padStart(12, '0');
    await db.query(`INSERT INTO accounts (account_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [otherAccount, `other-${otherAccount}`]);
    const foreign = await s.policy('Foreign', '/', { owner: otherAccount });
    expect(await store.policies.policy(accountId, own.arn)).toEqual({ id: own.id, arn: own.arn, accountId, isAttachable: false, tags: [{ Key: 'p', Value: '1' }] });
    expect(await store.policies.policy(accountId, aws.arn)).toEqual({ id: aws.id, arn: aws.arn, isAttachable: true, tags: [{ Key: 'p', Value: '1' }] });
    expect(await store.policies.policy(accountId, foreign.arn)).toBeNull();
    await store.tx(async (t) => {
      const p = await t.policies.policy(accountId, own.arn, { lock: true });
      await t.policies.setPolicyTags(p!.id, [{ Key: 'a', Value: 'b' }]);
    });
    expect((await store.policies.policy(accountId, own.arn))?.tags).toEqual([{ Key: 'a', Value: 'b' }]);
    await db.query(`DELETE FROM policy_versions WHERE policy_id = $1`, [aws.id]);
    await db.query(`DELETE FROM policies WHERE policy_id = $1`, [aws.id]);
  });

  it('policies: attach is idempotent, counts, detach says whether it did; pages in (name, ARN) order by keyset, filtered by path', async () => {
    const f = await fixture();
    const { store } = f;
    const s = await setup(f);
    for (const kind of ['user', 'group', 'role'] as const) {
      const id = kind === 'user' ? await s.user(`u-${kind}`) : kind === 'group' ? await s.group(`g-${kind}`) : await s.role(`r-${kind}`);
      const ps = [await s.policy(`b-${kind}`), await s.policy(`A-${kind}`, '/x/'), await s.policy(`c-${kind}`, '/x/'), await s.policy(`_d-${kind}`)];
      const at = new Date('2026-02-03T04:05:06Z');
      for (const p of ps) expect(await store.policies.attach(kind, id, p.arn, at)).toBe(true);
      expect(await store.policies.attach(kind, id, ps[0]!.arn, at)).toBe(false);
      expect(await store.policies.attachments(kind, id, ps[1]!.arn)).toEqual({ count: 4, attached: true });
      const other = await s.policy(`other-${kind}`);
      expect(await store.policies.attachments(kind, id, other.arn)).toEqual({ count: 4, attached: false });

      const all = await store.policies.attachedPage(kind, id, '/', { limit: 10 });
      expect(all.map((p) => p.name)).toEqual([`_d-${kind}`, `A-${kind}`, `b-${kind}`, `c-${kind}`]);
      expect(all[1]).toEqual({ name: `A-${kind}`, arn: ps[1]!.arn });
      const second = await store.policies.attachedPage(kind, id, '/', { after: attachedPolicySortKey(all[1]!), limit: 1 });
      expect(second.map((p) => p.name)).toEqual([`b-${kind}`]);
      expect((await store.policies.attachedPage(kind, id, '/x/', { limit: 10 })).map((p) => p.name)).toEqual([`A-${kind}`, `c-${kind}`]);

      expect(await store.policies.detach(kind, id, ps[0]!.arn)).toBe(true);
      expect(await store.policies.detach(kind, id, ps[0]!.arn)).toBe(false);
      expect((await store.policies.attachments(kind, id, ps[0]!.arn)).count).toBe(3);
    }
  });

  it('policies: inline policies put (create, replace), get (case-sensitive), others, delete; names paged in byte order', async () => {
    const f = await fixture();
    const { store } = f;
    const s = await setup(f);
    for (const kind of ['user', 'group', 'role'] as const) {
      const id = kind === 'user' ? await s.user('iu') : kind === 'group' ? await s.group('ig') : await s.role('ir');
      const at = new Date('2026-02-03T04:05:06Z');
      for (const n of ['b', 'B', 'a', '_c']) await store.policies.putInline(kind, id, { name: n, document: doc(`s3:${n}`) }, at);
      await store.policies.putInline(kind, id, { name: 'a', document: doc('s3:Replaced') }, at);
      expect(await store.policies.getInline(kind, id, 'a')).toEqual({ name: 'a', document: doc('s3:Replaced') });
      expect(await store.policies.getInline(kind, id, 'A')).toBeNull();
      expect((await store.policies.inlinePolicies(kind, id, { except: 'a' })).map((p) => p.name).sort()).toEqual(['B', '_c', 'b']);
      expect((await store.policies.inlinePolicies(kind, id)).length).toBe(4);
      expect(await store.policies.inlinePage(kind, id, { limit: 10 })).toEqual(['B', '_c', 'a', 'b']);
      expect(await store.policies.inlinePage(kind, id, { after: '_c', limit: 1 })).toEqual(['a']);
      expect(await store.policies.deleteInline(kind, id, 'b')).toBe(true);
      expect(await store.policies.deleteInline(kind, id, 'b')).toBe(false);
      expect(await store.policies.inlinePage(kind, id, { limit: 10 })).toEqual(['B', '_c', 'a']);
    }
  });

  it('policies: entities of a policy by filter (attached, boundary, kind, path), keyset in (kind, name) order', async () => {
    const f = await fixture();
    const { store, accountId } = f;
    const s = await setup(f);
    const p = await s.policy('Shared');
    const at = new Date();
    const u1 = await s.user('zed', '/a/');
    const u2 = await s.user('Amy', '/', { boundary: p.arn });
    const u3 = await s.user('both', '/', { boundary: p.arn });
    await s.user('none');
    const g1 = await s.group('Ops', '/a/');
    const r1 = await s.role('Worker', '/', p.arn);
    const r2 = await s.role('batch');
    for (const [k, id] of [['user', u1], ['user', u3], ['group', g1], ['role', r2]] as const) await store.policies.attach(k, id, p.arn, at);
    const everything = { users: true, groups: true, roles: true, asPolicy: true, asBoundary: true, pathPrefix: '/' };
    const all = await store.policies.entitiesPage(accountId, p.arn, everything, { limit: 100 });
    expect(all).toEqual([
      { kind: 'group', name: 'Ops', id: g1 },
      { kind: 'role', name: 'batch', id: r2 },
      { kind: 'role', name: 'Worker', id: r1 },
      { kind: 'user', name: 'Amy', id: u2 },
      { kind: 'user', name: 'both', id: u3 },
      { kind: 'user', name: 'zed', id: u1 },
    ]);
    const names = (xs: { name: string }[]) => xs.map((x) => x.name);
    expect(names(await store.policies.entitiesPage(accountId, p.arn, everything, { after: policyEntitySortKey(all[2]!), limit: 2 }))).toEqual(['Amy', 'both']);
    expect(names(await store.policies.entitiesPage(accountId, p.arn, { ...everything, asBoundary: false }, { limit: 100 }))).toEqual(['Ops', 'batch', 'both', 'zed']);
    expect(names(await store.policies.entitiesPage(accountId, p.arn, { ...everything, asPolicy: false }, { limit: 100 }))).toEqual(['Worker', 'Amy', 'both']);
    expect(names(await store.policies.entitiesPage(accountId, p.arn, { ...everything, groups: false, roles: false }, { limit: 100 }))).toEqual(['Amy', 'both', 'zed']);
    expect(names(await store.policies.entitiesPage(accountId, p.arn, { ...everything, pathPrefix: '/a/' }, { limit: 100 }))).toEqual(['Ops', 'zed']);
    expect(await store.policies.entitiesPage('000000000000', p.arn, everything, { limit: 100 })).toEqual([]);
  });

  it('policies: a principal’s policies for authorization (own, groups’, default versions), the root user, the missing', async () => {
    const f = await fixture();
    const { store } = f;
    const s = await setup(f);
    const boundary = await s.policy('Boundary');
    const direct = await s.policy('Direct');
    const viaGroup = await s.policy('ViaGroup');
    const u = await s.user('principal', '/', { boundary: boundary.arn });
    const g = await s.group('team');
    await s.member(g, u);
    const at = new Date();
    await store.policies.putInline('user', u, { name: 'mine', document: doc('s3:Mine') }, at);
    await store.policies.putInline('group', g, { name: 'ours', document: doc('s3:Ours') }, at);
    await store.policies.attach('user', u, direct.arn, at);
    await store.policies.attach('group', g, viaGroup.arn, at);
    await store.policies.attach('group', g, direct.arn, at);
    const got = await store.policies.userPolicies(u);
    expect(got).toMatchObject({ isRoot: false, permissionsBoundary: boundary.arn, tags: [{ Key: 'team', Value: 'principal' }] });
    expect(got!.policies).toEqual([
      { src: 'user', id: `user/${u}/mine`, document: doc('s3:Mine') },
      { src: 'user-managed', id: direct.arn, document: doc('Direct:Do') },
      { src: 'group', id: `group/${g}/ours`, document: doc('s3:Ours') },
      ...[
        { src: 'user-managed', id: direct.arn, document: doc('Direct:Do') },
        { src: 'user-managed', id: viaGroup.arn, document: doc('ViaGroup:Do') },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    ]);
    const root = await s.user('the-root', '/', { root: true });
    expect(await store.policies.userPolicies(root)).toMatchObject({ isRoot: true, policies: [] });
    expect(await store.policies.userPolicies('AIDANOSUCHUSERXXXXXXX')).toBeNull();

    const r = await s.role('authz', '/', boundary.arn);
    await store.policies.putInline('role', r, { name: 'inl', document: doc('s3:Role') }, at);
    await store.policies.attach('role', r, direct.arn, at);
    expect(await store.policies.rolePolicies(r)).toEqual({
      isRoot: false,
      permissionsBoundary: boundary.arn,
      tags: [{ Key: 'r', Value: 'authz' }],
      policies: [
        { src: 'role', id: `role/${r}/inl`, document: doc('s3:Role') },
        { src: 'user-managed', id: direct.arn, document: doc('Direct:Do') },
      ],
    });
    const bare = await s.role('bare');
    expect(await store.policies.rolePolicies(bare)).toEqual({ isRoot: false, tags: [{ Key: 'r', Value: 'bare' }], policies: [] });
    expect(await store.policies.rolePolicies('AROANOSUCHROLEXXXXXXX')).toBeNull();

    expect(await store.policies.defaultVersion(direct.arn)).toEqual({ document: doc('Direct:Do'), awsManaged: false });
    expect(await store.policies.defaultVersion('arn:aws:iam::aws:policy/AdministratorAccess')).toMatchObject({ awsManaged: true });
    expect(await store.policies.defaultVersion('arn:aws:iam::aws:policy/NoSuchPolicy')).toBeNull();
  });
}
