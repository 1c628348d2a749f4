import express, { type Request, type Response } from 'express';
import type { Services } from '../../services.js';
import { field, formBody, peopleKit, errName } from '../../http/people.js';
import { requestInfo } from '../../http/request-context.js';
import { SignInError } from '../../sso/types.js';
import { isAwsError } from '../../errors/index.js';
import { auditSection } from '../../console/sections/audit.js';
import { connectorsSection } from '../../console/sections/connectors.js';
import { mfaSection } from '../../console/sections/mfa.js';
import { providersSection } from '../../console/sections/providers.js';
import { sessionsSection } from '../../console/sections/sessions.js';
import { groupsSection, policiesSection, rolesSection, usersSection } from '../../console/sections/iam.js';
import type { Section, SectionCx } from '../../console/sections/kit.js';
import { callAsRoleSession } from './sections-bridge.js';
import { CONSOLE_SECTIONS_CSS, consoleFrame, consoleMessage } from './sections-layout.js';

/** The console's sections, in navigation order. */
export const consoleSections2: readonly Section[] = [usersSection, groupsSection, rolesSection, policiesSection, providersSection, connectorsSection, sessionsSection, mfaSection, auditSection];

/** The console state the "Open console" step stores under `console:<loginSessionId>` (never the secret). */
interface ConsoleState {
  accessKeyId: string;
  sessionToken: string;
  roleArn: string;
  assumedRoleArn: string;
  expiration: string;
}
export const consoleStateKey = (loginSessionId: string) => `console:${loginSessionId}`;
const flashKey = (loginSessionId: string) => `console-flash:${loginSessionId}`;

const PATHS = /^\/console(?:\/|$)|^\/assets\/console-sections\.css$/;

/**
 * /console/providers, /console/connectors, /console/sessions, /console/mfa, /console/audit.
 * Each request: the signed-in login session → its console role session (the cache entry the
 * "Open console" step wrote) → `services.credentials.resolve` (expiry, revocation, a deleted
 * role: a revoked console session stops at once) → the section's calls as that caller. GET pages;
 * POST mutations with CSRF, then Post/Redirect/Get with a flash message.
 */
export function consoleSectionsRouter(services: Services): express.Router {
  const kit = peopleKit(services);
  const router = express.Router();
  router.use(kit.securityHeaders(PATHS));
  router.get('/assets/console-sections.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(CONSOLE_SECTIONS_CSS);
  });
  const body = formBody();
  const nav = consoleSections2.map((s) => ({ id: s.id, title: s.title, path: s.path }));

  for (const section of consoleSections2) {
    for (const route of section.routes) {
      const handler = async (req: Request, res: Response) => {
        const who = await kit.signedIn(req, res);
        if (!who) return res.redirect(303, `/signin?return_to=${encodeURIComponent(req.originalUrl.startsWith('/console/') && route.method === 'GET' ? req.originalUrl : section.path)}`);
        if (route.method === 'POST') kit.requireCsrf(who.c, req, who.c.names.session);
        const raw = await services.cache.get(consoleStateKey(who.session.id));
        let state: ConsoleState | undefined;
        try {
          const v: unknown = raw ? JSON.parse(raw) : undefined;
          // Only a well-formed state is a console session (an older/foreign shape is "ended", never a 500).
          const o = v as Partial<Record<keyof ConsoleState, unknown>> | null | undefined;
          state = o && typeof o === 'object' && typeof o.accessKeyId === 'string' && typeof o.sessionToken === 'string' && typeof o.assumedRoleArn === 'string' ? (o as ConsoleState) : undefined;
        } catch {
          state = undefined;
        }
        const now = who.c.now;
        // Expired, revoked, or its role deleted: resolve answers null or refuses (InvalidClientTokenId…).
        const resolved = state ? await services.credentials.resolve(state.accessKeyId, state.sessionToken, now).catch((e: unknown) => (isAwsError(e) && e.status < 500 ? null : Promise.reject(e))) : null;
        if (!state || !resolved) {
          return kit.send(res, consoleMessage('Console session ended', 'Your console role session has ended (expired or revoked), or none was opened. Open the console again for a role from the portal.', { href: '/portal', text: 'Back to the portal' }, 401));
        }
        const info = requestInfo(req, services);
        const source = route.method === 'POST' ? req.body : req.query;
        const cx: SectionCx = {
          csrf: who.csrf,
          accountId: resolved.caller.accountId,
          loginSessionId: who.session.id,
          now,
          field: (name) => field(source, name),
          call: async <T>(action: string, params: Record<string, string | undefined>) =>
            (await callAsRoleSession(services, {
              caller: resolved.caller,
              accessKeyId: state.accessKeyId,
              // One request id per call: each call is its own audit event.
              info: { ...info, requestId: services.random.uuid(), now: services.now() },
              action,
              params,
              auditExtra: { via: 'console', loginSessionId: who.session.id },
            })) as T,
        };
        const result = await route.handle(cx);
        if (result.kind === 'redirect') {
          await services.cache.set(flashKey(who.session.id), JSON.stringify({ text: result.flash, error: result.error === true }), 60);
          return res.redirect(303, result.to);
        }
        let flash: { text: string; error: boolean } | undefined;
        if (route.method === 'GET') {
          const f = await services.cache.get(flashKey(who.session.id));
          if (f) {
            await services.cache.del(flashKey(who.session.id));
            try {
              flash = JSON.parse(f) as { text: string; error: boolean };
            } catch {
              flash = undefined;
            }
          }
        }
        kit.send(res, consoleFrame({ title: result.title, content: result.content, status: result.status ?? 200, current: section.id, nav, flash, assumedRoleArn: state.assumedRoleArn }));
      };
      const wrapped = (req: Request, res: Response) => {
        handler(req, res).catch((err: unknown) => {
          if (err instanceof SignInError) return kit.send(res, consoleMessage('Not accepted', err.message, { href: section.path, text: 'Back' }, err.status));
          services.logger.error({ err: errName(err), route: route.path }, 'console request failed');
          if (!res.headersSent) kit.send(res, consoleMessage('Something went wrong', 'The console could not complete this request. Try again.', { href: section.path, text: 'Back' }, 500));
        });
      };
      if (route.method === 'GET') router.get(route.path, wrapped);
      else router.post(route.path, body, wrapped);
    }
  }
  return router;
}
