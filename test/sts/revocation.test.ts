import { describe, expect, it } from 'vitest';
import { exchangeSession } from '../support/oauth.js';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { useTessera, type TestInstance, type TestTessera } from '../support/tessera.js';
import { asCreds, iamExtension, makeRole, makeUser, stsClient, trustAws, type Creds } from './support.js';

let t: TestTessera;
let r2: TestInstance;
useTessera(async (started) => {
  t = started;
  r2 = await t.replica();
});


const within = async (ms: number, fn: () => Promise<boolean>) => {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return Date.now();
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, 25));
  }
};

const refused = async (url: string, c: Creds) => (await stsClient(url, c).send(new GetCallerIdentityCommand({})).catch((e) => e)).name;
const assume = async (url: string, c: Creds, roleArn: string, name: string) =>
  asCreds((await stsClient(url, c).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: name }))).Credentials);
/** The session id Tessera audited for the issuance of an access key (the holder never sees it). */
async function sessionIdOf(accessKeyId: string): Promise<string> {
  await t.services.audit.flush();
  await r2.services.audit.flush();
  const r = await t.database.db.query<{ s: string }>(`SELECT detail->>'sessionId' AS s FROM audit_events WHERE detail->>'issuedAccessKeyId' = $1`, [accessKeyId]);
  return r.rows[0]!.s;
}

/** RFC 8693 exchange of a Tessera session (signed with it) for a role at POST /oauth2/token. */
async function exchange(base: string, creds: Creds, roleArn: string): Promise<Creds> {
  const r = await exchangeSession(base, creds, roleArn);
  expect(r.status).toBe(200);
  return { accessKeyId: r.body.aws_access_key_id, secretAccessKey: r.body.aws_secret_access_key, sessionToken: r.body.aws_session_token };
}

/** Every one of `sessions` is refused (InvalidClientTokenId) on both replicas within 1 s of t0 (the revocation's answer). */
async function allRefusedWithin1s(t0: number, sessions: Creds[]) {
  // All at once, so the bound measures propagation rather than the time the checks take in turn.
  const ats = await Promise.all(sessions.flatMap((c) => [t.url, r2.url].map((url) => within(1000, async () => (await refused(url, c)) === 'InvalidClientTokenId'))));
  const late = ats.map((at, i) => ({ i, ms: at === null ? null : at - t0 })).filter((x) => x.ms === null || x.ms >= 1000);
  expect(late).toEqual([]);
}

