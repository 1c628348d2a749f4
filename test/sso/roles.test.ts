import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoleCommand, CreateSAMLProviderCommand, CreateUserCommand, DeleteUserCommand, DeleteUserPolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { idpMetadata, makeIdpKeys } from '../fixtures/saml-idp.js';
import type { ConnectorIdentity } from '../../src/federation/connector.js';
import { storeIdentity, type LoginSession, type SignedInPrincipal, type StoredConnectorIdentity } from '../../src/sso/types.js';
import { mfaContextKeys, sessionMfa, sessionNameFor, toFederatedIdentity, userCaller } from '../../src/sso/principal.js';
import { rolesFor } from '../../src/sso/roles.js';

const NOW = new Date('2026-03-04T05:06:07Z');

const oidcIdentity = (): ConnectorIdentity => ({
  federated: {
    kind: 'oidc',
    providerArn: 'arn:aws:iam::123456789012:oidc-provider/idp.example/r',
    keyPrefix: 'idp.example/r',
    issuer: 'https://idp.example/r',
    subject: 'user:42',
    audience: 'app',
    conditionKeys: { 'idp.example/r:sub': 'user:42', 'idp.example/r:aud': 'app', 'idp.example/r:amr': ['pwd', 'mfa'] },
    persistentKeys: { 'idp.example/r:sub': 'user:42', 'idp.example/r:aud': 'app', 'idp.example/r:amr': ['pwd', 'mfa'] },
    session: { tags: { team: 'eng' }, transitiveTagKeys: ['team'], sourceIdentity: 'u42' },
    tokenId: 'jti-1',
    tokenExpiresAt: new Date('2026-03-04T05:16:07Z'),
  },
  groups: ['eng'],
  email: 'u42@example.test',
});

describe('principal conversions', () => {
  it('a stored identity (as JSON) converts back to the FederatedIdentity it was made from', () => {
    const ci = oidcIdentity();
    const saml: ConnectorIdentity = {
      federated: {
        kind: 'saml',
        providerArn: 'arn:aws:iam::123456789012:saml-provider/Corp',
        keyPrefix: 'saml',
        issuer: 'https://idp.corp/md',
        subject: 'alice',
        subjectType: 'persistent',
        audience: 'https://tessera/acs',
        conditionKeys: { 'saml:sub': 'alice', 'saml:edupersonaffiliation': ['staff'] },
        persistentKeys: { 'saml:sub': 'alice' },
        session: { sessionName: 'alice', sessionDuration: 7200, notOnOrAfter: new Date('2026-03-04T09:00:00Z') },
        tokenId: '_a1',
        tokenExpiresAt: new Date('2026-03-04T05:11:07Z'),
        saml: { nameQualifier: 'nq', audience: 'https://tessera/acs', roles: [{ roleArn: 'arn:aws:iam::123456789012:role/R', providerArn: 'arn:aws:iam::123456789012:saml-provider/Corp' }] },
      },
      groups: [],
    };
    for (const i of [ci, saml]) {
      const stored = JSON.parse(JSON.stringify(storeIdentity(i))) as StoredConnectorIdentity;
      const back = toFederatedIdentity(stored);
      const { tokenId: _id, tokenExpiresAt: _exp, ...rest } = i.federated;
      // The token was consumed at sign-in: no id kept, and it is never presentable again.
      expect(back).toEqual({ ...rest, tokenExpiresAt: new Date(0) });
    }
  });

  it('MFA state → aws:MultiFactorAuthPresent / aws:MultiFactorAuthAge at now, and the session facts that yield the same', () => {
    expect(mfaContextKeys({ present: false }, NOW)).toEqual({ 'aws:MultiFactorAuthPresent': false });
    const ninetyAgo = new Date(NOW.getTime() - 90_500).toISOString();
    expect(mfaContextKeys({ present: true, authTime: ninetyAgo, method: 'totp' }, NOW)).toEqual({ 'aws:MultiFactorAuthPresent': true, 'aws:MultiFactorAuthAge': 90 });
    expect(mfaContextKeys({ present: true, method: 'upstream' }, NOW)).toEqual({ 'aws:MultiFactorAuthPresent': true });
    // A clock behind the proof never yields a negative age.
    expect(mfaContextKeys({ present: true, authTime: new Date(NOW.getTime() + 5000).toISOString() }, NOW)['aws:MultiFactorAuthAge']).toBe(0);
    expect(sessionMfa({ present: true, authTime: ninetyAgo })).toEqual({ mfaAuthenticated: true, mfaAuthTime: new Date(ninetyAgo) });
    expect(sessionMfa({ present: false })).toEqual({});
  });

  it('session names: SAML attribute, OIDC e-mail or subject made valid, IAM user name', () => {
    const fed = (i: ConnectorIdentity): SignedInPrincipal => ({ kind: 'federated', connectorId: 'c', connectorType: i.federated.kind, identity: storeIdentity(i) });
    expect(sessionNameFor(fed(oidcIdentity()))).toBe('u42@example.test');
    const { email: _e, ...noEmail } = oidcIdentity();
    expect(sessionNameFor(fed(noEmail))).toBe('user-42');
    const long = oidcIdentity();
    long.email = undefined;
    long.federated.subject = 'x'.repeat(100);
    expect(sessionNameFor(fed(long))).toBe('x'.repeat(64));
    const saml = oidcIdentity();
    saml.federated.kind = 'saml';
    saml.federated.session = { sessionName: 'alice@corp' };
    expect(sessionNameFor(fed(saml))).toBe('alice@corp');
    saml.federated.session = { sessionName: 'bad name' };
    expect(sessionNameFor(fed(saml))).toBeUndefined();
    saml.federated.session = {};
    expect(sessionNameFor(fed(saml))).toBeUndefined();
    const user = { kind: 'iam-user', accountId: '123456789012', userId: 'AIDAXXXXXXXXXXXXXXXXX', userName: 'q', arn: 'arn:aws:iam::123456789012:user/q' } as const;
    expect(sessionNameFor(user)).toBe('q-console');
    expect(sessionNameFor({ ...user, userName: 'quinn' })).toBe('quinn');
    expect(userCaller(user)).toMatchObject({ type: 'User', credential: 'long-term', principalId: user.userId, principalArn: user.arn, isRoot: false });
  });
});

