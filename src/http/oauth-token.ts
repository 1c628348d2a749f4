import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, isAwsError } from '../errors/index.js';
import type { OpContext, RequestInfo } from '../protocols/operation.js';
import { parseForm, type Params } from './form.js';
import { requestInfo } from './request-context.js';
import type { Caller } from '../tokens/caller.js';
import type { Services } from '../services.js';
import { verifySigV4 } from '../tokens/sigv4.js';
import { configuredRegions } from '../tokens/regions.js';
import { exchangeToken } from '../sts/token-exchange.js';
import { cliTokenGrants } from './cli-auth.js';

/**
 * OAuth 2.0 Token Exchange (RFC 8693) at `POST /oauth2/token`, for clients that speak OAuth
 * rather than AWS: the OAuth wire (form, RFC 6749 errors, JSON, SigV4 of an aws-session
 * exchange). The exchange itself is src/sts/token-exchange.ts, which calls the STS actions with
 * typed input — every rule (trust policy, session duration, validation, audit) is theirs:
 *
 *   grant_type=urn:ietf:params:oauth:grant-type:token-exchange
 *   subject_token_type=
 *     urn:ietf:params:oauth:token-type:jwt | …:id_token | …:access_token
 *         subject_token = a JWT from an OIDC provider registered in the role's account
 *         → AssumeRoleWithWebIdentity (session name: `session_name`, else derived from `sub`)
 *     urn:tessera:params:oauth:token-type:aws-session
 *         subject_token = a Tessera session token; the request must be SigV4-signed (service
 *         `sts`) with that session's credentials (the token alone proves nothing: it travels in
 *         every signed request) → AssumeRole with the session as caller (role chaining)
 *   resource or audience = the role ARN to assume (required; both given must agree)
 *   optional: session_name, duration_seconds (900-43200), scope (ignored; echoed back)
 *
 * Success (200, Cache-Control: no-store):
 *   { access_token: <session token>, issued_token_type: "urn:tessera:params:oauth:token-type:aws-session",
 *     token_type: "N_A", expires_in, aws_access_key_id, aws_secret_access_key, aws_session_token,
 *     expiration, assumed_role_arn, assumed_role_id }
 * Errors (RFC 6749 §5.2 JSON): invalid_request / unsupported_grant_type / invalid_target (400),
 * invalid_grant (400: bad, expired or rejected subject token), unauthorized_client (400: the trust
 * policy refuses), invalid_client (401: bad SigV4 on an aws-session exchange),
 * temporarily_unavailable (503: the IdP could not be reached), server_error (500).
 * One audit event per exchange (service `sts`, action `TokenExchange`), never a token.
 *
 * The `tessera` CLI's grants (device_code, authorization_code, refresh_token) are served at the
 * same endpoint by src/http/cli-auth.ts (`cliTokenGrants`): dispatched on grant_type once the form
 * is parsed, they answer for themselves and are not TokenExchange events.
 */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const AWS_SESSION_TOKEN_TYPE = 'urn:tessera:params:oauth:token-type:aws-session';
const JWT_TYPES = new Set([
  'urn:ietf:params:oauth:token-type:jwt',
  'urn:ietf:params:oauth:token-type:id_token',
  'urn:ietf:params:oauth:token-type:access_token',
]);
const ACCEPTED_REQUESTED = new Set([AWS_SESSION_TOKEN_TYPE, 'urn:ietf:params:oauth:token-type:access_token']);
const MAX_BODY = 64 * 1024;
const FORM = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;

class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly awsCode?: string,
  ) {
    super(description);
  }
}

function fromAws(e: AwsError): OAuthError {
  const m = e.message;
  switch (e.code) {
    case 'ValidationError':
    case 'InvalidParameterValue':
    case 'MalformedPolicyDocument':
    case 'PackedPolicyTooLarge':
    case 'MalformedQueryString':
      return new OAuthError('invalid_request', m, 400, e.code);
    case 'InvalidIdentityToken':
    case 'ExpiredTokenException':
    case 'IDPRejectedClaim':
    case 'ExpiredToken':
    case 'InvalidClientTokenId':
      return new OAuthError('invalid_grant', m, 400, e.code);
    case 'AccessDenied':
      return new OAuthError('unauthorized_client', m, 400, e.code);
    case 'SignatureDoesNotMatch':
    case 'IncompleteSignature':
    case 'MissingAuthenticationToken':
      return new OAuthError('invalid_client', m, 401, e.code);
    case 'IDPCommunicationError':
    case 'ServiceUnavailable':
    case 'Throttling':
      return new OAuthError('temporarily_unavailable', m, 503, e.code);
    default:
      return e.expose ? new OAuthError('invalid_request', m, 400, e.code) : new OAuthError('server_error', 'Internal error', 500, e.code);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new OAuthError('invalid_request', 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => reject(new OAuthError('invalid_request', 'The request body could not be read')));
  });
}

/** duration_seconds: a whole number of seconds (its range is the action's, checked there). */
function durationOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v.trim())) throw new OAuthError('invalid_request', 'duration_seconds must be a whole number of seconds');
  return Number(v.trim());
}

