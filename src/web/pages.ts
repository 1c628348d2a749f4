import { html, type SafeHtml } from './html.js';

/**
 * The sign-in pages, server-rendered (no script at all: CSP default-src 'none'). Every value is
 * escaped by `html`. Accessibility: lang, one h1 per page, <label for> on every field, autofocus on
 * the first field, autocomplete hints, visible focus (stylesheet), errors announced (role=alert)
 * and tied to their field (aria-describedby).
 */
export interface Page {
  status: number;
  body: string;
}

/** The signed-in sections every page of a signed-in person links in its header. */
export type NavSection = 'portal' | 'console' | 'session';
const NAV: readonly { id: NavSection; href: string; label: string }[] = [
  { id: 'portal', href: '/portal', label: 'Portal' },
  { id: 'console', href: '/console', label: 'Console' },
  { id: 'session', href: '/session', label: 'Session' },
];

export interface LayoutOptions {
  wide?: boolean;
  /** A class of <main> instead of `wide` (e.g. `portal`: the wider role list). */
  main?: string;
  status?: number;
  /** A signed-in page: the header links Portal · Console · Session, this one marked current (true: none marked). */
  nav?: NavSection | boolean;
  /** A same-origin script (`/assets/….js`; CSP script-src 'self' on that page). */
  script?: `/assets/${string}.js`;
  /** The widest <main> (console tables): `main: 'wider'`. */
  wider?: boolean;
}

export function layout(title: string, content: SafeHtml, opts: LayoutOptions = {}): Page {
  const nav = opts.nav
    ? html`<nav class="nav" aria-label="Main">${NAV.map((n) => html`<a href="${n.href}" data-testid="nav-${n.id}"${n.id === opts.nav ? html` aria-current="page"` : html``}>${n.label}</a>`)}</nav>`
    : html``;
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Tessera</title>
<link rel="stylesheet" href="/assets/tessera.css">
${opts.script ? html`<script src="${opts.script}" defer></script>` : html``}
</head>
<body>
<header class="top"><a class="brand" href="${opts.nav ? '/portal' : '/signin'}">Tessera</a>${nav}</header>
<main class="${opts.main ?? (opts.wider ? 'wider' : opts.wide ? 'wide' : '')}">
<div class="card">
${content}
</div>
</main>
<footer>Tessera identity broker</footer>
</body>
</html>
`;
  return { status: opts.status ?? 200, body: doc.value };
}

export const csrfField = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;
export const alert = (error: string | undefined, id = 'form-error') => (error ? html`<div class="alert" role="alert" id="${id}" data-testid="error">${error}</div>` : html``);

export interface ConnectorChoice {
  id: string;
  displayName: string;
  type: string;
}

export function choosePage(o: { connectors: readonly ConnectorChoice[]; returnTo: string }): Page {
  const q = o.returnTo === '/session' ? '' : `?return_to=${encodeURIComponent(o.returnTo)}`;
  const list = o.connectors.map(
    (c) => html`<li><a href="/signin/${c.id}${q}" data-testid="connector-${c.id}">Sign in with ${c.displayName}</a></li>`,
  );
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
${o.connectors.length > 0 ? html`<ul class="choices" aria-label="Identity providers">${list}</ul><p class="divider">or</p>` : html``}
<ul class="choices"><li><a href="/signin/local${q}" data-testid="connector-local">Sign in with an IAM user name and password</a></li></ul>`,
  );
}

export function passwordPage(o: { csrf: string; returnTo: string; account: string; userName: string; error?: string | undefined; status?: number }): Page {
  const described = o.error ? 'form-error' : undefined;
  return layout(
    'Sign in',
    html`<h1>Sign in as an IAM user</h1>
${alert(o.error)}
<form method="post" action="/signin/local" novalidate>
${csrfField(o.csrf)}
<input type="hidden" name="return_to" value="${o.returnTo}">
<label for="account">Account ID or alias</label>
<input type="text" id="account" name="account" value="${o.account}" autocomplete="organization" autocapitalize="none" spellcheck="false" maxlength="63" aria-describedby="${described ? `account-hint ${described}` : 'account-hint'}" autofocus>
<p class="hint" id="account-hint">Leave empty for this installation's main account.</p>
<label for="username">User name</label>
<input type="text" id="username" name="username" value="${o.userName}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="64" required>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" maxlength="128" required>
<button type="submit">Sign in</button>
</form>
<p class="muted"><a href="/signin">Other ways to sign in</a></p>`,
    { status: o.status ?? 200 },
  );
}