describe('rolesFor: the checks STS makes before any trust policy', () => {
  let t: TestTessera;
  let provS: string;
  // The server's clock is injected (and the SDK signs with the real one: keep them together).
  const clock = Date.now();
  const facts = () => ({ now: new Date(clock), sourceIp: '127.0.0.1', userAgent: 'roles-test', secureTransport: true, region: 'us-east-1' });
  const session = (principal: SignedInPrincipal, mfa: LoginSession['mfa'] = { present: false }): LoginSession => ({
    id: 'ls-1',
    principal,
    mfa,
    createdAt: new Date(clock).toISOString(),
    lastSeenAt: new Date(clock).toISOString(),
    expiresAt: new Date(clock + 3600_000).toISOString(),
    sourceIp: '127.0.0.1',
    userAgent: 'roles-test',
  });
  const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
  const arn = (n: string, path = '/') => `arn:aws:iam::${t.accountId}:role${path}${n}`;
  const samlPrincipal = (over: Partial<StoredConnectorIdentity['session']> = {}, roles?: { roleArn: string; providerArn: string }[]): SignedInPrincipal => ({
    kind: 'federated',
    connectorId: 'corp',
    connectorType: 'saml',
    identity: {
      providerArn: provS,
      kind: 'saml',
      keyPrefix: 'saml',
      issuer: 'https://idp.corp/md',
      subject: 'alice',
      subjectType: 'persistent',
      audience: 'https://tessera/acs',
      conditionKeys: { 'saml:sub': 'alice', 'saml:aud': 'https://tessera/acs' },
      persistentKeys: { 'saml:sub': 'alice' },
      session: { sessionName: 'alice', ...over },
      saml: { nameQualifier: 'nq', audience: 'https://tessera/acs', roles: roles ?? [{ roleArn: arn('Saml'), providerArn: provS }] },
      groups: [],
    },
  });

  beforeAll(async () => {
    t = await startTestTessera({ now: () => new Date(clock) });
    const iam = iamClient(t, t.root);
    provS = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idpMetadata('https://idp.corp/md', await makeIdpKeys()) }))).SAMLProviderArn!;
    await iam.send(new CreateRoleCommand({ RoleName: 'Saml', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Federated: provS }, Action: ['sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity'] }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'Pathed', Path: '/team/', Description: 'on a path', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Federated: provS }, Action: 'sts:AssumeRoleWithSAML' }) }));
    const root = `arn:aws:iam::${t.accountId}:root`;
    await iam.send(new CreateRoleCommand({ RoleName: 'FreshMfa', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: root }, Action: 'sts:AssumeRole', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '600' } } }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'AnyMfa', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: root }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }) }));
    for (const UserName of ['mia', 'gone']) {
      await iam.send(new CreateUserCommand({ UserName }));
      await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) }));
    }
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  const user = async (name: string): Promise<SignedInPrincipal> => {
    const row = (await t.services.store.users.get(t.accountId, name))!;
    return { kind: 'iam-user', accountId: t.accountId, userId: row.id, userName: row.name, arn: `arn:aws:iam::${t.accountId}:user${row.path}${row.name}` };
  };

  it('SAML: only roles paired with this provider, resolved as STS resolves RoleArn; the offer names the pair', async () => {
    const other = `arn:aws:iam::${t.accountId}:saml-provider/Other`;
    const offers = await rolesFor(t.services, session(samlPrincipal({}, [
      { roleArn: arn('Saml'), providerArn: provS },
      { roleArn: arn('Saml'), providerArn: provS }, // repeated
      { roleArn: arn('Pathed'), providerArn: provS }, // no path in the pair: STS finds the role
      { roleArn: arn('FreshMfa'), providerArn: other }, // another provider's pair
      { roleArn: 'arn:aws:iam::999999999999:role/Saml', providerArn: provS }, // another account
    ])), facts());
    expect(offers).toEqual([
      { roleArn: arn('Pathed'), roleName: 'Pathed', accountId: t.accountId, description: 'on a path', maxSessionDuration: 3600, providerArn: provS },
      { roleArn: arn('Saml'), roleName: 'Saml', accountId: t.accountId, maxSessionDuration: 3600, providerArn: provS },
    ]);
    // A pair naming another path than the role's is no role (STS: not found).
    expect(await rolesFor(t.services, session(samlPrincipal({}, [{ roleArn: arn('Pathed', '/other/'), providerArn: provS }])), facts())).toEqual([]);
  });

  it('SAML refusals that hold for every role: no or invalid RoleSessionName, past SessionNotOnOrAfter, invalid SourceIdentity', async () => {
    expect(await rolesFor(t.services, session(samlPrincipal()), facts())).toHaveLength(1);
    const noName = samlPrincipal();
    if (noName.kind === 'federated') delete noName.identity.session.sessionName;
    expect(await rolesFor(t.services, session(noName), facts())).toEqual([]);
    expect(await rolesFor(t.services, session(samlPrincipal({ sessionName: 'a b' })), facts())).toEqual([]);
    expect(await rolesFor(t.services, session(samlPrincipal({ notOnOrAfter: new Date(clock - 1000).toISOString() })), facts())).toEqual([]);
    expect(await rolesFor(t.services, session(samlPrincipal({ notOnOrAfter: new Date(clock + 60_000).toISOString() })), facts())).toHaveLength(1);
    expect(await rolesFor(t.services, session(samlPrincipal({ sourceIdentity: 'aws:me' })), facts())).toEqual([]);
    expect(await rolesFor(t.services, session(samlPrincipal({ sourceIdentity: 'alice' })), facts())).toHaveLength(1);
  });

  it('IAM user: MFA counts with its age at now; no MFA, no MFA keys', async () => {
    const mia = await user('mia');
    const names = async (mfa: LoginSession['mfa']) => (await rolesFor(t.services, session(mia, mfa), facts())).map((o) => o.roleName);
    expect(await names({ present: false })).toEqual([]);
    expect(await names({ present: true, authTime: new Date(clock - 60_000).toISOString(), method: 'totp' })).toEqual(['AnyMfa', 'FreshMfa']);
    // Proved two hours ago: still present, too old for the age condition.
    expect(await names({ present: true, authTime: new Date(clock - 7200_000).toISOString(), method: 'totp' })).toEqual(['AnyMfa']);
  });

  it('IAM user: root and a user deleted since sign-in get no roles', async () => {
    const gone = await user('gone');
    const mfa = { present: true, authTime: new Date(clock).toISOString() } as const;
    expect(await rolesFor(t.services, session(gone, mfa), facts())).toHaveLength(2);
    const iam = iamClient(t, t.root);
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'gone', PolicyName: 'p' }));
    await iam.send(new DeleteUserCommand({ UserName: 'gone' }));
    expect(await rolesFor(t.services, session(gone, mfa), facts())).toEqual([]);
    const root: SignedInPrincipal = { kind: 'iam-user', accountId: t.accountId, userId: t.accountId, userName: 'root', arn: `arn:aws:iam::${t.accountId}:root` };
    expect(await rolesFor(t.services, session(root, mfa), facts())).toEqual([]);
  });
});
