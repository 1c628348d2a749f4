import express, { type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { isAwsError } from '../errors/index.js';
import { errName, field, formBody, peopleKit, type SignedIn } from './people.js';
import { requestInfo } from './request-context.js';
import type { GrantHandler } from './oauth-token.js';
import type { RequestInfo } from '../protocols/operation.js';
import { addressKey } from '../sso/address.js';
import { auditSignIn } from '../sso/audit.js';
import { CLI_CLIENT_ID, CliGrantError, CliGrants, DEVICE_GRANT, USER_CODE_ATTEMPTS, isLoopbackRedirect, normalizeUserCode, type TokenSet } from '../sso/cli-grants.js';
import { issueForSession } from '../sso/issue.js';
import { cachedRoles } from '../sso/portal.js';
import { accountOf, principalArnOf } from '../sso/login-sessions.js';
import { SignInError, type LoginSession } from '../sso/types.js';
import { deviceConfirmPage, deviceDonePage, deviceEntryPage, loopbackConsentPage } from '../web/device-pages.js';
import { errorPage } from '../web/pages.js';

/**
 * The `tessera` command's endpoints (issue 12; the grants are src/sso/cli-grants.ts):
 *
 *   POST /oauth2/device_authorization   RFC 8628 §3.1 (client_id=tessera-cli)
 *   GET|POST /device                    the approval page (signed in; else sign-in and back)
 *   GET  /oauth2/authorize              RFC 6749 + PKCE S256, loopback redirect only (RFC 8252)
 *   GET|POST /device/authorize/<id>     its consent page
 *   POST /oauth2/token                  grant_type device_code | authorization_code | refresh_token
 *                                       (`cliGrantHandlers`, plugged into the token-exchange endpoint)
 *   POST /oauth2/revoke                 RFC 7009: ends the CLI sign-in
 *   GET  /cli/session                   Bearer: whether the sign-in is live (200) or not (401)
 *   GET  /cli/roles                     Bearer: the roles the person may assume (the portal's list)
 *   POST /cli/credentials               Bearer, JSON {roleArn, durationSeconds?}: credentials via
 *                                       issueForSession (via 'cli'), as credential_process prints them
 * JSON answers are no-store; errors are RFC 6749 JSON ({error, error_description}); an ended
 * sign-in is 401 {error: "login_required"} on /cli/*.
 */
const PAGES = /^\/device(?:\/|$)/i;
const AUTHZ_TTL_SECONDS = 600;
const authzKey = (id: string) => `cli:authz:${id}`;

interface AuthzRequest {
  redirectUri: string;
  challenge: string;
  state: string | undefined;
}

export function cliAuthRouter(services: Services): express.Router {
  const r = express.Router({ caseSensitive: true, strict: true });
  const kit = peopleKit(services);
  const grants = new CliGrants(services);
  const body = formBody();
  const json = express.json({ limit: 16 * 1024 });

  r.use(kit.securityHeaders(PAGES));

  const signedInOr = async (req: Request, res: Response, returnTo: string): Promise<SignedIn | null> => {
    const s = await kit.signedIn(req, res);
    if (!s) res.redirect(303, `/signin?return_to=${encodeURIComponent(returnTo)}`);
    return s;
  };
  const who = (s: LoginSession) => (s.principal.kind === 'iam-user' ? `${s.principal.userName} (${s.principal.accountId})` : (s.principal.identity.email ?? s.principal.identity.displayName ?? s.principal.identity.subject));
  const auditFacts = (s: LoginSession) =>
    s.principal.kind === 'iam-user'
      ? { accountId: s.principal.accountId, principalArn: s.principal.arn, subject: s.principal.userName, principalId: s.principal.userId }
      : { accountId: accountOf(s.principal), principalArn: principalArnOf(s.principal), connectorId: s.principal.connectorId, subject: s.principal.identity.subject };

  // ── device authorization (RFC 8628 §3.1) ──────────────────────────────────────────────────
  r.post('/oauth2/device_authorization', body, async (req, res) => {
    const info = requestInfo(req, services);
    const c = kit.ctxOf(req);
    if (field(req.body, 'client_id') !== CLI_CLIENT_ID) return oauthJson(res, 401, { error: 'invalid_client', error_description: `Unknown client_id; the Tessera CLI is ${CLI_CLIENT_ID}.` }, info);
    const d = await grants.startDevice(info.now);
    oauthJson(res, 200, {
      device_code: d.deviceCode,
      user_code: d.userCode,
      verification_uri: `${c.base}/device`,
      verification_uri_complete: `${c.base}/device?user_code=${d.userCode}`,
      expires_in: d.expiresIn,
      interval: d.interval,
    }, info);
  });

  // ── the approval page ─────────────────────────────────────────────────────────────────────
  r.get('/device', async (req, res) => {
    const raw = typeof req.query.user_code === 'string' ? req.query.user_code.slice(0, 16) : undefined;
    const code = raw !== undefined ? normalizeUserCode(raw) : null;
    const s = await signedInOr(req, res, code ? `/device?user_code=${code.slice(0, 4)}-${code.slice(4)}` : '/device');
    if (!s) return;
    if (code) {
      const found = await grants.lookupUserCode(code, s.c.now);
      if (found) return kit.send(res, deviceConfirmPage({ csrf: s.csrf, who: who(s.session), userCode: found.userCode, requestedAt: found.createdAt, sourceIp: s.c.sourceIp }));
    }
    kit.send(res, deviceEntryPage({ csrf: s.csrf, who: who(s.session), userCode: raw ?? '', ...(raw !== undefined ? { error: 'This code is not valid or has expired. Check the code in your terminal, or run `tessera login` again.' } : {}) }));
  });

  r.post('/device', body, async (req, res) => {
    const s = await signedInOr(req, res, '/device');
    if (!s) return;
    kit.requireCsrf(s.c, req, s.c.names.session);
    const raw = (field(req.body, 'user_code') ?? '').slice(0, 16);
    const action = field(req.body, 'action');
    // Guessing codes (RFC 8628 §5.1): wrong codes count per source address.
    const failKey = `cli:user-code-fail:${addressKey(s.c.sourceIp)}`;
    const failures = Number((await services.cache.get(failKey)) ?? 0);
    if (failures >= USER_CODE_ATTEMPTS) throw new SignInError('too_many_starts', 'Too many wrong codes from this address. Wait ten minutes and try again.', 429);
    const wrong = async () => {
      await services.cache.incr(failKey, 600);
      return kit.send(res, deviceEntryPage({ csrf: s.csrf, who: who(s.session), userCode: raw, error: 'This code is not valid or has expired. Check the code in your terminal, or run `tessera login` again.', status: 400 }));
    };
    const found = await grants.lookupUserCode(raw, s.c.now);
    if (!found) return wrong();
    if (action === 'lookup' || (action !== 'approve' && action !== 'deny')) {
      return kit.send(res, deviceConfirmPage({ csrf: s.csrf, who: who(s.session), userCode: found.userCode, requestedAt: found.createdAt, sourceIp: s.c.sourceIp }));
    }
    const approve = action === 'approve';
    const ok = await grants.answerDevice(raw, approve, s.session, s.c);
    if (!ok) return wrong();
    await auditSignIn(services, s.c, { action: 'CliSignIn', outcome: approve ? 'success' : 'failure', ...(approve ? {} : { reason: 'denied' }), ...auditFacts(s.session), detail: { method: 'device', fromLoginSessionId: s.session.id } });
    kit.send(res, deviceDonePage({ approved: approve }));
  });

  // ── authorization code + PKCE, loopback redirect (RFC 8252) ───────────────────────────────
  r.get('/oauth2/authorize', async (req, res) => {
    const q = (k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : undefined);
    const c = kit.ctxOf(req);
    const page = (message: string) => kit.send(res, errorPage({ reason: 'invalid_request', message, requestId: c.requestId, status: 400 }));
    if (q('client_id') !== CLI_CLIENT_ID) return page(`Unknown client_id; the Tessera CLI is ${CLI_CLIENT_ID}.`);
    const redirectUri = q('redirect_uri');
    if (!redirectUri || !isLoopbackRedirect(redirectUri)) return page('redirect_uri must be a loopback address of this computer: http://127.0.0.1:PORT/… or http://[::1]:PORT/….');
    // From here on errors go back to the CLI (RFC 6749 §4.1.2.1).
    const state = q('state');
    const back = (error: string, description: string) => {
      const u = new URL(redirectUri);
      u.searchParams.set('error', error);
      u.searchParams.set('error_description', description);
      if (state !== undefined) u.searchParams.set('state', state);
      res.redirect(303, u.href);
    };
    if (state !== undefined && state.length > 512) return page('state is too long.');
    if (q('response_type') !== 'code') return back('unsupported_response_type', 'response_type must be code');
    const challenge = q('code_challenge');
    if (q('code_challenge_method') !== 'S256' || !challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return back('invalid_request', 'PKCE is required: code_challenge (S256, 43 characters) and code_challenge_method=S256');
    const id = services.random.bytes(18).toString('base64url');
    await services.cache.set(authzKey(id), JSON.stringify({ redirectUri, challenge, state } satisfies AuthzRequest), AUTHZ_TTL_SECONDS);
    res.redirect(303, `/device/authorize/${id}`);
  });

  const authzOf = async (id: string): Promise<AuthzRequest | null> => {
    if (!/^[A-Za-z0-9_-]{24}$/.test(id)) return null;
    const raw = await services.cache.get(authzKey(id));
    return raw ? (JSON.parse(raw) as AuthzRequest) : null;
  };

  r.get('/device/authorize/:id', async (req, res) => {
    const id = req.params.id;
    const s = await signedInOr(req, res, `/device/authorize/${id}`);
    if (!s) return;
    const a = await authzOf(id);
    if (!a) throw new SignInError('invalid_request', 'This sign-in request has expired. Run `tessera login --browser` again.', 400);
    // The form's answer redirects to the CLI's loopback listener: form-action must allow that one origin.
    const csp = String(res.getHeader('Content-Security-Policy') ?? '');
    res.set('Content-Security-Policy', csp.replace("form-action 'self'", `form-action 'self' ${new URL(a.redirectUri).origin}`));
    kit.send(res, loopbackConsentPage({ csrf: s.csrf, who: who(s.session), id, redirectHost: new URL(a.redirectUri).host }));
  });

  r.post('/device/authorize/:id', body, async (req, res) => {
    const id = req.params.id;
    const s = await signedInOr(req, res, `/device/authorize/${id}`);
    if (!s) return;
    kit.requireCsrf(s.c, req, s.c.names.session);
    const a = await authzOf(id);
    if (!a) throw new SignInError('invalid_request', 'This sign-in request has expired. Run `tessera login --browser` again.', 400);
    // One answer per request.
    if (!(await services.oneTimeUses.consume('cli-authorize', id, new Date(s.c.now.getTime() + AUTHZ_TTL_SECONDS * 1000), s.c.now))) {
      throw new SignInError('invalid_request', 'This sign-in request was already answered.', 400);
    }
    await services.cache.del(authzKey(id));
    const u = new URL(a.redirectUri);
    if (a.state !== undefined) u.searchParams.set('state', a.state);
    if (field(req.body, 'action') !== 'approve') {
      await auditSignIn(services, s.c, { action: 'CliSignIn', outcome: 'failure', reason: 'denied', ...auditFacts(s.session), detail: { method: 'loopback', fromLoginSessionId: s.session.id } });
      u.searchParams.set('error', 'access_denied');
      u.searchParams.set('error_description', 'The sign-in was denied in the browser.');
      return res.redirect(303, u.href);
    }
    const code = await grants.issueCode(s.session, { challenge: a.challenge, redirectUri: a.redirectUri }, s.c);
    await auditSignIn(services, s.c, { action: 'CliSignIn', outcome: 'success', ...auditFacts(s.session), detail: { method: 'loopback', fromLoginSessionId: s.session.id } });
    u.searchParams.set('code', code);
    res.redirect(303, u.href);
  });

  // ── revocation (RFC 7009) ──────────────────────────────────────────────────────────────────
  r.post('/oauth2/revoke', body, async (req, res) => {
    const info = requestInfo(req, services);
    if (field(req.body, 'client_id') !== CLI_CLIENT_ID) return oauthJson(res, 401, { error: 'invalid_client', error_description: `Unknown client_id; the Tessera CLI is ${CLI_CLIENT_ID}.` }, info);
    const token = field(req.body, 'token');
    if (token === undefined) return oauthJson(res, 400, { error: 'invalid_request', error_description: 'Missing token' }, info);
    await grants.revokeToken(token, info.now);
    res.status(200).set({ 'Cache-Control': 'no-store' }).end();
  });

  // ── the CLI's API (Bearer access token) ───────────────────────────────────────────────────
  const bearer = async (req: Request, res: Response, info: RequestInfo): Promise<LoginSession | null> => {
    const m = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(String(req.headers.authorization ?? ''));
    const session = m ? await grants.sessionOfAccessToken(m[1]!, info.now) : null;
    if (!session) {
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      oauthJson(res, 401, { error: 'login_required', error_description: 'Your sign-in has ended (revoked or expired), or the access token is not valid. Run `tessera login` again.' }, info);
    }
    return session;
  };

  r.get('/cli/session', async (req, res) => {
    const info = requestInfo(req, services);
    const session = await bearer(req, res, info);
    if (!session) return;
    oauthJson(res, 200, { loginSessionId: session.id, expiresAt: session.expiresAt, principal: principalArnOf(session.principal) }, info);
  });

  r.get('/cli/roles', async (req, res) => {
    const info = requestInfo(req, services);
    const session = await bearer(req, res, info);
    if (!session) return;
    const roles = await cachedRoles(services, session, { now: info.now, sourceIp: info.sourceIp, userAgent: info.userAgent, secureTransport: info.secureTransport, region: info.region });
    oauthJson(res, 200, { roles }, info);
  });

  r.post('/cli/credentials', json, async (req, res) => {
    const info = requestInfo(req, services);
    const session = await bearer(req, res, info);
    if (!session) return;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const roleArn = typeof b.roleArn === 'string' ? b.roleArn : '';
    const d = b.durationSeconds;
    if (d !== undefined && (typeof d !== 'number' || !Number.isInteger(d))) return oauthJson(res, 400, { error: 'ValidationError', error_description: 'durationSeconds must be a whole number of seconds' }, info);
    try {
      const out = await issueForSession(services, session, { roleArn, durationSeconds: d as number | undefined, via: 'cli' }, info);
      const c = out.issued.credentials;
      oauthJson(res, 200, {
        Version: 1,
        AccessKeyId: c.AccessKeyId,
        SecretAccessKey: c.SecretAccessKey,
        SessionToken: c.SessionToken,
        Expiration: c.Expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        AssumedRoleArn: out.assumedRoleArn,
      }, info);
    } catch (e) {
      if (!isAwsError(e)) throw e;
      oauthJson(res, e.status, { error: e.code, error_description: e.message }, info);
    }
  });

  r.use((req, _res, next) => {
    if (!PAGES.test(req.path)) return next();
    next(new SignInError('invalid_request', 'There is no such page.', 404));
  });

  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    const isPage = PAGES.test(req.path);
    const isApi = /^\/(?:cli|oauth2\/(?:device_authorization|revoke))(?:\/|$)/.test(req.path);
    if (!isPage && !isApi) return next(err);
    const info = requestInfo(req, services);
    let status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    let message: string;
    let reason = 'invalid_request';
    if (err instanceof SignInError) {
      message = err.message;
      reason = err.reason;
      status = err.status;
    } else if (status >= 500 || !(err instanceof Error)) {
      services.logger.error({ err: errName(err), requestId: info.requestId, route: req.path }, 'cli sign-in request failed');
      message = 'Something went wrong on our side. Try again in a moment.';
      status = isAwsError(err) && err.status === 503 ? 503 : 500;
    } else {
      message = status === 413 ? 'The request is too large.' : 'The request could not be read.';
    }
    if (res.headersSent) return;
    if (isApi) return oauthJson(res, status, { error: status >= 500 ? 'server_error' : 'invalid_request', error_description: message }, info);
    kit.send(res, errorPage({ reason, message, requestId: info.requestId, status }));
  });

  return r;
}