export function mfaCodePage(o: { csrf: string; who: string; error?: string | undefined; recovery: boolean; status?: number }): Page {
  return layout(
    'Multi-factor authentication',
    html`<h1>Multi-factor authentication</h1>
<p>Signing in as <strong data-testid="mfa-who">${o.who}</strong>. Enter the 6-digit code from your authenticator app.</p>
${alert(o.error)}
<form method="post" action="/signin/mfa" novalidate>
${csrfField(o.csrf)}
<label for="code">Authentication code</label>
<input type="text" id="code" name="code" class="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required ${o.error ? html`aria-describedby="form-error"` : html``} autofocus>
<button type="submit">Verify</button>
</form>
${o.recovery ? html`<p class="muted"><a href="/signin/recovery">Use a recovery code instead</a></p>` : html``}
<p class="muted"><a href="/signin">Cancel</a></p>`,
    { status: o.status ?? 200 },
  );
}

export function mfaEnrolPage(o: { csrf: string; who: string; qrDataUrl: string; seed: string; error?: string | undefined; status?: number }): Page {
  return layout(
    'Set up multi-factor authentication',
    html`<h1>Set up multi-factor authentication</h1>
<p>Your sign-in as <strong data-testid="mfa-who">${o.who}</strong> requires an authenticator app. Scan this QR code with it, then enter two consecutive codes.</p>
<img class="qr" src="${o.qrDataUrl}" alt="QR code for your authenticator app" width="200" height="200">
<p class="muted" id="seed-help">Cannot scan? Enter this key manually (time-based, 6 digits, 30 seconds):</p>
<code class="seed" data-testid="seed" aria-describedby="seed-help">${o.seed.replace(/(.{4})(?=.)/g, '$1 ')}</code>
${alert(o.error)}
<form method="post" action="/signin/mfa/enrol" novalidate>
${csrfField(o.csrf)}
<label for="code1">First code</label>
<input type="text" id="code1" name="code1" class="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required autofocus>
<label for="code2">Next code</label>
<input type="text" id="code2" name="code2" class="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required>
<button type="submit">Enable</button>
</form>`,
    { wide: true, status: o.status ?? 200 },
  );
}

export function recoveryCodesPage(o: { codes: readonly string[]; continueTo: string }): Page {
  return layout(
    'Recovery codes',
    html`<h1>Save your recovery codes</h1>
<div class="notice" role="status">Your authenticator is set up and you are signed in.</div>
<p>Each code below signs you in once if you lose your authenticator. They are shown only now: store them somewhere safe.</p>
<ol class="codes" data-testid="recovery-codes">${o.codes.map((c) => html`<li>${c}</li>`)}</ol>
<p><a class="button" href="${o.continueTo}" data-testid="continue" autofocus>I have saved them — continue</a></p>`,
    { wide: true, nav: true },
  );
}

export function recoveryPage(o: { csrf: string; who: string; error?: string | undefined; status?: number }): Page {
  return layout(
    'Recovery code',
    html`<h1>Use a recovery code</h1>
<p>Signing in as <strong>${o.who}</strong>. Each recovery code works once.</p>
${alert(o.error)}
<form method="post" action="/signin/recovery" novalidate>
${csrfField(o.csrf)}
<label for="recovery_code">Recovery code</label>
<input type="text" id="recovery_code" name="recovery_code" class="code" maxlength="32" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required autofocus>
<button type="submit">Sign in</button>
</form>
<p class="muted"><a href="/signin/mfa">Use an authentication code instead</a></p>`,
    { status: o.status ?? 200 },
  );
}

export function passwordChangePage(o: { csrf: string; who: string; error?: string | undefined; status?: number }): Page {
  return layout(
    'Change your password',
    html`<h1>Change your password</h1>
<p>The password of <strong data-testid="pw-who">${o.who}</strong> must be changed before you can sign in.</p>
${alert(o.error)}
<form method="post" action="/signin/password" novalidate>
${csrfField(o.csrf)}
<input type="text" name="username" value="${o.who}" autocomplete="username" hidden>
<label for="old_password">Current password</label>
<input type="password" id="old_password" name="old_password" autocomplete="current-password" maxlength="128" required autofocus>
<label for="new_password">New password</label>
<input type="password" id="new_password" name="new_password" autocomplete="new-password" maxlength="128" required>
<label for="confirm_password">New password again</label>
<input type="password" id="confirm_password" name="confirm_password" autocomplete="new-password" maxlength="128" required>
<button type="submit">Change password and sign in</button>
</form>`,
    { status: o.status ?? 200 },
  );
}

