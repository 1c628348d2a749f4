import { expect, it } from 'vitest';
import type { ContractFixture } from './fixture.js';

/** The account-wide reads' contract (src/store/authorization-details.ts). */
export default function authorizationDetails(fixture: () => Promise<ContractFixture>): void {
  const id = (prefix: string, acct: string, n: string) => `${prefix}${(acct.replace(/[^2-7]/g, 'A') + n.toUpperCase().replace(/[^A-Z2-7]/g, 'B') + 'Q'.repeat(17)).slice(0, 17)}`;
  const doc = '{"Version":"2012-10-17","Statement":[]}';

  async function seed(f: ContractFixture) {
    const { db, accountId: a } = f;
    const user = (n: string, boundary: string | null = null) =>
      db.query(`INSERT INTO users (user_id, account_id, user_name, path, permissions_boundary, tags) VALUES ($1, $2, $3, '/', $4, '[{"Key":"k","Value":"v"}]')`, [id('AIDA', a, n), a, n, boundary]);
    const role = (n: string) =>
      db.query(`INSERT INTO roles (role_id, account_id, role_name, path, arn, assume_role_policy) VALUES ($1, $2, $3, '/', $4, $5)`, [id('AROA', a, n), a, n, `arn:aws:iam::${a}:role/${n}`, doc]);
    const policyArn = `arn:aws:iam::${a}:policy/Local`;
    await db.query(`INSERT INTO policies (policy_id, account_id, policy_name, arn) VALUES ($1, $2, 'Local', $3)`, [id('ANPA', a, 'local'), a, policyArn]);
    await db.query(`INSERT INTO policy_versions (policy_id, version_id, document, is_default) VALUES ($1, 'v1', $2, true)`, [id('ANPA', a, 'local'), doc]);
    await user('bob');
    await user('Alice', policyArn);
    await user('Carol');
    await role('b-role');
    await role('A-role');
    await db.query(`INSERT INTO groups (group_id, account_id, group_name) VALUES ($1, $2, 'devs')`, [id('AGPA', a, 'devs'), a]);
    await db.query(`INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)`, [id('AGPA', a, 'devs'), id('AIDA', a, 'Alice')]);
    await db.query(`INSERT INTO user_policies (user_id, policy_name, document) VALUES ($1, 'inline', $2)`, [id('AIDA', a, 'Alice'), doc]);
    await db.query(`INSERT INTO user_policy_attachments (user_id, policy_arn) VALUES ($1, $2)`, [id('AIDA', a, 'bob'), policyArn]);
    await db.query(`INSERT INTO role_policy_attachments (role_id, policy_arn) VALUES ($1, $2), ($3, 'arn:aws:iam::aws:policy/ReadOnlyAccess')`, [id('AROA', a, 'A-role'), policyArn, id('AROA', a, 'b-role')]);
    return policyArn;
  }

  it('authorizationDetails: users, groups and roles page by case-folded name with their relationships', async () => {
    const f = await fixture();
    const policyArn = await seed(f);
    const repo = f.store.authorizationDetails;
    const users = await repo.users(f.accountId, { limit: 10 });
    expect(users.map((u) => u.name)).toEqual(['Alice', 'bob', 'Carol']);
    expect(users[0]).toMatchObject({ permissionsBoundary: policyArn, groups: ['devs'], inlinePolicies: [{ name: 'inline', document: '{"Version":"2012-10-17","Statement":[]}' }], tags: [{ Key: 'k', Value: 'v' }] });
    expect(users[1]!.attachedPolicies).toEqual([{ name: 'Local', arn: policyArn }]);
    expect(users[2]!.permissionsBoundary).toBeUndefined();
    expect((await repo.users(f.accountId, { after: 'alice', limit: 1 })).map((u) => u.name)).toEqual(['bob']);
    expect((await repo.users(f.accountId, { limit: 1 })).map((u) => u.name)).toEqual(['Alice']);
    expect((await repo.roles(f.accountId, { limit: 10 })).map((r) => [r.name, r.attachedPolicies.map((p) => p.name)])).toEqual([
      ['A-role', ['Local']],
      ['b-role', ['ReadOnlyAccess']],
    ]);
    expect((await repo.groups(f.accountId, { after: 'devs', limit: 10 }))).toEqual([]);
    expect((await repo.groups(f.accountId, { limit: 10 })).map((g) => g.name)).toEqual(['devs']);
  });

  it('authorizationDetails: local policies with exact attachment and boundary counts; AWS policies only when used', async () => {
    const f = await fixture();
    await seed(f);
    const repo = f.store.authorizationDetails;
    const local = await repo.policies(f.accountId, 'local', { limit: 10 });
    expect(local).toMatchObject([{ name: 'Local', attachmentCount: 2, boundaryUsageCount: 1, defaultVersionId: 'v1', versions: [{ versionId: 'v1', isDefault: true }] }]);
    const aws = await repo.policies(f.accountId, 'aws', { limit: 10 });
    expect(aws.map((p) => [p.name, p.attachmentCount])).toEqual([['ReadOnlyAccess', 1]]);
    expect(await repo.policies(f.accountId, 'aws', { after: 'readonlyaccess', limit: 10 })).toEqual([]);
    // Another account's use of an AWS managed policy is not this account's.
    const other = await fixture();
    expect(await other.store.authorizationDetails.policies(other.accountId, 'aws', { limit: 10 })).toEqual([]);
  });

  it('authorizationDetails: counts are exact, in one statement', async () => {
    const f = await fixture();
    await seed(f);
    expect(await f.store.authorizationDetails.counts(f.accountId)).toEqual({
      users: 3,
      groups: 1,
      roles: 2,
      policies: 1,
      mfaDevices: 0,
      mfaDevicesInUse: 0,
      rootMfaEnabled: false,
      rootAccessKeysPresent: false,
      policyVersionsInUse: 2,
      providers: 0,
    });
  });

  it('authorizationDetails: a principal\'s stored policies (a user\'s with its groups\'), default versions, boundary', async () => {
    const f = await fixture();
    const policyArn = await seed(f);
    const repo = f.store.authorizationDetails;
    await f.db.query(`INSERT INTO group_policies (group_id, policy_name, document) VALUES ($1, 'g-inline', '{}')`, [id('AGPA', f.accountId, 'devs')]);
    await f.db.query(`INSERT INTO group_policy_attachments (group_id, policy_arn) VALUES ($1, $2)`, [id('AGPA', f.accountId, 'devs'), policyArn]);
    await f.db.query(`INSERT INTO user_policy_attachments (user_id, policy_arn) VALUES ($1, $2)`, [id('AIDA', f.accountId, 'Alice'), policyArn]);
    const alice = await repo.principalPolicies(f.accountId, 'user', 'alice');
    expect(alice?.path).toBe('/');
    expect(alice!.identity.map((p) => [p.id, p.sourceType]).sort()).toEqual([['Local', 'user-managed'], ['g-inline', 'group'], ['inline', 'user']]);
    expect(alice!.boundary).toEqual([{ id: 'Local', sourceType: 'user-managed', document: '{"Version":"2012-10-17","Statement":[]}' }]);
    expect((await repo.principalPolicies(f.accountId, 'role', 'b-role'))!.identity.map((p) => [p.id, p.sourceType])).toEqual([['ReadOnlyAccess', 'aws-managed']]);
    expect((await repo.principalPolicies(f.accountId, 'group', 'DEVS'))!.boundary).toEqual([]);
    expect(await repo.principalPolicies(f.accountId, 'user', 'nobody')).toBeNull();
  });
}
