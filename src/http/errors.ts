import type { ServerResponse } from 'node:http';
import { AwsError, Errors, OAUTH_ERROR_CODES, isAwsError, type ErrorCode, type OAuthErrorCode } from '../errors/index.js';
import { errorXml } from '../protocols/query-xml.js';

/**
 * The one place errors become bytes: one renderer per protocol, each a pure function from an
 * error (any thrown value) and the request id to status, headers and body.
 *
 * - Query (IAM, STS):   `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`, text/xml
 * - JSON 1.1:           `{"__type": code, "message": …}` with `x-amzn-errortype`
 * - OAuth (RFC 6749):   `{"error": …, "error_description": …}`, no-store
 * - HTML:               a small page for browsers (sign-in, console)
 *
 * Every renderer first passes the error through `exposed()`: anything that is not an AwsError,
 * and any AwsError that may not be shown (5xx other than 503), goes out as the generic
 * InternalFailure, so internals never leak; the request id is always in the answer (header, and
 * body where the protocol has room) so an operator can find the logged original.
 */
export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The code the answer carries (for metrics and the audit log). */
  code: string;
}

/**
 * What may be shown of `e`: itself when exposed; a 503 as it is (its catalogue message says only
 * "unavailable", and "outcome unknown" must reach the caller); anything else as InternalFailure.
 */
export function exposed(e: unknown): AwsError {
  if (!isAwsError(e)) return Errors.internal(e);
  if (e.expose || e.status === 503) return e;
  return Errors.internal(e);
}

const common = (requestId: string, contentType: string, body: string): Record<string, string> => ({
  'content-type': contentType,
  'content-length': String(Buffer.byteLength(body)),
  'x-amzn-requestid': requestId,
});

/** AWS Query protocol (IAM, STS): `namespace` is the service's XML namespace, when known. */
export function renderQueryError(e: unknown, o: { requestId: string; namespace?: string | undefined }): RenderedError {
  const x = exposed(e);
  const body = errorXml(o.namespace, x.fault, x.code, x.message, o.requestId);
  return { status: x.status, headers: common(o.requestId, 'text/xml', body), body, code: x.code };
}

/** AWS JSON 1.1 (Organizations, CloudTrail next; Tessera's own JSON endpoints now). */
export function renderJsonError(e: unknown, o: { requestId: string }): RenderedError {
  const x = exposed(e);
  const body = JSON.stringify({ __type: x.code, message: x.message });
  return {
    status: x.status,
    headers: { ...common(o.requestId, 'application/x-amz-json-1.1', body), 'x-amzn-errortype': x.code },
    body,
    code: x.code,
  };
}

const OAUTH_CODES: ReadonlySet<string> = new Set(OAUTH_ERROR_CODES);
const isOAuthCode = (c: ErrorCode): c is OAuthErrorCode => OAUTH_CODES.has(c);

type OAuthWire = OAuthErrorCode | 'unauthorized_client' | 'temporarily_unavailable' | 'server_error';

/** How the STS actions' AWS errors read to an OAuth client (RFC 6749 §5.2, RFC 8693 §2.2.2). */
const AWS_TO_OAUTH: Partial<Record<ErrorCode, { error: OAuthWire; status: number }>> = {
  ValidationError: { error: 'invalid_request', status: 400 },
  InvalidParameterValue: { error: 'invalid_request', status: 400 },
  MalformedPolicyDocument: { error: 'invalid_request', status: 400 },
  PackedPolicyTooLarge: { error: 'invalid_request', status: 400 },
  MalformedQueryString: { error: 'invalid_request', status: 400 },
  InvalidIdentityToken: { error: 'invalid_grant', status: 400 },
  ExpiredTokenException: { error: 'invalid_grant', status: 400 },
  IDPRejectedClaim: { error: 'invalid_grant', status: 400 },
  ExpiredToken: { error: 'invalid_grant', status: 400 },
  InvalidClientTokenId: { error: 'invalid_grant', status: 400 },
  AccessDenied: { error: 'unauthorized_client', status: 400 },
  SignatureDoesNotMatch: { error: 'invalid_client', status: 401 },
  IncompleteSignature: { error: 'invalid_client', status: 401 },
  MissingAuthenticationToken: { error: 'invalid_client', status: 401 },
  IDPCommunicationError: { error: 'temporarily_unavailable', status: 503 },
  ServiceUnavailable: { error: 'temporarily_unavailable', status: 503 },
  Throttling: { error: 'temporarily_unavailable', status: 503 },
};

/**
 * OAuth 2.0 token endpoint errors. The endpoint's own refusals (Errors.oauth*) keep their code;
 * AWS errors from the STS actions it runs are mapped (AWS_TO_OAUTH), other exposed ones are
 * `invalid_request`, unexposed ones `server_error` with the request id. `code` is the AWS code
 * when there was one (the audit log's errorCode), else the OAuth code.
 */
export function renderOAuthError(e: unknown, o: { requestId: string }): RenderedError & { error: OAuthWire } {
  const x = exposed(e);
  let error: OAuthWire;
  let status: number;
  let description = x.message;
  if (isOAuthCode(x.code)) {
    error = x.code;
    status = x.status;
  } else if (x.code === 'InternalFailure') {
    error = 'server_error';
    status = 500;
    description = `Internal error (request id ${o.requestId})`;
  } else {
    const m = AWS_TO_OAUTH[x.code];
    error = m?.error ?? 'invalid_request';
    status = m?.status ?? 400;
  }
  const body = JSON.stringify({ error, error_description: description });
  return {
    status,
    headers: {
      ...common(o.requestId, 'application/json', body),
      'cache-control': 'no-store',
      pragma: 'no-cache',
      ...(status === 401 ? { 'www-authenticate': 'AWS4-HMAC-SHA256' } : {}),
    },
    body,
    code: x.code,
    error,
  };
}

const HTML_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESC[c]!);

/** A page for browsers (sign-in, console): the message when exposed, else a generic one; always the request id. */
export function renderHtmlError(e: unknown, o: { requestId: string; title?: string }): RenderedError {
  const x = exposed(e);
  const title = o.title ?? (x.status >= 500 ? 'Something went wrong' : 'The request could not be completed');
  const message = x.code === 'InternalFailure' ? 'An internal error occurred.' : x.message;
  const body =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>` +
    `<p><small>Error ${escapeHtml(x.code)} · request id <code>${escapeHtml(o.requestId)}</code></small></p></main></body></html>`;
  return {
    status: x.status,
    headers: {
      ...common(o.requestId, 'text/html; charset=utf-8', body),
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
    },
    body,
    code: x.code,
  };
}

/** Write a rendered error, unless an answer has already started. */
export function sendError(res: ServerResponse, r: RenderedError): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}
