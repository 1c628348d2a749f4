import { describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import {
  AssumeRoleCommand,
  DecodeAuthorizationMessageCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  GetWebIdentityTokenCommand,
} from '@aws-sdk/client-sts';
import { ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { allow, asCreds, doc, iamClient, makeRole, makeUser, stsClient, trustAws } from './support.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

describe('GetWebIdentityToken', () => {
  it('issues an audience-bound JWT verifiable offline with the served JWKS (RS256 and ES384)', async () => {
    const disco = await (await fetch(`${t.url}/.well-known/openid-configuration`)).json();
    expect(disco).toMatchObject({ issuer: t.services.config.publicUrl, jwks_uri: `${t.services.config.publicUrl}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256', 'ES384'] });
    const u = await makeUser(t, 'wit', doc([allow('sts:GetWebIdentityToken')]));
    const jwks = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`));
    for (const alg of ['RS256', 'ES384'] as const) {
      const out = await stsClient(t.url, u.creds).send(
        new GetWebIdentityTokenCommand({ Audience: ['https://app.internal'], SigningAlgorithm: alg, DurationSeconds: 120, Tags: [{ Key: 'team', Value: 'blue' }] }),
      );
      expect(decodeProtectedHeader(out.WebIdentityToken!).alg).toBe(alg);
      const { payload } = await jwtVerify(out.WebIdentityToken!, jwks, { issuer: t.services.config.publicUrl, audience: 'https://app.internal', algorithms: [alg] });
      expect(payload.sub).toBe(u.arn);
      expect(payload.exp! - payload.iat!).toBe(120);
      expect(payload.jti).toMatch(/^[\w-]{16,}$/);
      expect((payload['https://sts.amazonaws.com/'] as any).request_tags).toEqual({ team: 'blue' });
      expect(Math.abs(out.Expiration!.getTime() - payload.exp! * 1000)).toBeLessThan(1000);
      await expect(jwtVerify(out.WebIdentityToken!, jwks, { audience: 'https://other' })).rejects.toThrow();
    }
    const nobody = await makeUser(t, 'nowit');
    const e = await stsClient(t.url, nobody.creds).send(new GetWebIdentityTokenCommand({ Audience: ['a'], SigningAlgorithm: 'RS256' })).catch((x) => x);
    expect(e.name).toBe('AccessDenied');
    const v = await stsClient(t.url, u.creds).send(new GetWebIdentityTokenCommand({ Audience: ['a'], SigningAlgorithm: 'HS256' as any })).catch((x) => x);
    expect(v.name).toBe('ValidationError');
  });
});

describe('DecodeAuthorizationMessage', () => {
  it('AccessDenied carries an encoded message that only an allowed caller can decode', async () => {
    const weak = await makeUser(t, 'weak');
    const denied = await iamClient(t.url, weak.creds).send(new ListUsersCommand({})).catch((e) => e);
    expect(denied.name).toBe('AccessDenied');
    const m = /Encoded authorization failure message: (\S+)$/.exec(denied.message);
    expect(m).not.toBeNull();
    const encoded = m![1]!;
    const refused = await stsClient(t.url, weak.creds).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded })).catch((e) => e);
    expect(refused.name).toBe('AccessDenied');
    const auditor = await makeUser(t, 'auditor', doc([allow('sts:DecodeAuthorizationMessage')]));
    const out = await stsClient(t.url, auditor.creds).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
    const decoded = JSON.parse(out.DecodedMessage!);
    expect(decoded).toMatchObject({ allowed: false, explicitDeny: false, context: { principal: { arn: weak.arn }, action: 'iam:ListUsers' } });
    expect(decoded.context.conditions.items).toEqual(expect.arrayContaining([{ key: 'aws:username', values: { items: [{ value: 'weak' }] } }]));
    const bad = await stsClient(t.url, auditor.creds).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded.slice(0, -4) + 'AAAA' })).catch((e) => e);
    expect(bad.name).toBe('InvalidAuthorizationMessageException');
    expect(bad.$metadata.httpStatusCode).toBe(400);
  });
});

describe('what temporary credentials may call', () => {
  it('GetFederationToken: federated-user identity, no IAM, only GetCallerIdentity on STS', async () => {
    const u = await makeUser(t, 'fed', doc([allow(['sts:GetFederationToken', 'iam:ListRoles', 'sts:AssumeRole'])]));
    const out = await stsClient(t.url, u.creds).send(new GetFederationTokenCommand({ Name: 'partner', Policy: doc([allow('iam:ListRoles')]) }));
    expect(out.FederatedUser).toEqual({ FederatedUserId: `${t.accountId}:partner`, Arn: `arn:aws:sts::${t.accountId}:federated-user/partner` });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const c = asCreds(out.Credentials);
    const id = await stsClient(t.url, c).send(new GetCallerIdentityCommand({}));
    expect(id).toMatchObject({ Arn: `arn:aws:sts::${t.accountId}:federated-user/partner`, UserId: `${t.accountId}:partner` });
    const iamErr = await iamClient(t.url, c).send(new ListRolesCommand({})).catch((e) => e);
    expect(iamErr.name).toBe('InvalidClientTokenId');
    const role = await makeRole(t, 'FedTarget', [trustAws(u.arn)]);
    const stsErr = await stsClient(t.url, c).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'ff' })).catch((e) => e);
    expect(stsErr.name).toBe('AccessDenied');
    const nameErr = await stsClient(t.url, u.creds).send(new GetFederationTokenCommand({ Name: 'x' })).catch((e) => e);
    expect(nameErr.name).toBe('ValidationError');
  });

  it('GetSessionToken without MFA: no IAM; on STS only AssumeRole and GetCallerIdentity', async () => {
    const u = await makeUser(t, 'gst', doc([allow(['iam:ListRoles', 'sts:AssumeRole', 'sts:GetWebIdentityToken'])]));
    const out = await stsClient(t.url, u.creds).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const c = asCreds(out.Credentials);
    expect((await stsClient(t.url, c).send(new GetCallerIdentityCommand({}))).Arn).toBe(u.arn);
    const iamErr = await iamClient(t.url, c).send(new ListRolesCommand({})).catch((e) => e);
    expect(iamErr.name).toBe('InvalidClientTokenId');
    const other = await stsClient(t.url, c).send(new GetWebIdentityTokenCommand({ Audience: ['a'], SigningAlgorithm: 'RS256' })).catch((e) => e);
    expect(other.name).toBe('AccessDenied');
    const role = await makeRole(t, 'GstTarget', [trustAws(u.arn)]);
    const assumed = await stsClient(t.url, c).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'gg' }));
    expect(assumed.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/GstTarget/gg`);
  });
});
