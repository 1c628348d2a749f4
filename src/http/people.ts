import express, { type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { requestInfo } from './request-context.js';
import type { Page } from '../web/pages.js';
import { csrfToken, csrfValid } from '../sso/csrf.js';
import { LoginSessions } from '../sso/login-sessions.js';
import { SignInError, type LoginSession } from '../sso/types.js';
import type { SignInAuditFacts } from '../sso/audit.js';

/**
 * The kit every people router shares (sign-in, portal, device login, console): the request's
 * origin and cookies, the page sender, cookies, CSRF, the security headers and the signed-in
 * session. One place, so /portal and /console cannot drift from /signin on any of them.
 */
export const SESSION_COOKIE = '__Host-tessera-session';
export const FLOW_COOKIE = '__Host-tessera-flow';

export interface PeopleCtx extends SignInAuditFacts {
  origin: string;
  /** Tessera's base URL for this request (callback URLs). */
  base: string;
  secure: boolean;
  names: { session: string; flow: string };
  cookies: Record<string, string>;
}

/** A signed-in request: its context, the live login session and the session cookie's secret. */
export interface SignedIn {
  c: PeopleCtx;
  session: LoginSession;
  secret: string;
  /** CSRF token of this session, for the page's forms. */
  csrf: string;
}

const loopbackHost = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::(\d{1,5}))?$/i;

export interface PeopleKit {
  sessions: LoginSessions;
  ctxOf(req: Request): PeopleCtx;
  send(res: Response, page: Page): void;
  setCookie(res: Response, c: PeopleCtx, name: string, value: string, opts: { sameSite: 'Lax' | 'None'; maxAge?: number }): void;
  clearCookie(res: Response, c: PeopleCtx, name: string): void;
  /** 403 SignInError('csrf') unless the form's `csrf` field belongs to this cookie. */
  requireCsrf(c: PeopleCtx, req: Request, cookieName: string): void;
  /** The live login session of this request, or null (cookie cleared when it named a dead one). */
  signedIn(req: Request, res: Response): Promise<SignedIn | null>;
  /**
   * Security headers for every response under `paths`. `scripts`: allow same-origin scripts
   * (`/assets/*.js`, e.g. the copy buttons); the sign-in pages run none.
   */
  securityHeaders(paths: RegExp, opts?: { scripts?: boolean }): express.RequestHandler;
}

export function peopleKit(services: Services): PeopleKit {
  const sessions = new LoginSessions(services);
  const configured = new URL(services.config.publicUrl);

  /** The origin this request is served under: TESSERA_PUBLIC_URL when set, else (dev) a loopback Host naming this very socket. */
  const ctxOf = (req: Request): PeopleCtx => {
    let base = services.config.publicUrl;
    if (!services.config.signIn.publicUrlSet) {
      const host = String(req.headers.host ?? '');
      const m = loopbackHost.exec(host);
      if (m && Number(m[1] ?? 80) === req.socket.localPort) base = `http://${host.toLowerCase()}`;
    }
    const u = new URL(base);
    const loopback = loopbackHost.test(u.host);
    const secure = u.protocol === 'https:' || loopback;
    const info = requestInfo(req, services);
    return {
      requestId: info.requestId,
      now: info.now,
      sourceIp: info.sourceIp,
      userAgent: info.userAgent,
      origin: u.origin,
      base: base.replace(/\/+$/, ''),
      secure,
      names: secure ? { session: SESSION_COOKIE, flow: FLOW_COOKIE } : { session: 'tessera-session', flow: 'tessera-flow' },
      cookies: parseCookies(req.headers.cookie),
    };
  };

  const send = (res: Response, page: Page) => {
    res.status(page.status).type('text/html; charset=utf-8').send(page.body);
  };

  const setCookie: PeopleKit['setCookie'] = (res, c, name, value, opts) => {
    const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly'];
    if (c.secure) parts.push('Secure', `SameSite=${opts.sameSite}`);
    else parts.push('SameSite=Lax');
    if (opts.maxAge !== undefined) parts.push(`Max-Age=${opts.maxAge}`);
    res.append('Set-Cookie', parts.join('; '));
  };
  const clearCookie: PeopleKit['clearCookie'] = (res, c, name) => {
    res.append('Set-Cookie', `${name}=; Path=/; HttpOnly${c.secure ? '; Secure' : ''}; SameSite=Lax; Max-Age=0`);
  };

  const requireCsrf: PeopleKit['requireCsrf'] = (c, req, cookieName) => {
    if (!csrfValid(services.masterKey, c.cookies[cookieName], field(req.body, 'csrf'))) {
      throw new SignInError('csrf', 'This form has expired or did not come from this site. Go back, reload the page and try again.', 403);
    }
  };

  const signedIn: PeopleKit['signedIn'] = async (req, res) => {
    const c = ctxOf(req);
    const secret = c.cookies[c.names.session];
    const session = await sessions.read(secret, c.now);
    if (!session) {
      if (secret !== undefined) clearCookie(res, c, c.names.session);
      return null;
    }
    return { c, session, secret: secret!, csrf: csrfToken(services.masterKey, secret!) };
  };

  const securityHeaders: PeopleKit['securityHeaders'] = (paths, opts = {}) => (req: Request, res: Response, next: NextFunction) => {
    if (!paths.test(req.path)) return next();
    const script = opts.scripts ? "script-src 'self'; " : '';
    res.set({
      'Content-Security-Policy': `default-src 'none'; ${script}style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    if (configured.protocol === 'https:' && services.config.signIn.publicUrlSet) res.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };

  return { sessions, ctxOf, send, setCookie, clearCookie, requireCsrf, signedIn, securityHeaders };
}

/** One string field of a urlencoded body; arrays (`a=1&a=2`), objects and absent are undefined. */
export function field(body: unknown, name: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    // The first occurrence wins (the most specific path comes first); values are base64url only.
    if (k !== '' && !(k in out) && /^[A-Za-z0-9_-]{0,128}$/.test(v)) out[k] = v;
  }
  return out;
}

/** An error by name and the start of its message, for logs (never a URL, body or secret). */
export const errName = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : typeof e);

/** The urlencoded body parser of every people form. */
export const formBody = () => express.urlencoded({ extended: false, limit: 256 * 1024, parameterLimit: 200 });