describe('revocation reaches every session chained from the revoked one', () => {
  let dana: Awaited<ReturnType<typeof makeUser>>;
  let a: { arn: string }, b: { arn: string }, c: { arn: string };
  it('sets up a chain of roles A → B → C', async () => {
    dana = await makeUser(t, 'dana');
    a = await makeRole(t, 'FamA', [trustAws(dana.arn)]);
    b = await makeRole(t, 'FamB', [trustAws(a.arn)]);
    c = await makeRole(t, 'FamC', [trustAws(b.arn)]);
  });

  it('RevokeSession by AccessKeyId on the root of a chain of 3 refuses all of it on both replicas', async () => {
    const s1 = await assume(t.url, dana.creds, a.arn, 'f1');
    const s2 = await assume(r2.url, s1, b.arn, 'f2');
    const s3 = await assume(t.url, s2, c.arn, 'f3');
    const sibling = await assume(t.url, dana.creds, a.arn, 'f1b');
    const siblingChild = await assume(t.url, sibling, b.arn, 'f2b');
    for (const s of [s1, s2, s3]) for (const url of [t.url, r2.url]) expect(await refused(url, s)).toBeUndefined();
    await iamExtension(t.url, t.root, 'RevokeSession', { AccessKeyId: s1.accessKeyId });
    const t0 = Date.now();
    await allRefusedWithin1s(t0, [s1, s2, s3]);
    // Nor can a revoked session's descendant start a new chain.
    expect((await stsClient(t.url, s3).send(new AssumeRoleCommand({ RoleArn: c.arn, RoleSessionName: 'x' })).catch((e) => e)).name).toBe('InvalidClientTokenId');
    // The other family is untouched.
    for (const s of [sibling, siblingChild]) expect(await refused(r2.url, s)).toBeUndefined();
  });

  it('RevokeSession by SessionId in the middle refuses its descendants, not its ancestor', async () => {
    const s1 = await assume(t.url, dana.creds, a.arn, 'm1');
    const s2 = await assume(t.url, s1, b.arn, 'm2');
    const s3 = await assume(r2.url, s2, c.arn, 'm3');
    await iamExtension(r2.url, t.root, 'RevokeSession', { SessionId: await sessionIdOf(s2.accessKeyId) });
    const t0 = Date.now();
    await allRefusedWithin1s(t0, [s2, s3]);
    expect(await refused(t.url, s1)).toBeUndefined();
    expect(await refused(r2.url, s1)).toBeUndefined();
  });

  it('a session obtained by /oauth2/token exchange of a revoked session is refused on both replicas', async () => {
    const s1 = await assume(t.url, dana.creds, a.arn, 'x1');
    const derived = await exchange(r2.url, s1, b.arn);
    const grandchild = await exchange(t.url, derived, c.arn);
    for (const url of [t.url, r2.url]) expect(await refused(url, grandchild)).toBeUndefined();
    await iamExtension(t.url, t.root, 'RevokeSession', { AccessKeyId: s1.accessKeyId });
    const t0 = Date.now();
    await allRefusedWithin1s(t0, [s1, derived, grandchild]);
  });

  it('RevokeRoleSessions on A refuses the sessions chained from its old sessions, in other roles too', async () => {
    const e = await makeUser(t, 'erin');
    const ra = await makeRole(t, 'FamRA', [trustAws(e.arn)]);
    const rb = await makeRole(t, 'FamRB', [trustAws(ra.arn)]);
    const s1 = await assume(t.url, e.creds, ra.arn, 'r1');
    const s2 = await assume(t.url, s1, rb.arn, 'r2');
    await iamExtension(t.url, t.root, 'RevokeRoleSessions', { RoleName: 'FamRA' });
    const t0 = Date.now();
    await allRefusedWithin1s(t0, [s1, s2]);
    await new Promise((r) => setTimeout(r, 5));
    const fresh = await assume(t.url, e.creds, ra.arn, 'r3');
    const freshChild = await assume(r2.url, fresh, rb.arn, 'r4');
    expect(await refused(r2.url, freshChild)).toBeUndefined();
  });
});

describe('RevokeRoleSessions IssuedBefore', () => {
  it('refuses a time in the future (it would lock the role out) with ValidationError, revoking nothing', async () => {
    const f = await makeUser(t, 'frank');
    const role = await makeRole(t, 'Future', [trustAws(f.arn)]);
    const s = await assume(t.url, f.creds, `arn:aws:iam::${t.accountId}:role/Future`, 'fu');
    const when = new Date(Date.now() + 24 * 3600_000);
    const e = await iamExtension(t.url, t.root, 'RevokeRoleSessions', { RoleName: 'Future', IssuedBefore: when.toISOString() }).catch((x) => x);
    expect(e.name).toBe('ValidationError');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.message).toMatch(new RegExp(`^IssuedBefore ${when.toISOString().replace(/[.]/g, '\\.')} is in the future \\(now: .*\\); it would revoke sessions not yet issued\\. Give a time no later than now\\.$`));
    await new Promise((r) => setTimeout(r, 300));
    expect(await refused(r2.url, s)).toBeUndefined();
    const later = await assume(t.url, f.creds, `arn:aws:iam::${t.accountId}:role/Future`, 'fu2');
    expect(await refused(r2.url, later)).toBeUndefined();
    const rows = await t.database.db.query(`SELECT 1 FROM sts_revocations WHERE kind = 'role' AND subject = $1`, [role.roleId]);
    expect(rows.rowCount).toBe(0);
  });

  it('a time a second ahead (the caller\'s clock running fast) means now', async () => {
    const g = await makeUser(t, 'gina');
    await makeRole(t, 'Skew', [trustAws(g.arn)]);
    const s = await assume(t.url, g.creds, `arn:aws:iam::${t.accountId}:role/Skew`, 'sk');
    await iamExtension(t.url, t.root, 'RevokeRoleSessions', { RoleName: 'Skew', IssuedBefore: new Date(Date.now() + 1000).toISOString() });
    const t0 = Date.now();
    await allRefusedWithin1s(t0, [s]);
    await new Promise((r) => setTimeout(r, 5));
    const later = await assume(t.url, g.creds, `arn:aws:iam::${t.accountId}:role/Skew`, 'sk2');
    expect(await refused(r2.url, later)).toBeUndefined();
  });
});

