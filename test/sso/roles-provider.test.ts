import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteSAMLProviderCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
} from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { claimsFor, startTestOidcIdp, type TestOidcIdp } from '../fixtures/oidc-idp.js';
import { idpMetadata, makeIdpKeys, samlResponse, type IdpKeys } from '../fixtures/saml-idp.js';
import { iamClient } from '../support/clients.js';
import { verifyWebIdentityToken } from '../../src/federation/oidc/verify.js';
import { verifySamlResponse } from '../../src/federation/saml/verify.js';
import type { FederatedIdentity } from '../../src/federation/connector.js';
import { storeIdentity, type LoginSession, type SignedInPrincipal } from '../../src/sso/types.js';
import { rolesFor } from '../../src/sso/roles.js';
import { sessionNameFor } from '../../src/sso/principal.js';

/**
 * Review of issue 11 (roles offered to a signed-in identity): STS verifies each token/assertion
 * against the IAM provider as it is at the time of the call. rolesFor works from the identity
 * stored at sign-in, so it must ask the same question: a deleted provider, a client id removed
 * from the OIDC provider, or SAML pairs naming the provider in another letter case must give the
 * same answer as AssumeRoleWithWebIdentity / AssumeRoleWithSAML through the SDK.
 */
let t: TestTessera;
let idp: TestOidcIdp;
let keys: IdpKeys;
let provO: string;
let provS: string;
let prefix: string;
const ENTITY = 'https://idp.review.test/metadata';
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const roleArn = (n: string) => `arn:aws:iam::${t.accountId}:role/${n}`;
const anon = () => new STSClient({ endpoint: t.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
const facts = () => ({ now: new Date(), sourceIp: '127.0.0.1', userAgent: 'review', secureTransport: false, region: 'us-east-1' });
const session = (identity: FederatedIdentity, kind: 'oidc' | 'saml'): LoginSession => ({
  id: 'ls-review',
  principal: JSON.parse(JSON.stringify({ kind: 'federated', connectorId: 'c', connectorType: kind, identity: storeIdentity({ federated: identity, groups: [] }) })) as SignedInPrincipal,
  mfa: { present: false },
  createdAt: new Date().toISOString(),
  lastSeenAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  sourceIp: '127.0.0.1',
  userAgent: 'review',
});
const stsSays = async (p: Promise<unknown>) =>
  p.then(
    () => 'allowed',
    (e: { name?: string }) => `refused (${e.name})`,
  );

beforeAll(async () => {
  t = await startTestTessera();
  [idp, keys] = await Promise.all([startTestOidcIdp({ path: '/rv' }), makeIdpKeys('review')]);
  prefix = idp.issuer.replace('http://', '');
  const iam = iamClient(t, t.root);
  provO = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: ['app', 'other'] }))).OpenIDConnectProviderArn!;
  provS = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idpMetadata(ENTITY, keys) }))).SAMLProviderArn!;
  await iam.send(new CreateRoleCommand({ RoleName: 'Web', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Federated: provO }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${prefix}:aud`]: 'app' } } }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'Saml', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Federated: provS }, Action: 'sts:AssumeRoleWithSAML' }) }));
}, 60_000);
afterAll(async () => {
  await idp?.close();
  await t?.stop();
});

describe('rolesFor asks the IAM provider as STS does, at the time of the call', () => {
  it('OIDC: no role once the client id is removed from the provider, or the provider deleted', async () => {
    const token = await idp.mint(claimsFor(idp, { sub: 'alice', aud: 'app' }));
    const dir = t.services.federationDirectory;
    const identity = await verifyWebIdentityToken(token, { findProvider: (iss) => dir.oidcProvider(t.accountId, iss), jwks: dir.jwks, allowInsecure: true, now: new Date() });
    const s = session(identity, 'oidc');
    const name = sessionNameFor(s.principal)!;
    const sts = () => stsSays(anon().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn('Web'), RoleSessionName: name, WebIdentityToken: token })));
    const offered = async () => (await rolesFor(t.services, s, facts())).map((o) => o.roleName);
    expect([await sts(), await offered()]).toEqual(['allowed', ['Web']]);

    const iam = iamClient(t, t.root);
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: provO, ClientID: 'app' }));
    expect([await sts(), await offered()]).toEqual(['refused (InvalidIdentityTokenException)', []]);

    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: provO }));
    expect([(await sts()).startsWith('refused'), await offered()]).toEqual([true, []]);
  });

  it('SAML: a pair naming the provider in another case is granted by STS and offered; nothing once the provider is deleted', async () => {
    const lower = provS.replace(':saml-provider/Corp', ':saml-provider/corp');
    const b64 = (pairArn = lower) =>
      samlResponse(keys, { idpEntityId: ENTITY, audience: t.services.config.saml.spEntityId, acsUrl: t.services.config.saml.acsUrl, nameId: 'alice', sessionName: 'alice', roles: [`${roleArn('Saml')},${pairArn}`] }).b64;
    const dir = t.services.federationDirectory;
    const verified = async (pairArn: string) => verifySamlResponse(b64(pairArn), { provider: (await dir.samlProvider(provS))!, sp: dir.samlServiceProvider(), accountId: t.accountId, now: new Date() });
    const s = session(await verified(lower), 'saml');
    const exact = session(await verified(provS), 'saml');
    const sts = (principalArn: string) => stsSays(anon().send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn('Saml'), PrincipalArn: principalArn, SAMLAssertion: b64() })));

    // STS: the pair's spelling is the PrincipalArn it accepts; the stored spelling is refused (not the pair).
    expect(await sts(lower)).toBe('allowed');
    expect(await sts(provS)).toBe('refused (IDPRejectedClaimException)');
    const offers = await rolesFor(t.services, s, facts());
    expect(offers.map((o) => [o.roleName, o.providerArn])).toEqual([['Saml', lower]]);
    expect((await rolesFor(t.services, exact, facts())).map((o) => [o.roleName, o.providerArn])).toEqual([['Saml', provS]]);

    await iamClient(t, t.root).send(new DeleteSAMLProviderCommand({ SAMLProviderArn: provS }));
    expect((await sts(lower)).startsWith('refused')).toBe(true);
    expect(await rolesFor(t.services, s, facts())).toEqual([]);
    expect(await stsSays(anon().send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn('Saml'), PrincipalArn: provS, SAMLAssertion: b64(provS) })))).toBe('refused (InvalidIdentityTokenException)');
    expect(await rolesFor(t.services, exact, facts())).toEqual([]);
  });
});
