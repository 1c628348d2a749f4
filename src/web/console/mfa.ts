import { html, type SafeHtml } from '../html.js';
import type { VirtualMFADevice } from '../../protocols/generated/iam.js';
import { dateText, postButton, selectField, table, textField } from './admin-ui.js';

const codeField = (id: string, label: string, name = id) =>
  html`<label for="${id}">${label}</label><input type="text" id="${id}" name="${name}" class="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required>`;

function row(d: VirtualMFADevice, i: number, csrf: string): SafeHtml {
  const user = d.User?.UserName;
  const assigned = user !== undefined;
  const resync = assigned
    ? html`<details><summary>Resync</summary><form method="post" action="/console/mfa/resync" aria-label="Resync ${d.SerialNumber}">
<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="serial" value="${d.SerialNumber}"><input type="hidden" name="user" value="${user}">
${codeField(`resync-${i}-1`, 'First code', 'code1')}${codeField(`resync-${i}-2`, 'Next code', 'code2')}
<button type="submit" class="secondary small">Resync</button></form></details>`
    : html``;
  return html`<tr data-testid="mfa-row" data-serial="${d.SerialNumber}" data-assigned="${assigned ? 'true' : 'false'}">
<td class="arn"><code>${d.SerialNumber}</code></td>
<td>${user ?? html`<span class="muted">unassigned</span>`}</td>
<td class="nowrap">${dateText(d.EnableDate)}</td>
<td class="actions">${
    assigned
      ? html`${postButton({ action: '/console/mfa/deactivate', csrf, fields: { serial: d.SerialNumber, user }, label: 'Deactivate', danger: true, testId: 'mfa-deactivate' })}${resync}`
      : postButton({ action: '/console/mfa/delete', csrf, fields: { serial: d.SerialNumber }, label: 'Delete', danger: true, testId: 'mfa-delete' })
  }</td>
</tr>`;
}

export function mfaContent(o: { status: string; devices: readonly VirtualMFADevice[]; nextHref?: string | undefined; csrf: string; error?: string | undefined }): SafeHtml {
  return html`<h1>MFA devices</h1>
<form method="get" action="/console/mfa" class="filters" aria-label="Filter MFA devices">
<div class="grid">${selectField({ id: 'status', label: 'Assignment', value: o.status, options: [['Any', 'Any'], ['Assigned', 'Assigned'], ['Unassigned', 'Unassigned']] })}</div>
<div class="actions"><button type="submit">Show</button></div>
</form>
${o.error ? html`<div class="alert" role="alert" data-testid="error">${o.error}</div>` : html``}
${table({ label: 'Virtual MFA devices', head: ['Serial number', 'User', 'Enabled', ''], rows: o.devices.map((d, i) => row(d, i, o.csrf)), empty: 'No virtual MFA devices.', testId: 'mfa-table' })}
${o.nextHref ? html`<nav class="pager" aria-label="Pages"><a href="${o.nextHref}">More devices →</a></nav>` : html``}
<h2>Assign a virtual MFA device to a user</h2>
<form method="post" action="/console/mfa/create" aria-label="Create a virtual MFA device">
<input type="hidden" name="csrf" value="${o.csrf}">
${textField({ id: 'user', label: 'IAM user name', maxlength: 64, required: true })}
${textField({ id: 'device', label: 'Device name', maxlength: 226, required: true, hint: 'Letters, digits and +=,.@- (the serial number is arn:…:mfa/NAME)' })}
<button type="submit" data-testid="mfa-create">Create and show QR code</button>
</form>`;
}

/** After CreateVirtualMFADevice: the QR code and seed (this page only, never stored), and the enable form. */
export function mfaEnableContent(o: { user: string; serial: string; qrDataUrl?: string | undefined; seed?: string | undefined; csrf: string; error?: string | undefined }): SafeHtml {
  return html`<h1>Enable MFA for <code>${o.user}</code></h1>
${o.qrDataUrl
  ? html`<p>Scan this QR code with the user's authenticator app (or enter the key), then type two consecutive codes. The key is shown on this page only.</p>
<img class="qr" src="${o.qrDataUrl}" alt="QR code of the new virtual MFA device" width="200" height="200" data-testid="mfa-qr">
<p class="muted" id="seed-help">Key (time-based, 6 digits, 30 seconds):</p>
<code class="seed" data-testid="mfa-seed" aria-describedby="seed-help">${(o.seed ?? '').replace(/(.{4})(?=.)/g, '$1 ')}</code>`
  : html`<p>Device <code>${o.serial}</code>. Type two consecutive codes from the authenticator app it was added to.</p>`}
${o.error ? html`<div class="alert" role="alert" data-testid="error">${o.error}</div>` : html``}
<form method="post" action="/console/mfa/enable" aria-label="Enable the MFA device">
<input type="hidden" name="csrf" value="${o.csrf}">
<input type="hidden" name="user" value="${o.user}">
<input type="hidden" name="serial" value="${o.serial}">
${codeField('code1', 'First code')}
${codeField('code2', 'Next code')}
<button type="submit" data-testid="mfa-enable">Enable</button>
</form>
<p class="muted">Not finishing leaves an unassigned device: delete it from the <a href="/console/mfa?status=Unassigned">list</a>.</p>`;
}
