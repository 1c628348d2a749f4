import express, { type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { addressKey } from '../sso/address.js';
import type { ConnectorRuntime, SignInConnector } from '../federation/connector.js';
import { errName, field, formBody, peopleKit, SESSION_COOKIE, FLOW_COOKIE, type PeopleCtx } from './people.js';
import { STYLESHEET } from '../web/stylesheet.js';
import * as pages from '../web/pages.js';
import type { Page, SessionView } from '../web/pages.js';
import { safeReturnTo, DEFAULT_RETURN_TO } from '../sso/return-to.js';
import { csrfToken } from '../sso/csrf.js';
import { principalArnOf, principalKeyOf, accountOf } from '../sso/login-sessions.js';
import { bindingOf, isToken, newToken, saveFlow, takeFlow, type FlowRecord } from '../sso/flow-state.js';
import { dropPending, loadPending, savePending, type PendingSignIn } from '../sso/pending.js';
import { changeRequiredPassword, checkLocalMfa, checkLocalPassword, SignInLockedError } from '../sso/local.js';
import { assertStableSubject, checkSignInCode, completeEnrolment, enrolmentView, hasSignInMfa, newEnrolment, useRecoveryCode } from '../sso/signin-mfa.js';
import { auditSignIn, type SignInAuditFacts } from '../sso/audit.js';
import { SignInError, storeIdentity, type LoginSession, type MfaState, type SignedInPrincipal } from '../sso/types.js';

/**
 * The sign-in router (issue 11): the pages people see and the connector callbacks.
 *
 *   GET  /signin                 choose a connector or the local form
 *   GET  /signin/local           IAM user password form; POST checks it
 *   GET|POST /signin/mfa         TOTP step; /signin/mfa/enrol enrolment; /signin/recovery recovery code
 *   GET|POST /signin/password    required password change (before a session exists)
 *   GET  /signin/<id>            start: new flow state → connector.beginLogin → 302 upstream
 *   GET|POST /signin/<id>/callback  the upstream's answer (OIDC redirect_uri, SAML ACS)
 *   GET  /signin/<id>/metadata   SAML SP metadata
 *   GET  /session                who is signed in; POST /signout, POST /signout/everywhere; GET /signed-out
 *
 * Cookies: `__Host-tessera-session` (the login session's secret; HttpOnly, Secure, SameSite=Lax,
 * Path=/, no Domain) and `__Host-tessera-flow` (pre-auth: binds a flow's state and the pending
 * steps to this browser, and keys the CSRF tokens of the pre-auth forms). The flow cookie is
 * SameSite=None because a SAML IdP answers with a cross-site POST, on which a Lax cookie is not
 * sent; the binding and CSRF tokens, not SameSite, are what protect it. The __Host- prefix needs
 * Secure, which browsers honour on https and on http://localhost / 127.0.0.1 (Chromium treats
 * loopback as a secure context; test/sso/cookies.browser.test.ts checks it). Served over plain
 * http on any other host (a misconfiguration outside dev), the cookies drop the prefix and Secure.
 *
 * Request URLs of /signin/<id>/callback (the OIDC `code`) and bodies (SAMLResponse) are never
 * logged: nothing here logs a URL, and errors are logged by name only.
 */
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const RESERVED = new Set(['local', 'mfa', 'recovery', 'password']);
/**
 * Everything under these prefixes is this router's: the security headers, the HTML error page and
 * a 404 page for what no route matches. Case-insensitive and trailing-slash tolerant on purpose:
 * the routes themselves are exact (caseSensitive, strict), so `/SESSION` or `/session/` is a 404
 * page here, never a page served without its CSP or an error handed to the JSON API renderer.
 */
const SECURITY_PATHS = /^\/(?:signin|session|signout|signed-out|assets)(?:\/|$)/i;

export { SESSION_COOKIE, FLOW_COOKIE };
type Ctx = PeopleCtx;

export function signInRouter(services: Services): express.Router {
  const r = express.Router({ caseSensitive: true, strict: true });
  const kit = peopleKit(services);
  const { sessions, ctxOf, send, setCookie, clearCookie, requireCsrf } = kit;
  const body = formBody();

  /** A fresh flow cookie for this browser (SameSite=None: a SAML IdP answers with a cross-site POST). */
  const issueFlow = (res: Response, c: Ctx): string => {
    const v = newToken(services);
    setCookie(res, c, c.names.flow, v, { sameSite: 'None', maxAge: 3600 });
    c.cookies[c.names.flow] = v;
    return v;
  };

  /** This browser's flow cookie, set when absent. */
  const flowCookie = (res: Response, c: Ctx): string => {
    const have = c.cookies[c.names.flow];
    return isToken(have) ? have : issueFlow(res, c);
  };

  /**
   * A NEW flow cookie, for the moment a first factor is proven and a pending sign-in is stored
   * under it: whoever knew or planted the pre-auth cookie (a shared computer, a cookie set over
   * plain http by a sibling host) cannot continue the pending steps — above all the enrolment,
   * which shows the new authenticator's seed. The pre-auth counterpart of a new session id.
   */
  const rotateFlow = async (res: Response, c: Ctx): Promise<string> => {
    const old = c.cookies[c.names.flow];
    if (old) await dropPending(services, old);
    return issueFlow(res, c);
  };

  // ── security headers on every page of this router ──────────────────────────────────────────
  r.use(kit.securityHeaders(SECURITY_PATHS));

  r.get('/assets/tessera.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('text/css; charset=utf-8').send(STYLESHEET);
  });

  // ── finishing a sign-in ────────────────────────────────────────────────────────────────────
  const finish = async (res: Response, c: Ctx, principal: SignedInPrincipal, mfa: MfaState, returnTo: string, via: string): Promise<LoginSession> => {
    const { secret, session } = await sessions.create(principal, mfa, c, c.cookies[c.names.session]);
    setCookie(res, c, c.names.session, secret, { sameSite: 'Lax' });
    const flow = c.cookies[c.names.flow];
    if (flow) await dropPending(services, flow);
    await auditSignIn(services, c, {
      action: 'SignIn',
      outcome: 'success',
      accountId: accountOf(principal),
      principalArn: principalArnOf(principal),
      ...(principal.kind === 'federated' ? { connectorId: principal.connectorId, subject: principal.identity.subject } : { subject: principal.userName, principalId: principal.userId }),
      detail: { method: via, loginSessionId: session.id, mfa: mfa.present ? (mfa.method ?? 'yes') : 'no' },
    });
    return session;
  };

  const who = (p: SignedInPrincipal) =>
    p.kind === 'iam-user'
      ? { accountId: p.accountId, principalArn: p.arn, subject: p.userName }
      : { accountId: accountOf(p), principalArn: p.identity.providerArn, connectorId: p.connectorId, subject: p.identity.subject };
  const whoLabel = (p: SignedInPrincipal) => (p.kind === 'iam-user' ? `${p.userName} (${p.accountId})` : (p.identity.email ?? p.identity.displayName ?? p.identity.subject));

  const nextStep = (p: PendingSignIn) => (p.step === 'password-change' ? '/signin/password' : p.step === 'enrol' ? '/signin/mfa/enrol' : '/signin/mfa');

  // ── choose ─────────────────────────────────────────────────────────────────────────────────
  r.get('/signin', async (req, res) => {
    const c = ctxOf(req);
    flowCookie(res, c);
    const list = await services.connectors.list();
    send(res, pages.choosePage({ connectors: list, returnTo: safeReturnTo(req.query.return_to, c.origin) }));
  });

  // Routes are strict: the one trailing-slash spelling people type is sent to the page.
  r.get('/signin/', (_req, res) => res.redirect(303, '/signin'));

  // ── local ──────────────────────────────────────────────────────────────────────────────────
  r.get('/signin/local', (req, res) => {
    const c = ctxOf(req);
    const flow = flowCookie(res, c);
    send(res, pages.passwordPage({ csrf: csrfToken(services.masterKey, flow), returnTo: safeReturnTo(req.query.return_to, c.origin), account: '', userName: '' }));
  });

  r.post('/signin/local', body, async (req, res) => {
    const c = ctxOf(req);
    requireCsrf(c, req, c.names.flow);
    const flow = c.cookies[c.names.flow]!;
    const returnTo = safeReturnTo(field(req.body, 'return_to'), c.origin);
    // Names reach the throttle's subjects and the audit log (Postgres text / jsonb): no U+0000 there (it was a 500).
    const account = noNul(field(req.body, 'account') ?? '').slice(0, 63);
    const userName = noNul(field(req.body, 'username') ?? '').slice(0, 64);
    const password = field(req.body, 'password') ?? '';
    let result;
    try {
      result = await checkLocalPassword(services, c, { account, userName, password });
    } catch (e) {
      if (e instanceof SignInError && e.reason === 'bad_credentials') {
        return send(res, pages.passwordPage({ csrf: csrfToken(services.masterKey, flow), returnTo, account, userName, error: e.message, status: 401 }));
      }
      throw e;
    }
    const pending: PendingSignIn = {
      principal: result.principal,
      returnTo,
      // The second factor first, then a required password change (never the change on the password alone).
      step: result.mfaSerial ? 'mfa' : 'password-change',
      factor: result.mfaSerial ? { kind: 'iam-device', serialNumber: result.mfaSerial } : undefined,
      passwordChange: result.resetRequired,
      createdAt: c.now.toISOString(),
    };
    if (!result.resetRequired && !result.mfaSerial) {
      await finish(res, c, result.principal, { present: false }, returnTo, 'password');
      return res.redirect(303, returnTo);
    }
    await savePending(services, await rotateFlow(res, c), pending);
    res.redirect(303, nextStep(pending));
  });

  // ── required password change ───────────────────────────────────────────────────────────────
  r.get('/signin/password', async (req, res) => {
    const c = ctxOf(req);
    const flow = c.cookies[c.names.flow];
    const p = await loadPending(services, flow, 'password-change');
    send(res, pages.passwordChangePage({ csrf: csrfToken(services.masterKey, flow!), who: p.principal.kind === 'iam-user' ? p.principal.userName : '' }));
  });

  r.post('/signin/password', body, async (req, res) => {
    const c = ctxOf(req);
    requireCsrf(c, req, c.names.flow);
    const flow = c.cookies[c.names.flow]!;
    const p = await loadPending(services, flow, 'password-change');
    if (p.principal.kind !== 'iam-user') throw new SignInError('invalid_request', 'No password to change.');
    try {
      await changeRequiredPassword(services, c, p.principal, {
        oldPassword: field(req.body, 'old_password') ?? '',
        newPassword: field(req.body, 'new_password') ?? '',
        confirm: field(req.body, 'confirm_password') ?? '',
      });
    } catch (e) {
      if (e instanceof SignInError && (e.reason === 'bad_credentials' || e.reason === 'password_reset_required')) {
        return send(res, pages.passwordChangePage({ csrf: csrfToken(services.masterKey, flow), who: p.principal.userName, error: e.message, status: e.status }));
      }
      throw e;
    }
    if (p.factor && !p.mfa) throw new SignInError('session_expired', 'This sign-in has expired or was already completed. Sign in again.', 400);
    await finish(res, c, p.principal, p.mfa ?? { present: false }, p.returnTo, p.mfa ? 'password+totp' : 'password');
    res.redirect(303, p.returnTo);
  });

  // ── MFA code ───────────────────────────────────────────────────────────────────────────────
  r.get('/signin/mfa', async (req, res) => {
    const c = ctxOf(req);
    const flow = c.cookies[c.names.flow];
    const p = await loadPending(services, flow, 'mfa');
    send(res, pages.mfaCodePage({ csrf: csrfToken(services.masterKey, flow!), who: whoLabel(p.principal), recovery: p.factor?.kind === 'signin' }));
  });

  r.post('/signin/mfa', body, async (req, res) => {
    const c = ctxOf(req);
    requireCsrf(c, req, c.names.flow);
    const flow = c.cookies[c.names.flow]!;
    const p = await loadPending(services, flow, 'mfa');
    const code = (field(req.body, 'code') ?? '').trim();
    try {
      if (p.factor?.kind === 'iam-device' && p.principal.kind === 'iam-user') await checkLocalMfa(services, c, p.principal, p.factor.serialNumber, code);
      else if (p.factor?.kind === 'signin') await checkSignInCode(services, c, principalKeyOf(p.principal), code, who(p.principal));
      else throw new SignInError('invalid_request', 'No MFA step is pending.');
    } catch (e) {
      if (e instanceof SignInError && (e.reason === 'mfa_invalid' || e.reason === 'mfa_replayed')) {
        return send(res, pages.mfaCodePage({ csrf: csrfToken(services.masterKey, flow), who: whoLabel(p.principal), recovery: p.factor?.kind === 'signin', error: e.message, status: 401 }));
      }
      throw e;
    }
    const mfa: MfaState = { present: true, method: 'totp', authTime: c.now.toISOString() };
    if (p.passwordChange) {
      const next: PendingSignIn = { ...p, step: 'password-change', mfa };
      await savePending(services, flow, next);
      return res.redirect(303, nextStep(next));
    }
    await finish(res, c, p.principal, mfa, p.returnTo, p.principal.kind === 'iam-user' ? 'password+totp' : 'federated+totp');
    res.redirect(303, p.returnTo);
  });

  // ── MFA enrolment (federated, connector requires MFA) ─────────────────────────────────────
  const enrolPage = async (c: Ctx, flow: string, p: PendingSignIn, error?: SignInError) => {
    const view = await enrolmentView(services, principalKeyOf(p.principal), p.enrolSeedSealed!, `${whoLabel(p.principal)}`);
    return pages.mfaEnrolPage({ csrf: csrfToken(services.masterKey, flow), who: whoLabel(p.principal), ...view, error: error?.message, status: error ? error.status : 200 });
  };

  r.get('/signin/mfa/enrol', async (req, res) => {
    const c = ctxOf(req);
    const flow = c.cookies[c.names.flow];
    const p = await loadPending(services, flow, 'enrol');
    send(res, await enrolPage(c, flow!, p));
  });

  r.post('/signin/mfa/enrol', body, async (req, res) => {
    const c = ctxOf(req);
    requireCsrf(c, req, c.names.flow);
    const flow = c.cookies[c.names.flow]!;
    const p = await loadPending(services, flow, 'enrol');
    let codes: string[];
    try {
      codes = await completeEnrolment(services, c, principalKeyOf(p.principal), p.enrolSeedSealed!, (field(req.body, 'code1') ?? '').trim(), (field(req.body, 'code2') ?? '').trim(), who(p.principal));
    } catch (e) {
      if (e instanceof SignInError && e.reason === 'mfa_invalid') return send(res, await enrolPage(c, flow, p, e));
      throw e;
    }
    await finish(res, c, p.principal, { present: true, method: 'totp', authTime: c.now.toISOString() }, p.returnTo, 'federated+totp-enrol');
    send(res, pages.recoveryCodesPage({ codes, continueTo: p.returnTo }));
  });

  // ── recovery code ──────────────────────────────────────────────────────────────────────────
  r.get('/signin/recovery', async (req, res) => {
    const c = ctxOf(req);
    const flow = c.cookies[c.names.flow];
    const p = await loadPending(services, flow, 'mfa');
    if (p.factor?.kind !== 'signin') throw new SignInError('invalid_request', 'Recovery codes are for identities whose authenticator Tessera keeps.');
    send(res, pages.recoveryPage({ csrf: csrfToken(services.masterKey, flow!), who: whoLabel(p.principal) }));
  });

  r.post('/signin/recovery', body, async (req, res) => {
    const c = ctxOf(req);
    requireCsrf(c, req, c.names.flow);
    const flow = c.cookies[c.names.flow]!;
    const p = await loadPending(services, flow, 'mfa');
    if (p.factor?.kind !== 'signin') throw new SignInError('invalid_request', 'Recovery codes are for identities whose authenticator Tessera keeps.');
    try {
      await useRecoveryCode(services, c, principalKeyOf(p.principal), (field(req.body, 'recovery_code') ?? '').trim(), who(p.principal));
    } catch (e) {
      if (e instanceof SignInError && e.reason === 'mfa_invalid') return send(res, pages.recoveryPage({ csrf: csrfToken(services.masterKey, flow), who: whoLabel(p.principal), error: e.message, status: 401 }));
      throw e;
    }
    await finish(res, c, p.principal, { present: true, method: 'recovery', authTime: c.now.toISOString() }, p.returnTo, 'federated+recovery');
    res.redirect(303, p.returnTo);
  });

  // ── connectors ─────────────────────────────────────────────────────────────────────────────
  const connectorOf = async (id: unknown): Promise<SignInConnector> => {
    const notFound = new SignInError('invalid_request', 'There is no such way to sign in.', 404);
    if (typeof id !== 'string' || !ID.test(id) || RESERVED.has(id)) throw notFound;
    const conn = await services.connectors.get(id);
    if (!conn) throw notFound;
    return conn;
  };
  const runtime = (c: Ctx, id: string): ConnectorRuntime => ({ now: c.now, callbackUrl: `${c.base}/signin/${id}/callback` });

  r.get('/signin/:id', async (req, res) => {
    const c = ctxOf(req);
    const conn = await connectorOf(req.params.id);
    // Starting is unauthenticated and costs a cache write (and a signature for signed SAML
    // requests): bounded per source address, a fixed one-minute window shared by the replicas.
    const starts = await services.cache.incr(`signin-starts:${addressKey(c.sourceIp)}`, 60);
    if (starts > services.config.signIn.startsPerMinute) {
      throw new SignInError('too_many_starts', 'Too many sign-ins were started from your address. Wait a minute, then try again.', 429);
    }
    const had = isToken(c.cookies[c.names.flow]);
    const flow = flowCookie(res, c);
    // The flow is bound to this cookie: it must outlive the flow (10 min), however old the cookie is.
    if (had) setCookie(res, c, c.names.flow, flow, { sameSite: 'None', maxAge: 3600 });
    const state = newToken(services);
    const returnTo = safeReturnTo(req.query.return_to, c.origin);
    let begun;
    try {
      begun = await conn.login.beginLogin(runtime(c, conn.id), state);
    } catch (e) {
      throw upstream(e, conn.id);
    }
    const rec: Omit<FlowRecord, 'createdAt'> = { connectorId: conn.id, returnTo, remember: begun.remember, binding: bindingOf(flow) };
    await saveFlow(services, state, rec, c.now);
    res.redirect(302, begun.redirectUrl);
  });

  r.get('/signin/:id/metadata', async (req, res) => {
    const c = ctxOf(req);
    const conn = await connectorOf(req.params.id);
    if (!conn.spMetadata) throw new SignInError('invalid_request', 'This connector has no service-provider metadata.', 404);
    res.set('Cache-Control', 'public, max-age=300').type('application/samlmetadata+xml; charset=utf-8').send(conn.spMetadata(runtime(c, conn.id)));
  });

  const callback = async (req: Request, res: Response) => {
    const c = ctxOf(req);
    const conn = await connectorOf(req.params.id);
    const query = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
    const form: Record<string, string> = {};
    if (req.method === 'POST' && req.body && typeof req.body === 'object') {
      for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) if (typeof v === 'string') form[k] = v;
    }
    const sp = conn.login.stateParam;
    const state = sp.in === 'query' ? (query.getAll(sp.name).length === 1 ? query.get(sp.name) : null) : form[sp.name];
    const rt = runtime(c, conn.id);
    const cb = { method: req.method, query, body: req.method === 'POST' ? form : {} };
    let rec: FlowRecord | null;
    try {
      rec = await takeFlow(services, state ?? undefined, c.cookies[c.names.flow], conn.id, c.now);
    } catch (e) {
      // A SAML POST that answers no request of ours: IdP-initiated, only where enabled.
      const unsolicited = e instanceof SignInError && (e.reason === 'state_missing' || e.reason === 'state_unknown') && req.method === 'POST' && sp.in === 'body';
      if (!unsolicited) throw withConnector(e, conn.id);
      if (!conn.capabilities.includes('idp-initiated')) {
        throw withConnector(new SignInError('unsolicited_response', 'This sign-in response does not answer a sign-in started here, and this connector does not accept IdP-initiated sign-in. Start signing in from Tessera.'), conn.id);
      }
      rec = null;
    }
    let identity;
    try {
      identity = await conn.login.completeLogin(rt, cb, rec ? rec.remember : null);
    } catch (e) {
      throw upstream(e, conn.id);
    }
    const principal: SignedInPrincipal = { kind: 'federated', connectorId: conn.id, connectorType: conn.type, identity: storeIdentity(identity) };
    const returnTo = rec ? rec.returnTo : DEFAULT_RETURN_TO;
    // A second factor is due when the connector or the installation requires one and the IdP did
    // not assert it (amr / AuthnContextClassRef): Tessera's TOTP, enrolled at first sign-in.
    if ((conn.requireMfa || services.config.signIn.requireMfa) && !identity.upstreamMfa) {
      try {
        assertStableSubject(principal);
      } catch (e) {
        throw withConnector(e, conn.id);
      }
      const flow = await rotateFlow(res, c);
      const key = principalKeyOf(principal);
      const enrolled = await hasSignInMfa(services, key);
      const pending: PendingSignIn = {
        principal,
        returnTo,
        step: enrolled ? 'mfa' : 'enrol',
        factor: { kind: 'signin' },
        ...(enrolled ? {} : { enrolSeedSealed: (await newEnrolment(services, key)).sealed }),
        createdAt: c.now.toISOString(),
      };
      await savePending(services, flow, pending);
      await auditSignIn(services, c, { action: 'FederatedAuthentication', outcome: 'success', ...who(principal), detail: { next: pending.step } });
      return res.redirect(303, nextStep(pending));
    }
    const mfa: MfaState = identity.upstreamMfa ? { present: true, method: 'upstream', authTime: identity.upstreamMfa.authTime.toISOString() } : { present: false };
    await finish(res, c, principal, mfa, returnTo, rec ? 'federated' : 'federated-idp-initiated');
    res.redirect(303, returnTo);
  };
  r.get('/signin/:id/callback', callback);
  r.post('/signin/:id/callback', body, callback);

  // ── the session ────────────────────────────────────────────────────────────────────────────
  r.get('/session', async (req, res) => {
    const c = ctxOf(req);
    const session = await sessions.read(c.cookies[c.names.session], c.now);
    if (!session) {
      if (c.cookies[c.names.session] !== undefined) clearCookie(res, c, c.names.session);
      return res.redirect(303, '/signin');
    }
    send(res, pages.sessionPage({ view: sessionView(session, c.now), csrf: csrfToken(services.masterKey, c.cookies[c.names.session]!) }));
  });

  r.post('/signout', body, async (req, res) => {
    const c = ctxOf(req);
    requireCsrf(c, req, c.names.session);
    const secret = c.cookies[c.names.session]!;
    const ended = await sessions.endBySecret(secret, c.now);
    clearCookie(res, c, c.names.session);
    if (ended) await auditSignIn(services, c, { action: 'SignOut', outcome: 'success', ...who(ended.principal), detail: { loginSessionId: ended.id } });
    res.redirect(303, '/signed-out');
  });

  r.post('/signout/everywhere', body, async (req, res) => {
    const c = ctxOf(req);
    requireCsrf(c, req, c.names.session);
    const session = await sessions.read(c.cookies[c.names.session], c.now);
    clearCookie(res, c, c.names.session);
    if (session) {
      const ids = await sessions.revokeAllOf(principalKeyOf(session.principal), c.now);
      await auditSignIn(services, c, { action: 'SignOutEverywhere', outcome: 'success', ...who(session.principal), detail: { loginSessionIds: ids } });
    }
    res.redirect(303, '/signed-out');
  });

  r.get('/signed-out', (_req, res) => send(res, pages.signedOutPage()));

  // Nothing matched under the sign-in prefixes: a 404 page of ours (headers above), not the API's JSON.
  r.use((req, _res, next) => {
    if (!SECURITY_PATHS.test(req.path)) return next();
    next(new SignInError('invalid_request', 'There is no such page.', 404));
  });

  // ── refusals: a clear page, an audit event; never a 500 for what a client sent ────────────
  r.use(async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!SECURITY_PATHS.test(req.path)) return next(err);
    const c = ctxOf(req);
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    let e: SignInError;
    if (err instanceof SignInError) {
      e = err;
      if (e.reason === 'upstream_error') services.logger.warn({ err: errName(e.cause), requestId: c.requestId, connectorId: (err as { connectorId?: string }).connectorId }, 'sign-in upstream failure');
    }
    else if (!(err instanceof Error) || status >= 500) {
      services.logger.error({ err: errName(err), requestId: c.requestId, route: routeOf(req) }, 'sign-in request failed');
      e = new SignInError('invalid_request', 'Something went wrong on our side. Try again in a moment.', 500);
    } else {
      // Express / body-parser client errors: too large, malformed encoding, bad charset.
      e = new SignInError('invalid_request', status === 413 ? 'The request is too large.' : 'The request could not be read.', status);
    }
    const meta = err as { connectorId?: string };
    await auditSignIn(services, c, {
      action: 'SignIn',
      outcome: 'failure',
      reason: e.reason,
      ...(meta.connectorId ? { connectorId: meta.connectorId } : {}),
      detail: { route: routeOf(req) },
    }).catch((x: unknown) => services.logger.error({ err: errName(x) }, 'sign-in audit failed'));
    if (res.headersSent) return;
    if (e instanceof SignInLockedError) return send(res, pages.lockedPage({ until: e.until, requestId: c.requestId }));
    send(res, pages.errorPage({ reason: e.reason, message: e.message, requestId: c.requestId, status: e.status }));
  });

  return r;
}

