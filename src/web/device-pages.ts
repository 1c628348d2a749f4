import { html } from './html.js';
import { layout, type Page } from './pages.js';

/**
 * The pages of the CLI sign-in (issue 12): entering and confirming a device code (RFC 8628),
 * the loopback consent (RFC 8252), and their outcomes. Server-rendered, no script, every value
 * through `html`, the sign-in pages' layout and stylesheet.
 */
const csrfField = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;
const alert = (error: string | undefined) => (error ? html`<div class="alert" role="alert" id="form-error" data-testid="error">${error}</div>` : html``);

export interface DeviceRequestView {
  /** XXXX-XXXX */
  userCode: string;
  clientName: string;
  clientId: string;
  /** Where the CLI asked from. */
  sourceIp: string;
  requestedAt: string;
  expiresAt: string;
}

export function deviceEntryPage(o: { csrf: string; who: string; userCode?: string | undefined; error?: string | undefined; status?: number }): Page {
  return layout(
    'Sign in the Tessera CLI',
    html`<h1>Sign in the Tessera CLI</h1>
<p>Signed in as <strong data-testid="device-who">${o.who}</strong>. Enter the code that <code>tessera login</code> shows in your terminal.</p>
${alert(o.error)}
<form method="post" action="/device" novalidate>
${csrfField(o.csrf)}
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" class="code" value="${o.userCode ?? ''}" maxlength="16" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX" required ${o.error ? html`aria-describedby="form-error"` : html``} autofocus>
<button type="submit">Continue</button>
</form>`,
    { status: o.status ?? 200 },
  );
}

export function deviceConfirmPage(o: { csrf: string; who: string; request: DeviceRequestView }): Page {
  const r = o.request;
  return layout(
    'Approve the Tessera CLI',
    html`<h1>Approve this sign-in?</h1>
<p>A command line on some computer asks to sign in <strong data-testid="device-who">${o.who}</strong>. Approve only if you just ran <code>tessera login</code> yourself and your terminal shows this code:</p>
<p><code class="seed" data-testid="user-code">${r.userCode}</code></p>
<dl class="facts">
<dt>Application</dt><dd data-testid="client">${r.clientName} (${r.clientId})</dd>
<dt>Requested from</dt><dd data-testid="source-ip">${r.sourceIp}</dd>
<dt>Requested at</dt><dd>${r.requestedAt}</dd>
<dt>Code expires</dt><dd>${r.expiresAt}</dd>
</dl>
<p class="muted">Approving starts a new sign-in for the CLI with your identity and MFA state. It is listed with your sessions, and signing out everywhere ends it.</p>
<div class="actions">
<form method="post" action="/device">${csrfField(o.csrf)}<input type="hidden" name="user_code" value="${r.userCode}"><input type="hidden" name="decision" value="approve"><button type="submit" data-testid="approve" autofocus>Approve</button></form>
<form method="post" action="/device">${csrfField(o.csrf)}<input type="hidden" name="user_code" value="${r.userCode}"><input type="hidden" name="decision" value="deny"><button type="submit" class="danger" data-testid="deny">Deny</button></form>
</div>`,
    { wide: true },
  );
}

export function deviceDonePage(o: { approved: boolean }): Page {
  return o.approved
    ? layout('CLI signed in', html`<h1>The Tessera CLI is signed in</h1><div class="notice" role="status" data-testid="device-done" data-outcome="approved">Approved. You can close this window and return to your terminal.</div>`)
    : layout('Sign-in denied', html`<h1>Sign-in denied</h1><div class="alert" role="alert" data-testid="device-done" data-outcome="denied">The request was denied; the CLI will not be signed in.</div>`);
}

export interface AuthorizeView {
  clientName: string;
  clientId: string;
  redirectUri: string;
  /** The hidden fields that carry the request through the consent form. */
  fields: Record<string, string>;
}

export function authorizeConsentPage(o: { csrf: string; who: string; request: AuthorizeView }): Page {
  const r = o.request;
  const hidden = Object.entries(r.fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
  return layout(
    'Approve the Tessera CLI',
    html`<h1>Sign in the Tessera CLI?</h1>
<p><strong data-testid="client">${r.clientName}</strong> on this computer asks to sign in as <strong data-testid="authorize-who">${o.who}</strong>.</p>
<dl class="facts">
<dt>Application</dt><dd>${r.clientId}</dd>
<dt>Returns to</dt><dd data-testid="redirect-uri">${r.redirectUri}</dd>
</dl>
<p class="muted">Approve only if you just ran <code>tessera login --browser</code>. It starts a new sign-in with your identity and MFA state, listed with your sessions.</p>
<div class="actions">
<form method="post" action="/oauth2/authorize">${csrfField(o.csrf)}${hidden}<input type="hidden" name="decision" value="approve"><button type="submit" data-testid="approve" autofocus>Approve</button></form>
<form method="post" action="/oauth2/authorize">${csrfField(o.csrf)}${hidden}<input type="hidden" name="decision" value="deny"><button type="submit" class="danger" data-testid="deny">Deny</button></form>
</div>`,
    { wide: true },
  );
}

export function cliErrorPage(o: { title: string; message: string; requestId: string; status: number; reason: string }): Page {
  return layout(
    o.title,
    html`<h1>${o.title}</h1>
<div class="alert" role="alert" data-testid="error" data-reason="${o.reason}">${o.message}</div>
<p class="muted">Reason: <code data-testid="reason">${o.reason}</code> · Request id: <span data-testid="request-id">${o.requestId}</span></p>`,
    { status: o.status },
  );
}
