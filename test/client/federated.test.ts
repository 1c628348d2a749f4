import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient, rejection, stsClient } from '../support/clients.js';
import { Jar } from '../sso/helpers.js';
import { iamQuery, setUpConnectors, startUpstream, testFactories, type Upstream } from '../sso/test-connector.js';
import { bearer, decide, pollDevice, startDevice } from './helpers.js';

/**
 * A federated person (an OIDC sign-in connector) signs the CLI in with a device code: the
 * credentials come through AssumeRoleWithWebIdentity's path, and RevokeLoginSessions by
 * connector + subject ends the CLI sign-in and the credentials issued through it.
 */
let t: TestTessera;
let up: Upstream;
let roleArn: string;

beforeAll(async () => {
  t = await startTestTessera({ connectorFactories: testFactories });
  up = await startUpstream();
  const { oidcArn } = await setUpConnectors(t, up, [{ id: 'corp', type: 'oidc' }]);
  roleArn = (
    await iamClient(t, t.root).send(
      new CreateRoleCommand({
        RoleName: 'FedDev',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: oidcArn }, Action: 'sts:AssumeRoleWithWebIdentity' }] }),
      }),
    )
  ).Role!.Arn!;
});
afterAll(async () => {
  await up?.close();
  await t?.stop();
});

async function federated(sub: string): Promise<Jar> {
  const j = new Jar(t.url);
  const start = await j.get('/signin/corp');
  const a = new URL(start.location!);
  a.searchParams.set('login', sub);
  const cb = (await fetch(a, { redirect: 'manual' })).headers.get('location')!;
  expect((await j.get(cb)).location).toBe('/session');
  return j;
}

describe('a federated person', () => {
  it('device code → credentials via AssumeRoleWithWebIdentity; RevokeLoginSessions (connector + subject) ends both', async () => {
    const j = await federated('fed-7');
    const d = (await startDevice(t)).body;
    expect((await decide(j, d.user_code, 'approve')).status).toBe(200);
    const tokens = (await pollDevice(t, d.device_code)).body;
    expect(tokens.access_token).toMatch(/^tsa_/);
    const roles = await bearer(t.url, tokens.access_token, '/cli/roles');
    expect(roles.body.roles.map((r: { role_arn: string }) => r.role_arn)).toEqual([roleArn]);
    const c = await bearer(t.url, tokens.access_token, '/cli/credentials', { role_arn: roleArn });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    const sts = stsClient(t, { accessKeyId: c.body.AccessKeyId, secretAccessKey: c.body.SecretAccessKey, sessionToken: c.body.SessionToken });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toMatch(new RegExp(`^arn:aws:sts::${t.accountId}:assumed-role/FedDev/`));
    const audit = await t.database.db.query<{ action: string; detail: Record<string, unknown> }>(`SELECT action, detail FROM audit_events WHERE service = 'sts' AND outcome = 'success' AND detail->>'via' = 'cli'`);
    expect(audit.rows.map((r) => r.action)).toEqual(['AssumeRoleWithWebIdentity']);
    expect(audit.rows[0]!.detail.subject).toBe('fed-7');

    const r = await iamQuery(t.url, t.root, 'RevokeLoginSessions', { ConnectorId: 'corp', Subject: 'fed-7' });
    expect(r.status, r.text).toBe(200);
    expect((await bearer(t.url, tokens.access_token, '/cli/credentials', { role_arn: roleArn })).body.error).toBe('login_required');
    expect((await rejection(sts.send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
  });
});