function oauthJson(res: Response, status: number, body: Record<string, unknown>, info: RequestInfo): void {
  res.status(status).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'x-amzn-requestid': info.requestId }).type('application/json').send(JSON.stringify(body));
}

/** The grant types of the `tessera` command at POST /oauth2/token (beside token exchange). */
export function cliGrantHandlers(services: Services): ReadonlyMap<string, GrantHandler> {
  const grants = new CliGrants(services);
  const wrap = (fn: (p: Map<string, string>, info: RequestInfo) => Promise<TokenSet>): GrantHandler => async (params, info) => {
    if (params.get('client_id') !== CLI_CLIENT_ID) return { status: 401, body: { error: 'invalid_client', error_description: `Unknown client_id; the Tessera CLI is ${CLI_CLIENT_ID}.` } };
    try {
      return { status: 200, body: { ...(await fn(params, info)) } };
    } catch (e) {
      if (e instanceof CliGrantError) {
        if (e.revokedSessionId) {
          await services.audit
            .record({ time: info.now, requestId: info.requestId, service: 'signin', action: 'CliRefreshReuse', accountId: undefined, principalArn: undefined, principalId: undefined, sourceIp: info.sourceIp, userAgent: info.userAgent, outcome: 'failure', errorCode: 'refresh_token_reused', detail: { loginSessionId: e.revokedSessionId } })
            .catch((x: unknown) => services.logger.error({ err: errName(x) }, 'audit write failed'));
        }
        return { status: e.status, body: { error: e.error, error_description: e.description } };
      }
      services.logger.error({ err: errName(e), requestId: info.requestId }, 'cli token grant failed');
      return { status: isAwsError(e) && e.status === 503 ? 503 : 500, body: { error: isAwsError(e) && e.status === 503 ? 'temporarily_unavailable' : 'server_error', error_description: 'Try again in a moment.' } };
    }
  };
  const need = (p: Map<string, string>, k: string): string => {
    const v = p.get(k);
    if (v === undefined || v === '') throw new CliGrantError('invalid_request', `Missing ${k}`);
    return v;
  };
  return new Map<string, GrantHandler>([
    [DEVICE_GRANT, wrap((p, info) => grants.pollDevice(need(p, 'device_code'), info.now))],
    ['authorization_code', wrap((p, info) => grants.redeemCode(need(p, 'code'), need(p, 'code_verifier'), need(p, 'redirect_uri'), info.now))],
    ['refresh_token', wrap((p, info) => grants.refresh(need(p, 'refresh_token'), info.now))],
  ]);
}
