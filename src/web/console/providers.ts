import { html, type SafeHtml } from '../html.js';
import type { SAMLProviderListEntry } from '../../protocols/generated/iam.js';
import { dateText, postButton, query, table, textArea, textField } from './admin-ui.js';

export interface OidcProviderView {
  arn: string;
  url?: string | undefined;
  clientIds: readonly string[];
  thumbprints: readonly string[];
  created?: Date | undefined;
  /** The GetOpenIDConnectProvider refusal for this one, when it was refused. */
  error?: string | undefined;
}

const samlName = (arn: string) => arn.replace(/^.*:saml-provider\//, '');

function oidcRow(p: OidcProviderView, csrf: string): SafeHtml {
  return html`<tr data-testid="oidc-row" data-arn="${p.arn}">
<td><a href="/console/providers/oidc${query({ arn: p.arn })}">${p.url ?? p.arn}</a><br><span class="muted arn">${p.arn}</span></td>
<td>${p.error ? html`<span class="muted">${p.error}</span>` : p.clientIds.map((c) => html`<code>${c}</code> `)}</td>
<td class="nowrap">${dateText(p.created)}</td>
<td class="actions">${postButton({ action: '/console/providers/oidc/delete', csrf, fields: { arn: p.arn }, label: 'Delete', danger: true, testId: 'delete-oidc', title: `Delete ${p.arn}` })}</td>
</tr>`;
}

function samlRow(p: SAMLProviderListEntry, csrf: string): SafeHtml {
  const arn = p.Arn ?? '';
  return html`<tr data-testid="saml-row" data-arn="${arn}">
<td><a href="/console/providers/saml${query({ arn })}">${samlName(arn)}</a><br><span class="muted arn">${arn}</span></td>
<td class="nowrap">${dateText(p.ValidUntil)}</td>
<td class="nowrap">${dateText(p.CreateDate)}</td>
<td class="actions">${postButton({ action: '/console/providers/saml/delete', csrf, fields: { arn }, label: 'Delete', danger: true, testId: 'delete-saml', title: `Delete ${arn}` })}</td>
</tr>`;
}

export function providersContent(o: { oidc: readonly OidcProviderView[]; saml: readonly SAMLProviderListEntry[]; csrf: string; errors: { oidc?: string | undefined; saml?: string | undefined } }): SafeHtml {
  return html`<h1>Identity providers</h1>
<p class="muted">IAM OIDC and SAML providers: what <code>AssumeRoleWithWebIdentity</code>, <code>AssumeRoleWithSAML</code> and the sign-in connectors trust.</p>
<h2>OpenID Connect</h2>
${o.errors.oidc ? html`<div class="alert" role="alert" data-testid="error">${o.errors.oidc}</div>` : table({ label: 'OIDC providers', head: ['Provider', 'Audiences (client IDs)', 'Created', ''], rows: o.oidc.map((p) => oidcRow(p, o.csrf)), empty: 'No OIDC providers.', testId: 'oidc-table' })}
<details><summary>Add an OIDC provider</summary>
<form method="post" action="/console/providers/oidc/create" aria-label="Add an OIDC provider">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField({ id: 'url', label: 'Provider URL', required: true, maxlength: 255, placeholder: 'https://token.actions.githubusercontent.com' })}
${textArea({ id: 'clientIds', label: 'Audiences (client IDs), one per line', rows: 3 })}
${textArea({ id: 'thumbprints', label: 'Thumbprints (40 hex digits), one per line', rows: 3, mono: true, hint: 'Optional: Tessera verifies the issuer by its JWKS over TLS.' })}
<button type="submit" data-testid="create-oidc">Add provider</button>
</form></details>
<h2>SAML</h2>
${o.errors.saml ? html`<div class="alert" role="alert" data-testid="error">${o.errors.saml}</div>` : table({ label: 'SAML providers', head: ['Provider', 'Valid until', 'Created', ''], rows: o.saml.map((p) => samlRow(p, o.csrf)), empty: 'No SAML providers.', testId: 'saml-table' })}
<details><summary>Add a SAML provider</summary>
<form method="post" action="/console/providers/saml/create" aria-label="Add a SAML provider">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField({ id: 'name', label: 'Name', required: true, maxlength: 128 })}
${textArea({ id: 'metadata', label: 'IdP metadata document (XML)', rows: 10, mono: true, required: true, hint: "Paste the IdP's SAML metadata XML." })}
<button type="submit" data-testid="create-saml">Add provider</button>
</form></details>`;
}

export function oidcProviderContent(o: { p: OidcProviderView; csrf: string }): SafeHtml {
  const p = o.p;
  return html`<h1>OIDC provider</h1>
<dl class="facts"><dt>URL</dt><dd>${p.url ?? ''}</dd><dt>ARN</dt><dd>${p.arn}</dd><dt>Created</dt><dd>${dateText(p.created)}</dd></dl>
<h2>Audiences (client IDs)</h2>
${table({
  label: 'Client IDs',
  head: ['Client ID', ''],
  rows: p.clientIds.map((c) => html`<tr><td><code>${c}</code></td><td>${postButton({ action: '/console/providers/oidc/remove-client', csrf: o.csrf, fields: { arn: p.arn, clientId: c }, label: 'Remove', danger: true })}</td></tr>`),
  empty: 'No client IDs.',
})}
<form method="post" action="/console/providers/oidc/add-client" aria-label="Add a client ID">
<input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="arn" value="${p.arn}">
${textField({ id: 'clientId', label: 'Add a client ID', required: true, maxlength: 255 })}
<button type="submit" class="secondary">Add</button>
</form>
<h2>Thumbprints</h2>
<form method="post" action="/console/providers/oidc/thumbprints" aria-label="Replace the thumbprints">
<input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="arn" value="${p.arn}">
${textArea({ id: 'thumbprints', label: 'Thumbprints, one per line (replaces the list)', value: p.thumbprints.join('\n'), rows: 4, mono: true })}
<button type="submit" class="secondary">Save thumbprints</button>
</form>
<div class="actions">${postButton({ action: '/console/providers/oidc/delete', csrf: o.csrf, fields: { arn: p.arn }, label: 'Delete provider', danger: true, testId: 'delete-oidc' })}<a href="/console/providers">Back to providers</a></div>`;
}

export function samlProviderContent(o: { arn: string; metadata: string; validUntil?: Date | undefined; created?: Date | undefined; csrf: string }): SafeHtml {
  return html`<h1>SAML provider <code>${samlName(o.arn)}</code></h1>
<dl class="facts"><dt>ARN</dt><dd>${o.arn}</dd><dt>Valid until</dt><dd>${dateText(o.validUntil)}</dd><dt>Created</dt><dd>${dateText(o.created)}</dd></dl>
<form method="post" action="/console/providers/saml/update" aria-label="Replace the metadata">
<input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="arn" value="${o.arn}">
${textArea({ id: 'metadata', label: 'IdP metadata document (XML)', value: o.metadata, rows: 14, mono: true, required: true })}
<button type="submit">Save metadata</button>
</form>
<div class="actions">${postButton({ action: '/console/providers/saml/delete', csrf: o.csrf, fields: { arn: o.arn }, label: 'Delete provider', danger: true, testId: 'delete-saml' })}<a href="/console/providers">Back to providers</a></div>`;
}
