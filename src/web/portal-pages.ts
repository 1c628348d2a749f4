import { html } from './html.js';
import { csrfField, layout, type Page } from './pages.js';
import { durationChoices, durationLabel } from '../sso/portal.js';
import type { RoleOffer } from '../sso/types.js';

/**
 * The portal's pages (issue 12): the roles a signed-in person may pick, the credentials of one,
 * and the refusals. Every value through `html`. The role list runs no script; the credentials
 * page runs one same-origin script (/assets/portal.js: the copy buttons, src/web/scripts.ts),
 * whose buttons stay hidden until it runs — without it the blocks are plain selectable text.
 */
export interface PortalView {
  /** Who is signed in, as a person reads it (user name and account, or email / name / subject). */
  who: string;
  /** How: `IAM user` or the connector's id. */
  via: string;
  mfa: boolean;
  roles: readonly RoleOffer[];
  csrf: string;
  notice?: string | undefined;
  /** The filter typed (GET /portal?q=): roles whose name, account or description contain it. */
  filter?: string | undefined;
}

/** At most this many roles on one page; more → "narrow the list" (an account may have thousands). */
export const SHOWN_ROLES = 100;
/** The filter box appears from this many roles on. */
const FILTER_FROM = 8;

/** The offers a filter selects (case-insensitive substring of name, account id, description). */
export function filterRoles(roles: readonly RoleOffer[], q: string | undefined): readonly RoleOffer[] {
  const needle = (q ?? '').trim().toLowerCase();
  if (needle === '') return roles;
  return roles.filter((r) => r.roleName.toLowerCase().includes(needle) || r.accountId.includes(needle) || (r.description ?? '').toLowerCase().includes(needle));
}

