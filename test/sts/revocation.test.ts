import { describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMServiceException } from '@aws-sdk/client-iam';
import { useTessera, type TestInstance, type TestTessera } from '../support/tessera.js';
import { asCreds, iamClient, makeRole, makeUser, stsClient, trustAws, type Creds } from './support.js';

let t: TestTessera;
let r2: TestInstance;
useTessera(async (started) => {
  t = started;
  r2 = await t.replica();
});

/** Sends a Tessera extension action (IAM namespace), signed by the IAM client: the body of a ListRoles call is rewritten before signing. */
async function iamExtension(url: string, creds: Creds, action: string, params: Record<string, string>) {
  const c = iamClient(url, creds);
  // Reuse the SDK's signer by sending a known command and rewriting its body.
  c.middlewareStack.add(
    (next) => async (args: any) => {
      const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString();
      args.request.body = body;
      args.request.headers['content-length'] = String(Buffer.byteLength(body));
      return next(args);
    },
    { step: 'build', name: 'rewriteAction', priority: 'low' },
  );
  const { ListRolesCommand } = await import('@aws-sdk/client-iam');
  return c.send(new ListRolesCommand({}) as any).catch((e: unknown) => {
    // The response body is not a ListRoles result; an XML parse of a success is fine either way.
    if (e instanceof IAMServiceException) throw e;
    return undefined;
  });
}

const within = async (ms: number, fn: () => Promise<boolean>) => {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return Date.now();
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, 25));
  }
};

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
    const audit = await t.database.db.query(`SELECT detail FROM audit_events WHERE action = 'RevokeSession'`);
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
