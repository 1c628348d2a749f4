import { expect, it } from 'vitest';
import type { ContractFixture } from './fixture.js';

/** The federation repository's contract (src/store/federation.ts): what STS reads to admit a principal. */
export default function federation(fixture: () => Promise<ContractFixture>): void {
  it('federation: a role with its trust policy and binding, by name case-insensitively', async () => {
    const { store, db, accountId } = await fixture();
    await store.roles.insert({
      id: 'AROAFEDERATIONROLEAAA',
      accountId,
      name: 'Fed',
      path: '/team/',
      arn: `arn:aws:iam::${accountId}:role/team/Fed`,
      trustPolicy: '{"Version":"2012-10-17","Statement":[]}',
      maxSessionDuration: 7200,
      tags: [],
      createdAt: new Date('2026-01-02T03:04:05Z'),
      trustPrincipals: { 'arn:aws:iam::123456789012:user/u': 'AIDAUSERUSERUSERUSER1' },
    });
    const r = await store.federation.assumableRole(accountId, 'fED');
    expect(r).toEqual({
      roleId: 'AROAFEDERATIONROLEAAA',
      accountId,
      roleName: 'Fed',
      path: '/team/',
      roleArn: `arn:aws:iam::${accountId}:role/team/Fed`,
      trustPolicy: '{"Version":"2012-10-17","Statement":[]}',
      trustPrincipals: { 'arn:aws:iam::123456789012:user/u': 'AIDAUSERUSERUSERUSER1' },
      maxSessionDuration: 7200,
    });
    expect(await store.federation.assumableRole(accountId, 'missing')).toBeNull();
    void db;
  });

  it('federation: OIDC providers by resource and SAML providers by name, within the account', async () => {
    const { store, db, accountId } = await fixture();
    await db.query(
      `INSERT INTO oidc_providers (arn, account_id, issuer_url, resource, client_ids, thumbprints) VALUES ($1, $2, 'https://idp.example/x', 'idp.example/x', '{aud}', '{}')`,
      [`arn:aws:iam::${accountId}:oidc-provider/idp.example/x`, accountId],
    );
    expect(await store.federation.oidcProviderByResource(accountId, 'idp.example/x')).toEqual({
      arn: `arn:aws:iam::${accountId}:oidc-provider/idp.example/x`,
      url: 'https://idp.example/x',
      clientIds: ['aud'],
      thumbprints: [],
    });
    expect(await store.federation.oidcProviderByResource(accountId, 'idp.example/y')).toBeNull();
    await db.query(
      `INSERT INTO saml_providers (arn, account_id, name, provider_uuid, metadata_document, entity_id, signing_certificates, valid_until)
       VALUES ($1, $2, 'Corp', 'u-1', '<md/>', 'https://idp.corp/saml', '{CERT}', '2099-01-01T00:00:00Z')`,
      [`arn:aws:iam::${accountId}:saml-provider/Corp`, accountId],
    );
    expect(await store.federation.samlProvider(accountId, 'corp')).toEqual({
      arn: `arn:aws:iam::${accountId}:saml-provider/Corp`,
      name: 'Corp',
      entityId: 'https://idp.corp/saml',
      signingCertificates: ['CERT'],
      validUntil: new Date('2099-01-01T00:00:00Z'),
    });
    expect(await store.federation.samlProvider('000000000000', 'Corp')).toBeNull();
  });
}