export function createTokenExchangeHandler(services: Services) {
  const otherGrants = cliTokenGrants(services);
  return async function tokenExchange(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const info = requestInfo(req, services);
    const audit: Record<string, unknown> = {};
    let caller: Caller | null = null;
    let status = 200;
    let body: Record<string, unknown>;
    let failure: OAuthError | undefined;
    try {
      const ct = req.headers['content-type'];
      if (ct === undefined || !FORM.test(ct)) throw new OAuthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
      const raw = await readBody(req);
      let params: Params;
      try {
        params = parseForm(new TextDecoder('utf-8', { fatal: true }).decode(raw));
      } catch {
        throw new OAuthError('invalid_request', 'Malformed form body');
      }
      const grant = params.get('grant_type');
      if (grant === undefined) throw new OAuthError('invalid_request', 'Missing grant_type');
      const other = Object.hasOwn(otherGrants, grant) ? otherGrants[grant] : undefined;
      if (other) return await other(params, req, res);
      if (grant !== TOKEN_EXCHANGE_GRANT) throw new OAuthError('unsupported_grant_type', `Unsupported grant_type ${grant.slice(0, 200)}`);
      const subjectToken = params.get('subject_token');
      const subjectType = params.get('subject_token_type');
      if (!subjectToken) throw new OAuthError('invalid_request', 'Missing subject_token');
      if (!subjectType) throw new OAuthError('invalid_request', 'Missing subject_token_type');
      const requested = params.get('requested_token_type');
      if (requested !== undefined && !ACCEPTED_REQUESTED.has(requested)) throw new OAuthError('invalid_request', `Unsupported requested_token_type ${requested.slice(0, 200)}`);
      const resource = params.get('resource');
      const audience = params.get('audience');
      if (resource !== undefined && audience !== undefined && resource !== audience) throw new OAuthError('invalid_target', 'resource and audience name different roles');
      const roleArn = resource ?? audience;
      if (!roleArn) throw new OAuthError('invalid_request', 'Missing resource (the role ARN to assume)');
      if (!/^arn:[a-z][a-z0-9-]*:iam::\d{12}:role\/.+$/.test(roleArn)) throw new OAuthError('invalid_target', 'resource must be an IAM role ARN');
      const durationSeconds = durationOf(params.get('duration_seconds'));
      const sessionName = params.get('session_name');
      Object.assign(audit, { subjectTokenType: subjectType, roleArn });

      const ctx: OpContext = { req: info, caller: null, services, audit };
      let subject: 'web-identity' | 'aws-session';
      if (JWT_TYPES.has(subjectType)) subject = 'web-identity';
      else if (subjectType === AWS_SESSION_TOKEN_TYPE) {
        subject = 'aws-session';
        caller = await authenticateSession(services, req, raw, info, subjectToken);
        ctx.caller = caller;
      } else {
        throw new OAuthError('invalid_request', `Unsupported subject_token_type ${subjectType.slice(0, 200)}`);
      }
      const out = await exchangeToken(ctx, { subject, subjectToken, roleArn, sessionName, durationSeconds });
      const c = out.Credentials;
      body = {
        access_token: c.SessionToken,
        issued_token_type: AWS_SESSION_TOKEN_TYPE,
        token_type: 'N_A',
        expires_in: Math.max(0, Math.floor((c.Expiration.getTime() - info.now.getTime()) / 1000)),
        ...(params.get('scope') !== undefined ? { scope: params.get('scope') } : {}),
        aws_access_key_id: c.AccessKeyId,
        aws_secret_access_key: c.SecretAccessKey,
        aws_session_token: c.SessionToken,
        expiration: c.Expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        assumed_role_arn: out.AssumedRoleUser.Arn,
        assumed_role_id: out.AssumedRoleUser.AssumedRoleId,
      };
    } catch (e) {
      failure = e instanceof OAuthError ? e : isAwsError(e) ? fromAws(e) : new OAuthError('server_error', 'Internal error', 500);
      if (failure.status >= 500) services.logger.error({ err: e, requestId: info.requestId }, 'token exchange failed');
      status = failure.status;
      body = { error: failure.error, error_description: failure.description };
    }
    try {
      await services.audit.record({
        time: info.now,
        requestId: info.requestId,
        service: 'sts',
        action: 'TokenExchange',
        accountId: caller?.accountId,
        principalArn: caller?.arn,
        principalId: caller?.userId,
        accessKeyId: caller?.accessKeyId,
        sourceIp: info.sourceIp,
        userAgent: info.userAgent,
        outcome: failure ? 'failure' : 'success',
        errorCode: failure ? (failure.awsCode ?? failure.error) : undefined,
        detail: audit,
      });
    } catch (e) {
      services.logger.error({ err: e, requestId: info.requestId }, 'audit write failed; refusing to answer');
      status = 503;
      body = { error: 'temporarily_unavailable', error_description: 'Service is unavailable' };
    }
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      'cache-control': 'no-store',
      pragma: 'no-cache',
      'x-amzn-requestid': info.requestId,
      ...(status === 401 ? { 'www-authenticate': 'AWS4-HMAC-SHA256' } : {}),
    });
    res.end(json);
  };
}

async function authenticateSession(services: Services, req: IncomingMessage, body: Buffer, info: RequestInfo, subjectToken: string): Promise<Caller> {
  let caller: Caller | null = null;
  const claims = await verifySigV4(
    { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
    {
      now: info.now,
      services: ['sts'],
      keyCache: services.signingKeyCache,
      regions: configuredRegions(services.config),
      lookupSecret: async (accessKeyId, c) => {
        if (!accessKeyId.startsWith('ASIA') || c.sessionToken !== subjectToken) return null;
        const r = await services.credentials.resolve(accessKeyId, c.sessionToken, info.now);
        if (!r) return null;
        caller = r.caller;
        return r.secret;
      },
    },
  ).catch((e: unknown) => {
    if (isAwsError(e)) throw e;
    throw new OAuthError('invalid_client', 'The request signature could not be verified', 401);
  });
  if (!caller || claims.sessionToken !== subjectToken) throw new OAuthError('invalid_grant', 'subject_token must be the session token the request is signed with');
  return caller;
}
