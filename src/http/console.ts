import express, { type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { errName, field, formBody, peopleKit } from './people.js';
import { requestInfo } from './request-context.js';
import { issueForSession } from '../sso/issue.js';
import { SignInError } from '../sso/types.js';
import { isAwsError } from '../errors/index.js';
import { consoleMessage } from '../web/console/sections-layout.js';
import { consoleSections2, consoleStateKey } from '../web/console/sections-router.js';

/**
 * "Open console" and the console's entry:
 *   POST /console/role  (the portal's form: role_arn + csrf) → issueForSession(via 'console') →
 *                       the console state {accessKeyId, sessionToken, roleArn, assumedRoleArn,
 *                       expiration} (never the secret) under console:<loginSessionId>, TTL = the
 *                       credentials' expiry → 303 /console
 *   GET  /console       → the first section, or /portal?notice=console_ended without a live state
 * A refusal of issuing (AccessDenied with AWS's message, ValidationError…) is a page with AWS's
 * code and message and its status; issueForSession has audited it. Bad input: 4xx, never a 500.
 */
const PATHS = /^\/console(?:\/role)?\/?$/;
const MAX_ARN = 2048;

export function consoleRouter(services: Services): express.Router {
  const kit = peopleKit(services);
  const r = express.Router({ caseSensitive: true });
  r.use(kit.securityHeaders(PATHS));
  const first = consoleSections2[0]?.path ?? '/portal';

  r.get('/console', async (req, res) => {
    const s = await kit.signedIn(req, res);
    if (!s) return res.redirect(303, '/signin?return_to=/portal');
    const state = await services.cache.get(consoleStateKey(s.session.id));
    res.redirect(303, state ? first : '/portal?notice=console_ended');
  });

  r.post('/console/role', formBody(), async (req, res) => {
    const s = await kit.signedIn(req, res);
    if (!s) return res.redirect(303, '/signin?return_to=/portal');
    kit.requireCsrf(s.c, req, s.c.names.session);
    const roleArn = field(req.body, 'role_arn')?.trim() ?? '';
    if (roleArn === '' || roleArn.length > MAX_ARN) throw new SignInError('invalid_request', 'Choose a role on the portal to open the console with.', 400);
    const info = requestInfo(req, services);
    const out = await issueForSession(services, s.session, { roleArn, via: 'console' }, { ...info, requestId: s.c.requestId, now: s.c.now, sourceIp: s.c.sourceIp, userAgent: s.c.userAgent });
    const c = out.issued.credentials;
    const ttl = Math.max(1, Math.floor((c.Expiration.getTime() - s.c.now.getTime()) / 1000));
    await services.cache.set(
      consoleStateKey(s.session.id),
      JSON.stringify({ accessKeyId: c.AccessKeyId, sessionToken: c.SessionToken, roleArn: out.roleArn, assumedRoleArn: out.assumedRoleArn, expiration: c.Expiration.toISOString() }),
      ttl,
    );
    res.redirect(303, '/console');
  });

  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!PATHS.test(req.path)) return next(err);
    const back = { href: '/portal', text: 'Back to the portal' };
    if (res.headersSent) return;
    if (isAwsError(err) && (err.expose || err.code === 'ServiceUnavailable')) return kit.send(res, consoleMessage('Console not opened', `${err.code}: ${err.message}`, back, err.status));
    if (err instanceof SignInError) return kit.send(res, consoleMessage('Not accepted', err.message, back, err.status));
    const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
    if (status < 500 && err instanceof Error) return kit.send(res, consoleMessage('Not accepted', status === 413 ? 'The request is too large.' : 'The request could not be read.', back, status));
    services.logger.error({ err: errName(err), route: req.path }, 'console request failed');
    kit.send(res, consoleMessage('Something went wrong', 'The console could not be opened. Try again in a moment.', back, 500));
  });
  return r;
}
