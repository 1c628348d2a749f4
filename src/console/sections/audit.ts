import { html } from '../../web/html.js';
import type { LookupAuditEventsResponse } from '../../protocols/generated/iam.js';
import { AUDIT_FILTER_NAMES, auditContent, auditEventContent, type AuditFilters } from '../../web/console/audit.js';
import { isoTime, page, refusal, type Section, type SectionCx, statusOf } from './kit.js';

const PAGE_SIZE = '50';

function filtersOf(cx: SectionCx): AuditFilters {
  const f = Object.fromEntries(AUDIT_FILTER_NAMES.map((k) => [k, (cx.field(k) ?? '').trim()])) as unknown as AuditFilters;
  return f;
}

/** /console/audit: the account's audit log through LookupAuditEvents, filtered, paged; /console/audit/event: one event. */
export const auditSection: Section = {
  id: 'audit',
  title: 'Audit log',
  path: '/console/audit',
  routes: [
    {
      method: 'GET',
      path: '/console/audit',
      async handle(cx) {
        const f = filtersOf(cx);
        const marker = cx.field('marker');
        const start = isoTime(f.start);
        const end = isoTime(f.end);
        if (start === null || end === null) {
          return page('Audit log', auditContent({ filters: f, events: [], paged: false, error: `${start === null ? 'From' : 'To'} is not a date and time (ISO 8601, e.g. 2026-12-02T09:00:00Z).` }), 400);
        }
        try {
          const out = await cx.call<LookupAuditEventsResponse>('LookupAuditEvents', {
            StartTime: start,
            EndTime: end,
            Service: f.service || undefined,
            EventName: f.action || undefined,
            PrincipalArn: f.principal || undefined,
            Outcome: f.outcome || undefined,
            AccessKeyId: f.accessKey || undefined,
            RequestId: f.request || undefined,
            Marker: marker || undefined,
            MaxItems: PAGE_SIZE,
          });
          return page('Audit log', auditContent({ filters: f, events: out.AuditEvents, nextMarker: out.IsTruncated ? out.Marker : undefined, paged: marker !== undefined && marker !== '' }));
        } catch (e) {
          const msg = refusal(e);
          return page('Audit log', auditContent({ filters: f, events: [], paged: false, error: msg }), statusOf(msg));
        }
      },
    },
    {
      method: 'GET',
      path: '/console/audit/event',
      async handle(cx) {
        const request = cx.field('request') ?? '';
        const event = cx.field('event') ?? '';
        if (request === '' || !/^\d{1,19}$/.test(event)) return page('Audit event', auditEventContent(undefined), 404);
        try {
          const out = await cx.call<LookupAuditEventsResponse>('LookupAuditEvents', { RequestId: request, MaxItems: '1000' });
          const e = out.AuditEvents.find((x) => x.EventId === event);
          return page('Audit event', auditEventContent(e), e ? 200 : 404);
        } catch (e) {
          const msg = refusal(e);
          return page('Audit event', html`<h1>Audit event</h1><div class="alert" role="alert" data-testid="error">${msg}</div>`, statusOf(msg));
        }
      },
    },
  ],
};
