import { html, type SafeHtml } from './html.js';
import { alert, csrfField, layout, type Page } from './pages.js';
import type { RoleOffer } from '../sso/types.js';

/**
 * The portal's pages: the roles a signed-in person may assume, and the credentials of one.
 * Server-rendered through `html`; the only script is /assets/portal.js (the copy buttons).
 */
export interface PortalView {
  who: string;
  principal: string;
  mfa: boolean;
  offers: readonly RoleOffer[];
  csrf: string;
  error?: string | undefined;
  notice?: string | undefined;
  status?: number;
}

/** Choices of a duration: the steps up to the role's MaxSessionDuration, and the maximum itself. */
export function durationChoices(max: number): number[] {
  const steps = [900, 1800, 3600, 7200, 14400, 28800, 43200].filter((s) => s <= max);
  if (!steps.includes(max)) steps.push(max);
  return steps;
}

export function formatDuration(s: number): string {
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.round(s / 60)} min`;
}

const roleRow = (o: RoleOffer, csrf: string, i: number): SafeHtml => {
  const choices = durationChoices(o.maxSessionDuration);
  const def = Math.min(3600, o.maxSessionDuration);
  return html`<li class="role" data-testid="role" data-role-arn="${o.roleArn}">
<div class="role-head"><span class="role-name" data-testid="role-name">${o.roleName}</span><span class="muted" data-testid="role-max">up to ${formatDuration(o.maxSessionDuration)}</span></div>
${o.description ? html`<p class="role-desc" data-testid="role-description">${o.description}</p>` : html``}
<p class="role-arn"><code>${o.roleArn}</code></p>
<div class="actions">
<form method="post" action="/portal/credentials" class="inline">
${csrfField(csrf)}
<input type="hidden" name="role_arn" value="${o.roleArn}">
<label for="duration-${i}" class="inline-label">Duration</label>
<select id="duration-${i}" name="duration" data-testid="duration">${choices.map((c) => html`<option value="${c}"${c === def ? html` selected` : html``}>${formatDuration(c)}</option>`)}</select>
<button type="submit" data-testid="get-credentials">Get credentials</button>
</form>
<form method="post" action="/console/role" class="inline">
${csrfField(csrf)}
<input type="hidden" name="role_arn" value="${o.roleArn}">
<button type="submit" class="secondary" data-testid="open-console">Open console</button>
</form>
</div>
</li>`;
};

export function portalPage(v: PortalView): Page {
  const byAccount = new Map<string, RoleOffer[]>();
  for (const o of v.offers) byAccount.set(o.accountId, [...(byAccount.get(o.accountId) ?? []), o]);
  let i = 0;
  const accounts = [...byAccount.entries()].map(
    ([account, offers]) => html`<section class="account" data-testid="account" data-account="${account}">
<h2>Account ${account}</h2>
<ul class="roles">${offers.map((o) => roleRow(o, v.csrf, i++))}</ul>
</section>`,
  );
  return layout(
    'Portal',
    html`<h1>Your roles</h1>
${alert(v.error)}
${v.notice ? html`<div class="notice" role="status">${v.notice}</div>` : html``}
<p class="muted">Signed in as <strong data-testid="who">${v.who}</strong> (${v.principal})${v.mfa ? ', with MFA' : ''}. Choose a role to get temporary credentials for the AWS CLI and SDKs, or to open the console as that role.</p>
${v.offers.length === 0
      ? html`<div class="empty" data-testid="no-roles"><p>No role admits this identity. An administrator grants access in a role's trust policy.</p></div>`
      : accounts}`,
    { wider: true, nav: true, status: v.status ?? 200 },
  );
}

export interface CredentialsView {
  roleArn: string;
  assumedRoleArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  durationSeconds: number;
  /** Tessera's base URL: the AWS CLI and SDKs send their STS/IAM calls here. */
  endpoint: string;
  region: string;
  csrf: string;
}

function block(id: string, title: string, text: string, hint: SafeHtml): SafeHtml {
  return html`<section class="creds" data-testid="block-${id}">
<div class="creds-head"><h2 id="h-${id}">${title}</h2><button type="button" class="secondary copy" data-copy="${id}" data-testid="copy-${id}" aria-describedby="h-${id}">Copy</button></div>
${hint}
<pre id="${id}" data-testid="text-${id}" tabindex="0">${text}</pre>
</section>`;
}

export function credentialsPage(v: CredentialsView): Page {
  const exp = v.expiration.toISOString();
  const bash = [
    `export AWS_ACCESS_KEY_ID=${v.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${v.secretAccessKey}`,
    `export AWS_SESSION_TOKEN=${v.sessionToken}`,
    `export AWS_ENDPOINT_URL=${v.endpoint}`,
    `export AWS_DEFAULT_REGION=${v.region}`,
  ].join('\n');
  const file = [
    `[tessera]`,
    `aws_access_key_id = ${v.accessKeyId}`,
    `aws_secret_access_key = ${v.secretAccessKey}`,
    `aws_session_token = ${v.sessionToken}`,
  ].join('\n');
  const ps = [
    `$Env:AWS_ACCESS_KEY_ID="${v.accessKeyId}"`,
    `$Env:AWS_SECRET_ACCESS_KEY="${v.secretAccessKey}"`,
    `$Env:AWS_SESSION_TOKEN="${v.sessionToken}"`,
    `$Env:AWS_ENDPOINT_URL="${v.endpoint}"`,
    `$Env:AWS_DEFAULT_REGION="${v.region}"`,
  ].join('\n');
  return layout(
    'Credentials',
    html`<h1>Credentials for ${v.assumedRoleArn.split('/').slice(-2, -1)[0] ?? v.roleArn}</h1>
<dl class="facts">
<dt>Session</dt><dd data-testid="assumed-role-arn">${v.assumedRoleArn}</dd>
<dt>Expires</dt><dd data-testid="expiration" data-expiration="${exp}">${exp} (${'in ' + formatDuration(v.durationSeconds)})</dd>
</dl>
<p class="muted">These are shown once and never stored by your browser. Anyone with them can act as this role until they expire; signing out everywhere revokes them.</p>
<div class="copied" role="status" aria-live="polite" data-testid="copied"></div>
${block('bash', 'macOS and Linux (bash, zsh)', bash, html`<p class="hint">Paste into a terminal.</p>`)}
${block('file', 'AWS credentials file', file, html`<p class="hint">Add to <code>~/.aws/credentials</code>, and <code>endpoint_url = ${v.endpoint}</code> to <code>[profile tessera]</code> in <code>~/.aws/config</code>; use <code>--profile tessera</code>.</p>`)}
${block('powershell', 'Windows PowerShell', ps, html`<p class="hint">Paste into PowerShell.</p>`)}
<p><a href="/portal" data-testid="back">Back to your roles</a></p>`,
    { wider: true, nav: true, scripts: ['/assets/portal.js'] },
  );
}
