import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../support/sha256.js';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { verifySigV4 } from '../../src/tokens/sigv4.js';

/** SigV4 in both forms, checked by signatures that the AWS SDK's own signer and the aws CLI make. */

let t: TestTessera;
useTessera((started) => {
  t = started;
});

const signer = (creds = t.root, region = 'us-east-1', service = 'sts') =>
  new SignatureV4({ credentials: creds, region, service, sha256: Sha256 as never });

async function presignedGet(expiresIn = 900, opts: { creds?: typeof t.root; service?: string; signingDate?: Date } = {}) {
  const u = new URL(t.url);
  const req = await signer(opts.creds, 'us-east-1', opts.service).presign(
    { method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: u.host } },
    { expiresIn, ...(opts.signingDate ? { signingDate: opts.signingDate } : {}) },
  );
  const qs = new URLSearchParams(req.query as Record<string, string>).toString();
  const res = await fetch(`${t.url}/?${qs}`);
  return { status: res.status, text: await res.text() };
}

describe('presigned query-string SigV4', () => {
  it('a presigned GetCallerIdentity URL works (as Vault/EKS-style verifiers use it)', async () => {
    const r = await presignedGet();
    expect(r.status).toBe(200);
    expect(r.text).toContain(`<Arn>arn:aws:iam::${t.accountId}:root</Arn>`);
  });

  it('an expired presigned URL is refused', async () => {
    const r = await presignedGet(60, { signingDate: new Date(Date.now() - 5 * 60_000) });
    expect(r.status).toBe(400);
    expect(r.text).toContain('<Code>RequestExpired</Code>');
  });

  it('a presigned URL with a tampered parameter is SignatureDoesNotMatch', async () => {
    const u = new URL(t.url);
    const req = await signer().presign({ method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: u.host } });
    const q = new URLSearchParams(req.query as Record<string, string>);
    q.set('X-Amz-Date', q.get('X-Amz-Date')!.replace(/\d(?=Z$)/, (d) => String((Number(d) + 1) % 10)));
    const res = await fetch(`${t.url}/?${q}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('credentials scoped to another service are refused', async () => {
    const r = await presignedGet(900, { service: 'iam' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('<Code>IncompleteSignature</Code>');
  });
});

describe('header SigV4 (unit)', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: secret };
  const now = new Date('2026-11-27T12:00:00Z');
  async function signed(body: string, path = '/', extra: Record<string, string> = {}) {
    const r = await signer(creds, 'eu-central-1', 'sts').sign(
      { method: 'POST', protocol: 'http:', hostname: 'localhost', path, headers: { host: 'localhost:8080', 'content-type': 'application/x-www-form-urlencoded', ...extra }, body },
      { signingDate: now },
    );
    return { method: 'POST', url: path, headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(body) };
  }
  const opts = { now, services: ['sts'], lookupSecret: (id: string) => (id === creds.accessKeyId ? secret : null) };

  it('verifies the SDK signer in any region, with a path and unicode body', async () => {
    const req = await signed('Action=GetCallerIdentity&Version=2011-06-15&X=%C3%A9t%C3%A9', '/some/path%20x');
    const c = await verifySigV4(req, opts);
    expect(c).toMatchObject({ accessKeyId: creds.accessKeyId, region: 'eu-central-1', service: 'sts', presigned: false });
  });

  it('rejects a modified body, a wrong secret, an unknown key and a stale date with AWS codes', async () => {
    const req = await signed('Action=GetCallerIdentity&Version=2011-06-15');
    await expect(verifySigV4({ ...req, body: Buffer.from('Action=GetCallerIdentity&Version=2011-06-16') }, opts)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    await expect(verifySigV4(req, { ...opts, lookupSecret: () => 'x'.repeat(40) })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    await expect(verifySigV4(req, { ...opts, lookupSecret: () => null })).rejects.toMatchObject({ code: 'InvalidClientTokenId', status: 403 });
    await expect(verifySigV4(req, { ...opts, now: new Date(now.getTime() + 16 * 60_000) })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', message: expect.stringMatching(/^Signature expired: /) });
    await expect(verifySigV4(req, { ...opts, now: new Date(now.getTime() - 16 * 60_000) })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', message: expect.stringMatching(/^Signature not yet current: /) });
    await expect(verifySigV4(req, { ...opts, now: new Date(now.getTime() + 14 * 60_000) })).resolves.toMatchObject({ accessKeyId: creds.accessKeyId, service: 'sts', region: 'eu-central-1' });
  });

  it('reports malformed Authorization headers as IncompleteSignature', async () => {
    const req = await signed('Action=GetCallerIdentity&Version=2011-06-15');
    const bad = (authorization: string) => verifySigV4({ ...req, headers: { ...req.headers, authorization } }, opts);
    await expect(bad('AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/sts/aws4_request')).rejects.toMatchObject({ code: 'IncompleteSignature' });
    await expect(bad('AWS4-HMAC-SHA256 Credential=AKID/2026/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=' + 'a'.repeat(64))).rejects.toMatchObject({ code: 'IncompleteSignature' });
    await expect(bad('AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/sts/wrong, SignedHeaders=host, Signature=' + 'a'.repeat(64))).rejects.toMatchObject({ code: 'IncompleteSignature' });
    await expect(bad('AWS3 foo')).rejects.toMatchObject({ code: 'IncompleteSignature' });
    await expect(bad(`AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/sts/aws4_request, SignedHeaders=content-type, Signature=${'a'.repeat(64)}`)).rejects.toMatchObject({ code: 'IncompleteSignature' });
  });

  it('the payload hash always comes from the body: a claimed hash or UNSIGNED-PAYLOAD cannot cover a changed body', async () => {
    const req = await signed('Action=GetCallerIdentity&Version=2011-06-15');
    await expect(verifySigV4({ ...req, headers: { ...req.headers, 'x-amz-content-sha256': 'b'.repeat(64) } }, opts)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    const unsigned = await signed('Action=GetCallerIdentity&Version=2011-06-15', '/', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
    await expect(verifySigV4({ ...unsigned, body: Buffer.from('Action=CreateUser&Version=2010-05-08') }, opts)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

const hasAwsCli = await promisify(execFile)('aws', ['--version']).then(() => true, () => false);

describe.skipIf(!hasAwsCli)('the aws CLI', () => {
  const run = (args: string[], creds = t.root) =>
    promisify(execFile)('aws', ['--endpoint-url', t.url, '--output', 'json', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp', AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    });

  it('sts get-caller-identity returns Account, Arn and UserId', async () => {
    const { stdout } = await run(['sts', 'get-caller-identity']);
    expect(JSON.parse(stdout)).toEqual({ UserId: t.accountId, Account: t.accountId, Arn: `arn:aws:iam::${t.accountId}:root` });
  });

  it('a wrong secret surfaces as SignatureDoesNotMatch', async () => {
    const err = await run(['sts', 'get-caller-identity'], { ...t.root, secretAccessKey: 'y'.repeat(40) }).catch((e) => e);
    expect(err.code).toBe(255);
    expect(err.stderr).toContain('An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation');
  });
});
