import { randomInt } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ContractFixture } from './fixture.js';

/** The managed-policy repository's contract (src/store/managed-policies.ts). */
export default function managedPolicies(fixture: () => Promise<ContractFixture>): void {
  const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = (prefix: string) => prefix + Array.from({ length: 17 }, () => B32[randomInt(32)]).join('');
  const DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
  const at = new Date('2026-01-02T03:04:05Z');
  const policy = (accountId: string, name: string, path = '/') => ({
    id: id('ANPA'),
    accountId,
    name,
    path,
    arn: `arn:aws:iam::${accountId}:policy${path}${name}`,
    tags: [{ Key: 'k', Value: 'v' }],
    document: DOC,
    createdAt: at,
  });

  it('managed policies: insert with v1, get own (and AWS managed), refuse a name differing in case', async () => {
    const { store, db, accountId } = await fixture();
    const made = await store.managedPolicies.insert({ ...policy(accountId, 'Alpha'), description: 'd' });
    if (made === 'exists') throw new Error('exists');
    expect(made).toMatchObject({ name: 'Alpha', accountId, description: 'd', defaultVersionId: 'v1', nextVersion: 2, attachmentCount: 0, boundaryUsageCount: 0, isAttachable: true });
    expect(await store.managedPolicies.get(accountId, made.arn)).toEqual(made);
    expect(await store.managedPolicies.versions(made.id)).toEqual([{ versionId: 'v1', document: DOC, isDefault: true, createdAt: at }]);
    expect(await store.managedPolicies.insert({ ...policy(accountId, 'ALPHA') })).toBe('exists');
    expect(await store.managedPolicies.get(accountId, `arn:aws:iam::${accountId}:policy/missing`)).toBeNull();
    // Another account's policy is not visible; an AWS managed one is, without an account.
    const awsArn = `arn:aws:iam::aws:policy/Contract${accountId}`;
    await db.query(`INSERT INTO policies (policy_id, account_id, policy_name, path, arn) VALUES ($1, NULL, $2, '/', $3)`, [id('ANPA'), `Contract${accountId}`, awsArn]);
    expect((await store.managedPolicies.get(accountId, awsArn))?.accountId).toBeUndefined();
    expect(await store.managedPolicies.get('000000000001', made.arn)).toBeNull();
  });

  it("managed policies: an AWS managed policy's counts are the asking account's, never another tenant's", async () => {
    const mine = await fixture();
    const other = await fixture();
    const awsArn = `arn:aws:iam::aws:policy/Shared${mine.accountId}`;
    await mine.db.query(`INSERT INTO policies (policy_id, account_id, policy_name, path, arn) VALUES ($1, NULL, $2, '/', $3)`, [id('ANPA'), `Shared${mine.accountId}`, awsArn]);
    // The other account attaches it to a user and uses it as a role's boundary.
    const userId = id('AIDA');
    await other.db.query(`INSERT INTO users (user_id, account_id, user_name, path) VALUES ($1, $2, 'u', '/')`, [userId, other.accountId]);
    await other.db.query(`INSERT INTO user_policy_attachments (user_id, policy_arn) VALUES ($1, $2)`, [userId, awsArn]);
    await other.db.query(`UPDATE users SET permissions_boundary = $2 WHERE user_id = $1`, [userId, awsArn]);
    expect(await other.store.managedPolicies.get(other.accountId, awsArn)).toMatchObject({ attachmentCount: 1, boundaryUsageCount: 1 });
    expect(await mine.store.managedPolicies.get(mine.accountId, awsArn)).toMatchObject({ attachmentCount: 0, boundaryUsageCount: 0 });
    const attachedHere = await mine.store.managedPolicies.page(mine.accountId, { scope: 'AWS', pathPrefix: '/', onlyAttached: true }, { limit: 1000 });
    expect(attachedHere.map((p) => p.arn)).not.toContain(awsArn);
    const attachedThere = await other.store.managedPolicies.page(other.accountId, { scope: 'AWS', pathPrefix: '/', onlyAttached: true }, { limit: 1000 });
    expect(attachedThere.map((p) => p.arn)).toContain(awsArn);
    // The counts follow every change, in both directions (group and role attachments, a role's boundary too).
    const groupId = id('AGPA');
    const roleId = id('AROA');
    await other.db.query(`INSERT INTO groups (group_id, account_id, group_name, path) VALUES ($1, $2, 'g', '/')`, [groupId, other.accountId]);
    await other.db.query(`INSERT INTO group_policy_attachments (group_id, policy_arn) VALUES ($1, $2)`, [groupId, awsArn]);
    await other.db.query(
      `INSERT INTO roles (role_id, account_id, role_name, path, arn, assume_role_policy, permissions_boundary) VALUES ($1, $2, 'r', '/', $3, '{}', $4)`,
      [roleId, other.accountId, `arn:aws:iam::${other.accountId}:role/r`, awsArn],
    );
    await other.db.query(`INSERT INTO role_policy_attachments (role_id, policy_arn) VALUES ($1, $2)`, [roleId, awsArn]);
    expect(await other.store.managedPolicies.get(other.accountId, awsArn)).toMatchObject({ attachmentCount: 3, boundaryUsageCount: 2 });
    await other.db.query(`DELETE FROM user_policy_attachments WHERE user_id = $1`, [userId]);
    await other.db.query(`UPDATE users SET permissions_boundary = NULL WHERE user_id = $1`, [userId]);
    await other.db.query(`DELETE FROM role_policy_attachments WHERE role_id = $1`, [roleId]);
    await other.db.query(`DELETE FROM roles WHERE role_id = $1`, [roleId]);
    expect(await other.store.managedPolicies.get(other.accountId, awsArn)).toMatchObject({ attachmentCount: 1, boundaryUsageCount: 0 });
    expect(await mine.store.managedPolicies.get(mine.accountId, awsArn)).toMatchObject({ attachmentCount: 0, boundaryUsageCount: 0 });
  });

  it('managed policies: keyset pages by case-folded name then ARN, scope, path prefix and usage filters', async () => {
    const { store, db, accountId } = await fixture();
    const made: Record<string, string> = {};
    for (const [n, p] of [['b', '/'], ['A', '/x/'], ['c', '/x/'], ['_d', '/']] as const) {
      const r = await store.managedPolicies.insert(policy(accountId, n, p));
      if (r === 'exists') throw new Error('exists');
      made[n] = r.arn;
    }
    const local = { scope: 'Local' as const, pathPrefix: '/', onlyAttached: false };
    expect((await store.managedPolicies.page(accountId, local, { limit: 10 })).map((p) => p.name)).toEqual(['_d', 'A', 'b', 'c']);
    expect((await store.managedPolicies.page(accountId, local, { after: `a ${made.A}`, limit: 1 })).map((p) => p.name)).toEqual(['b']);
    expect((await store.managedPolicies.page(accountId, { ...local, pathPrefix: '/x/' }, { limit: 10 })).map((p) => p.name)).toEqual(['A', 'c']);
    const aws = await store.managedPolicies.page(accountId, { ...local, scope: 'AWS' }, { limit: 1000 });
    expect(aws.every((p) => p.accountId === undefined)).toBe(true);
    // Usage: b is a boundary of a user, c is attached to a role.
    await db.query(`INSERT INTO users (user_id, account_id, user_name, permissions_boundary) VALUES ($1, $2, 'u', $3)`, [`AIDA${accountId}U`, accountId, made.b]);
    await db.query(`INSERT INTO roles (role_id, account_id, role_name, arn, assume_role_policy) VALUES ($1, $2, 'r', $3, '{}')`, [id('AROA'), accountId, `arn:aws:iam::${accountId}:role/r${accountId}`]);
    await db.query(`INSERT INTO role_policy_attachments (role_id, policy_arn) SELECT role_id, $2 FROM roles WHERE account_id = $1`, [accountId, made.c]);
    const attached = { ...local, onlyAttached: true };
    expect((await store.managedPolicies.page(accountId, attached, { limit: 10 })).map((p) => p.name)).toEqual(['b', 'c']);
    expect((await store.managedPolicies.page(accountId, { ...attached, usage: 'PermissionsPolicy' }, { limit: 10 })).map((p) => [p.name, p.attachmentCount])).toEqual([['c', 1]]);
    expect((await store.managedPolicies.page(accountId, { ...attached, usage: 'PermissionsBoundary' }, { limit: 10 })).map((p) => [p.name, p.boundaryUsageCount])).toEqual([['b', 1]]);
    expect(await store.managedPolicies.boundaryUseCount(made.b!)).toBe(1);
  });

  it('managed policies: versions — add (default or not), count, get, set default, delete; delete the policy', async () => {
    const { store, accountId } = await fixture();
    const p = await store.managedPolicies.insert(policy(accountId, 'Versioned'));
    if (p === 'exists') throw new Error('exists');
    const later = new Date('2026-02-01T00:00:00Z');
    expect(await store.managedPolicies.addVersion(p, '{"v":2}', false, later)).toEqual({ versionId: 'v2', document: '{"v":2}', isDefault: false, createdAt: later });
    const locked = await store.tx((t) => t.managedPolicies.get(accountId, p.arn, { lock: true }));
    expect(locked).toMatchObject({ nextVersion: 3, defaultVersionId: 'v1', updatedAt: later });
    await store.managedPolicies.addVersion(locked!, '{"v":3}', true, later);
    expect((await store.managedPolicies.get(accountId, p.arn))?.defaultVersionId).toBe('v3');
    expect((await store.managedPolicies.versions(p.id)).map((v) => [v.versionId, v.isDefault])).toEqual([['v3', true], ['v2', false], ['v1', false]]);
    expect(await store.managedPolicies.versionCount(p.id)).toBe(3);
    expect(await store.managedPolicies.setDefaultVersion(p.id, 'v1', later)).toBe(true);
    expect(await store.managedPolicies.setDefaultVersion(p.id, 'v9', later)).toBe(false);
    expect((await store.managedPolicies.version(p.id, 'v1'))?.isDefault).toBe(true);
    expect(await store.managedPolicies.deleteVersion(p.id, 'v2', later)).toBe(true);
    expect(await store.managedPolicies.deleteVersion(p.id, 'v2', later)).toBe(false);
    expect(await store.managedPolicies.version(p.id, 'v2')).toBeNull();
    expect(await store.managedPolicies.delete(p.id)).toBe(true);
    expect(await store.managedPolicies.get(accountId, p.arn)).toBeNull();
    expect(await store.managedPolicies.versionCount(p.id)).toBe(0);
  });

  it('managed policies: boundaries — policy key-shared, holder found (not root), boundary set and removed', async () => {
    const { store, db, accountId } = await fixture();
    const p = await store.managedPolicies.insert(policy(accountId, 'Bound'));
    if (p === 'exists') throw new Error('exists');
    await db.query(`INSERT INTO users (user_id, account_id, user_name, path) VALUES ($1, $2, 'Holder', '/h/')`, [`AIDA${accountId}H`, accountId]);
    await db.query(`INSERT INTO users (user_id, account_id, user_name, is_root) VALUES ($1, $2, 'rootname', true)`, [`R${accountId}`, accountId]);
    expect(await store.tx((t) => t.managedPolicies.keyShareForBoundary(accountId, p.arn))).toBe(true);
    expect(await store.tx((t) => t.managedPolicies.keyShareForBoundary(accountId, `${p.arn}x`))).toBe(false);
    const h = await store.managedPolicies.boundaryHolder(accountId, 'user', 'holder');
    expect(h).toEqual({ kind: 'user', id: `AIDA${accountId}H`, name: 'Holder', path: '/h/' });
    expect(await store.managedPolicies.boundaryHolder(accountId, 'user', 'rootname')).toBeNull();
    expect(await store.managedPolicies.boundaryHolder(accountId, 'role', 'holder')).toBeNull();
    expect(await store.managedPolicies.setBoundary(h!, p.arn)).toBe(true);
    expect((await store.managedPolicies.get(accountId, p.arn))?.boundaryUsageCount).toBe(1);
    expect(await store.managedPolicies.setBoundary(h!, null)).toBe(true);
    expect(await store.managedPolicies.boundaryUseCount(p.arn)).toBe(0);
    expect(await store.managedPolicies.setBoundary({ kind: 'role', id: 'AROAZZZZZZZZZZZZZZZZZ' }, p.arn)).toBe(false);
  });
}
