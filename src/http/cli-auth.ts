import express, { type NextFunction, type Request, type Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services.js';
import { isAwsError } from '../errors/index.js';
import { errName, field, formBody, peopleKit, type PeopleCtx } from './people.js';
import { requestInfo } from './request-context.js';
import type { Params } from './form.js';
import {
  CLI_CLIENT_ID,
  CliGrantError,
  CliGrants,
  DEVICE_GRANT,
  formatUserCode,
  isChallenge,
  loopbackRedirect,
  type TokenSet,
} from '../sso/cli-grants.js';
import { issueForSession } from '../sso/issue.js';
import { cachedRoles } from '../sso/portal.js';
import { SignInError, type LoginSession, type SignedInPrincipal } from '../sso/types.js';
import * as pages from '../web/device-pages.js';

/**
 * The `tessera` CLI's sign-in and its API (issue 12):
 *
 *   POST /oauth2/device_authorization   RFC 8628 §3.1 (client_id=tessera-cli)
 *   GET|POST /device                    enter / confirm / approve or deny a user code (signed in, CSRF)
 *   GET|POST /oauth2/authorize          RFC 6749 §4.1 + PKCE S256, loopback redirect URIs only (RFC 8252)
 *   POST /oauth2/token                  grant_type device_code / authorization_code / refresh_token
 *                                       (dispatched from src/http/oauth-token.ts: `cliTokenGrants`)
 *   POST /oauth2/revoke                 RFC 7009: either token ends the sign-in
 *   GET  /cli/session                   Bearer: is the sign-in live (who, until when)
 *   GET  /cli/roles                     Bearer: the roles the person may pick
 *   POST /cli/credentials               Bearer: {role_arn, duration_seconds?} → credential_process JSON
 *
 * OAuth answers are JSON with Cache-Control: no-store; refusals are RFC 6749 §5.2 errors. The
 * Bearer API answers 401 {error:'login_required'} when the token is bad or its sign-in ended.
 * Pages are the sign-in pages' kind: CSP, no-store, CSRF on every POST. No URL, code or token is
 * logged (the user code is in verification_uri_complete by design, RFC 8628 §3.3.1).
 */
const PAGE_PATHS = /^\/(?:device|oauth2\/authorize)(?:\/|$)/i;
const API_PATHS = /^\/(?:cli|oauth2\/(?:device_authorization|revoke))(?:\/|$)/i;
const AUTHZ_REQUEST_SECONDS = 600;
const CLIENT_NAME = 'Tessera CLI';

export function cliAuthRouter(services: Services): express.Router {
  const r = express.Router({ caseSensitive: true, strict: true });
  const kit = peopleKit(services);
  const grants = new CliGrants(services);
  const form = formBody();
  const json = express.json({ limit: 16 * 1024 });

  r.use(kit.securityHeaders(PAGE_PATHS));
  r.use((req, res, next) => {
    if (API_PATHS.test(req.path)) res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    next();
  });

  const whoLabel = (p: SignedInPrincipal) => (p.kind === 'iam-user' ? `${p.userName} (${p.accountId})` : (p.identity.email ?? p.identity.displayName ?? p.identity.subject));
  const toSignIn = (res: Response, returnTo: string) => res.redirect(303, `/signin?return_to=${encodeURIComponent(returnTo)}`);

  // ── device authorization ───────────────────────────────────────────────────────────────────
  r.post('/oauth2/device_authorization', form, async (req, res) => {
    const c = kit.ctxOf(req);
    requireForm(req);
    requireClient(field(req.body, 'client_id'));
    sendJson(res, 200, await grants.startDevice(c, c.base));
  });

  // ── /device: enter, confirm, decide ────────────────────────────────────────────────────────
  r.get('/device', async (req, res) => {
    const s = await kit.signedIn(req, res);
    const raw = typeof req.query.user_code === 'string' ? req.query.user_code : undefined;
    if (!s) return toSignIn(res, raw !== undefined && /^[A-Za-z-]{1,16}$/.test(raw) ? `/device?user_code=${raw}` : '/device');
    if (raw === undefined) return kit.send(res, pages.deviceEntryPage({ csrf: s.csrf, who: whoLabel(s.session.principal) }));
    await confirmOrRetry(res, s.c, s.session, s.csrf, raw);
  });

  r.post('/device', form, async (req, res) => {
    const s = await kit.signedIn(req, res);
    if (!s) return toSignIn(res, '/device');
    kit.requireCsrf(s.c, req, s.c.names.session);
    const raw = field(req.body, 'user_code') ?? '';
    const decision = field(req.body, 'decision');
    if (decision === undefined) return confirmOrRetry(res, s.c, s.session, s.csrf, raw);
    if (decision !== 'approve' && decision !== 'deny') throw new SignInError('invalid_request', 'Choose Approve or Deny.');
    const outcome = await grants.decideDevice(raw, decision === 'approve', s.session, s.c);
    if (outcome === null) return kit.send(res, pages.deviceEntryPage({ csrf: s.csrf, who: whoLabel(s.session.principal), userCode: raw.slice(0, 16), error: wrongCode, status: 400 }));
    kit.send(res, pages.deviceDonePage({ approved: outcome === 'approved' }));
  });

  const wrongCode = 'That code is not valid: it is wrong, has expired or was already used. Check the code in your terminal, or run tessera login again.';
  const confirmOrRetry = async (res: Response, c: PeopleCtx, session: LoginSession, csrf: string, raw: string) => {
    const found = await grants.lookupUserCode(raw, session, c);
    if (!found) return kit.send(res, pages.deviceEntryPage({ csrf, who: whoLabel(session.principal), userCode: raw.slice(0, 16), error: wrongCode, status: 400 }));
    const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    kit.send(
      res,
      pages.deviceConfirmPage({
        csrf,
        who: whoLabel(session.principal),
        request: { userCode: formatUserCode(found.userCode), clientName: CLIENT_NAME, clientId: CLI_CLIENT_ID, sourceIp: found.device.sourceIp, requestedAt: iso(found.device.createdAt), expiresAt: iso(found.device.expiresAt) },
      }),
    );
  };

  // ── loopback authorization (RFC 8252 + PKCE) ───────────────────────────────────────────────
  interface AuthzRequest {
    redirectUri: string;
    challenge: string;
    state: string | undefined;
  }
  /**
   * The request's client and redirect URI, which decide whether errors may go back to it
   * (RFC 6749 §4.1.2.1: never redirect to an unverified URI — a page instead); then the rest,
   * whose errors go back to the (loopback) redirect URI.
   */
  const parseAuthz = (q: Record<string, unknown>, res: Response): AuthzRequest | null => {
    const one = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    if (one('client_id') !== CLI_CLIENT_ID) throw new SignInError('invalid_request', `Unknown client_id: only ${CLI_CLIENT_ID} may sign in here.`, 400);
    const redirect = loopbackRedirect(one('redirect_uri'));
    if (!redirect) throw new SignInError('invalid_request', 'redirect_uri must be a loopback address: http://127.0.0.1:PORT/… or http://[::1]:PORT/… (RFC 8252).', 400);
    const state = one('state');
    const back = (error: string, description: string) => {
      const u = new URL(redirect.href);
      u.searchParams.set('error', error);
      u.searchParams.set('error_description', description);
      if (state !== undefined) u.searchParams.set('state', state.slice(0, 512));
      res.redirect(303, u.href);
      return null;
    };
    if (state !== undefined && state.length > 512) return back('invalid_request', 'state is too long');
    if (one('response_type') !== 'code') return back('unsupported_response_type', 'response_type must be code');
    if (one('code_challenge_method') !== 'S256') return back('invalid_request', 'PKCE is required: code_challenge_method=S256');
    const challenge = one('code_challenge');
    if (!isChallenge(challenge)) return back('invalid_request', 'PKCE is required: code_challenge (43 base64url characters)');
    return { redirectUri: one('redirect_uri')!, challenge, state };
  };
  const authzFields = (a: AuthzRequest): Record<string, string> => ({
    response_type: 'code',
    client_id: CLI_CLIENT_ID,
    redirect_uri: a.redirectUri,
    code_challenge: a.challenge,
    code_challenge_method: 'S256',
    ...(a.state !== undefined ? { state: a.state } : {}),
  });

  r.get('/oauth2/authorize', async (req, res) => {
    let q = req.query as Record<string, unknown>;
    // Back from /signin: the request was stashed (its redirect_uri cannot ride in return_to, which refuses %2F).
    if (typeof q.request_id === 'string' && /^[0-9a-f]{32}$/.test(q.request_id)) {
      const raw = await services.cache.get(`cli:authz:${q.request_id}`);
      if (!raw) throw new SignInError('session_expired', 'This sign-in request has expired. Run tessera login --browser again.', 400);
      q = JSON.parse(raw) as Record<string, unknown>;
    }
    const a = parseAuthz(q, res);
    if (!a) return;
    const s = await kit.signedIn(req, res);
    if (!s) {
      const id = services.random.bytes(16).toString('hex');
      await services.cache.set(`cli:authz:${id}`, JSON.stringify(authzFields(a)), AUTHZ_REQUEST_SECONDS);
      return toSignIn(res, `/oauth2/authorize?request_id=${id}`);
    }
    // The consent form's answer is a redirect to the loopback URI: CSP form-action covers redirects, so it names that origin.
    const csp = res.get('Content-Security-Policy');
    if (csp) res.set('Content-Security-Policy', csp.replace("form-action 'self'", `form-action 'self' ${new URL(a.redirectUri).origin}`));
    kit.send(res, pages.authorizeConsentPage({ csrf: s.csrf, who: whoLabel(s.session.principal), request: { clientName: CLIENT_NAME, clientId: CLI_CLIENT_ID, redirectUri: a.redirectUri, fields: authzFields(a) } }));
  });

  r.post('/oauth2/authorize', form, async (req, res) => {
    const s = await kit.signedIn(req, res);
    if (!s) throw new SignInError('session_expired', 'You are no longer signed in. Run tessera login --browser again.', 401);
    kit.requireCsrf(s.c, req, s.c.names.session);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const a = parseAuthz(body, res);
    if (!a) return;
    const u = new URL(a.redirectUri);
    if (a.state !== undefined) u.searchParams.set('state', a.state);
    const decision = field(body, 'decision');
    if (decision === 'approve') {
      const code = await grants.issueAuthCode(s.session, a.redirectUri, a.challenge, s.c);
      u.searchParams.set('code', code);
    } else {
      u.searchParams.set('error', 'access_denied');
      u.searchParams.set('error_description', 'The sign-in was denied in the browser');
    }
    u.searchParams.set('iss', s.c.base);
    res.redirect(303, u.href);
  });

  // ── revocation (RFC 7009) ──────────────────────────────────────────────────────────────────
  r.post('/oauth2/revoke', form, async (req, res) => {
    const c = kit.ctxOf(req);
    requireForm(req);
    requireClient(field(req.body, 'client_id'));
    const token = field(req.body, 'token');
    if (token === undefined) throw new CliGrantError('invalid_request', 'Missing token');
    await grants.revoke(token, c);
    res.status(200).end();
  });

  // ── the Bearer API ─────────────────────────────────────────────────────────────────────────
  const bearer = async (req: Request): Promise<LoginSession> => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer ([A-Za-z0-9_-]{1,4096})$/.exec(h) : null;
    const session = m ? await grants.sessionOf(m[1], services.now()) : null;
    if (!session) throw new CliGrantError('login_required', 'Your sign-in has ended (revoked or expired), or the access token is not valid. Run tessera login.', 401);
    return session;
  };

  r.get('/cli/session', async (req, res) => {
    const session = await bearer(req);
    sendJson(res, 200, { login_session_id: session.id, principal: principalOf(session.principal), mfa: session.mfa.present, expires_at: session.expiresAt });
  });

  r.get('/cli/roles', async (req, res) => {
    const session = await bearer(req);
    const info = requestInfo(req, services);
    // The portal's list, cached per login session (src/sso/portal.ts).
    const roles = await cachedRoles(services, session, info);
    sendJson(res, 200, { roles: roles.map((o) => ({ role_arn: o.roleArn, role_name: o.roleName, account_id: o.accountId, description: o.description, max_session_duration: o.maxSessionDuration })) });
  });

  r.post('/cli/credentials', json, form, async (req, res) => {
    const session = await bearer(req);
    const body = req.body as unknown;
    const roleArn = field(body, 'role_arn');
    if (roleArn === undefined) throw new CliGrantError('invalid_request', 'role_arn is required');
    const d = (body as Record<string, unknown> | undefined)?.duration_seconds;
    let durationSeconds: number | undefined;
    if (d !== undefined) {
      if (!(typeof d === 'number' || (typeof d === 'string' && /^\d{1,6}$/.test(d)))) throw new CliGrantError('invalid_request', 'duration_seconds must be a whole number of seconds');
      durationSeconds = Number(d);
    }
    const out = await issueForSession(services, session, { roleArn, durationSeconds, via: 'cli' }, requestInfo(req, services));
    const c = out.issued.credentials;
    sendJson(res, 200, {
      Version: 1,
      AccessKeyId: c.AccessKeyId,
      SecretAccessKey: c.SecretAccessKey,
      SessionToken: c.SessionToken,
      Expiration: c.Expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      AssumedRoleArn: out.assumedRoleArn,
    });
  });

  // ── refusals ───────────────────────────────────────────────────────────────────────────────
  r.use((req, _res, next) => {
    if (!PAGE_PATHS.test(req.path) && !API_PATHS.test(req.path)) return next();
    next(PAGE_PATHS.test(req.path) ? new SignInError('invalid_request', 'There is no such page.', 404) : new CliGrantError('not_found', 'No such endpoint', 404));
  });

  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    const page = PAGE_PATHS.test(req.path);
    if (!page && !API_PATHS.test(req.path)) return next(err);
    const info = requestInfo(req, services);
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    if (page) {
      let title = 'Sign-in failed';
      let reason = 'invalid_request';
      let message = 'Something went wrong on our side. Try again in a moment.';
      let code = 500;
      if (err instanceof SignInError) [reason, message, code] = [err.reason, err.message, err.status];
      else if (err instanceof CliGrantError) [reason, message, code] = [err.error, err.description, err.status];
      else if (err instanceof Error && status < 500) [message, code] = [status === 413 ? 'The request is too large.' : 'The request could not be read.', status];
      else services.logger.error({ err: errName(err), requestId: info.requestId, route: req.path }, 'CLI sign-in page failed');
      if (reason === 'csrf') title = 'This form has expired';
      else if (code === 429) title = 'Too many wrong codes';
      if (res.headersSent) return;
      return kit.send(res, pages.cliErrorPage({ title, message, requestId: info.requestId, status: code, reason }));
    }
    let e: CliGrantError;
    if (err instanceof CliGrantError) e = err;
    else if (isAwsError(err) && err.expose) e = new CliGrantError(err.code, err.message, err.status);
    else if (err instanceof Error && status >= 400 && status < 500) e = new CliGrantError('invalid_request', status === 413 ? 'Request body too large' : 'The request body could not be read', status);
    else {
      services.logger.error({ err: errName(err), requestId: info.requestId, route: req.path }, 'CLI API request failed');
      e = new CliGrantError('server_error', 'Internal error', 500);
    }
    if (res.headersSent) return;
    sendJson(res, e.status, { error: e.error, error_description: e.description }, e.status === 401 ? { 'WWW-Authenticate': `Bearer error="${e.error === 'login_required' ? 'invalid_token' : e.error}"` } : {});
  });

  return r;
}

