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

  it('federation: the account\'s assumable roles page by case-folded name (keyset), with their descriptions', async () => {
    const { store, accountId } = await fixture();
    const base = { accountId, path: '/', trustPolicy: '{"Version":"2012-10-17","Statement":[]}', maxSessionDuration: 3600, tags: [], createdAt: new Date('2026-01-02T03:04:05Z'), trustPrincipals: {} };
    for (const [i, name] of ['beta', 'Alpha', 'gamma', 'Delta'].entries()) {
      await store.roles.insert({ ...base, id: `AROALISTEDROLE${'ABCD'[i]}AAAAAA`, name, arn: `arn:aws:iam::${accountId}:role/${name}`, ...(name === 'gamma' ? { description: 'the g role' } : {}) });
    }
    const first = await store.federation.assumableRoles(accountId, { limit: 3 });
    expect(first.map((r) => r.roleName)).toEqual(['Alpha', 'beta', 'Delta']);
    expect(first[0]).toEqual({ roleId: 'AROALISTEDROLEBAAAAAA', accountId, roleName: 'Alpha', path: '/', roleArn: `arn:aws:iam::${accountId}:role/Alpha`, trustPolicy: base.trustPolicy, trustPrincipals: {}, maxSessionDuration: 3600 });
    const rest = await store.federation.assumableRoles(accountId, { after: 'delta', limit: 3 });
    expect(rest.map((r) => [r.roleName, r.description])).toEqual([['gamma', 'the g role']]);
    expect(await store.federation.assumableRoles('000000000000', { limit: 10 })).toEqual([]);
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
