import express, { type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { isAwsError } from '../errors/index.js';
import { errName, field, formBody, peopleKit, type SignedIn } from './people.js';
import { requestInfo } from './request-context.js';
import { issueForSession } from '../sso/issue.js';
import { cachedRoles, dropCachedRoles } from '../sso/portal.js';
import { sessionNameFor } from '../sso/principal.js';
import { SignInError, type LoginSession } from '../sso/types.js';
import { credentialsPage, portalPage } from '../web/portal-pages.js';
import { errorPage } from '../web/pages.js';
import { PORTAL_JS } from '../web/scripts.js';

/**
 * The portal (issue 12): what a signed-in person may assume, and credentials for it.
 *
 *   GET  /portal              the roles of rolesFor (cached per login session, src/sso/portal.ts),
 *                             by account, each with its description, maximum duration, a duration
 *                             choice, "Get credentials" and "Open console" (POST /console/role)
 *   POST /portal/credentials  role_arn + duration + csrf → issueForSession (src/sso/issue.ts: the
 *                             AssumeRole / AssumeRoleWith* path, its trust decision, MFA, audit)
 *                             → the credentials as shell exports, a credentials-file block and
 *                             PowerShell, with copy buttons (/assets/portal.js)
 *   GET  /assets/portal.js
 *
 * Not signed in → 303 /signin?return_to=/portal. Every response is no-store with the people
 * CSP (script-src 'self' for the copy buttons). A refusal is the portal page with AWS's message
 * (AccessDenied, ValidationError) and its status, never a 500; credentials never reach a URL, a
 * log or the audit record (which holds the access key id, session id and expiry only).
 */
const PATHS = /^\/(?:portal)(?:\/|$)/i;

export function portalRouter(services: Services): express.Router {
  const r = express.Router({ caseSensitive: true, strict: true });
  const kit = peopleKit(services);
  const body = formBody();

  r.use(kit.securityHeaders(PATHS, { scripts: true }));

  r.get('/assets/portal.js', (_req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' }).type('text/javascript; charset=utf-8').send(PORTAL_JS);
  });

  const signedInOrRedirect = async (req: Request, res: Response): Promise<SignedIn | null> => {
    const s = await kit.signedIn(req, res);
    if (!s) res.redirect(303, '/signin?return_to=%2Fportal');
    return s;
  };

  const facts = (req: Request) => {
    const info = requestInfo(req, services);
    return { now: info.now, sourceIp: info.sourceIp, userAgent: info.userAgent, secureTransport: info.secureTransport, region: info.region };
  };

  const view = async (req: Request, s: SignedIn, extra: { error?: string; notice?: string; status?: number } = {}) => {
    const offers = await cachedRoles(services, s.session, facts(req));
    return portalPage({ who: whoLabel(s.session), principal: principalLabel(s.session), mfa: s.session.mfa.present, offers, csrf: s.csrf, ...extra });
  };

  r.get('/portal', async (req, res) => {
    const s = await signedInOrRedirect(req, res);
    if (!s) return;
    kit.send(res, await view(req, s));
  });
  r.get('/portal/', (_req, res) => res.redirect(303, '/portal'));

  r.post('/portal/credentials', body, async (req, res) => {
    const s = await signedInOrRedirect(req, res);
    if (!s) return;
    kit.requireCsrf(s.c, req, s.c.names.session);
    const roleArn = field(req.body, 'role_arn') ?? '';
    const rawDuration = field(req.body, 'duration');
    const duration = rawDuration === undefined || rawDuration === '' ? undefined : /^\d{1,6}$/.test(rawDuration) ? Number(rawDuration) : NaN;
    const info = requestInfo(req, services);
    try {
      if (Number.isNaN(duration)) throw new SignInError('invalid_request', 'Choose a duration from the list.', 400);
      const out = await issueForSession(services, s.session, { roleArn, durationSeconds: duration, via: 'portal' }, info);
      const c = out.issued.credentials;
      kit.send(
        res,
        credentialsPage({
          roleArn: out.roleArn,
          assumedRoleArn: out.assumedRoleArn,
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
          durationSeconds: out.durationSeconds,
          endpoint: s.c.base,
          region: info.region,
          csrf: s.csrf,
        }),
      );
    } catch (e) {
      if (e instanceof SignInError) return kit.send(res, await view(req, s, { error: e.message, status: e.status }));
      if (!isAwsError(e)) throw e;
      if (e.code === 'AccessDenied') await dropCachedRoles(services, s.session.id);
      // AWS's own words (AccessDenied, ValidationError, …), with its status; 5xx keep theirs.
      kit.send(res, await view(req, s, { error: `${e.code}: ${e.message}`, status: e.status }));
    }
  });

  r.use((req, _res, next) => {
    if (!PATHS.test(req.path)) return next();
    next(new SignInError('invalid_request', 'There is no such page.', 404));
  });

  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!PATHS.test(req.path)) return next(err);
    const info = requestInfo(req, services);
    let status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    let message: string;
    let reason = 'invalid_request';
    if (err instanceof SignInError) {
      message = err.message;
      reason = err.reason;
      status = err.status;
    } else if (status >= 500 || !(err instanceof Error)) {
      services.logger.error({ err: errName(err), requestId: info.requestId, route: req.path }, 'portal request failed');
      message = 'Something went wrong on our side. Try again in a moment.';
      status = isAwsError(err) && err.status === 503 ? 503 : 500;
    } else {
      message = status === 413 ? 'The request is too large.' : 'The request could not be read.';
    }
    if (res.headersSent) return;
    kit.send(res, errorPage({ reason, message, requestId: info.requestId, status }));
  });

  return r;
}

function whoLabel(s: LoginSession): string {
  const p = s.principal;
  if (p.kind === 'iam-user') return p.userName;
  return p.identity.email ?? p.identity.displayName ?? sessionNameFor(p) ?? p.identity.subject;
}

function principalLabel(s: LoginSession): string {
  const p = s.principal;
  return p.kind === 'iam-user' ? p.arn : `${p.connectorId}: ${p.identity.subject}`;
}