function principalOf(p: SignedInPrincipal): Record<string, unknown> {
  return p.kind === 'iam-user'
    ? { kind: p.kind, arn: p.arn, user_name: p.userName, account_id: p.accountId }
    : { kind: p.kind, provider_arn: p.identity.providerArn, subject: p.identity.subject, connector_id: p.connectorId, email: p.identity.email };
}

const FORM = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;
function requireForm(req: Request): void {
  if (!FORM.test(String(req.headers['content-type'] ?? ''))) throw new CliGrantError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
}
function requireClient(clientId: string | undefined): void {
  if (clientId === undefined) throw new CliGrantError('invalid_request', 'Missing client_id');
  if (clientId !== CLI_CLIENT_ID) throw new CliGrantError('invalid_client', 'Unknown client_id', 401);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', pragma: 'no-cache', ...headers });
  res.end(text);
}

/**
 * The CLI's grant types at POST /oauth2/token (RFC 8693 token exchange stays in oauth-token.ts):
 * each takes the parsed form and answers the token response or an RFC 6749 §5.2 error.
 */
export type TokenGrantHandler = (params: Params, req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function cliTokenGrants(services: Services): Record<string, TokenGrantHandler> {
  const grants = new CliGrants(services);
  const run = (fn: (p: Params, f: ReturnType<typeof requestInfo>) => Promise<TokenSet>): TokenGrantHandler => async (params, req, res) => {
    const f = requestInfo(req, services);
    try {
      const clientId = params.get('client_id');
      requireClient(clientId);
      const tokens = await fn(params, f);
      sendJson(res, 200, tokens);
    } catch (e) {
      let err: CliGrantError;
      if (e instanceof CliGrantError) err = e;
      else if (isAwsError(e) && e.code === 'ServiceUnavailable') err = new CliGrantError('temporarily_unavailable', 'Service is unavailable', 503);
      else {
        services.logger.error({ err: errName(e), requestId: f.requestId }, 'CLI token request failed');
        err = new CliGrantError('server_error', 'Internal error', 500);
      }
      sendJson(res, err.status, { error: err.error, error_description: err.description }, err.status === 401 ? { 'WWW-Authenticate': 'Basic realm="tessera"' } : {});
    }
  };
  return {
    [DEVICE_GRANT]: run((p, f) => grants.pollDevice(p.get('device_code'), f)),
    authorization_code: run((p, f) => grants.redeemAuthCode(p.get('code'), p.get('redirect_uri'), p.get('code_verifier'), f)),
    refresh_token: run((p, f) => grants.refresh(p.get('refresh_token'), f)),
  };
}
