import { html } from './html.js';
import { alert, csrfField, layout, type Page } from './pages.js';

/**
 * The `tessera` command's approval pages: the device code (RFC 8628) entry and confirmation, and
 * the loopback (RFC 8252) consent. Both say exactly what is being allowed, and show the code the
 * terminal shows, so a code sent by someone else is recognisable.
 */
export function deviceEntryPage(o: { csrf: string; who: string; userCode?: string; error?: string | undefined; status?: number }): Page {
  return layout(
    'Sign in the Tessera CLI',
    html`<h1>Sign in the Tessera CLI</h1>
${alert(o.error)}
<p>Enter the code that <code>tessera login</code> shows in your terminal.</p>
<form method="post" action="/device" novalidate>
${csrfField(o.csrf)}
<input type="hidden" name="action" value="lookup">
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" class="code" value="${o.userCode ?? ''}" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="12" placeholder="XXXX-XXXX" aria-describedby="${o.error ? 'form-error' : ''}" autofocus required>
<button type="submit" data-testid="lookup">Continue</button>
</form>
<p class="muted">Signed in as ${o.who}.</p>`,
    { nav: true, status: o.status ?? 200 },
  );
}

export function deviceConfirmPage(o: { csrf: string; who: string; userCode: string; requestedAt: Date; sourceIp: string }): Page {
  return layout(
    'Approve the Tessera CLI',
    html`<h1>Approve the Tessera CLI?</h1>
<p>A <code>tessera login</code> is waiting for this code:</p>
<p class="user-code" data-testid="user-code">${o.userCode}</p>
<p>Check that it is the code in <strong>your</strong> terminal. Approving signs that terminal in as <strong data-testid="who">${o.who}</strong>: it can then get credentials for every role you can, until you sign out everywhere or an administrator ends the sign-in.</p>
<p class="muted">Requested ${o.requestedAt.toISOString()}. You are at ${o.sourceIp}.</p>
<div class="actions">
<form method="post" action="/device">${csrfField(o.csrf)}<input type="hidden" name="user_code" value="${o.userCode}"><input type="hidden" name="action" value="approve"><button type="submit" data-testid="approve">Approve</button></form>
<form method="post" action="/device">${csrfField(o.csrf)}<input type="hidden" name="user_code" value="${o.userCode}"><input type="hidden" name="action" value="deny"><button type="submit" class="danger" data-testid="deny">Deny</button></form>
</div>`,
    { nav: true },
  );
}

export function deviceDonePage(o: { approved: boolean }): Page {
  return layout(
    o.approved ? 'CLI signed in' : 'CLI sign-in denied',
    o.approved
      ? html`<h1>The Tessera CLI is signed in</h1><div class="notice" role="status" data-testid="device-done">Approved. You can close this page and go back to your terminal.</div>`
      : html`<h1>Sign-in denied</h1><div class="alert" role="alert" data-testid="device-denied">The terminal was not signed in.</div>`,
    { nav: true },
  );
}

export function loopbackConsentPage(o: { csrf: string; who: string; id: string; redirectHost: string }): Page {
  return layout(
    'Sign in the Tessera CLI',
    html`<h1>Sign in the Tessera CLI?</h1>
<p><code>tessera login</code> on this computer (answering at <code data-testid="redirect-host">${o.redirectHost}</code>) asks to sign in as <strong data-testid="who">${o.who}</strong>. It can then get credentials for every role you can.</p>
<div class="actions">
<form method="post" action="/device/authorize/${o.id}">${csrfField(o.csrf)}<input type="hidden" name="action" value="approve"><button type="submit" data-testid="approve">Allow</button></form>
<form method="post" action="/device/authorize/${o.id}">${csrfField(o.csrf)}<input type="hidden" name="action" value="deny"><button type="submit" class="danger" data-testid="deny">Deny</button></form>
</div>`,
    { nav: true },
  );
}
