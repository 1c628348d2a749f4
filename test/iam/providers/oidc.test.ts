import { describe, expect, it } from 'vitest';
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListOpenIDConnectProviderTagsCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  UntagOpenIDConnectProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
  CreateUserCommand,
  CreateAccessKeyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../../support/tessera.js';
import { findOidcProviderByIssuer, getOidcProviderByArn } from '../../../src/iam/providers/index.js';
import { iamClient } from '../../support/clients.js';

let t: TestTessera;
let iam: IAMClient;
useTessera((started) => {
  t = started;
  iam = iamClient(t, t.root);
});

const TP = 'a'.repeat(40);
const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected failure'); }, (e) => e);

describe('OpenID Connect providers', () => {
  it('create, get, list, update client ids and thumbprints, delete', async () => {
    const url = 'https://Token.Example.COM:8443/tenant/one/';
    const out = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['sts.amazonaws.com', 'app'], ThumbprintList: [TP], Tags: [{ Key: 'team', Value: 'infra' }] }));
    const arn = `arn:aws:iam::${t.accountId}:oidc-provider/token.example.com:8443/tenant/one`;
    expect(out.OpenIDConnectProviderArn).toBe(arn);
    expect(out.Tags).toEqual([{ Key: 'team', Value: 'infra' }]);

    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(got).toMatchObject({ Url: 'token.example.com:8443/tenant/one', ClientIDList: ['sts.amazonaws.com', 'app'], ThumbprintList: [TP], Tags: [{ Key: 'team', Value: 'infra' }] });
    expect(got.CreateDate).toBeInstanceOf(Date);

    const list = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    expect(list.OpenIDConnectProviderList).toEqual([{ Arn: arn }]);

    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'third' }));
    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'third' }));
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'app' }));
    await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: ['B'.repeat(40), 'c'.repeat(40)] }));
    const after = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(after.ClientIDList).toEqual(['sts.amazonaws.com', 'third']);
    expect(after.ThumbprintList).toEqual(['b'.repeat(40), 'c'.repeat(40)]);

    // The repository functions STS uses.
    const byIssuer = await findOidcProviderByIssuer(t.database.db, t.accountId, 'https://token.example.com:8443/tenant/one');
    expect(byIssuer).toMatchObject({ arn, url: 'https://token.example.com:8443/tenant/one', clientIds: ['sts.amazonaws.com', 'third'] });
    expect(await findOidcProviderByIssuer(t.database.db, t.accountId, 'https://token.example.com:8443/tenant')).toBeNull();
    expect(await findOidcProviderByIssuer(t.database.db, '210987654321', 'https://token.example.com:8443/tenant/one')).toBeNull();
    expect((await getOidcProviderByArn(t.database.db, arn))?.thumbprints).toEqual(['b'.repeat(40), 'c'.repeat(40)]);

    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    const gone = await fail(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
    expect(gone.name).toBe('NoSuchEntityException');
    expect(gone.$metadata.httpStatusCode).toBe(404);
    expect(gone.message).toBe(`OpenIDConnect Provider not found for arn ${arn}`);
    expect((await fail(iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })))).name).toBe('NoSuchEntityException');
  });

  it('thumbprints are optional; a duplicate URL is EntityAlreadyExists; concurrent creates → one wins', async () => {
    const url = 'https://dup.example.com';
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['x'] }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') {
      expect(r.reason.name).toBe('EntityAlreadyExistsException');
      expect(r.reason.$metadata.httpStatusCode).toBe(409);
    }
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: `arn:aws:iam::${t.accountId}:oidc-provider/dup.example.com` }));
    expect(got.ThumbprintList ?? []).toEqual([]);
    const again = await fail(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://DUP.example.com/' })));
    expect(again.name).toBe('EntityAlreadyExistsException');
  });

  it('validates URL, thumbprints and client ids as IAM does', async () => {
    const bad = await fail(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://insecure.example.com' })));
    expect(bad.name).toBe('ValidationError');
    expect(bad.message).toBe('Invalid Open ID Connect Provider URL');
    expect((await fail(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'example' })))).name).toBe('ValidationError');
    expect((await fail(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://q.example.com/?a=b' })))).name).toBe('ValidationError');
    const long = await fail(iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${'b'.repeat(250)}.com` })));
    expect(long.message).toMatch(/at 'url' failed to satisfy constraint: Member must have length less than or equal to 255/);
    const six = await fail(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://six.example.com', ThumbprintList: ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => c.repeat(40)) })));
    expect(six.name).toBe('InvalidInputException');
    expect(six.message).toBe('Thumbprint list must contain fewer than 5 entries.');
    const short = await fail(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://s.example.com', ThumbprintList: ['abc'] })));
    expect(short.name).toBe('ValidationError');
    const many = await fail(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://many.example.com', ClientIDList: Array.from({ length: 101 }, (_, i) => `c${i}`) })));
    expect(many.name).toBe('LimitExceededException');
    expect(many.message).toBe('Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100');
    const badArn = await fail(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: 'arn:aws:iam::123456789012:role/not-a-provider' })));
    expect(badArn.name).toBe('InvalidInputException');
  });

  it('http is allowed only on loopback when insecure issuers are allowed (test config)', async () => {
    const out = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://127.0.0.1:9999/issuer', ClientIDList: ['a'] }));
    expect(out.OpenIDConnectProviderArn).toBe(`arn:aws:iam::${t.accountId}:oidc-provider/127.0.0.1:9999/issuer`);
    expect(await findOidcProviderByIssuer(t.database.db, t.accountId, 'http://127.0.0.1:9999/issuer')).not.toBeNull();
    expect(await findOidcProviderByIssuer(t.database.db, t.accountId, 'https://127.0.0.1:9999/issuer')).toBeNull();
  });

  it('tags: add, replace, untag, paginate, at most 50', async () => {
    const { OpenIDConnectProviderArn: arn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://tags.example.com' }));
    await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }] }));
    await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'A', Value: 'one' }] }));
    await iam.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, TagKeys: ['b'] }));
    const p1 = await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn, MaxItems: 1 }));
    expect(p1).toMatchObject({ Tags: [{ Key: 'A', Value: 'one' }], IsTruncated: true });
    const p2 = await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn, Marker: p1.Marker }));
    expect(p2.Tags).toEqual([{ Key: 'c', Value: '3' }]);
    expect(p2.IsTruncated).toBe(false);
    const tooMany = await fail(iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) })));
    expect(tooMany.name).toBe('LimitExceededException');
    const dupKeys = await fail(iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'x', Value: '1' }, { Key: 'X', Value: '2' }] })));
    expect(dupKeys.name).toBe('InvalidInputException');
  });

  it('at most 100 providers per account', async () => {
    const before = (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList!.length;
    await t.database.db.query(
      `INSERT INTO oidc_providers (arn, account_id, issuer_url, resource) SELECT 'arn:aws:iam::' || $1 || ':oidc-provider/q' || i || '.example.com', $1, 'https://q' || i || '.example.com', 'q' || i || '.example.com' FROM generate_series(1, $2::int) i`,
      [t.accountId, 100 - before],
    );
    const err = await fail(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://one-too-many.example.com' })));
    expect(err.name).toBe('LimitExceededException');
    expect(err.message).toBe('Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100');
    await t.database.db.query(`DELETE FROM oidc_providers WHERE resource LIKE 'q%.example.com'`);
  });

  it('a non-root caller is authorized per action and provider ARN (before any lookup)', async () => {
    const mine = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://mine.example.com' }))).OpenIDConnectProviderArn!;
    await iam.send(new CreateUserCommand({ UserName: 'oidc-reader' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'oidc-reader',
        PolicyName: 'read-one',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iam:ListOpenIDConnectProviders', Resource: '*' },
            { Effect: 'Allow', Action: 'iam:GetOpenIDConnectProvider', Resource: mine },
          ],
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'oidc-reader' }))).AccessKey!;
    const reader = iamClient(t, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    expect((await reader.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList!.map((p) => p.Arn)).toContain(mine);
    expect((await reader.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: mine }))).Url).toBe('mine.example.com');
    const other = `arn:aws:iam::${t.accountId}:oidc-provider/not-there.example.com`;
    const denied = await fail(reader.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: other })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toMatch(new RegExp(`^User: arn:aws:iam::${t.accountId}:user/oidc-reader is not authorized to perform: iam:GetOpenIDConnectProvider on resource: ${other.replace(/[.]/g, '\\.')} because no identity-based policy allows`));
    const create = await fail(reader.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://nope.example.com' })));
    expect(create.name).toBe('AccessDenied');
    expect(create.$metadata.httpStatusCode).toBe(403);
  });
});