describe('revocation across replicas', () => {
  it('RevokeSession (by access key id) makes the session fail on every replica within 1 s', async () => {
    const alice = await makeUser(t, 'alice');
    const role = await makeRole(t, 'Rev', [trustAws(alice.arn)]);
    const s = asCreds((await stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'r1' }))).Credentials);
    const other = asCreds((await stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'r2' }))).Credentials);
    for (const url of [t.url, r2.url]) await expect(stsClient(url, s).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: `arn:aws:sts::${t.accountId}:assumed-role/Rev/r1` });
    const t0 = Date.now();
    await iamExtension(r2.url, t.root, 'RevokeSession', { AccessKeyId: s.accessKeyId });
    for (const url of [t.url, r2.url]) {
      const at = await within(1000, async () => (await stsClient(url, s).send(new GetCallerIdentityCommand({})).catch((e) => e)).name === 'InvalidClientTokenId');
      expect(at).not.toBeNull();
      expect(at! - t0).toBeLessThan(1000);
    }
    // Another session of the same role is untouched.
    await expect(stsClient(t.url, other).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: `arn:aws:sts::${t.accountId}:assumed-role/Rev/r2` });
    const audit = await t.database.db.query(`SELECT detail FROM audit_events WHERE action = 'RevokeSession' AND detail->>'revokedAccessKeyId' = $1`, [s.accessKeyId]);
    expect(audit.rows[0]!.detail).toMatchObject({ revokedAccessKeyId: s.accessKeyId });
  });

  it('RevokeRoleSessions revokes sessions issued before now, not later ones', async () => {
    const bob = await makeUser(t, 'bob');
    const role = await makeRole(t, 'RevAll', [trustAws(bob.arn)]);
    const old = asCreds((await stsClient(t.url, bob.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'o1' }))).Credentials);
    await stsClient(r2.url, old).send(new GetCallerIdentityCommand({}));
    await iamExtension(t.url, t.root, 'RevokeRoleSessions', { RoleName: 'RevAll' });
    const t0 = Date.now();
    for (const url of [t.url, r2.url]) {
      const at = await within(1000, async () => (await stsClient(url, old).send(new GetCallerIdentityCommand({})).catch((e) => e)).name === 'InvalidClientTokenId');
      expect(at).not.toBeNull();
      expect(at! - t0).toBeLessThan(1000);
    }
    await new Promise((r) => setTimeout(r, 5));
    const fresh = asCreds((await stsClient(t.url, bob.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'n1' }))).Credentials);
    await expect(stsClient(r2.url, fresh).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: `arn:aws:sts::${t.accountId}:assumed-role/RevAll/n1` });
  });

  it('only callers allowed iam:RevokeSession may revoke', async () => {
    const carol = await makeUser(t, 'carol');
    const e = await iamExtension(t.url, carol.creds, 'RevokeSession', { SessionId: 'abcdefgh12' }).catch((x) => x);
    expect(e.name).toBe('AccessDenied');
  });
});
