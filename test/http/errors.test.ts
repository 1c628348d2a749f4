import { describe, expect, it } from 'vitest';
import { AwsError, ERROR_CODES, Errors, isErrorCode } from '../../src/errors/index.js';
import { exposed, renderHtmlError, renderJsonError, renderOAuthError, renderQueryError } from '../../src/http/errors.js';

const requestId = '0f7c2e0a-3c1d-4c9e-9a7b-1d2e3f4a5b6c';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
/** An internal failure whose message must never reach a caller. */
const leaky = () => new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
const LEAK = /ECONNREFUSED|hunter2|10\.0\.0\.7/;

describe('error catalogue', () => {
  it('lists each code once, and every catalogue entry uses a listed code', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    const sample = [Errors.internal(), Errors.incompleteBody(), Errors.invalidUserType(), Errors.unknownOperation('X', 'v'), Errors.workerUnavailable(), Errors.badRequest(), Errors.oauthInvalidClient('x')];
    for (const e of sample) expect(isErrorCode(e.code)).toBe(true);
  });

  it('rebuilds a worker reply only with a catalogue code; anything else becomes InternalFailure', () => {
    expect(Errors.fromWire({ code: 'InvalidIdentityToken', message: 'bad token', status: 400 })).toMatchObject({ code: 'InvalidIdentityToken', message: 'bad token', status: 400 });
    const forged = Errors.fromWire({ code: 'Foo', message: 'internal detail', status: 400 });
    expect(forged).toMatchObject({ code: 'InternalFailure', status: 500, expose: false });
  });

  it('withMessage keeps code, status and detail and chains the original', () => {
    const base = Errors.accessDenied('no', { action: 'iam:GetUser' });
    const longer = Errors.withMessage(base, 'no. Encoded authorization failure message: x');
    expect(longer).toMatchObject({ code: 'AccessDenied', status: 403, detail: { action: 'iam:GetUser' } });
    expect(longer.cause).toBe(base);
  });
});

describe('exposed()', () => {
  it('keeps 4xx and 503 errors, turns every other failure into InternalFailure', () => {
    const denied = Errors.accessDenied('User is not authorized');
    expect(exposed(denied)).toBe(denied);
    const down = Errors.serviceUnavailable(leaky());
    expect(exposed(down)).toBe(down);
    expect(exposed(leaky())).toMatchObject({ code: 'InternalFailure', status: 500 });
    expect(exposed(Errors.serviceFailure(leaky()))).toMatchObject({ code: 'InternalFailure', status: 500 });
  });
});

describe('Query XML renderer', () => {
  it('renders AWS Query error XML with the namespace, fault and request id', () => {
    const r = renderQueryError(Errors.noSuchEntity('The role with name x cannot be found.'), { requestId, namespace: IAM_NS });
    expect(r.status).toBe(404);
    expect(r.headers).toMatchObject({ 'content-type': 'text/xml', 'x-amzn-requestid': requestId, 'content-length': String(Buffer.byteLength(r.body)) });
    expect(r.body).toBe(
      `<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name x cannot be found.</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  });

  it('renders an unexposed error as InternalFailure (Receiver), never its message', () => {
    const r = renderQueryError(leaky(), { requestId });
    expect(r.status).toBe(500);
    expect(r.body).toContain('<Type>Receiver</Type><Code>InternalFailure</Code>');
    expect(r.body).toContain(`<RequestId>${requestId}</RequestId>`);
    expect(r.body).not.toMatch(LEAK);
  });

  it('escapes markup in messages', () => {
    expect(renderQueryError(Errors.validation('<x>&'), { requestId }).body).toContain('<Message>&lt;x&gt;&amp;</Message>');
  });
});

describe('JSON 1.1 renderer', () => {
  it('renders {"__type", "message"} with x-amzn-errortype', () => {
    const r = renderJsonError(Errors.throttling(), { requestId });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ __type: 'Throttling', message: 'Rate exceeded' });
    expect(r.headers).toMatchObject({ 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'Throttling', 'x-amzn-requestid': requestId });
  });

  it('renders an unexposed error as InternalFailure', () => {
    const r = renderJsonError(leaky(), { requestId });
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body).__type).toBe('InternalFailure');
    expect(r.headers['x-amzn-errortype']).toBe('InternalFailure');
    expect(r.body).not.toMatch(LEAK);
  });
});

describe('OAuth renderer (RFC 6749 §5.2)', () => {
  it("keeps the endpoint's own OAuth codes", () => {
    const r = renderOAuthError(Errors.oauthUnsupportedGrantType('Unsupported grant_type password'), { requestId });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ error: 'unsupported_grant_type', error_description: 'Unsupported grant_type password' });
    expect(r.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' });
  });

  it('maps the STS errors it runs into OAuth codes, and asks for SigV4 on invalid_client', () => {
    expect(JSON.parse(renderOAuthError(Errors.invalidIdentityToken('bad'), { requestId }).body).error).toBe('invalid_grant');
    expect(JSON.parse(renderOAuthError(Errors.accessDenied('no'), { requestId }).body).error).toBe('unauthorized_client');
    const sig = renderOAuthError(Errors.signatureDoesNotMatch(), { requestId });
    expect([sig.status, sig.error, sig.headers['www-authenticate']]).toEqual([401, 'invalid_client', 'AWS4-HMAC-SHA256']);
    const down = renderOAuthError(Errors.idpCommunicationError('IdP down'), { requestId });
    expect([down.status, down.error, down.code]).toEqual([503, 'temporarily_unavailable', 'IDPCommunicationError']);
    expect(renderOAuthError(Errors.invalidInput('x'), { requestId }).error).toBe('invalid_request');
  });

  it('renders an unexposed error as server_error with the request id', () => {
    const r = renderOAuthError(leaky(), { requestId });
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toEqual({ error: 'server_error', error_description: `Internal error (request id ${requestId})` });
    expect(r.body).not.toMatch(LEAK);
  });
});

describe('HTML renderer', () => {
  it('renders an escaped page with the message and the request id', () => {
    const r = renderHtmlError(Errors.invalidAuthenticationCode('<b>wrong</b> code'), { requestId });
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe("default-src 'none'");
    expect(r.body).toContain('&lt;b&gt;wrong&lt;/b&gt; code');
    expect(r.body).not.toContain('<b>wrong');
    expect(r.body).toContain(requestId);
  });

  it('renders an unexposed error as a generic page', () => {
    const r = renderHtmlError(leaky(), { requestId });
    expect(r.status).toBe(500);
    expect(r.body).toContain('An internal error occurred.');
    expect(r.body).toContain(requestId);
    expect(r.body).not.toMatch(LEAK);
  });
});

describe('AwsError', () => {
  it('accepts only catalogue codes at compile time', () => {
    // @ts-expect-error 'Foo' is not an ErrorCode
    const e = new AwsError('Foo', 'x');
    expect(e).toBeInstanceOf(AwsError);
  });
});
