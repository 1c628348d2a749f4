import { expect, it } from 'vitest';
import type { OidcProvider, SamlProvider } from '../../../src/store/providers.js';
import type { ContractFixture } from './fixture.js';

/** The identity-provider repository's contract (src/store/providers.ts). */
export default function providers(fixture: () => Promise<ContractFixture>): void {
  const oidc = (accountId: string, host: string): OidcProvider => ({
    arn: `arn:aws:iam::${accountId}:oidc-provider/${host}`,
    accountId,
    url: `https://${host}`,
    resource: host,
    clientIds: ['sts.amazonaws.com'],
    thumbprints: ['a'.repeat(40)],
    tags: [{ Key: 'k', Value: 'v' }],
    createdAt: new Date('2026-01-02T03:04:05Z'),
  });
  const saml = (accountId: string, name: string): SamlProvider => ({
    arn: `arn:aws:iam::${accountId}:saml-provider/${name}`,
    accountId,
    name,
    uuid: '00000000-0000-4000-8000-000000000000',
    metadataDocument: '<EntityDescriptor/>',
    entityId: 'https://idp.example.com',
    signingCertificates: ['PEM'],
    validUntil: new Date('2030-01-01T00:00:00Z'),
    tags: [],
    createdAt: new Date('2026-01-02T03:04:05Z'),
    updatedAt: new Date('2026-01-02T03:04:05Z'),
  });

  it('providers: OIDC insert (in a transaction), get, find by resource, list, update, delete', async () => {
    const { store, accountId } = await fixture();
    const made = await store.tx((t) => t.providers.insertOidc(oidc(accountId, 'b.example.com'), 100));
    expect(made).toMatchObject({ resource: 'b.example.com', clientIds: ['sts.amazonaws.com'], tags: [{ Key: 'k', Value: 'v' }] });
    await store.tx((t) => t.providers.insertOidc(oidc(accountId, 'a.example.com'), 100));
    expect(await store.tx((t) => t.providers.insertOidc(oidc(accountId, 'a.example.com'), 100))).toBe('exists');
    expect(await store.tx((t) => t.providers.insertOidc(oidc(accountId, 'c.example.com'), 2))).toBe('quota');
    expect(await store.providers.listOidcArns(accountId)).toEqual([`arn:aws:iam::${accountId}:oidc-provider/a.example.com`, `arn:aws:iam::${accountId}:oidc-provider/b.example.com`]);
    const arn = `arn:aws:iam::${accountId}:oidc-provider/b.example.com`;
    expect((await store.providers.findOidcByResource(accountId, 'b.example.com'))?.arn).toBe(arn);
    expect(await store.providers.findOidcByResource('999999999999', 'b.example.com')).toBeNull();
    expect(await store.providers.updateOidc(arn, { thumbprints: ['b'.repeat(40)] })).toBe(true);
    expect(await store.providers.getOidc(arn)).toMatchObject({ clientIds: ['sts.amazonaws.com'], thumbprints: ['b'.repeat(40)], tags: [{ Key: 'k', Value: 'v' }] });
    expect(await store.providers.updateOidc(arn, { clientIds: [], tags: [] })).toBe(true);
    expect(await store.providers.getOidc(arn)).toMatchObject({ clientIds: [], thumbprints: ['b'.repeat(40)], tags: [] });
    expect(await store.providers.deleteOidc(arn)).toBe(true);
    expect(await store.providers.deleteOidc(arn)).toBe(false);
    expect(await store.providers.getOidc(arn)).toBeNull();
  });

  it('providers: SAML names are unique case-insensitively; list by name; metadata and tags update; delete', async () => {
    const { store, accountId } = await fixture();
    await store.tx((t) => t.providers.insertSaml(saml(accountId, 'Corp'), 100));
    expect(await store.tx((t) => t.providers.insertSaml(saml(accountId, 'CORP'), 100))).toBe('exists');
    await store.tx((t) => t.providers.insertSaml(saml(accountId, 'a-idp'), 100));
    expect(await store.tx((t) => t.providers.insertSaml(saml(accountId, 'third'), 2))).toBe('quota');
    expect((await store.providers.listSaml(accountId)).map((p) => p.arn.split('/')[1])).toEqual(['a-idp', 'Corp']);
    const arn = `arn:aws:iam::${accountId}:saml-provider/Corp`;
    expect((await store.providers.getSaml(accountId, 'corp'))?.arn).toBe(arn);
    const later = new Date('2026-02-03T04:05:06Z');
    expect(await store.providers.updateSamlMetadata(arn, { metadataDocument: '<v2/>', entityId: 'https://v2', signingCertificates: ['PEM2'], validUntil: later, updatedAt: later })).toBe(true);
    expect(await store.providers.updateSamlTags(arn, [{ Key: 'a', Value: '1' }])).toBe(true);
    expect(await store.providers.getSaml(accountId, 'Corp')).toMatchObject({ metadataDocument: '<v2/>', entityId: 'https://v2', signingCertificates: ['PEM2'], validUntil: later, tags: [{ Key: 'a', Value: '1' }] });
    expect(await store.providers.deleteSaml(arn)).toBe(true);
    expect(await store.providers.getSaml(accountId, 'Corp')).toBeNull();
  });
}
