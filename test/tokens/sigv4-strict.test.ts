/**
 * SigV4 checks that a weakened verifier would still pass with the SDK's well-formed requests:
 * every byte of the signature counts, the credential-scope date must be the X-Amz-Date's day,
 * the scope's service must be one served, `host` must be signed. Requests are signed by the
 * AWS SDK's signer where it can express the case, else by a small hand signer (below) whose
 * correctness is shown by the control case it verifies.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Sha256 } from '../support/sha256.js';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { rejection, stsClient } from '../support/clients.js';
import { verifySigV4, type SignedRequest } from '../../src/tokens/sigv4.js';

const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const akid = 'AKIAIOSFODNN7EXAMPLE';
const now = new Date('2026-11-27T12:00:00Z');
const opts = { now, services: ['sts'], lookupSecret: (id: string) => (id === akid ? secret : null) };
const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const hmac = (k: string | Buffer, s: string) => createHmac('sha256', k).update(s).digest();

/** Signs POST / with `BODY`; every scope element and the signed-header list can be chosen freely. */
function handSigned(o: { scopeDate?: string; amzDate?: string; region?: string; service?: string; signedHeaders?: string[]; signRegion?: string } = {}): SignedRequest {
  const amzDate = o.amzDate ?? '20261127T120000Z';
  const scopeDate = o.scopeDate ?? amzDate.slice(0, 8);
  const region = o.region ?? 'us-east-1';
  const service = o.service ?? 'sts';
  const headers: Record<string, string> = { host: 'localhost:8080', 'content-type': 'application/x-www-form-urlencoded', 'x-amz-date': amzDate };
  const signed = o.signedHeaders ?? ['content-type', 'host', 'x-amz-date'];
  const canonical = ['POST', '/', '', signed.map((h) => `${h}:${headers[h]}\n`).join(''), signed.join(';'), sha(BODY)].join('\n');
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, sha(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac('AWS4' + secret, scopeDate), o.signRegion ?? region), service), 'aws4_request');
  const signature = hmac(key, sts).toString('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${akid}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  return { method: 'POST', url: '/', headers, body: Buffer.from(BODY) };
}

async function sdkSigned(): Promise<SignedRequest> {
  const r = await new SignatureV4({ credentials: { accessKeyId: akid, secretAccessKey: secret }, region: 'us-east-1', service: 'sts', sha256: Sha256 as never }).sign(
    { method: 'POST', protocol: 'http:', hostname: 'localhost', path: '/', headers: { host: 'localhost:8080', 'content-type': 'application/x-www-form-urlencoded' }, body: BODY },
    { signingDate: now },
  );
  return { method: 'POST', url: '/', headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(BODY) };
}

const withSignature = (req: SignedRequest, f: (sig: string) => string): SignedRequest => {
  const auth = req.headers.authorization as string;
  return { ...req, headers: { ...req.headers, authorization: auth.replace(/Signature=([0-9a-f]{64})$/, (_m, s: string) => `Signature=${f(s)}`) } };
};
const flip = (sig: string, i: number) => sig.slice(0, i) + (sig[i] === '0' ? '1' : '0') + sig.slice(i + 1);

describe('SigV4: the whole signature counts', () => {
  it('the SDK-signed request verifies; a change of any one of its 64 hex digits is SignatureDoesNotMatch', async () => {
    const req = await sdkSigned();
    await expect(verifySigV4(req, opts)).resolves.toMatchObject({ accessKeyId: akid, region: 'us-east-1', service: 'sts', presigned: false });
    for (let i = 0; i < 64; i++) {
      await expect(verifySigV4(withSignature(req, (s) => flip(s, i)), opts), `digit ${i}`).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    }
    // A truncated, lengthened or upper-cased signature is no match either.
    for (const f of [(s: string) => s.slice(0, 63), (s: string) => s + '0', (s: string) => s.toUpperCase(), (s: string) => s.slice(0, 32)]) {
      await expect(verifySigV4(withSignature(req, f), opts)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    }
  });
});

describe('SigV4: the credential scope binds the signing key', () => {
  it('control: the hand signer produces a signature the verifier accepts', async () => {
    await expect(verifySigV4(handSigned(), opts)).resolves.toMatchObject({ date: '20261127', region: 'us-east-1', service: 'sts', signedHeaders: ['content-type', 'host', 'x-amz-date'] });
  });

  it("a scope date other than the X-Amz-Date's day is refused, though consistently signed (an old day's signing key cannot sign fresh requests)", async () => {
    await expect(verifySigV4(handSigned({ scopeDate: '20261126' }), opts)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    await expect(verifySigV4(handSigned({ scopeDate: '20261128' }), opts)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('a scope service that is not served is IncompleteSignature, though consistently signed', async () => {
    await expect(verifySigV4(handSigned({ service: 'iam' }), opts)).rejects.toMatchObject({
      code: 'IncompleteSignature',
      status: 400,
      message: "Credential should be scoped to correct service: 'sts'. ",
    });
    await expect(verifySigV4(handSigned({ service: 'iam' }), { ...opts, services: ['iam'] })).resolves.toMatchObject({ service: 'iam' });
  });

  it('a key derived for one region does not sign for another', async () => {
    await expect(verifySigV4(handSigned({ region: 'eu-west-1', signRegion: 'us-east-1' }), opts)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('SignedHeaders without host is IncompleteSignature, though consistently signed', async () => {
    await expect(verifySigV4(handSigned({ signedHeaders: ['content-type', 'x-amz-date'] }), opts)).rejects.toMatchObject({
      code: 'IncompleteSignature',
      status: 400,
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  it('a signed header changed after signing is SignatureDoesNotMatch; the signing key is cached per scope, not reused across secrets', async () => {
    const req = handSigned();
    const keyCache = new Map<string, Buffer>();
    await expect(verifySigV4(req, { ...opts, keyCache })).resolves.toMatchObject({ accessKeyId: akid });
    await expect(verifySigV4({ ...req, headers: { ...req.headers, host: 'evil:8080' } }, { ...opts, keyCache })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    // Same access key id, same scope, another secret (key rotated): the cached key must not verify it.
    await expect(verifySigV4(req, { ...opts, keyCache, lookupSecret: () => 'x'.repeat(40) })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

let t: TestTessera;
useTessera((started) => {
  t = started;
});

describe('SigV4 through the SDK', () => {
  it('a real client whose signature loses one digit on the wire is refused; unchanged it is served', async () => {
    const ok = await stsClient(t, t.root).send(new GetCallerIdentityCommand({}));
    expect(ok.Arn).toBe(`arn:aws:iam::${t.accountId}:root`);
    for (const at of [0, 63]) {
      const c = stsClient(t, t.root);
      c.middlewareStack.add(
        (next) => async (args) => {
          const r = args.request as { headers: Record<string, string> };
          r.headers.authorization = r.headers.authorization!.replace(/Signature=([0-9a-f]{64})$/, (_m, s: string) => `Signature=${flip(s, at)}`);
          return next(args);
        },
        { step: 'deserialize', name: 'flipSignatureDigit' },
      );
      const e = await rejection(c.send(new GetCallerIdentityCommand({})));
      expect(e.name).toBe('SignatureDoesNotMatch');
      expect(e.$metadata.httpStatusCode).toBe(403);
    }
  });
});