export function signedOutPage(): Page {
  return layout('Signed out', html`<h1>You are signed out</h1><p data-testid="signed-out">Your session has ended.</p><p><a class="button" href="/signin" autofocus>Sign in again</a></p>`);
}

export function lockedPage(o: { until: Date; requestId: string }): Page {
  const when = o.until.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return layout(
    'Sign-in locked',
    html`<h1>Too many failed attempts</h1>
<div class="alert" role="alert" data-testid="locked">Sign-in is locked until <time datetime="${o.until.toISOString()}" data-testid="locked-until">${when}</time>. Try again after that time.</div>
<p class="muted">Request id: <span data-testid="request-id">${o.requestId}</span></p>
<p><a href="/signin">Back to sign-in</a></p>`,
    { status: 429 },
  );
}

const TITLES: Record<string, string> = {
  csrf: 'This form has expired',
  state_missing: 'Sign-in response without state',
  state_unknown: 'Unknown or expired sign-in',
  state_reused: 'Sign-in response already used',
  state_foreign: 'Sign-in started in another browser',
  unsolicited_response: 'Unsolicited sign-in response',
  not_found: 'Not found',
  session_expired: 'Your sign-in has expired',
  too_many_starts: 'Too many sign-ins started',
};

export function errorPage(o: { reason: string; message: string; requestId: string; status: number }): Page {
  const title = TITLES[o.reason] ?? 'Sign-in failed';
  return layout(
    title,
    html`<h1>${title}</h1>
<div class="alert" role="alert" data-testid="error" data-reason="${o.reason}">${o.message}</div>
<p class="muted">Reason: <code data-testid="reason">${o.reason}</code> · Request id: <span data-testid="request-id">${o.requestId}</span></p>
<p><a class="button secondary" href="/signin" autofocus>Back to sign-in</a></p>`,
    { status: o.status },
  );
}

export interface SessionView {
  id: string;
  kind: 'federated' | 'iam-user';
  principal: string;
  provider?: string | undefined;
  subject?: string | undefined;
  connectorId?: string | undefined;
  displayName?: string | undefined;
  email?: string | undefined;
  groups: readonly string[];
  mfa: { present: boolean; method?: string | undefined; ageSeconds?: number | undefined };
  createdAt: string;
  expiresAt: string;
}

export function sessionPage(o: { view: SessionView; csrf: string; notice?: string | undefined }): Page {
  const v = o.view;
  return layout(
    'Signed in',
    html`<h1>Signed in</h1>
${o.notice ? html`<div class="notice" role="status">${o.notice}</div>` : html``}
<dl class="facts">
${v.provider
      ? html`<dt>Identity provider</dt><dd data-testid="principal"><span data-testid="provider">${v.provider}</span></dd>`
      : html`<dt>Principal</dt><dd data-testid="principal">${v.principal}</dd>`}
${v.subject !== undefined ? html`<dt>Subject</dt><dd data-testid="subject">${v.subject}</dd>` : html``}
${v.connectorId ? html`<dt>Signed in with</dt><dd data-testid="connector">${v.connectorId}</dd>` : html``}
${v.displayName ? html`<dt>Name</dt><dd data-testid="display-name">${v.displayName}</dd>` : html``}
${v.email ? html`<dt>Email</dt><dd data-testid="email">${v.email}</dd>` : html``}
<dt>Groups</dt><dd data-testid="groups">${v.groups.length > 0 ? v.groups.join(', ') : '—'}</dd>
<dt>MFA</dt><dd data-testid="mfa" data-present="${String(v.mfa.present)}" data-method="${v.mfa.method ?? ''}" data-age="${v.mfa.ageSeconds ?? ''}">${
      v.mfa.present ? `present (${v.mfa.method ?? 'unknown'}, ${v.mfa.ageSeconds ?? 0} s ago)` : 'not present'
    }</dd>
<dt>Session</dt><dd data-testid="session-id">${v.id}</dd>
<dt>Expires</dt><dd data-testid="expires">${v.expiresAt}</dd>
</dl>
<p><a class="button" href="/portal" data-testid="to-portal">Go to the portal</a> <span class="muted">— your roles and their credentials</span></p>
<div class="actions">
<form method="post" action="/signout">${csrfField(o.csrf)}<button type="submit" data-testid="signout">Sign out</button></form>
<form method="post" action="/signout/everywhere">${csrfField(o.csrf)}<button type="submit" class="danger" data-testid="signout-everywhere">Sign out everywhere</button></form>
</div>`,
    { wide: true, nav: 'session' },
  );
}
