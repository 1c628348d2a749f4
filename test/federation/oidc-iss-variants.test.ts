import { afterAll, describe, expect, it } from 'vitest';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { claimsFor, startTestOidcIdp, type TestOidcIdp } from '../fixtures/oidc-idp.js';
import { iamClient, stsClient } from '../support/clients.js';

/**
 * Discovery/JWKS fetches are keyed by the REGISTERED provider: a flood of tokens whose `iss` is a
 * variant of a registered issuer (trailing slashes, query, long paths, case changes) costs at most
 * the one discovery + JWKS fetch of that provider, and an unregistered `iss` costs none.
 */
let t: TestTessera;
let idp: TestOidcIdp;
let stranger: TestOidcIdp;

useTessera(async (started) => {
  t = started;
  idp = await startTestOidcIdp({ path: '/realms/ci' });
  stranger = await startTestOidcIdp();
  const iam = iamClient(t, t.root);
  const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [idp.audience] }));
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'Workload',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: OpenIDConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity' }] }),
    }),
  );
});
afterAll(async () => {
  await idp?.close();
  await stranger?.close();
});

const assume = (token: string) =>
  stsClient(t, { accessKeyId: 'x', secretAccessKey: 'x' }).send(
    new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${t.accountId}:role/Workload`, RoleSessionName: 'run-1', WebIdentityToken: token }),
  );
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => `${e.$metadata.httpStatusCode} ${e.name}: ${e.message}`,
  );

describe('OIDC key fetching is keyed by the registered provider', () => {
  it('200 tokens with iss variants cost one discovery + one JWKS fetch in all', async () => {
    const iss = idp.issuer; // http://127.0.0.1:PORT/realms/ci
    const upper = iss.replace('http://', 'HTTP://');
    const noProvider = (v: string) => `400 InvalidIdentityTokenException: No OpenIDConnect provider found in your account for ${v}`;
    const variants: Array<[string, string]> = [
      [iss, 'ok'],
      [`${iss}/`, 'ok'],
      [upper, noProvider(upper)],
      [`${iss}//`, noProvider(`${iss}//`)],
      [`${iss}///`, noProvider(`${iss}///`)],
      [`${iss}/?x`, noProvider(`${iss}/?x`)],
      [`${iss}?x=1`, noProvider(`${iss}?x=1`)],
      [`${iss}#f`, noProvider(`${iss}#f`)],
      [`${iss}/./`, noProvider(`${iss}/./`)],
      [`${iss}/x/..`, noProvider(`${iss}/x/..`)],
      [iss.replace('/realms/ci', '/REALMS/CI'), noProvider(iss.replace('/realms/ci', '/REALMS/CI'))],
      [iss.replace('127.0.0.1', 'localhost'), noProvider(iss.replace('127.0.0.1', 'localhost'))],
    ];
    let n = 0;
    for (let round = 0; n < 200; round++) {
      for (const [v, expected] of variants) {
        expect(await outcome(assume(await idp.mint(claimsFor(idp, { iss: v }))))).toBe(expected);
        n++;
      }
      // Long paths under the registered issuer: each a distinct unregistered issuer.
      const long = `${iss}/${'a'.repeat(40 + round)}`;
      expect(await outcome(assume(await idp.mint(claimsFor(idp, { iss: long }))))).toBe(noProvider(long));
      const huge = `${iss}/${'b'.repeat(4000 + round)}`;
      expect(await outcome(assume(await idp.mint(claimsFor(idp, { iss: huge }))))).toBe(noProvider(huge));
      n += 2;
    }
    expect(idp.fetches()).toEqual({ discovery: 1, jwks: 1 });
  });

  it('an unregistered issuer costs no fetch at all', async () => {
    for (let i = 0; i < 20; i++) {
      const v = i % 2 ? `${stranger.issuer}/${i}` : stranger.issuer;
      expect(await outcome(assume(await stranger.mint(claimsFor(stranger, { iss: v }))))).toBe(
        `400 InvalidIdentityTokenException: No OpenIDConnect provider found in your account for ${v}`,
      );
    }
    expect(stranger.fetches()).toEqual({ discovery: 0, jwks: 0 });
  });

  it('concurrent tokens with made-up kids share one rate-limited JWKS refetch', async () => {
    const before = idp.fetches();
    const results = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => outcome(assume(await idp.mint(claimsFor(idp, { iss: i % 2 ? idp.issuer : `${idp.issuer}/` }), { kid: `made-up-${i}` })))),
    );
    for (const r of results) expect(r).toMatch(/^400 InvalidIdentityTokenException: Couldn't retrieve verification key/);
    const after = idp.fetches();
    expect(after.jwks - before.jwks).toBeLessThanOrEqual(1);
    expect(after.discovery - before.discovery).toBeLessThanOrEqual(1);
  });
});