const BY_NAME = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** The offers by account (accounts in numeric order, roles by name within each). */
export function byAccount(roles: readonly RoleOffer[]): { accountId: string; roles: RoleOffer[] }[] {
  const m = new Map<string, RoleOffer[]>();
  for (const r of roles) {
    const list = m.get(r.accountId) ?? [];
    list.push(r);
    m.set(r.accountId, list);
  }
  return [...m.keys()]
    .sort()
    .map((accountId) => ({ accountId, roles: m.get(accountId)!.sort((a, b) => BY_NAME.compare(a.roleName, b.roleName)) }));
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');

export function portalPage(v: PortalView): Page {
  const matching = filterRoles(v.roles, v.filter);
  const sorted = byAccount(matching);
  const shown = sorted.flatMap((g) => g.roles).slice(0, SHOWN_ROLES);
  const groups = matching.length > SHOWN_ROLES ? byAccount(shown) : sorted;
  const filtering = (v.filter ?? '').trim() !== '';
  const role = (r: RoleOffer) => {
    const id = slug(`${r.accountId}-${r.roleName}`);
    return html`<li class="role" data-testid="role" data-role-arn="${r.roleArn}">
<div class="role-info">
<h3 class="role-name" data-testid="role-name">${r.roleName}</h3>
${r.description ? html`<p class="role-desc" data-testid="role-description">${r.description}</p>` : html``}
<p class="role-meta"><span data-testid="role-max" data-seconds="${r.maxSessionDuration}">Up to ${durationLabel(r.maxSessionDuration)}</span> · <code>${r.roleArn}</code></p>
</div>
<div class="role-actions">
<form method="post" action="/portal/credentials" class="inline">
${csrfField(v.csrf)}
<input type="hidden" name="role_arn" value="${r.roleArn}">
<label for="d-${id}" class="inline-label">Duration</label>
<select id="d-${id}" name="duration" data-testid="duration">${durationChoices(r.maxSessionDuration).map(
      (c) => html`<option value="${c.seconds}"${c.selected ? html` selected` : html``}>${c.label}</option>`,
    )}</select>
<button type="submit" data-testid="get-credentials">Get credentials</button>
</form>
<form method="post" action="/console/role" class="inline">
${csrfField(v.csrf)}
<input type="hidden" name="role_arn" value="${r.roleArn}">
<button type="submit" class="secondary" data-testid="open-console">Open console</button>
</form>
</div>
</li>`;
  };
  const content = html`<h1>Your AWS roles</h1>
<p class="lead">Signed in as <strong data-testid="who">${v.who}</strong> <span class="muted">(${v.via})</span> · MFA <span class="pill ${v.mfa ? 'ok' : ''}" data-testid="portal-mfa" data-present="${String(v.mfa)}">${v.mfa ? 'present' : 'not present'}</span></p>
${v.notice ? html`<div class="notice" role="status" data-testid="notice">${v.notice}</div>` : html``}
${v.roles.length >= FILTER_FROM || filtering
    ? html`<form method="get" action="/portal" class="filter" role="search">
<label for="q" class="inline-label">Filter roles</label>
<input type="search" id="q" name="q" value="${v.filter ?? ''}" maxlength="128" placeholder="Role name, account or description" autocomplete="off" spellcheck="false" data-testid="filter">
<button type="submit" class="secondary">Filter</button>
${filtering ? html`<a href="/portal" data-testid="clear-filter">Show all</a>` : html``}
</form>
<p class="muted small" data-testid="role-count">${filtering ? `${matching.length} of ${v.roles.length} roles match` : `${v.roles.length} roles`}${matching.length > shown.length ? html` · showing the first <strong data-testid="shown-count">${shown.length}</strong>: narrow the list with the filter` : html``}</p>`
    : html``}
${groups.length === 0 && filtering
    ? html`<div class="empty" data-testid="no-match"><p><strong>No role matches “${v.filter ?? ''}”.</strong></p><p class="muted"><a href="/portal">Show all roles</a></p></div>`
    : groups.length === 0
    ? html`<div class="empty" data-testid="no-roles"><p><strong>No roles are available to you.</strong></p><p class="muted">A role appears here when its trust policy lets your identity assume it. Ask an administrator to grant you one.</p></div>`
    : groups.map(
        (g) => html`<section class="account" data-testid="account" data-account-id="${g.accountId}" aria-labelledby="acct-${g.accountId}">
<h2 id="acct-${g.accountId}">Account <span class="mono">${g.accountId}</span> <span class="count">${g.roles.length} ${g.roles.length === 1 ? 'role' : 'roles'}</span></h2>
<ul class="roles">${g.roles.map(role)}</ul>
</section>`,
      )}
<p class="muted small">Credentials are issued by Tessera's STS with the same trust check, session tags and audit as AssumeRole and AssumeRoleWith*; each request is recorded with your identity.</p>`;
  return layout('Portal', content, { main: 'portal', nav: 'portal' });
}

export interface CredentialsView {
  roleName: string;
  roleArn: string;
  accountId: string;
  assumedRoleArn: string;
  sessionName: string;
  durationSeconds: number;
  expiration: Date;
  mfa: boolean;
  /** Tessera's base URL: the endpoint the credentials are for. */
  endpoint: string;
  credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  csrf: string;
}

/** Single-quoted for POSIX shells (bash, zsh, sh): nothing inside is expanded. */
const sh = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
/** Single-quoted for PowerShell (a ' is doubled). */
const ps = (v: string) => `'${v.replace(/'/g, "''")}'`;
/** One line of an INI file: no line breaks can be smuggled in. */
const ini = (v: string) => v.replace(/[\r\n]/g, '');
/** The region the AWS CLI needs to sign (Tessera accepts any): the person's own when set. */
export const DEFAULT_REGION = 'us-east-1';

/** The credential blocks the page shows, as plain text (what the copy buttons copy). */
export function credentialTexts(v: Pick<CredentialsView, 'credentials' | 'endpoint' | 'accountId' | 'roleName'>): { profile: string; exports: string; file: string; config: string; powershell: string } {
  const c = v.credentials;
  const profile = `${v.accountId}_${v.roleName}`.replace(/[^\w+=,.@-]/g, '_');
  const exports = [
    `export AWS_ACCESS_KEY_ID=${sh(c.AccessKeyId)}`,
    `export AWS_SECRET_ACCESS_KEY=${sh(c.SecretAccessKey)}`,
    `export AWS_SESSION_TOKEN=${sh(c.SessionToken)}`,
    `export AWS_ENDPOINT_URL=${sh(v.endpoint)}`,
    `export AWS_DEFAULT_REGION="\${AWS_DEFAULT_REGION:-${DEFAULT_REGION}}"`,
  ].join('\n');
  const file = [`[${profile}]`, `aws_access_key_id = ${ini(c.AccessKeyId)}`, `aws_secret_access_key = ${ini(c.SecretAccessKey)}`, `aws_session_token = ${ini(c.SessionToken)}`].join('\n');
  const config = [`[profile ${profile}]`, `endpoint_url = ${ini(v.endpoint)}`, `region = ${DEFAULT_REGION}`].join('\n');
  const powershell = [
    `$Env:AWS_ACCESS_KEY_ID = ${ps(c.AccessKeyId)}`,
    `$Env:AWS_SECRET_ACCESS_KEY = ${ps(c.SecretAccessKey)}`,
    `$Env:AWS_SESSION_TOKEN = ${ps(c.SessionToken)}`,
    `$Env:AWS_ENDPOINT_URL = ${ps(v.endpoint)}`,
    `if (-not $Env:AWS_DEFAULT_REGION) { $Env:AWS_DEFAULT_REGION = ${ps(DEFAULT_REGION)} }`,
  ].join('\n');
  return { profile, exports, file, config, powershell };
}

const utc = (d: Date) => d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export function credentialsPage(v: CredentialsView): Page {
  const t = credentialTexts(v);
  const block = (id: string, title: string, hint: ReturnType<typeof html> | string, text: string) => html`<section class="cred-block" aria-labelledby="h-${id}">
<div class="cred-head"><h2 id="h-${id}">${title}</h2><button type="button" class="copy secondary" data-copy="${id}" data-testid="copy-${id}" hidden>Copy</button><span class="copied" data-status="${id}" role="status" aria-live="polite"></span></div>
<p class="hint">${hint}</p>
<pre class="cred"><code id="${id}" data-testid="text-${id}">${text}</code></pre>
</section>`;
  const content = html`<h1>Credentials for <span data-testid="cred-role">${v.roleName}</span></h1>
<dl class="facts">
<dt>Account</dt><dd data-testid="cred-account">${v.accountId}</dd>
<dt>Role</dt><dd data-testid="cred-role-arn">${v.roleArn}</dd>
<dt>Session</dt><dd data-testid="cred-assumed-arn">${v.assumedRoleArn}</dd>
<dt>Expires</dt><dd><time datetime="${v.expiration.toISOString()}" data-testid="expiration">${utc(v.expiration)}</time> <span class="muted">(${durationLabel(v.durationSeconds)} from now)</span></dd>
<dt>MFA</dt><dd data-testid="cred-mfa" data-present="${String(v.mfa)}">${v.mfa ? 'present in these credentials' : 'not present'}</dd>
</dl>
<div class="warning" role="note">These credentials are shown once and are not kept by Tessera or by your browser. Anyone who has them can act as this role until they expire: do not share them.</div>
${block('exports', 'macOS and Linux (bash, zsh)', 'Paste into your shell; the AWS CLI and SDKs then use these credentials against Tessera.', t.exports)}
${block('credentials-file', 'AWS credentials file', html`Add to <code>~/.aws/credentials</code>, then use <code>--profile ${t.profile}</code>.`, t.file)}
${block('config-file', 'AWS config file', html`Add to <code>~/.aws/config</code> once: the endpoint and region of the profile above.`, t.config)}
${block('powershell', 'Windows PowerShell', 'Paste into PowerShell.', t.powershell)}
<div class="actions">
<form method="post" action="/console/role">
${csrfField(v.csrf)}
<input type="hidden" name="role_arn" value="${v.roleArn}">
<button type="submit" data-testid="open-console">Open console as ${v.roleName}</button>
</form>
<a class="button secondary" href="/portal" data-testid="back">Back to the portal</a>
</div>`;
  return layout(`Credentials · ${v.roleName}`, content, { main: 'portal', nav: 'portal', script: '/assets/portal.js' });
}

const TITLES: Record<string, string> = {
  AccessDenied: 'Access denied',
  ValidationError: 'The request is not valid',
  InvalidClientTokenId: 'Your identity is no longer valid',
  ExpiredTokenException: 'Your sign-in has expired for this role',
  ServiceUnavailable: 'Tessera is unavailable',
  csrf: 'This form has expired',
};

/** A refusal: AWS's code and message as STS gave them, the request id, the way back. */
export function portalErrorPage(o: { code: string; message: string; requestId: string; status: number; signedIn: boolean }): Page {
  const title = TITLES[o.code] ?? (o.status === 404 ? 'Not found' : o.status >= 500 ? 'Something went wrong' : 'The request was refused');
  return layout(
    title,
    html`<h1>${title}</h1>
<div class="alert" role="alert" data-testid="error" data-code="${o.code}">${o.message}</div>
<p class="muted">Code: <code data-testid="code">${o.code}</code> · Request id: <span data-testid="request-id">${o.requestId}</span></p>
<p><a class="button secondary" href="/portal" data-testid="back" autofocus>Back to the portal</a></p>`,
    { status: o.status, wide: true, ...(o.signedIn ? { nav: 'portal' as const } : {}) },
  );
}
