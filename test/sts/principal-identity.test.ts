import { describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetRoleCommand,
  ListRolesCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { readFile } from 'node:fs/promises';
import { useTessera, type TestInstance, type TestTessera } from '../support/tessera.js';
import { allow, asCreds, doc, iamClient, makeRole, makeUser, stsClient, trustAws, type Creds } from './support.js';

/**
 * Principals are bound by identity, not by name (hardening item 5):
 * - a trust policy naming user/alice or role/R is bound to that principal's unique id when saved;
 *   after the principal is deleted (and recreated under the same name) the entry admits no one,
 *   and GetRole / ListRoles / GetAccountAuthorizationDetails show the old unique id;
 * - temporary credentials whose role or parent user (or a role they were chained from) was
 *   deleted are refused, InvalidClientTokenId, on every replica.
 */
let t: TestTessera;
let r2: TestInstance;
useTessera(async (started) => {
  t = started;
  r2 = await t.replica();
});

const errOf = (p: Promise<unknown>): Promise<any> => p.then(() => { throw new Error('expected failure'); }, (e) => e);
const root = () => iamClient(t.url, t.root);
const trustDoc = (r: { Role?: { AssumeRolePolicyDocument?: string } }) => JSON.parse(decodeURIComponent(r.Role!.AssumeRolePolicyDocument!));
const deny = (caller: string, role: string) =>
  `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${role}`;

/** Delete a user made by makeUser (its key and inline policy first, as IAM requires). */
async function deleteUser(u: { name: string; creds: Creds }, policy = false) {
  await root().send(new DeleteAccessKeyCommand({ UserName: u.name, AccessKeyId: u.creds.accessKeyId }));
  if (policy) await root().send(new DeleteUserPolicyCommand({ UserName: u.name, PolicyName: 'p' }));
  await root().send(new DeleteUserCommand({ UserName: u.name }));
}

/** Polls until a call with `creds` is refused on `url` (the refusal must come within 1 s), returns the error. */
async function refusedWithin1s(url: string, creds: Creds): Promise<any> {
  const end = Date.now() + 1000;
  for (;;) {
    const e = await stsClient(url, creds).send(new GetCallerIdentityCommand({})).then(() => null, (x) => x);
    if (e !== null || Date.now() > end) return e;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('trust policies bind principals by unique id', () => {
  it('a user deleted and recreated under the same name cannot assume the role; GetRole shows the old AIDA id', async () => {
    const alice = await makeUser(t, 'alice');
    const role = await makeRole(t, 'ForAlice', [trustAws(alice.arn)]);
    await stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1' }));
    // While alice exists, IAM shows the ARN as written.
    expect(trustDoc(await root().send(new GetRoleCommand({ RoleName: 'ForAlice' }))).Statement[0].Principal).toEqual({ AWS: alice.arn });

    await deleteUser(alice);
    const shown = trustDoc(await root().send(new GetRoleCommand({ RoleName: 'ForAlice' })));
    expect(shown.Statement[0].Principal).toEqual({ AWS: alice.userId });
    expect(alice.userId).toMatch(/^AIDA/);
    const listed = (await root().send(new ListRolesCommand({}))).Roles!.find((r) => r.RoleName === 'ForAlice')!;
    expect(JSON.parse(decodeURIComponent(listed.AssumeRolePolicyDocument!)).Statement[0].Principal).toEqual({ AWS: alice.userId });
    const details = (await root().send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }))).RoleDetailList!.find((r) => r.RoleName === 'ForAlice')!;
    expect(JSON.parse(decodeURIComponent(details.AssumeRolePolicyDocument!)).Statement[0].Principal).toEqual({ AWS: alice.userId });

    const alice2 = await makeUser(t, 'alice');
    expect(alice2.arn).toBe(alice.arn);
    expect(alice2.userId).not.toBe(alice.userId);
    const e = await errOf(stsClient(t.url, alice2.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's2' })));
    expect(e.name).toBe('AccessDenied');
    expect(e.message).toBe(deny(alice2.arn, role.arn));
    // Her GetSessionToken session (a caller with her ARN) is no better.
    const sess = asCreds((await stsClient(t.url, alice2.creds).send(new GetSessionTokenCommand({}))).Credentials);
    const e2 = await errOf(stsClient(t.url, sess).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's3' })));
    expect(e2.name).toBe('AccessDenied');

    // Saving the policy again with the ARN binds the new alice (as in IAM).
    await root().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'ForAlice', PolicyDocument: doc([trustAws(alice.arn)]) }));
    await expect(stsClient(t.url, alice2.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's4' }))).resolves.toMatchObject({ AssumedRoleUser: { Arn: expect.stringMatching(/:assumed-role\/[^/]+\/s4$/) } });
    expect(trustDoc(await root().send(new GetRoleCommand({ RoleName: 'ForAlice' }))).Statement[0].Principal).toEqual({ AWS: alice.arn });
  });

  it('a role ARN in a trust policy (role chaining) does not admit a role recreated under the same name', async () => {
    const carol = await makeUser(t, 'carol');
    // No identity policy: only the trust policy of Dst can let a Src session in (a same-account
    // identity policy allowing sts:AssumeRole would, while trust policies need not explicitly allow).
    const src = await makeRole(t, 'Src', [trustAws(carol.arn)]);
    const dst = await makeRole(t, 'Dst', [trustAws(src.arn)]);
    const srcSession = asCreds((await stsClient(t.url, carol.creds).send(new AssumeRoleCommand({ RoleArn: src.arn, RoleSessionName: 'aa' }))).Credentials);
    await expect(stsClient(t.url, srcSession).send(new AssumeRoleCommand({ RoleArn: dst.arn, RoleSessionName: 'bb' }))).resolves.toMatchObject({ AssumedRoleUser: { Arn: expect.stringMatching(/:assumed-role\/[^/]+\/bb$/) } });

    await root().send(new DeleteRoleCommand({ RoleName: 'Src' }));
    expect(trustDoc(await root().send(new GetRoleCommand({ RoleName: 'Dst' }))).Statement[0].Principal).toEqual({ AWS: src.roleId });

    const src2 = await makeRole(t, 'Src', [trustAws(carol.arn)]);
    expect(src2.arn).toBe(src.arn);
    const session2 = asCreds((await stsClient(t.url, carol.creds).send(new AssumeRoleCommand({ RoleArn: src2.arn, RoleSessionName: 'cc' }))).Credentials);
    const e = await errOf(stsClient(t.url, session2).send(new AssumeRoleCommand({ RoleArn: dst.arn, RoleSessionName: 'dd' })));
    expect(e.name).toBe('AccessDenied');
    expect(e.message).toBe(deny(`arn:aws:sts::${t.accountId}:assumed-role/Src/cc`, dst.arn));
  });

  it('a trust policy naming a user or role that does not exist is refused, as IAM refuses it', async () => {
    const ghost = `arn:aws:iam::${t.accountId}:user/ghost`;
    const e = await errOf(root().send(new CreateRoleCommand({ RoleName: 'Ghostly', AssumeRolePolicyDocument: doc([trustAws(ghost)]) })));
    expect(e.name).toBe('MalformedPolicyDocumentException');
    expect(e.message).toBe(`Invalid principal in policy: "AWS":"${ghost}"`);
    await makeRole(t, 'Plain', [trustAws(`arn:aws:iam::${t.accountId}:root`)]);
    const ghostRole = `arn:aws:iam::${t.accountId}:role/NoSuchRole`;
    const e2 = await errOf(root().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Plain', PolicyDocument: doc([trustAws([`arn:aws:iam::${t.accountId}:root`, ghostRole])]) })));
    expect(e2.name).toBe('MalformedPolicyDocumentException');
    expect(e2.message).toBe(`Invalid principal in policy: "AWS":"${ghostRole}"`);
    // Nothing was stored.
    expect(trustDoc(await root().send(new GetRoleCommand({ RoleName: 'Plain' }))).Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${t.accountId}:root` });
    // Another installation's account is not ours to check.
    await expect(makeRole(t, 'Foreign', [trustAws('arn:aws:iam::999999999999:user/whoever')])).resolves.toMatchObject({ name: 'Foreign', arn: `arn:aws:iam::${t.accountId}:role/Foreign` });
  });
});

describe('migration 0007 binds the trust policies stored before it', () => {
  it('names that exist bind to their ids, names that do not bind to nobody (a user created later is not admitted)', async () => {
    const early = await makeUser(t, 'early');
    const later = `arn:aws:iam::${t.accountId}:user/later`;
    await makeRole(t, 'Legacy', [trustAws(early.arn)]);
    // The row as it was before 0007: no binding, and a principal that did not exist (accepted then).
    const legacyDoc = doc([trustAws([early.arn, later])]);
    await t.database.db.query(`UPDATE roles SET assume_role_policy = $1, trust_principals = '{}', trust_principal_ids = '{}' WHERE role_name = 'Legacy'`, [legacyDoc]);
    const sql = await readFile(new URL('../../migrations/0007_trust_principal_ids.sql', import.meta.url), 'utf8');
    await t.database.db.query(sql.slice(sql.indexOf('WITH named AS')));
    const row = (await t.database.db.query(`SELECT trust_principals, trust_principal_ids FROM roles WHERE role_name = 'Legacy'`)).rows[0];
    expect(row).toEqual({ trust_principals: { [early.arn]: early.userId, [later]: '' }, trust_principal_ids: [early.userId] });
    await t.services.invalidate({ kind: 'all' });

    const role = `arn:aws:iam::${t.accountId}:role/Legacy`;
    const newcomer = await makeUser(t, 'later');
    const e = await errOf(stsClient(t.url, newcomer.creds).send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: 'l1' })));
    expect(e.name).toBe('AccessDenied');
    expect(e.message).toBe(deny(newcomer.arn, role));
    await expect(stsClient(t.url, early.creds).send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: 'e1' }))).resolves.toMatchObject({ AssumedRoleUser: { Arn: expect.stringMatching(/:assumed-role\/[^/]+\/e1$/) } });
    // The backfilled binding is found when the principal is deleted.
    await deleteUser(early);
    expect(trustDoc(await root().send(new GetRoleCommand({ RoleName: 'Legacy' }))).Statement[0].Principal).toEqual({ AWS: [early.userId, later] });
  });
});

describe('temporary credentials of a deleted principal stop working', () => {
  it('GetSessionToken credentials: the parent user is deleted → InvalidClientTokenId on both replicas, also after the name is reused', async () => {
    const bob = await makeUser(t, 'bob');
    const creds = asCreds((await stsClient(t.url, bob.creds).send(new GetSessionTokenCommand({}))).Credentials);
    // Warm both replicas (their principal caches now hold bob).
    for (const url of [t.url, r2.url]) await expect(stsClient(url, creds).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ UserId: bob.userId });
    await deleteUser(bob);
    for (const url of [t.url, r2.url]) {
      const e = await refusedWithin1s(url, creds);
      expect(e?.name).toBe('InvalidClientTokenId');
      expect(e.message).toBe('The security token included in the request is invalid.');
    }
    const again = await root().send(new CreateUserCommand({ UserName: 'bob' }));
    expect(again.User!.UserId).not.toBe(bob.userId);
    for (const url of [t.url, r2.url]) expect((await errOf(stsClient(url, creds).send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
  });

  it('GetFederationToken credentials: the parent user is deleted → InvalidClientTokenId', async () => {
    const fed = await makeUser(t, 'feddy', doc([allow('sts:GetFederationToken')]));
    const creds = asCreds((await stsClient(t.url, fed.creds).send(new GetFederationTokenCommand({ Name: 'f1', Policy: doc([allow('sts:GetCallerIdentity')]) }))).Credentials);
    await expect(stsClient(r2.url, creds).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: `arn:aws:sts::${t.accountId}:federated-user/f1` });
    await deleteUser(fed, true);
    for (const url of [t.url, r2.url]) expect((await refusedWithin1s(url, creds))?.name).toBe('InvalidClientTokenId');
  });

  it('AssumeRole credentials: the role is deleted → refused on both replicas, also after the name is reused; so is a session chained from it', async () => {
    const dave = await makeUser(t, 'dave');
    const gone = await makeRole(t, 'Gone', [trustAws(dave.arn)], doc([allow('sts:AssumeRole')]));
    const next = await makeRole(t, 'Next', [trustAws([`arn:aws:iam::${t.accountId}:root`, dave.arn])]);
    const creds = asCreds((await stsClient(t.url, dave.creds).send(new AssumeRoleCommand({ RoleArn: gone.arn, RoleSessionName: 'gg' }))).Credentials);
    const chained = asCreds((await stsClient(t.url, creds).send(new AssumeRoleCommand({ RoleArn: next.arn, RoleSessionName: 'nn' }))).Credentials);
    for (const url of [t.url, r2.url]) {
      await expect(stsClient(url, creds).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ UserId: `${gone.roleId}:gg` });
      await expect(stsClient(url, chained).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ UserId: `${next.roleId}:nn` });
    }
    await root().send(new DeleteRolePolicyCommand({ RoleName: 'Gone', PolicyName: 'p' }));
    await root().send(new DeleteRoleCommand({ RoleName: 'Gone' }));
    for (const url of [t.url, r2.url]) {
      const e = await refusedWithin1s(url, creds);
      expect(e?.name).toBe('InvalidClientTokenId');
      expect(e.message).toBe('The security token included in the request is invalid.');
      // The role it was chained into still exists; the session chained from the deleted role does not work.
      expect((await refusedWithin1s(url, chained))?.name).toBe('InvalidClientTokenId');
    }
    await makeRole(t, 'Gone', [trustAws(dave.arn)]);
    for (const url of [t.url, r2.url]) expect((await errOf(stsClient(url, creds).send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
    // A fresh session of Next (not chained from the deleted role) is unaffected.
    const fresh = asCreds((await stsClient(t.url, dave.creds).send(new AssumeRoleCommand({ RoleArn: next.arn, RoleSessionName: 'fresh' }))).Credentials);
    await expect(stsClient(r2.url, fresh).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ UserId: `${next.roleId}:fresh` });
  });
});
