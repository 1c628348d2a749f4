import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { claimsFor, startTestOidcIdp, type TestOidcIdp } from '../fixtures/oidc-idp.js';
import { idpMetadata, makeIdpKeys, samlResponse, type AssertionOptions, type IdpKeys } from '../fixtures/saml-idp.js';
import { iamClient, type Credentials } from '../support/clients.js';
import { verifyWebIdentityToken } from '../../src/federation/oidc/verify.js';
import { verifySamlResponse } from '../../src/federation/saml/verify.js';
import type { FederatedIdentity } from '../../src/federation/connector.js';
import { storeIdentity, type LoginSession, type SignedInPrincipal } from '../../src/sso/types.js';
import { rolesFor } from '../../src/sso/roles.js';
import { sessionNameFor } from '../../src/sso/principal.js';
import { timeStep, totpAt } from '../../src/mfa/index.js';

/**
 * Issue 11, item 5: for every (identity, role) pair, the roles rolesFor offers a signed-in
 * identity are exactly those STS grants through the AWS SDK with the same claims —
 * AssumeRoleWithWebIdentity (a token minted by the real oidc-provider's keys), AssumeRoleWithSAML
 * (a fresh signed assertion with the same claims per call: assertions are accepted once), and
 * AssumeRole with the IAM user's own access keys, with and without an MFA code. rolesFor gets the
 * FederatedIdentity the STS verifiers themselves build from the same token/assertion
 * (verifyWebIdentityToken / verifySamlResponse), stored in a LoginSession as the sign-in flow
 * stores it (JSON).
 *
 * The server clock is injected (each MFA call needs a fresh TOTP step: codes are accepted once);
 * the SDK clients follow it with systemClockOffset.
 */
let t: TestTessera;
let nowMs = Date.now();
const now = () => new Date(nowMs);
let idpA: TestOidcIdp;
let idpB: TestOidcIdp;
let provA: string;
let provB: string;
let pa: string;
let pb: string;
let samlKeys: IdpKeys;
let otherSamlKeys: IdpKeys;
let provS: string;
let provS2: string;
let acs: string;
let spEntity: string;
const ENTITY = 'https://idp.corp.test/metadata';
const ENTITY2 = 'https://idp.partner.test/metadata';
const roleArn = (n: string) => `arn:aws:iam::${t.accountId}:role/${n}`;
const root = () => `arn:aws:iam::${t.accountId}:root`;
const FACTS = () => ({ now: now(), sourceIp: '127.0.0.1', userAgent: 'parity-test', secureTransport: false, region: 'us-east-1' });
const sts = (c: Credentials) => new STSClient({ endpoint: t.url, region: 'us-east-1', credentials: c, maxAttempts: 1, systemClockOffset: nowMs - Date.now() });
const anon = () => sts({ accessKeyId: 'x', secretAccessKey: 'x' });

const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const WEB = 'sts:AssumeRoleWithWebIdentity';
const SAML = 'sts:AssumeRoleWithSAML';

