/**
 * An ASIA access key is bound to its own session token. Opened tokens are memoised per access
 * key id; the memo must hold only for the exact token it was made from: once a key is warm, a
 * different token (another session's, a tampered one, garbage) presented with it is refused,
 * and the refusal does not spoil the warm entry. A token sealed under a ring key of another
 * purpose is no session token.
 */
import { describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { rejection } from '../support/clients.js';
import { asCreds, stsClient, type Creds } from './support.js';
import { deriveSecret, openSessionToken, sealSessionToken } from '../../src/tokens/session-token.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

const session = async (): Promise<Creds> => asCreds((await stsClient(t.url, t.root).send(new GetSessionTokenCommand({}))).Credentials);
const whoami = (c: Creds) => stsClient(t.url, c).send(new GetCallerIdentityCommand({}));
async function invalidToken(c: Creds): Promise<void> {
  const e = await rejection(whoami(c));
  expect(e.name).toBe('InvalidClientTokenId');
  expect(e.message).toBe('The security token included in the request is invalid.');
  expect(e.$metadata.httpStatusCode).toBe(403);
}

describe('ASIA keys are bound to their session token', () => {
  it('a warm (memoised) key presented with another token is refused, and stays usable with its own', async () => {
    const a = await session();
    const b = await session();
    expect((await whoami(a)).Arn).toBe(`arn:aws:iam::${t.accountId}:root`); // warms the memo for a
    expect((await whoami(b)).Arn).toBe(`arn:aws:iam::${t.accountId}:root`);

    // Another session's genuine token, with a's key id and secret.
    await invalidToken({ ...a, sessionToken: b.sessionToken! });
    // a's own token with one byte changed, anywhere.
    const raw = Buffer.from(a.sessionToken!, 'base64');
    for (const at of [0, 5, 20, raw.length - 1]) {
      const x = Buffer.from(raw);
      x[at] = x[at]! ^ 0x01;
      await invalidToken({ ...a, sessionToken: x.toString('base64') });
    }
    // A token of the right shape that is not ours at all.
    await invalidToken({ ...a, sessionToken: 'A'.repeat(a.sessionToken!.length) });

    // The refusals did not replace or poison a's memo entry.
    expect((await whoami(a)).Arn).toBe(`arn:aws:iam::${t.accountId}:root`);
    // And b's token is bound to b's key id: b's token under a's id, even with b's secret, is no credential.
    await invalidToken({ accessKeyId: a.accessKeyId, secretAccessKey: b.secretAccessKey, sessionToken: b.sessionToken! });
  });

  it('a token sealed under a ring key of another purpose (a JWT signing key) is refused', async () => {
    const genuine = await session();
    const ring = t.services.keys;
    const now = new Date();
    const sessionKey = await ring.current('session', now);
    const payload = openSessionToken(ring.subkey(sessionKey, 'token'), genuine.sessionToken!, genuine.accessKeyId)!;
    expect(payload.session.issuedBy).toBe('GetSessionToken');
    const jwtKey = await ring.current('jwt-ES384', now);
    const forged = sealSessionToken(jwtKey.id, ring.subkey(jwtKey, 'token'), genuine.accessKeyId, payload);
    const secret = deriveSecret(ring.subkey(jwtKey, 'secret'), genuine.accessKeyId, payload.session.sessionId);
    // Control: the same forgery under the session key is accepted (so only the purpose check refuses it).
    const resealed = sealSessionToken(sessionKey.id, ring.subkey(sessionKey, 'token'), genuine.accessKeyId, payload);
    expect((await whoami({ ...genuine, sessionToken: resealed })).Arn).toBe(`arn:aws:iam::${t.accountId}:root`);
    await invalidToken({ accessKeyId: genuine.accessKeyId, secretAccessKey: secret, sessionToken: forged });
  });
});
