import { html, type SafeHtml } from '../html.js';
import type { LoginSession } from '../../protocols/generated/iam.js';
import { checkbox, dateText, postButton, table, textField } from './admin-ui.js';

export interface SessionFilters {
  user: string;
  connector: string;
  subject: string;
  ended: boolean;
}

/** The person a login session belongs to, as RevokeLoginSessions names them. */
export function personOf(s: LoginSession): Record<string, string> | undefined {
  const m = /^arn:[\w-]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(s.PrincipalArn);
  if (m && s.Subject === undefined) return { user: m[1]! };
  if (s.Subject === undefined) return undefined;
  return s.ConnectorId !== undefined ? { connector: s.ConnectorId, subject: s.Subject } : { provider: s.PrincipalArn, subject: s.Subject };
}

function status(s: LoginSession, now: Date): string {
  if (s.RevokeDate) return 'revoked';
  return s.ExpiryDate.getTime() <= now.getTime() ? 'ended' : 'active';
}

function row(s: LoginSession, o: { csrf: string; currentId: string; now: Date }): SafeHtml {
  const st = status(s, o.now);
  const person = personOf(s);
  const who = s.Subject !== undefined ? html`${s.PrincipalArn}<br><span class="muted">${s.ConnectorId ? html`via ${s.ConnectorId}: ` : html``}${s.Subject}</span>` : html`${s.PrincipalArn}`;
  return html`<tr data-testid="session-row" data-session-id="${s.Id}" data-status="${st}">
<td><code class="sid">${s.Id}</code>${s.Id === o.currentId ? html`<br><span class="badge">this session</span>` : html``}</td>
<td class="arn">${who}</td>
<td class="date">${dateText(s.CreateDate)}<br><span class="muted">until ${dateText(s.ExpiryDate)}</span></td>
<td>${s.SourceIp ?? ''}<br><span class="muted ua">${(s.UserAgent ?? '').slice(0, 60)}</span></td>
<td><span class="badge ${st}">${st}</span></td>
<td class="actions">${
    st === 'active'
      ? html`${postButton({ action: '/console/sessions/revoke', csrf: o.csrf, fields: { id: s.Id }, label: 'Revoke', danger: true, testId: 'revoke-session', title: `Revoke session ${s.Id}` })}${
          person ? postButton({ action: '/console/sessions/revoke-person', csrf: o.csrf, fields: person, label: 'Revoke all', danger: true, testId: 'revoke-person', title: 'Revoke every session of this person' }) : html``
        }`
      : html``
  }</td>
</tr>`;
}

export function sessionsContent(o: {
  filters: SessionFilters;
  sessions: readonly LoginSession[];
  nextHref?: string | undefined;
  csrf: string;
  currentId: string;
  now: Date;
  error?: string | undefined;
}): SafeHtml {
  const f = o.filters;
  return html`<h1>Active sessions</h1>
<h2>Login sessions</h2>
<p class="muted">People signed in in a browser (or with <code>tessera login</code>). Revoking one signs the person out at once and revokes every credential issued from it.</p>
<form method="get" action="/console/sessions" class="filters" aria-label="Filter login sessions">
<div class="grid">
<div>${textField({ id: 'user', label: 'IAM user name', value: f.user, maxlength: 64 })}</div>
<div>${textField({ id: 'connector', label: 'Connector ID', value: f.connector, maxlength: 63, hint: 'With a subject: one federated person' })}</div>
<div>${textField({ id: 'subject', label: 'Subject', value: f.subject, maxlength: 1024 })}</div>
<div>${checkbox({ id: 'ended', label: 'Include ended sessions', checked: f.ended })}</div>
</div>
<div class="actions"><button type="submit">Apply filters</button><a class="button secondary" href="/console/sessions">Clear</a></div>
</form>
${o.error ? html`<div class="alert" role="alert" data-testid="error">${o.error}</div>` : html``}
${table({ label: 'Login sessions', head: ['Session', 'Person', 'Signed in', 'From', 'Status', ''], rows: o.sessions.map((s) => row(s, o)), empty: 'No login sessions match.', testId: 'sessions-table' })}
${o.nextHref ? html`<nav class="pager" aria-label="Pages"><a href="${o.nextHref}">More sessions →</a></nav>` : html``}
<h2>Temporary credentials (STS sessions)</h2>
<p class="muted">Revoke one session by its access key ID (<code>ASIA…</code>) or session ID, or every session of a role issued before a time (<code>RevokeSession</code>, <code>RevokeRoleSessions</code>).</p>
<div class="grid two">
<form method="post" action="/console/sessions/revoke-credentials" aria-label="Revoke one STS session">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField({ id: 'accessKeyId', label: 'Access key ID', maxlength: 128, placeholder: 'ASIA…' })}
${textField({ id: 'sessionId', label: 'or session ID', maxlength: 128 })}
<button type="submit" class="danger" data-testid="revoke-credentials">Revoke session</button>
</form>
<form method="post" action="/console/sessions/revoke-role" aria-label="Revoke a role's sessions">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField({ id: 'roleName', label: 'Role name', maxlength: 64, required: true })}
${textField({ id: 'issuedBefore', label: 'Issued before (UTC)', maxlength: 40, hint: 'ISO 8601; empty: now' })}
<button type="submit" class="danger" data-testid="revoke-role">Revoke role sessions</button>
</form>
</div>`;
}
