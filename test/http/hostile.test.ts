import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useTessera, type TestTessera } from '../support/tessera.js';

/**
 * Hostile input on the AWS Query endpoint: every case gets an AWS-shaped 4xx (ErrorResponse XML
 * with Type/Code/Message/RequestId), never a 500, a hang or a crash.
 */
let t: TestTessera;
useTessera((started) => {
  t = started;
});

async function post(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }) {
  const res = await fetch(t.url + '/', { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text(), requestId: res.headers.get('x-amzn-requestid') };
}

function expectAwsError(r: { status: number; text: string; requestId: string | null }, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(r.text).toMatch(new RegExp(`^<ErrorResponse( xmlns="[^"]+")?><Error><Type>Sender</Type><Code>${code}</Code><Message>[^<]+</Message></Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$`));
  expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
}

/** Raw bytes on a socket: for requests no well-behaved client would send. */
function raw(request: string): Promise<string> {
  const { port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), '127.0.0.1');
    let out = '';
    s.setTimeout(10_000, () => {
      s.destroy();
      reject(new Error('timeout'));
    });
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', reject);
    s.end(request);
  });
}

describe('hostile input on POST /', () => {
  it('a JSON body is refused (not a form)', async () => {
    expectAwsError(await post('{"Action":"GetCallerIdentity"}', { 'content-type': 'application/json' }), 400, 'InvalidParameterValue');
  });

  it('form content-type with a body that is no form at all still gets a 4xx', async () => {
    expectAwsError(await post('\u0000\u0001{{{'), 400, 'MalformedQueryString');
    expectAwsError(await post('just some text'), 400, 'MissingAction');
  });

  it('a 10 MB body is refused with 413 and the server keeps serving', async () => {
    const big = 'Action=GetCallerIdentity&Version=2011-06-15&Pad=' + 'a'.repeat(10 * 1024 * 1024);
    const r = await post(big);
    expectAwsError(r, 413, 'RequestEntityTooLarge');
    const ok = await fetch(t.url + '/healthz');
    expect(ok.status).toBe(200);
  });

  it('broken percent-encoding is MalformedQueryString', async () => {
    expectAwsError(await post('Action=GetCallerIdentity&Version=2011-06-15&X=%E0%A4%A'), 400, 'MalformedQueryString');
    expectAwsError(await post('Action=Get%ZZCallerIdentity&Version=2011-06-15'), 400, 'MalformedQueryString');
    expectAwsError(await post('Action=GetCallerIdentity&Version=2011-06-15&X=%FF'), 400, 'MalformedQueryString');
  });

  it('invalid UTF-8 bytes in the body are MalformedQueryString', async () => {
    expectAwsError(await post(Buffer.from([0x41, 0x3d, 0xff, 0xfe])), 400, 'MalformedQueryString');
  });

  it('a repeated parameter is refused', async () => {
    expectAwsError(await post('Action=GetCallerIdentity&Action=GetCallerIdentity&Version=2011-06-15'), 400, 'MalformedQueryString');
  });

  it('an unknown Action is InvalidAction with the service namespace', async () => {
    const r = await post('Action=DeleteEverything&Version=2011-06-15');
    expect(r.status).toBe(400);
    expect(r.text).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation DeleteEverything for version 2011-06-15</Message>');
  });

  it('a missing Action is MissingAction, a missing Version MissingParameter, an unknown Version InvalidAction', async () => {
    expectAwsError(await post('Version=2011-06-15'), 400, 'MissingAction');
    expectAwsError(await post('Action=GetCallerIdentity'), 400, 'MissingParameter');
    expectAwsError(await post('Action=GetCallerIdentity&Version=1999-01-01'), 400, 'InvalidAction');
  });

  it('an unsigned call to a signed action is MissingAuthenticationToken (403)', async () => {
    const r = await post('Action=GetCallerIdentity&Version=2011-06-15');
    expect(r.status).toBe(403);
    expect(r.text).toContain('<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>');
  });

  it('a garbled Authorization header is IncompleteSignature', async () => {
    const r = await post('Action=GetCallerIdentity&Version=2011-06-15', {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=garbage',
      'x-amz-date': '20261127T000000Z',
    });
    expect(r.status).toBe(400);
    expect(r.text).toContain('<Code>IncompleteSignature</Code>');
  });

  it('CR/LF injected into a header is refused by the HTTP parser with a 400, and the server lives on', async () => {
    const out = await raw(
      'POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Date: 2026\rInjected: 1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\nA=1&B',
    );
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    const ok = await fetch(t.url + '/healthz');
    expect(ok.status).toBe(200);
  });

  it('a body shorter than its Content-Length does not hang the server', async () => {
    const out = await raw('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\nConnection: close\r\n\r\nAction=');
    expect(out === '' || /^HTTP\/1\.1 4\d\d /.test(out)).toBe(true);
    expect((await fetch(t.url + '/healthz')).status).toBe(200);
  });

  it('GET with a query string works like POST (and is routed the same way)', async () => {
    const res = await fetch(`${t.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it("validation errors use AWS's wording, quotes unescaped in element text", async () => {
    const r = await post('Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=a&WebIdentityToken=abcd');
    expect(r.status).toBe(400);
    expect(r.text).toContain(
      "<Code>ValidationError</Code><Message>1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2</Message>",
    );
  });

  it('many parameters are bounded', async () => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15&' + Array.from({ length: 5000 }, (_, i) => `P${i}=1`).join('&');
    expectAwsError(await post(body), 400, 'MalformedQueryString');
  });
});
