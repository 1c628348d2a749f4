import { html, type SafeHtml } from '../html.js';
import type { AuditEvent } from '../../protocols/generated/iam.js';
import { dateText, query, selectField, table, textField } from './admin-ui.js';

/** The audit page's filters, as the GET form sends them (strings, empty = not given). */
export interface AuditFilters {
  start: string;
  end: string;
  service: string;
  action: string;
  principal: string;
  outcome: string;
  accessKey: string;
  request: string;
}

export const AUDIT_FILTER_NAMES = ['start', 'end', 'service', 'action', 'principal', 'outcome', 'accessKey', 'request'] as const;

const SERVICES = [['', 'Any'], ['iam', 'iam'], ['sts', 'sts'], ['signin', 'signin']] as const;
const OUTCOMES = [['', 'Any'], ['success', 'success'], ['failure', 'failure'], ['unknown', 'unknown']] as const;

function filterForm(f: AuditFilters): SafeHtml {
  return html`<form method="get" action="/console/audit" class="filters" aria-label="Filter audit events" data-testid="audit-filters">
<div class="grid">
<div>${textField({ id: 'start', label: 'From (UTC)', value: f.start, placeholder: '2026-12-02T09:00:00Z', hint: 'ISO 8601; inclusive', maxlength: 40 })}</div>
<div>${textField({ id: 'end', label: 'To (UTC)', value: f.end, placeholder: '2026-12-02T18:00:00Z', hint: 'ISO 8601; inclusive', maxlength: 40 })}</div>
<div>${selectField({ id: 'service', label: 'Service', value: f.service, options: SERVICES })}</div>
<div>${textField({ id: 'action', label: 'Action', value: f.action, placeholder: 'CreateUser', maxlength: 128 })}</div>
<div>${textField({ id: 'principal', label: 'Principal ARN', value: f.principal, placeholder: 'arn:aws:iam::123456789012:user/alice', maxlength: 2048 })}</div>
<div>${selectField({ id: 'outcome', label: 'Outcome', value: f.outcome, options: OUTCOMES })}</div>
<div>${textField({ id: 'accessKey', label: 'Access key ID', value: f.accessKey, maxlength: 128 })}</div>
<div>${textField({ id: 'request', label: 'Request ID', value: f.request, maxlength: 128 })}</div>
</div>
<div class="actions"><button type="submit" data-testid="audit-apply">Apply filters</button><a class="button secondary" href="/console/audit">Clear</a></div>
</form>`;
}

const filterParams = (f: AuditFilters): Record<string, string> => Object.fromEntries(AUDIT_FILTER_NAMES.map((k) => [k, f[k]]));

function row(e: AuditEvent): SafeHtml {
  const link = `/console/audit/event${query({ request: e.RequestId, event: e.EventId })}`;
  return html`<tr data-testid="audit-row" data-action="${e.EventName}" data-outcome="${e.Outcome}">
<td class="nowrap">${dateText(e.EventTime)}</td>
<td>${e.Service}</td>
<td><strong>${e.EventName}</strong></td>
<td class="arn">${e.PrincipalArn ?? '—'}</td>
<td><span class="badge ${e.Outcome}">${e.Outcome}</span>${e.ErrorCode ? html` <code>${e.ErrorCode}</code>` : html``}</td>
<td>${e.SourceIp ?? ''}</td>
<td><a href="${link}" data-testid="audit-detail-link">Details</a></td>
</tr>`;
}

export function auditContent(o: { filters: AuditFilters; events: readonly AuditEvent[]; nextMarker?: string | undefined; paged: boolean; error?: string | undefined }): SafeHtml {
  const next = o.nextMarker ? `/console/audit${query({ ...filterParams(o.filters), marker: o.nextMarker })}` : undefined;
  return html`<h1>Audit log</h1>
<p class="muted">Every call to Tessera's APIs and every sign-in step of this account, newest first. Read through <code>LookupAuditEvents</code> as your role session.</p>
${filterForm(o.filters)}
${o.error ? html`<div class="alert" role="alert" data-testid="error">${o.error}</div>` : html``}
${o.error
  ? html``
  : table({ label: 'Audit events', head: ['Time', 'Service', 'Action', 'Principal', 'Outcome', 'Source IP', ''], rows: o.events.map(row), empty: 'No events match these filters.', testId: 'audit-table' })}
<nav class="pager" aria-label="Pages">${o.paged ? html`<a href="/console/audit${query(filterParams(o.filters))}">Newest</a>` : html``}${next ? html`<a href="${next}" data-testid="audit-older">Older events →</a>` : html``}</nav>`;
}

export function auditEventContent(e: AuditEvent | undefined): SafeHtml {
  if (!e) return html`<h1>Audit event</h1><div class="alert" role="alert" data-testid="error">No such event in this account's audit log.</div><p><a href="/console/audit">Back to the audit log</a></p>`;
  let pretty = e.Detail;
  try {
    pretty = JSON.stringify(JSON.parse(e.Detail), null, 2);
  } catch {
    // shown as stored
  }
  const facts: [string, string | undefined][] = [
    ['Event ID', e.EventId],
    ['Time', dateText(e.EventTime)],
    ['Request ID', e.RequestId],
    ['Service', e.Service],
    ['Action', e.EventName],
    ['Outcome', e.Outcome],
    ['Error code', e.ErrorCode],
    ['Principal ARN', e.PrincipalArn],
    ['Principal ID', e.PrincipalId],
    ['Access key ID', e.AccessKeyId],
    ['Source IP', e.SourceIp],
    ['User agent', e.UserAgent],
  ];
  return html`<h1>Audit event <code>${e.EventName}</code></h1>
<dl class="facts" data-testid="audit-event">${facts.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<h2>Detail</h2>
<pre class="json" data-testid="audit-event-detail">${pretty}</pre>
<p><a href="/console/audit">Back to the audit log</a></p>`;
}
