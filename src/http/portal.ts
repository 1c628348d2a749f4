import express, { type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { Errors, isAwsError, type AwsError } from '../errors/index.js';
import type { RequestInfo } from '../protocols/operation.js';
import { errName, field, formBody, peopleKit, type PeopleCtx } from './people.js';
import { requestInfo } from './request-context.js';
import { issueForSession } from '../sso/issue.js';
import { cachedRoles, dropCachedRoles } from '../sso/portal.js';
import type { RoleRequestFacts } from '../sso/roles.js';
import { SignInError, type LoginSession } from '../sso/types.js';
import { credentialsPage, portalErrorPage, portalPage } from '../web/portal-pages.js';
import { PORTAL_JS } from '../web/scripts.js';

/**
 * The portal (issue 12): after sign-in, the roles this person may assume and their credentials.
 *
 *   GET  /portal[?q=]          the accounts and roles (src/sso/portal.ts `cachedRoles`; `q` filters by
 *                              name, account or description; at most SHOWN_ROLES on a page), each with a
 *                              duration choice, "Get credentials" and "Open console" (POST /console/role,
 *                              the console's route)
 *   POST /portal/credentials   role_arn, duration, csrf → `issueForSession(…, via: 'portal')` → the
 *                              credentials page (shell exports, credentials/config file blocks,
 *                              PowerShell; copy buttons) — a POST answer, never a URL or a cache entry
 *   GET  /assets/portal.js     the copy buttons (src/web/scripts.ts)
 *
 * Not signed in → 303 /signin?return_to=/portal. Every page: the kit's security headers and
 * `Cache-Control: no-store`; only the credentials page allows the same-origin script. The
 * refusals of issuing (AccessDenied, ValidationError, …) are STS's own AwsErrors, shown with
 * AWS's code and message on a page with their status; issueForSession has audited them, and the
 * cached role list of the session is dropped (what it showed was out of date).
 *
 * `?notice=` on /portal takes only the fixed codes of NOTICES (no text from a URL reaches a page).
 */
const PORTAL_PATHS = /^\/portal(?:\/|$)/i;
const MAX_ARN = 2048;

export const NOTICES: Record<string, string> = {
  console_ended: 'Your console session has ended (expired or revoked). Choose a role to open the console again.',
  console_refused: 'The console could not be opened for that role.',
};

export function portalRouter(services: Services): express.Router {
  const r = express.Router({ caseSensitive: true, strict: true });
  const kit = peopleKit(services);
  const body = formBody();

  r.use(kit.securityHeaders(PORTAL_PATHS));
  // The credentials page alone runs a script (its refusal pages do not).
  const allowScripts = kit.securityHeaders(/^/, { scripts: true });

  r.get('/assets/portal.js', (_req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' }).type('text/javascript; charset=utf-8').send(PORTAL_JS);
  });

  /** The request facts STS would decide with (the kit's id and clock, the transport as the Query adapter sees it). */
  const reqInfo = (req: Request, c: PeopleCtx): RequestInfo => {
    const info = requestInfo(req, services);
    return { requestId: c.requestId, now: c.now, sourceIp: c.sourceIp, userAgent: c.userAgent, region: info.region, secureTransport: info.secureTransport };
  };
  const factsOf = (info: RequestInfo): RoleRequestFacts => ({ now: info.now, sourceIp: info.sourceIp, userAgent: info.userAgent, secureTransport: info.secureTransport, region: info.region });

  const toSignIn = (res: Response) => res.redirect(303, '/signin?return_to=/portal');

  r.get('/portal', async (req, res) => {
    const s = await kit.signedIn(req, res);
    if (!s) return toSignIn(res);
    const roles = await cachedRoles(services, s.session, factsOf(reqInfo(req, s.c)));
    const n = req.query.notice;
    const notice = typeof n === 'string' && Object.hasOwn(NOTICES, n) ? NOTICES[n] : undefined;
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 128) : undefined;
    kit.send(res, portalPage({ ...whoOf(s.session), mfa: s.session.mfa.present, roles, csrf: s.csrf, notice, filter: q }));
  });
  r.get('/portal/', (_req, res) => res.redirect(303, '/portal'));
  // A reload or bookmark of the credentials page: the credentials are a POST's answer only.
  r.get('/portal/credentials', (_req, res) => res.redirect(303, '/portal'));

  r.post('/portal/credentials', body, async (req, res) => {
    const s = await kit.signedIn(req, res);
    if (!s) return toSignIn(res);
    kit.requireCsrf(s.c, req, s.c.names.session);
    const info = reqInfo(req, s.c);
    const roleArn = field(req.body, 'role_arn');
    const duration = field(req.body, 'duration');
    if (roleArn === undefined || roleArn === '') throw Errors.validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
    if (roleArn.length > MAX_ARN) throw Errors.validation(`1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ARN}`);
    let durationSeconds: number | undefined;
    if (duration !== undefined && duration !== '') {
      if (!/^\d{1,6}$/.test(duration)) throw Errors.validation("1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must be a whole number of seconds");
      durationSeconds = Number(duration);
    }
    let out;
    try {
      out = await issueForSession(services, s.session, { roleArn, durationSeconds, via: 'portal' }, info);
    } catch (e) {
      await dropCachedRoles(services, s.session.id);
      throw e;
    }
    const c = out.issued.credentials;
    allowScripts(req, res, () => {});
    kit.send(
      res,
      credentialsPage({
        roleName: out.roleName,
        roleArn: out.roleArn,
        accountId: out.accountId,
        assumedRoleArn: out.assumedRoleArn,
        sessionName: out.sessionName,
        durationSeconds: out.durationSeconds,
        expiration: c.Expiration,
        mfa: s.session.mfa.present,
        endpoint: s.c.base,
        credentials: { AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken },
        csrf: s.csrf,
      }),
    );
  });

  // Nothing matched under /portal: our 404 page (with the headers above), not the API's JSON.
  r.use((req, _res, next) => {
    if (!PORTAL_PATHS.test(req.path)) return next();
    next(new SignInError('invalid_request', 'There is no such page.', 404));
  });

  // Refusals: a page with AWS's code and message; never a 500 for what a client sent.
  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!PORTAL_PATHS.test(req.path)) return next(err);
    const c = kit.ctxOf(req);
    let code: string;
    let message: string;
    let status: number;
    if (isAwsError(err) && (err.expose || err.code === 'ServiceUnavailable')) {
      ({ code, message, status } = shown(err));
    } else if (err instanceof SignInError) {
      ({ reason: code, message, status } = err);
    } else {
      const s = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
      if (s >= 500 || !(err instanceof Error)) {
        services.logger.error({ err: errName(err), requestId: c.requestId, route: req.path }, 'portal request failed');
        ({ code, message, status } = { code: 'InternalFailure', message: 'Something went wrong on our side. Try again in a moment.', status: 500 });
      } else {
        // Express / body-parser client errors: too large, malformed encoding, bad charset.
        ({ code, message, status } = { code: 'BadRequest', message: s === 413 ? 'The request is too large.' : 'The request could not be read.', status: s });
      }
    }
    if (res.headersSent) return;
    kit.send(res, portalErrorPage({ code, message, requestId: c.requestId, status, signedIn: c.cookies[c.names.session] !== undefined }));
  });

  return r;
}

const shown = (e: AwsError) => ({ code: e.code, message: e.code === 'ServiceUnavailable' ? 'Tessera cannot issue credentials right now. Try again in a moment.' : e.message, status: e.status });

function whoOf(s: LoginSession): { who: string; via: string } {
  const p = s.principal;
  if (p.kind === 'iam-user') return { who: `${p.userName} (${p.accountId})`, via: 'IAM user' };
  return { who: p.identity.email ?? p.identity.displayName ?? p.identity.subject, via: p.connectorId };
}