/** The login session as /session shows it. */
export function sessionView(s: LoginSession, now: Date): SessionView {
  const p = s.principal;
  const age = s.mfa.present && s.mfa.authTime ? Math.max(0, Math.floor((now.getTime() - Date.parse(s.mfa.authTime)) / 1000)) : undefined;
  const mfa = { present: s.mfa.present, method: s.mfa.method, ageSeconds: age };
  if (p.kind === 'iam-user') return { id: s.id, kind: p.kind, principal: p.arn, groups: [], mfa, createdAt: s.createdAt, expiresAt: s.expiresAt };
  return {
    id: s.id,
    kind: p.kind,
    principal: p.identity.providerArn,
    provider: p.identity.providerArn,
    subject: p.identity.subject,
    connectorId: p.connectorId,
    displayName: p.identity.displayName,
    email: p.identity.email,
    groups: p.identity.groups,
    mfa,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
  };
}

const noNul = (s: string) => s.replace(/\u0000/g, '\ufffd');

/** The route without its query string (callback URLs carry codes). */
const routeOf = (req: Request) => req.path.replace(/^\/signin\/[^/]+\/callback$/, '/signin/:id/callback');

function withConnector(e: unknown, connectorId: string): unknown {
  if (e && typeof e === 'object') (e as { connectorId?: string }).connectorId = connectorId;
  return e;
}

/** A connector's failure: its SignInError as is; anything else is the upstream's fault (502), never its text. */
function upstream(e: unknown, connectorId: string): unknown {
  if (e instanceof SignInError) return withConnector(e, connectorId);
  const err = new SignInError('upstream_error', 'The identity provider could not be reached or gave an answer Tessera cannot use. Try again later.', 502, { cause: e });
  return withConnector(err, connectorId);
}
