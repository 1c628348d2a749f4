import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSAMLProviderCommand,
  DeleteSAMLProviderCommand,
  GetSAMLProviderCommand,
  IAMClient,
  ListSAMLProvidersCommand,
  ListSAMLProviderTagsCommand,
  TagSAMLProviderCommand,
  UntagSAMLProviderCommand,
  UpdateSAMLProviderCommand,
} from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../../support/tessera.js';
import { getSamlProviderByArn } from '../../../src/iam/providers/index.js';
import { certBody, idpMetadata, makeCert } from './saml-fixture.js';
import { iamClient } from '../../support/clients.js';

let t: TestTessera;
let iam: IAMClient;
let cert: string;
let cert2: string;
beforeAll(async () => {
  [t, cert, cert2] = await Promise.all([startTestTessera(), makeCert('idp-1'), makeCert('idp-2')]);
  iam = iamClient(t, t.root);
});
afterAll(async () => {
  await t?.stop();
});

const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected failure'); }, (e) => e);

describe('SAML providers', () => {
  it('create, get, list, update, delete; STS lookup by ARN', async () => {
    const doc = idpMetadata({ entityId: 'https://idp.example.com/saml', cert, validUntil: '2032-05-06T07:08:09Z' });
    const out = await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp-IdP_1.x', SAMLMetadataDocument: doc, Tags: [{ Key: 'env', Value: 'prod' }] }));
    const arn = `arn:aws:iam::${t.accountId}:saml-provider/Corp-IdP_1.x`;
    expect(out.SAMLProviderArn).toBe(arn);
    expect(out.Tags).toEqual([{ Key: 'env', Value: 'prod' }]);

    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }));
    expect(got.SAMLMetadataDocument).toBe(doc);
    expect(got.ValidUntil?.toISOString()).toBe('2032-05-06T07:08:09.000Z');
    expect(got.CreateDate).toBeInstanceOf(Date);
    expect(got.Tags).toEqual([{ Key: 'env', Value: 'prod' }]);
    expect(got.SAMLProviderUUID).toMatch(/^[0-9a-f-]{36}$/);

    const list = await iam.send(new ListSAMLProvidersCommand({}));
    expect(list.SAMLProviderList).toHaveLength(1);
    expect(list.SAMLProviderList![0]).toMatchObject({ Arn: arn });
    expect(list.SAMLProviderList![0]!.ValidUntil?.toISOString()).toBe('2032-05-06T07:08:09.000Z');

    const sts = await getSamlProviderByArn(t.database.db, arn);
    expect(sts).toMatchObject({ arn, name: 'Corp-IdP_1.x', entityId: 'https://idp.example.com/saml' });
    expect(sts!.signingCertificates.map(certBody)).toEqual([certBody(cert)]);

    // Update: new metadata without validUntil → valid for 100 years; new certificate.
    const doc2 = idpMetadata({ entityId: 'https://idp.example.com/v2', cert: cert2 });
    const upd = await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: doc2 }));
    expect(upd.SAMLProviderArn).toBe(arn);
    const after = await getSamlProviderByArn(t.database.db, arn);
    expect(after!.entityId).toBe('https://idp.example.com/v2');
    expect(after!.signingCertificates.map(certBody)).toEqual([certBody(cert2)]);
    expect(after!.validUntil.getUTCFullYear()).toBeGreaterThanOrEqual(new Date().getUTCFullYear() + 99);

    await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arn }));
    const gone = await fail(iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn })));
    expect(gone.name).toBe('NoSuchEntityException');
    expect(gone.message).toBe(`Manifest not found for arn ${arn}`);
    expect(await getSamlProviderByArn(t.database.db, arn)).toBeNull();
  });

  it('names are unique case-insensitively; concurrent creates → exactly one', async () => {
    const doc = idpMetadata({ entityId: 'https://dup', cert });
    const results = await Promise.allSettled(['Dup', 'dup', 'DUP', 'dUp', 'Dup'].map((Name) => iam.send(new CreateSAMLProviderCommand({ Name, SAMLMetadataDocument: doc }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason.name).toBe('EntityAlreadyExistsException');
  });

  it('bad metadata is InvalidInput "Could not parse metadata" and creates nothing', async () => {
    const cases = [
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>` + idpMetadata({ entityId: '&b;', cert }).replace(/^<\?xml[^>]*>/, ''),
      idpMetadata({ entityId: 'x', cert }).replace(/EntityDescriptor/g, 'AuthnRequest'),
      'garbage '.repeat(200),
      '<a>'.repeat(100_000),
    ];
    for (const [i, SAMLMetadataDocument] of cases.entries()) {
      const err = await fail(iam.send(new CreateSAMLProviderCommand({ Name: `bad${i}`, SAMLMetadataDocument })));
      expect(err.name).toBe('InvalidInputException');
      expect(err.message).toBe('Could not parse metadata');
      expect(err.$metadata.httpStatusCode).toBe(400);
    }
    const tooShort = await fail(iam.send(new CreateSAMLProviderCommand({ Name: 'short', SAMLMetadataDocument: '<x/>' })));
    expect(tooShort.name).toBe('ValidationError');
    expect(tooShort.message).not.toContain('<x/>');
    const badName = await fail(iam.send(new CreateSAMLProviderCommand({ Name: 'has space', SAMLMetadataDocument: idpMetadata({ entityId: 'x', cert }) })));
    expect(badName.name).toBe('ValidationError');
    const { rows } = await t.database.db.query(`SELECT count(*)::int AS n FROM saml_providers WHERE name LIKE 'bad%'`);
    expect(rows[0]?.n).toBe(0);
    // Update with bad metadata leaves the provider as it was.
    const arn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'keep', SAMLMetadataDocument: idpMetadata({ entityId: 'https://keep', cert }) }))).SAMLProviderArn!;
    const err = await fail(iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: 'garbage '.repeat(200) })));
    expect(err.name).toBe('InvalidInputException');
    expect((await getSamlProviderByArn(t.database.db, arn))!.entityId).toBe('https://keep');
  });

  it('tags', async () => {
    const arn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'tagged', SAMLMetadataDocument: idpMetadata({ entityId: 'https://t', cert }) }))).SAMLProviderArn!;
    await iam.send(new TagSAMLProviderCommand({ SAMLProviderArn: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    await iam.send(new UntagSAMLProviderCommand({ SAMLProviderArn: arn, TagKeys: ['a'] }));
    expect((await iam.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: arn }))).Tags).toEqual([{ Key: 'b', Value: '2' }]);
    const err = await fail(iam.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: `arn:aws:iam::${t.accountId}:saml-provider/nope` })));
    expect(err.name).toBe('NoSuchEntityException');
  });
});
