import type { ListLoginSessionsResponse } from '../../protocols/generated/iam.js';
import { query } from '../../web/console/admin-ui.js';
import { sessionsContent, type SessionFilters } from '../../web/console/sessions.js';
import { isoTime, mutate, page, redirect, refusal, type Section, type SectionCx, statusOf } from './kit.js';

const BACK = '/console/sessions';

function filtersOf(cx: SectionCx): SessionFilters {
  return { user: (cx.field('user') ?? '').trim(), connector: (cx.field('connector') ?? '').trim(), subject: (cx.field('subject') ?? '').trim(), ended: cx.field('ended') === 'true' };
}

/** The person a form names, as ListLoginSessions / RevokeLoginSessions take it. */
function person(cx: SectionCx): Record<string, string | undefined> {
  const user = cx.field('user')?.trim() || undefined;
  const subject = cx.field('subject')?.trim() || undefined;
  return {
    UserName: user,
    ConnectorId: cx.field('connector')?.trim() || undefined,
    ProviderArn: cx.field('provider')?.trim() || undefined,
    Subject: subject,
  };
}

/**
 * /console/sessions: login sessions (ListLoginSessions, RevokeLoginSession, RevokeLoginSessions)
 * and temporary-credential sessions (RevokeSession, RevokeRoleSessions) — all IAM-namespace
 * actions, called as the person's role session.
 */
export const sessionsSection: Section = {
  id: 'sessions',
  title: 'Sessions',
  path: BACK,
  routes: [
    {
      method: 'GET',
      path: BACK,
      async handle(cx) {
        const f = filtersOf(cx);
        const marker = cx.field('marker') || undefined;
        const view = { filters: f, csrf: cx.csrf, currentId: cx.loginSessionId, now: cx.now };
        try {
          const out = await cx.call<ListLoginSessionsResponse>('ListLoginSessions', {
            ...person(cx),
            IncludeEnded: f.ended ? 'true' : undefined,
            Marker: marker,
            MaxItems: '100',
          });
          const nextHref = out.IsTruncated && out.Marker ? `${BACK}${query({ user: f.user, connector: f.connector, subject: f.subject, ended: f.ended ? 'true' : undefined, marker: out.Marker })}` : undefined;
          return page('Sessions', sessionsContent({ ...view, sessions: out.LoginSessions, nextHref }));
        } catch (e) {
          const msg = refusal(e);
          return page('Sessions', sessionsContent({ ...view, sessions: [], error: msg }), statusOf(msg));
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/revoke`,
      handle: (cx) => {
        const id = cx.field('id') ?? '';
        return mutate(BACK, `Login session ${id} revoked: the person is signed out and its credentials no longer work.`, () => cx.call('RevokeLoginSession', { Id: id }));
      },
    },
    {
      method: 'POST',
      path: `${BACK}/revoke-person`,
      async handle(cx) {
        try {
          const out = await cx.call<{ RevokedSessionIds: string[] }>('RevokeLoginSessions', person(cx));
          return redirect(BACK, `${out.RevokedSessionIds.length} login session(s) revoked.`);
        } catch (e) {
          return redirect(BACK, refusal(e), true);
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/revoke-credentials`,
      handle: (cx) => {
        const key = cx.field('accessKeyId')?.trim() || undefined;
        const id = cx.field('sessionId')?.trim() || undefined;
        return mutate(BACK, `Session ${key ?? id ?? ''} revoked.`, () => cx.call('RevokeSession', { AccessKeyId: key, SessionId: id }));
      },
    },
    {
      method: 'POST',
      path: `${BACK}/revoke-role`,
      async handle(cx) {
        const role = cx.field('roleName')?.trim() ?? '';
        const before = isoTime(cx.field('issuedBefore'));
        if (before === null) return redirect(BACK, 'Issued before is not a date and time (ISO 8601, e.g. 2026-12-02T09:00:00Z).', true);
        return mutate(BACK, `Sessions of role ${role} issued before ${before ?? 'now'} revoked.`, () => cx.call('RevokeRoleSessions', { RoleName: role, IssuedBefore: before }));
      },
    },
  ],
};