/** The roles: name → trust policy (built once the providers exist). */
const ROLES = (): Record<string, string> => ({
  OidcSubAud: doc({ Effect: 'Allow', Principal: { Federated: provA }, Action: WEB, Condition: { StringEquals: { [`${pa}:sub`]: 'alice', [`${pa}:aud`]: 'app-a' } } }),
  OidcSubLike: doc({ Effect: 'Allow', Principal: { Federated: provA }, Action: WEB, Condition: { StringLike: { [`${pa}:sub`]: 'ci-*' } } }),
  OidcAmrMfa: doc({ Effect: 'Allow', Principal: { Federated: provA }, Action: [WEB, 'sts:TagSession'], Condition: { 'ForAnyValue:StringEquals': { [`${pa}:amr`]: 'mfa' } } }),
  OidcDenyBob: doc(
    { Effect: 'Allow', Principal: { Federated: provA }, Action: WEB },
    { Effect: 'Deny', Principal: { Federated: provA }, Action: WEB, Condition: { StringEquals: { [`${pa}:sub`]: 'bob' } } },
  ),
  NotPrincipalB: doc(
    { Effect: 'Allow', Principal: { Federated: [provA, provB] }, Action: WEB },
    { Effect: 'Deny', NotPrincipal: { Federated: provA }, Action: WEB },
  ),
  OtherProvider: doc({ Effect: 'Allow', Principal: { Federated: provB }, Action: WEB, Condition: { StringEquals: { [`${pb}:aud`]: 'b-app' } } }),
  OidcNoTagSession: doc({ Effect: 'Allow', Principal: { Federated: provA }, Action: WEB }),
  OidcTagSession: doc({ Effect: 'Allow', Principal: { Federated: provA }, Action: [WEB, 'sts:TagSession'], Condition: { StringEqualsIfExists: { 'aws:RequestTag/team': 'eng' } } }),
  OidcMfaRequired: doc({ Effect: 'Allow', Principal: { Federated: provA }, Action: WEB, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
  SourceIpLocal: doc({ Effect: 'Allow', Principal: { Federated: [provA, provB, provS] }, Action: [WEB, SAML, 'sts:TagSession'], Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }),
  SourceIpElsewhere: doc({ Effect: 'Allow', Principal: { Federated: [provA, provB, provS] }, Action: [WEB, SAML], Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
  TimePast: doc({ Effect: 'Allow', Principal: { Federated: [provA, provS] }, Action: [WEB, SAML], Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } }),
  TimeFuture: doc({ Effect: 'Allow', Principal: { Federated: [provA, provS] }, Action: [WEB, SAML], Condition: { DateGreaterThan: { 'aws:CurrentTime': '2999-01-01T00:00:00Z' } } }),
  SourceIdentityOk: doc({ Effect: 'Allow', Principal: { Federated: provA }, Action: [WEB, 'sts:SetSourceIdentity'] }),
  SessionNameEmail: doc({ Effect: 'Allow', Principal: { Federated: provA }, Action: WEB, Condition: { StringLike: { 'sts:RoleSessionName': '*@example.test' } } }),
  SamlAud: doc({ Effect: 'Allow', Principal: { Federated: provS }, Action: SAML, Condition: { StringEquals: { 'saml:aud': acs } } }),
  SamlSub: doc({ Effect: 'Allow', Principal: { Federated: provS }, Action: [SAML, 'sts:TagSession'], Condition: { StringEquals: { 'saml:sub': 'alice' } } }),
  SamlIss: doc({ Effect: 'Allow', Principal: { Federated: [provS, provS2] }, Action: SAML, Condition: { StringEquals: { 'saml:iss': ENTITY2 } } }),
  SamlStaff: doc({ Effect: 'Allow', Principal: { Federated: provS }, Action: SAML, Condition: { 'ForAnyValue:StringEquals': { 'saml:edupersonaffiliation': 'staff' } } }),
  SamlTagSession: doc({ Effect: 'Allow', Principal: { Federated: provS }, Action: [SAML, 'sts:TagSession'], Condition: { StringEqualsIfExists: { 'aws:RequestTag/dept': 'eng' } } }),
  SamlDenyTransient: doc(
    { Effect: 'Allow', Principal: { Federated: provS }, Action: [SAML, 'sts:TagSession'] },
    { Effect: 'Deny', Principal: { Federated: provS }, Action: SAML, Condition: { StringEquals: { 'saml:sub_type': 'transient' } } },
  ),
  SamlOtherProvider: doc({ Effect: 'Allow', Principal: { Federated: provS2 }, Action: SAML }),
  SamlMfaRequired: doc({ Effect: 'Allow', Principal: { Federated: provS }, Action: SAML, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
  UserDirect: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:user/ada` }, Action: 'sts:AssumeRole' }),
  AccountDelegated: doc({ Effect: 'Allow', Principal: { AWS: root() }, Action: 'sts:AssumeRole' }),
  AccountMfa: doc({ Effect: 'Allow', Principal: { AWS: root() }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
  AccountMfaAge: doc({ Effect: 'Allow', Principal: { AWS: root() }, Action: 'sts:AssumeRole', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '600' } } }),
  DenyAda: doc(
    { Effect: 'Allow', Principal: { AWS: root() }, Action: 'sts:AssumeRole' },
    { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${t.accountId}:user/ada` }, Action: 'sts:AssumeRole' },
  ),
  NoMfaOnly: doc({ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${t.accountId}:user/ada`, `arn:aws:iam::${t.accountId}:user/ben`] }, Action: 'sts:AssumeRole', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }),
  Everyone: doc(
    { Effect: 'Allow', Principal: { Federated: [provA, provB] }, Action: WEB },
    { Effect: 'Allow', Principal: { Federated: provS }, Action: SAML },
    { Effect: 'Allow', Principal: { AWS: root() }, Action: 'sts:AssumeRole' },
  ),
});
let roleNames: string[] = [];

/** A federated identity of the table: how to get a token/assertion, and the STS call with it. */
interface FederatedCase {
  name: string;
  kind: 'oidc' | 'saml';
  /** OIDC: the token (reusable). SAML: a fresh assertion with the same claims per call. */
  credential(): Promise<string>;
  provider: () => string;
  email?: string;
}

const oidcCase = (name: string, idp: () => TestOidcIdp, provider: () => string, claims: Record<string, unknown>, email?: string): FederatedCase => {
  let token: string | undefined;
  return {
    name,
    kind: 'oidc',
    provider,
    ...(email !== undefined ? { email } : {}),
    credential: async () => (token ??= await idp().mint(claimsFor(idp(), { exp: Math.floor(nowMs / 1000) + 3600, iat: Math.floor(nowMs / 1000), ...claims }))),
  };
};
const samlCase = (name: string, keys: () => IdpKeys, provider: () => string, o: () => Partial<AssertionOptions>): FederatedCase => ({
  name,
  kind: 'saml',
  provider,
  credential: async () => samlResponse(keys(), { idpEntityId: ENTITY, audience: spEntity, acsUrl: acs, now: now(), ...o() }).b64,
});
const allPairs = (provider: string) => roleNames.map((r) => `${roleArn(r)},${provider}`);

const FEDERATED: FederatedCase[] = [
  oidcCase('oidc alice (amr mfa, e-mail)', () => idpA, () => provA, { sub: 'alice', aud: 'app-a', amr: ['pwd', 'mfa'] }, 'alice@example.test'),
  oidcCase('oidc bob (other client)', () => idpA, () => provA, { sub: 'bob', aud: 'app-b', amr: ['pwd'] }),
  oidcCase('oidc ci runner (session tags)', () => idpA, () => provA, { sub: 'ci-runner-7', aud: 'app-a', 'https://aws.amazon.com/tags': { principal_tags: { team: ['eng'] } } }),
  oidcCase('oidc alice (source identity)', () => idpA, () => provA, { sub: 'alice', aud: 'app-a', 'https://aws.amazon.com/source_identity': 'alice' }),
  oidcCase('oidc carol (provider B)', () => idpB, () => provB, { sub: 'carol', aud: 'b-app' }),
  samlCase('saml alice (staff)', () => samlKeys, () => provS, () => ({ nameId: 'alice', sessionName: 'alice@example.test', roles: allPairs(provS), extraAttributes: { 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['member', 'staff'] } })),
  samlCase('saml bob (tags)', () => samlKeys, () => provS, () => ({ nameId: 'bob', sessionName: 'bob', roles: allPairs(provS), tags: { dept: 'eng' }, transitiveTagKeys: ['dept'] })),
  samlCase('saml dave (transient, few pairs)', () => samlKeys, () => provS, () => ({
    nameId: 'dave',
    nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    sessionName: 'dave',
    roles: ['SamlAud', 'SamlDenyTransient', 'Everyone', 'TimePast', 'SourceIpLocal'].map((r) => `${provS},${roleArn(r)}`),
  })),
  samlCase('saml eve (partner provider)', () => otherSamlKeys, () => provS2, () => ({ idpEntityId: ENTITY2, nameId: 'eve', sessionName: 'eve', roles: allPairs(provS2) })),
];

interface UserCase {
  name: string;
  user: string;
  mfa: boolean;
}
const USERS: UserCase[] = [
  { name: 'ada (no MFA)', user: 'ada', mfa: false },
  { name: 'ada (MFA)', user: 'ada', mfa: true },
  { name: 'ben (no policies)', user: 'ben', mfa: false },
  { name: 'cy (narrow policy)', user: 'cy', mfa: false },
];
const users: Record<string, { id: string; arn: string; creds: Credentials; seed?: string; serial?: string }> = {};

beforeAll(async () => {
  t = await startTestTessera({ now });
  [idpA, idpB, samlKeys, otherSamlKeys] = await Promise.all([startTestOidcIdp({ path: '/a' }), startTestOidcIdp({ path: '/b' }), makeIdpKeys('corp'), makeIdpKeys('partner')]);
  acs = t.services.config.saml.acsUrl;
  spEntity = t.services.config.saml.spEntityId;
  const iam = iamClient(t, t.root);
  provA = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idpA.issuer, ClientIDList: ['app-a', 'app-b'] }))).OpenIDConnectProviderArn!;
  provB = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idpB.issuer, ClientIDList: ['b-app'] }))).OpenIDConnectProviderArn!;
  pa = idpA.issuer.replace('http://', '');
  pb = idpB.issuer.replace('http://', '');
  provS = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idpMetadata(ENTITY, samlKeys) }))).SAMLProviderArn!;
  provS2 = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Partner', SAMLMetadataDocument: idpMetadata(ENTITY2, otherSamlKeys) }))).SAMLProviderArn!;

  for (const name of ['ada', 'ben', 'cy']) {
    const u = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    users[name] = { id: u.UserId!, arn: u.Arn!, creds: { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! } };
  }
  const roles = ROLES();
  roleNames = Object.keys(roles);
  for (const [RoleName, AssumeRolePolicyDocument] of Object.entries(roles)) await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'ada', PolicyName: 'assume', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'cy', PolicyName: 'assume', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [roleArn('AccountDelegated'), roleArn('AccountMfa'), roleArn('DenyAda')] }) }));
  const dev = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'ada' }))).VirtualMFADevice!;
  const seed = Buffer.from(dev.Base32StringSeed!).toString('utf8');
  const step = timeStep(now());
  await iam.send(new EnableMFADeviceCommand({ UserName: 'ada', SerialNumber: dev.SerialNumber!, AuthenticationCode1: totpAt(seed, step - 2), AuthenticationCode2: totpAt(seed, step - 1) }));
  Object.assign(users.ada!, { seed, serial: dev.SerialNumber! });
}, 120_000);

afterAll(async () => {
  await idpA?.close();
  await idpB?.close();
  await t?.stop();
});

const session = (principal: SignedInPrincipal, mfa: LoginSession['mfa'] = { present: false }): LoginSession => ({
  id: 'ls-parity',
  // As the sign-in flow keeps it: JSON in the session store.
  principal: JSON.parse(JSON.stringify(principal)) as SignedInPrincipal,
  mfa,
  createdAt: now().toISOString(),
  lastSeenAt: now().toISOString(),
  expiresAt: new Date(nowMs + 3600_000).toISOString(),
  sourceIp: '127.0.0.1',
  userAgent: 'parity-test',
});

/** The FederatedIdentity STS's own verifier builds from this token/assertion (verified, not redeemed). */
async function verified(c: FederatedCase, credential: string): Promise<FederatedIdentity> {
  const dir = t.services.federationDirectory;
  if (c.kind === 'oidc') {
    return verifyWebIdentityToken(credential, { findProvider: (iss) => dir.oidcProvider(t.accountId, iss), jwks: dir.jwks, allowInsecure: true, now: now() });
  }
  const provider = (await dir.samlProvider(c.provider()))!;
  return verifySamlResponse(credential, { provider, sp: dir.samlServiceProvider(), accountId: t.accountId, now: now() });
}

type Outcome = 'allowed' | 'refused';
/** What STS answered: credentials, or a refusal (AccessDenied; IDPRejectedClaim for a role the assertion does not pair). */
async function stsOutcome(p: Promise<unknown>): Promise<Outcome | string> {
  try {
    await p;
    return 'allowed';
  } catch (e) {
    const name = (e as { name?: string }).name ?? String(e);
    return name === 'AccessDenied' || name === 'IDPRejectedClaimException' ? 'refused' : `unexpected ${name}: ${(e as Error).message}`;
  }
}

interface Row {
  identity: string;
  role: string;
  sts: Outcome | string;
  offered: boolean;
}
const table: Row[] = [];

describe('rolesFor offers exactly the roles STS grants (SDK, real IdPs)', () => {
  it('federated identities × every role: AssumeRoleWithWebIdentity / AssumeRoleWithSAML', async () => {
    for (const c of FEDERATED) {
      const identity = await verified(c, await c.credential());
      const principal: SignedInPrincipal = { kind: 'federated', connectorId: 'parity', connectorType: c.kind, identity: storeIdentity({ federated: identity, groups: [], ...(c.email ? { email: c.email } : {}) }) };
      const offers = await rolesFor(t.services, session(principal), FACTS());
      const offered = new Set(offers.map((o) => o.roleName));
      const sessionName = sessionNameFor(principal)!;
      for (const role of roleNames) {
        const credential = await c.credential();
        const call =
          c.kind === 'oidc'
            ? anon().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn(role), RoleSessionName: sessionName, WebIdentityToken: credential }))
            : anon().send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn(role), PrincipalArn: c.provider(), SAMLAssertion: credential }));
        table.push({ identity: c.name, role, sts: await stsOutcome(call), offered: offered.has(role) });
      }
      // SAML offers name the provider they are paired with.
      for (const o of offers) if (c.kind === 'saml') expect(o.providerArn).toBe(c.provider());
    }
  }, 120_000);

  it('IAM users × every role: AssumeRole with the user\'s own access keys, with and without an MFA code', async () => {
    for (const c of USERS) {
      const u = users[c.user]!;
      const principal: SignedInPrincipal = { kind: 'iam-user', accountId: t.accountId, userId: u.id, userName: c.user, arn: u.arn };
      const sessionName = sessionNameFor(principal)!;
      for (const role of roleNames) {
        let mfa: { SerialNumber: string; TokenCode: string } | object = {};
        if (c.mfa) {
          // A fresh TOTP step per call (a code is accepted once); the session proved MFA just now.
          nowMs += 30_000;
          mfa = { SerialNumber: u.serial!, TokenCode: totpAt(u.seed!, timeStep(now())) };
        }
        const offers = await rolesFor(t.services, session(principal, c.mfa ? { present: true, authTime: now().toISOString(), method: 'totp' } : { present: false }), FACTS());
        const out = await stsOutcome(sts(u.creds).send(new AssumeRoleCommand({ RoleArn: roleArn(role), RoleSessionName: sessionName, ...mfa })));
        table.push({ identity: c.name, role, sts: out, offered: offers.some((o) => o.roleName === role) });
      }
    }
  }, 120_000);

  it('the table: both outcomes in quantity, no STS error other than a refusal, no disagreement', () => {
    const unexpected = table.filter((r) => r.sts !== 'allowed' && r.sts !== 'refused');
    expect(unexpected).toEqual([]);
    const mismatches = table.filter((r) => (r.sts === 'allowed') !== r.offered).map((r) => `${r.identity} × ${r.role}: STS ${r.sts}, rolesFor ${r.offered ? 'offers' : 'does not offer'}`);
    const allowed = table.filter((r) => r.sts === 'allowed').length;
    const refused = table.length - allowed;
    if (process.env.ROLES_PARITY_TABLE) {
      for (const c of [...FEDERATED, ...USERS]) console.log(`${c.name.padEnd(36)} ${table.filter((r) => r.identity === c.name && r.sts === 'allowed').map((r) => r.role).join(' ')}`);
    }
    console.log(`roles parity: ${table.length} identity × role pairs (${FEDERATED.length + USERS.length} identities × ${roleNames.length} roles): ${allowed} allowed, ${refused} refused, ${mismatches.length} disagreements`);
    expect(mismatches).toEqual([]);
    // A few pairs whose answer is known from the policies alone, so a table that agrees by
    // being wrong on both sides (a setup fault) fails too.
    const at = (identity: string, role: string) => table.find((r) => r.identity.startsWith(identity) && r.role === role)?.sts;
    expect([
      at('oidc alice (amr', 'OidcSubAud'),
      at('oidc ci runner', 'OidcTagSession'),
      at('oidc ci runner', 'OidcNoTagSession'),
      at('oidc bob', 'OidcDenyBob'),
      at('oidc carol', 'NotPrincipalB'),
      at('oidc alice (source', 'SourceIdentityOk'),
      at('oidc alice (source', 'OidcNoTagSession'),
      at('saml alice', 'SamlStaff'),
      at('saml bob', 'SamlSub'),
      at('saml dave', 'SamlDenyTransient'),
      at('saml dave', 'SamlStaff'),
      at('ada (MFA)', 'AccountMfa'),
      at('ada (no MFA)', 'AccountMfa'),
      at('ada (MFA)', 'NoMfaOnly'),
      at('cy', 'AccountDelegated'),
      at('ben', 'AccountDelegated'),
      at('oidc alice (amr', 'OidcMfaRequired'),
      at('oidc alice (amr', 'SourceIpElsewhere'),
      at('saml alice', 'TimeFuture'),
    ]).toEqual(['allowed', 'allowed', 'refused', 'refused', 'refused', 'allowed', 'refused', 'allowed', 'refused', 'refused', 'refused', 'allowed', 'refused', 'refused', 'allowed', 'refused', 'refused', 'refused', 'refused']);
    expect(table.length).toBe((FEDERATED.length + USERS.length) * roleNames.length);
    expect(allowed).toBeGreaterThanOrEqual(40);
    expect(refused).toBeGreaterThanOrEqual(40);
    // Each kind of principal has both outcomes, and so has every role of the SAML, OIDC and user families.
    for (const kind of ['oidc', 'saml', 'ada', 'ben', 'cy']) {
      const rows = table.filter((r) => r.identity.startsWith(kind));
      expect(new Set(rows.map((r) => r.sts)).size, kind).toBe(2);
    }
  });
});
