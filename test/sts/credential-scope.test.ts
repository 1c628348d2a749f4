/**
 * Credential-scope rules and MFA context that other tests reach only with a second reason to deny:
 * here every policy would allow, so only the rule under test refuses.
 * - GetFederationToken credentials: on STS only GetCallerIdentity (AssumeRole is refused even
 *   when the session policy and the trust policy both allow it).
 * - AssumeRole sessions: not GetSessionToken / GetFederationToken.
 * - aws:MultiFactorAuthPresent: false for temporary credentials obtained without MFA; absent for
 *   long-term keys (so a `Bool … false` Deny does not apply to them, as in AWS).
 */
import { describe, expect, it } from 'vitest';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetFederationTokenCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { rejection } from '../support/clients.js';
import { allow, asCreds, doc, iamClient, makeRole, makeUser, stsClient, trustAws } from './support.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

const head = (m: string) => m.split('. Encoded authorization failure message:')[0]!;

describe('what temporary credentials may call, when every policy allows it', () => {
  it('federated-user credentials cannot AssumeRole although the trust and session policies allow it', async () => {
    const u = await makeUser(t, 'fed-parent', doc([allow(['sts:GetFederationToken', 'sts:AssumeRole'])]));
    const role = await makeRole(t, 'FedOpen', [trustAws(`arn:aws:iam::${t.accountId}:root`)]);
    // Control: the parent may assume it (the trust policy delegates to identity policies).
    expect((await stsClient(t.url, u.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'parent' }))).AssumedRoleUser!.Arn).toBe(
      `arn:aws:sts::${t.accountId}:assumed-role/FedOpen/parent`,
    );
    const fed = asCreds((await stsClient(t.url, u.creds).send(new GetFederationTokenCommand({ Name: 'partner', Policy: doc([allow('sts:AssumeRole')]) }))).Credentials);
    const e = await rejection(stsClient(t.url, fed).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'fed' })));
    expect(e.name).toBe('AccessDenied');
    expect(e.message).toBe('Cannot call AssumeRole with session credentials');
    expect(e.$metadata.httpStatusCode).toBe(403);
  });

  it('assumed-role credentials cannot call GetSessionToken or GetFederationToken although the role allows them', async () => {
    const u = await makeUser(t, 'chain-parent', doc([allow('sts:AssumeRole')]));
    const role = await makeRole(t, 'StsAll', [trustAws(u.arn)], doc([allow('sts:*')]));
    const s = asCreds((await stsClient(t.url, u.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'ss' }))).Credentials);
    for (const [cmd, action] of [
      [new GetSessionTokenCommand({}), 'GetSessionToken'],
      [new GetFederationTokenCommand({ Name: 'x1' }), 'GetFederationToken'],
    ] as const) {
      const e = await rejection(stsClient(t.url, s).send(cmd as never));
      expect(e.name).toBe('AccessDenied');
      expect(e.message).toBe(`Cannot call ${action} with session credentials`);
    }
  });
});

describe('aws:MultiFactorAuthPresent', () => {
  const mfaGated = doc([
    allow('iam:ListRoles'),
    { Effect: 'Deny', Action: 'iam:ListRoles', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } },
  ]);

  it('is absent for long-term keys: a Bool "false" Deny does not apply to them', async () => {
    const u = await makeUser(t, 'mfa-longterm', mfaGated);
    const names = async (c: Parameters<typeof iamClient>[1]) => (await iamClient(t.url, c).send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName);
    expect(await names(u.creds)).toEqual(await names(t.root));
  });

  it('is false for a role session obtained without MFA: the Deny applies; an Allow needing true does not', async () => {
    const u = await makeUser(t, 'mfa-assumer', doc([allow('sts:AssumeRole')]));
    const gated = await makeRole(t, 'MfaGated', [trustAws(u.arn)], mfaGated);
    const s = asCreds((await stsClient(t.url, u.creds).send(new AssumeRoleCommand({ RoleArn: gated.arn, RoleSessionName: 'nomfa' }))).Credentials);
    const e = await rejection(iamClient(t.url, s).send(new ListRolesCommand({})));
    expect(e.name).toBe('AccessDenied');
    expect(head(e.message)).toBe(
      `User: arn:aws:sts::${t.accountId}:assumed-role/MfaGated/nomfa is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${t.accountId}:role/ with an explicit deny in an identity-based policy`,
    );
    const needsMfa = await makeRole(t, 'NeedsMfa', [trustAws(u.arn)], doc([allow('iam:ListRoles', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })]));
    const s2 = asCreds((await stsClient(t.url, u.creds).send(new AssumeRoleCommand({ RoleArn: needsMfa.arn, RoleSessionName: 'nomfa' }))).Credentials);
    const e2 = await rejection(iamClient(t.url, s2).send(new ListRolesCommand({})));
    expect(head(e2.message)).toBe(
      `User: arn:aws:sts::${t.accountId}:assumed-role/NeedsMfa/nomfa is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${t.accountId}:role/ because no identity-based policy allows the iam:ListRoles action`,
    );
  });
});
