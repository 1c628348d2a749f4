import { html, type SafeHtml } from '../html.js';
import type { SignInConnector } from '../../protocols/generated/iam.js';
import { checkbox, dateText, postButton, query, selectField, table, textArea, textField } from './admin-ui.js';

const TYPES = [['oidc', 'OpenID Connect'], ['saml', 'SAML 2.0'], ['github', 'GitHub'], ['google', 'Google'], ['microsoft', 'Microsoft Entra ID'], ['gitlab', 'GitLab']] as const;

function row(c: SignInConnector, csrf: string): SafeHtml {
  return html`<tr data-testid="connector-row" data-id="${c.Id}">
<td><a href="/console/connectors/edit${query({ id: c.Id })}"><code>${c.Id}</code></a><br><span class="muted">${c.DisplayName}</span></td>
<td>${c.Type}</td>
<td class="arn">${c.ProviderArn}</td>
<td>${c.Enabled ? 'enabled' : 'disabled'}${c.RequireMfa ? html`<br><span class="muted">MFA required</span>` : html``}${c.AllowIdpInitiated ? html`<br><span class="muted">IdP-initiated allowed</span>` : html``}</td>
<td>${c.SecretNames.length > 0 ? c.SecretNames.map((n) => html`<code>${n}</code> `) : html`<span class="muted">none</span>`}${c.SecretsError ? html`<br><span class="alert-text">${c.SecretsError}</span>` : html``}</td>
<td class="nowrap">${dateText(c.UpdateDate)}</td>
<td class="actions">${postButton({ action: '/console/connectors/delete', csrf, fields: { id: c.Id }, label: 'Delete', danger: true, testId: 'delete-connector', title: `Delete connector ${c.Id}` })}</td>
</tr>`;
}

/** The form fields of a connector; `c` when editing (Id and Type fixed). Secrets are never filled in. */
function fields(c: SignInConnector | undefined, values: Record<string, string | undefined>): SafeHtml {
  const v = (k: string, dflt: string | undefined) => values[k] ?? dflt;
  return html`${c ? html`<input type="hidden" name="id" value="${c.Id}">` : html`${textField({ id: 'id', label: 'Connector ID', value: v('id', ''), required: true, maxlength: 63, hint: 'Lower-case letters, digits and hyphens; the sign-in URL is /signin/ID' })}
${selectField({ id: 'type', label: 'Type', value: v('type', 'oidc'), options: TYPES })}`}
${textField({ id: 'displayName', label: 'Display name', value: v('displayName', c?.DisplayName), maxlength: 128 })}
${textField({ id: 'providerArn', label: 'IAM identity provider ARN', value: v('providerArn', c?.ProviderArn), required: true, maxlength: 2048 })}
${checkbox({ id: 'enabled', label: 'Enabled', checked: values.enabled !== undefined ? values.enabled === 'true' : (c?.Enabled ?? true) })}
${checkbox({ id: 'requireMfa', label: 'Require MFA at sign-in', checked: values.requireMfa !== undefined ? values.requireMfa === 'true' : (c?.RequireMfa ?? false) })}
${checkbox({ id: 'allowIdpInitiated', label: 'Allow IdP-initiated SAML sign-in', checked: values.allowIdpInitiated !== undefined ? values.allowIdpInitiated === 'true' : (c?.AllowIdpInitiated ?? false) })}
${textArea({ id: 'settings', label: 'Settings (JSON object)', value: v('settings', c ? JSON.stringify(JSON.parse(c.Settings), null, 2) : '{}'), rows: 8, mono: true })}
${textArea({
  id: 'secrets',
  label: 'Secrets (JSON object, write-only)',
  rows: 3,
  mono: true,
  hint: c
    ? `Stored: ${c.SecretNames.length > 0 ? c.SecretNames.join(', ') : 'none'}. Leave empty to keep them; {"name": "value"} sets one, {"name": null} removes one. Never shown again.`
    : 'For example {"clientSecret": "…"}. Sealed; never shown again.',
})}`;
}

export function connectorsContent(o: { connectors: readonly SignInConnector[]; nextHref?: string | undefined; csrf: string; error?: string | undefined; values?: Record<string, string | undefined> }): SafeHtml {
  return html`<h1>Sign-in connectors</h1>
<p class="muted">Where people sign in (<code>/signin/ID</code>): each connector names an IAM OIDC or SAML provider of this account. Secrets are write-only.</p>
${o.error ? html`<div class="alert" role="alert" data-testid="error">${o.error}</div>` : html``}
${table({ label: 'Sign-in connectors', head: ['Connector', 'Type', 'Provider', 'State', 'Secrets', 'Updated', ''], rows: o.connectors.map((c) => row(c, o.csrf)), empty: 'No sign-in connectors.', testId: 'connectors-table' })}
${o.nextHref ? html`<nav class="pager" aria-label="Pages"><a href="${o.nextHref}">More connectors →</a></nav>` : html``}
<details${o.values ? html` open` : html``}><summary>Add a connector</summary>
<form method="post" action="/console/connectors/create" aria-label="Add a sign-in connector">
<input type="hidden" name="csrf" value="${o.csrf}">
${fields(undefined, o.values ?? {})}
<button type="submit" data-testid="create-connector">Add connector</button>
</form></details>`;
}

export function connectorEditContent(o: { c: SignInConnector; csrf: string; error?: string | undefined; values?: Record<string, string | undefined> }): SafeHtml {
  return html`<h1>Sign-in connector <code>${o.c.Id}</code></h1>
<dl class="facts"><dt>Type</dt><dd>${o.c.Type}</dd><dt>ARN</dt><dd>${o.c.Arn}</dd><dt>Created</dt><dd>${dateText(o.c.CreateDate)}</dd><dt>Updated</dt><dd>${dateText(o.c.UpdateDate)}</dd></dl>
${o.error ? html`<div class="alert" role="alert" data-testid="error">${o.error}</div>` : html``}
<form method="post" action="/console/connectors/update" aria-label="Change the connector">
<input type="hidden" name="csrf" value="${o.csrf}">
${fields(o.c, o.values ?? {})}
<button type="submit" data-testid="update-connector">Save</button>
</form>
<div class="actions">${postButton({ action: '/console/connectors/delete', csrf: o.csrf, fields: { id: o.c.Id }, label: 'Delete connector', danger: true, testId: 'delete-connector' })}<a href="/console/connectors">Back to connectors</a></div>`;
}
