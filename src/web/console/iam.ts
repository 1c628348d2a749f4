import { html, type SafeHtml } from '../html.js';
import { csrfInput, dateText, postButton, query, table, textArea, textField } from './admin-ui.js';

/**
 * The console's IAM pages: users, groups, roles and managed policies, and the policies panel
 * (attached managed policies and inline policies) they share. Every value through `html`; every
 * POST form carries the session's CSRF token; a policy editor shows the operation's own
 * validation message (MalformedPolicyDocument…) beside the text, which is kept.
 */

/** A stored policy document as people read it: URL-decoded (IAM returns it encoded), indented. */
export function prettyDocument(raw: string | undefined): string {
  if (raw === undefined) return '';
  let s = raw;
  if (/^%7B/i.test(s.trim())) {
    try {
      s = decodeURIComponent(s);
    } catch {
      // shown as is
    }
  }
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}

export const errorBox = (e: string | undefined, testId = 'error') => (e ? html`<div class="alert" role="alert" data-testid="${testId}">${e}</div>` : html``);

export interface Attached {
  PolicyName?: string | undefined;
  PolicyArn?: string | undefined;
}

/** The attached and inline policies of a user, group or role, with attach / detach / put / delete. */
export function policiesPanel(o: {
  kind: 'user' | 'group' | 'role';
  name: string;
  base: string;
  csrf: string;
  attached: readonly Attached[] | string;
  inline: readonly string[] | string;
  editor?: { name: string; document: string; error?: string | undefined } | undefined;
}): SafeHtml {
  const field = { user: 'UserName', group: 'GroupName', role: 'RoleName' }[o.kind];
  const attached =
    typeof o.attached === 'string'
      ? errorBox(o.attached)
      : table({
          label: 'Attached managed policies',
          head: ['Policy', ''],
          rows: o.attached.map(
            (p) => html`<tr data-testid="attached-row"><td><a href="/console/policies/detail${query({ arn: p.PolicyArn })}">${p.PolicyName ?? ''}</a><br><span class="muted arn">${p.PolicyArn ?? ''}</span></td>
<td class="actions">${postButton({ action: `${o.base}/detach`, csrf: o.csrf, fields: { name: o.name, arn: p.PolicyArn }, label: 'Detach', danger: true, testId: 'detach' })}</td></tr>`,
          ),
          empty: 'No managed policies attached.',
          testId: 'attached',
        });
  const inline =
    typeof o.inline === 'string'
      ? errorBox(o.inline)
      : table({
          label: 'Inline policies',
          head: ['Name', ''],
          rows: o.inline.map(
            (n) => html`<tr data-testid="inline-row"><td><a href="${o.base}/inline${query({ name: o.name, policy: n })}">${n}</a></td>
<td class="actions">${postButton({ action: `${o.base}/inline/delete`, csrf: o.csrf, fields: { name: o.name, policy: n }, label: 'Delete', danger: true, testId: 'delete-inline' })}</td></tr>`,
          ),
          empty: 'No inline policies.',
          testId: 'inline',
        });
  return html`<h2>Permissions</h2>
<h3>Managed policies</h3>
${attached}
<form method="post" action="${o.base}/attach" aria-label="Attach a managed policy">${csrfInput(o.csrf)}<input type="hidden" name="name" value="${o.name}">
${textField({ id: 'attach-arn', name: 'arn', label: 'Attach a managed policy (ARN)', required: true, maxlength: 2048, placeholder: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })}
<button type="submit" class="secondary" data-testid="attach">Attach</button></form>
<h3>Inline policies</h3>
${inline}
${inlineEditor({ base: o.base, name: o.name, csrf: o.csrf, field, editor: o.editor })}`;
}

export function inlineEditor(o: { base: string; name: string; csrf: string; field: string; editor?: { name: string; document: string; error?: string | undefined } | undefined; open?: boolean }): SafeHtml {
  const e = o.editor;
  return html`<details${e || o.open ? html` open` : html``}><summary>Add or replace an inline policy</summary>
<form method="post" action="${o.base}/inline/put" aria-label="Put an inline policy">${csrfInput(o.csrf)}<input type="hidden" name="name" value="${o.name}">
${textField({ id: 'policy', label: 'Policy name', value: e?.name, required: true, maxlength: 128 })}
${policyTextarea('document', 'Policy document (JSON)', e?.document ?? EXAMPLE_POLICY, e?.error)}
<button type="submit" data-testid="put-inline">Save inline policy</button></form></details>`;
}

export const EXAMPLE_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' }] }, null, 2);
export const EXAMPLE_TRUST = (accountId: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }] }, null, 2);

/** The JSON editor: a monospace textarea; the engine's message (if any) above it, tied to it. */
export function policyTextarea(id: string, label: string, value: string, error: string | undefined): SafeHtml {
  return html`<label for="${id}">${label}</label>
${error ? html`<div class="alert" role="alert" id="${id}-error" data-testid="policy-error">${error}</div>` : html``}
<textarea id="${id}" name="${id}" rows="14" class="mono json-editor" spellcheck="false" autocomplete="off" required${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : html``} data-testid="policy-editor">${value}</textarea>`;
}

/** A list page: its table (or refusal), the next-page link, and the create form folded under a summary. */
function listPage(o: { title: string; list: SafeHtml; next?: string | undefined; summary: string; open: boolean; form: SafeHtml }): SafeHtml {
  return html`<h1>${o.title}</h1>
${o.list}
${o.next ? html`<div class="pager"><a href="${o.next}" data-testid="next">Next page</a></div>` : html``}
<details${o.open ? html` open` : html``}><summary>${o.summary}</summary>
${o.form}</details>`;
}

// ── users ────────────────────────────────────────────────────────────────────────────────────
export interface UserRow {
  UserName: string;
  Arn: string;
  CreateDate?: Date | undefined;
  PasswordLastUsed?: Date | undefined;
}

export function usersContent(o: { users: readonly UserRow[] | string; next?: string | undefined; csrf: string; create?: { name: string; path: string; error?: string | undefined } | undefined }): SafeHtml {
  const list =
    typeof o.users === 'string'
      ? errorBox(o.users)
      : table({
          label: 'Users',
          head: ['User', 'Created', 'Password last used'],
          rows: o.users.map(
            (u) => html`<tr data-testid="user-row" data-name="${u.UserName}"><td><a href="/console/users/detail${query({ name: u.UserName })}">${u.UserName}</a><br><span class="muted arn">${u.Arn}</span></td><td class="nowrap">${dateText(u.CreateDate)}</td><td class="nowrap">${dateText(u.PasswordLastUsed)}</td></tr>`,
          ),
          empty: 'No users.',
          testId: 'users',
        });
  return listPage({
    title: 'Users',
    list,
    next: o.next ? `/console/users${query({ marker: o.next })}` : undefined,
    summary: 'Create a user',
    open: o.create !== undefined,
    form: html`<form method="post" action="/console/users/create" aria-label="Create a user">${csrfInput(o.csrf)}
${errorBox(o.create?.error, 'create-error')}
${textField({ id: 'username', name: 'name', label: 'User name', value: o.create?.name, required: true, maxlength: 64 })}
${textField({ id: 'path', label: 'Path', value: o.create?.path ?? '/', maxlength: 512 })}
<button type="submit" data-testid="create-user">Create user</button></form>`,
  });
}

export function userContent(o: {
  user: UserRow & { Path?: string | undefined; UserId?: string | undefined };
  groups: readonly string[] | string;
  keys: readonly { AccessKeyId?: string | undefined; Status?: string | undefined; CreateDate?: Date | undefined }[] | string;
  mfa: readonly { SerialNumber?: string | undefined; EnableDate?: Date | undefined }[] | string;
  loginProfile: { exists: boolean; created?: Date | undefined } | string;
  panel: SafeHtml;
  csrf: string;
}): SafeHtml {
  const u = o.user;
  const groups = typeof o.groups === 'string' ? errorBox(o.groups) : o.groups.length ? html`<ul>${o.groups.map((g) => html`<li><a href="/console/groups/detail${query({ name: g })}">${g}</a></li>`)}</ul>` : html`<p class="muted">In no group.</p>`;
  const keys =
    typeof o.keys === 'string'
      ? errorBox(o.keys)
      : table({ label: 'Access keys', head: ['Access key', 'Status', 'Created'], rows: o.keys.map((k) => html`<tr><td><code>${k.AccessKeyId ?? ''}</code></td><td>${k.Status ?? ''}</td><td class="nowrap">${dateText(k.CreateDate)}</td></tr>`), empty: 'No access keys.' });
  const mfa = typeof o.mfa === 'string' ? errorBox(o.mfa) : table({ label: 'MFA devices', head: ['Device', 'Enabled'], rows: o.mfa.map((d) => html`<tr><td><code>${d.SerialNumber ?? ''}</code></td><td class="nowrap">${dateText(d.EnableDate)}</td></tr>`), empty: 'No MFA device.' });
  const lp = typeof o.loginProfile === 'string' ? errorBox(o.loginProfile) : o.loginProfile.exists ? html`<p>Console password set (${dateText(o.loginProfile.created)}).</p>` : html`<p class="muted">No console password.</p>`;
  return html`<h1>User <code data-testid="user-name">${u.UserName}</code></h1>
<dl class="facts"><dt>ARN</dt><dd>${u.Arn}</dd><dt>Unique id</dt><dd>${u.UserId ?? ''}</dd><dt>Path</dt><dd>${u.Path ?? '/'}</dd><dt>Created</dt><dd>${dateText(u.CreateDate)}</dd><dt>Password last used</dt><dd>${dateText(u.PasswordLastUsed) || '—'}</dd></dl>
<h2>Groups</h2>${groups}
<h2>Sign-in</h2>${lp}
<h3>MFA devices</h3>${mfa}
<h3>Access keys</h3>${keys}
${o.panel}
<h2>Delete</h2>
<p class="muted">IAM refuses to delete a user that still has policies, groups, keys, a password or MFA devices (DeleteConflict).</p>
${postButton({ action: '/console/users/delete', csrf: o.csrf, fields: { name: u.UserName }, label: 'Delete user', danger: true, testId: 'delete-user' })}
<p><a href="/console/users">Back to users</a></p>`;
}

// ── groups ───────────────────────────────────────────────────────────────────────────────────
export function groupsContent(o: { groups: readonly { GroupName: string; Arn: string; CreateDate?: Date | undefined }[] | string; next?: string | undefined; csrf: string; create?: { name: string; error?: string | undefined } | undefined }): SafeHtml {
  const list =
    typeof o.groups === 'string'
      ? errorBox(o.groups)
      : table({
          label: 'Groups',
          head: ['Group', 'Created'],
          rows: o.groups.map((g) => html`<tr data-testid="group-row"><td><a href="/console/groups/detail${query({ name: g.GroupName })}">${g.GroupName}</a><br><span class="muted arn">${g.Arn}</span></td><td class="nowrap">${dateText(g.CreateDate)}</td></tr>`),
          empty: 'No groups.',
          testId: 'groups',
        });
  return listPage({
    title: 'Groups',
    list,
    next: o.next ? `/console/groups${query({ marker: o.next })}` : undefined,
    summary: 'Create a group',
    open: o.create !== undefined,
    form: html`<form method="post" action="/console/groups/create" aria-label="Create a group">${csrfInput(o.csrf)}
${errorBox(o.create?.error, 'create-error')}
${textField({ id: 'groupname', name: 'name', label: 'Group name', value: o.create?.name, required: true, maxlength: 128 })}
<button type="submit" data-testid="create-group">Create group</button></form>`,
  });
}

export function groupContent(o: { group: { GroupName: string; Arn: string; CreateDate?: Date | undefined }; members: readonly string[]; panel: SafeHtml; csrf: string }): SafeHtml {
  const g = o.group;
  return html`<h1>Group <code>${g.GroupName}</code></h1>
<dl class="facts"><dt>ARN</dt><dd>${g.Arn}</dd><dt>Created</dt><dd>${dateText(g.CreateDate)}</dd></dl>
<h2>Members</h2>
${table({
  label: 'Members',
  head: ['User', ''],
  rows: o.members.map((m) => html`<tr data-testid="member-row"><td><a href="/console/users/detail${query({ name: m })}">${m}</a></td><td class="actions">${postButton({ action: '/console/groups/remove-user', csrf: o.csrf, fields: { name: g.GroupName, user: m }, label: 'Remove', danger: true })}</td></tr>`),
  empty: 'No members.',
})}
<form method="post" action="/console/groups/add-user" aria-label="Add a user to the group">${csrfInput(o.csrf)}<input type="hidden" name="name" value="${g.GroupName}">
${textField({ id: 'add-user', name: 'user', label: 'Add a user', required: true, maxlength: 64 })}
<button type="submit" class="secondary" data-testid="add-user">Add</button></form>
${o.panel}
<h2>Delete</h2>
${postButton({ action: '/console/groups/delete', csrf: o.csrf, fields: { name: g.GroupName }, label: 'Delete group', danger: true, testId: 'delete-group' })}
<p><a href="/console/groups">Back to groups</a></p>`;
}

// ── roles ────────────────────────────────────────────────────────────────────────────────────
export interface RoleRow {
  RoleName: string;
  Arn: string;
  Description?: string | undefined;
  CreateDate?: Date | undefined;
  MaxSessionDuration?: number | undefined;
}

export function rolesContent(o: { roles: readonly RoleRow[] | string; next?: string | undefined; csrf: string; accountId: string; create?: { name: string; description: string; trust: string; error?: string | undefined } | undefined }): SafeHtml {
  const list =
    typeof o.roles === 'string'
      ? errorBox(o.roles)
      : table({
          label: 'Roles',
          head: ['Role', 'Description', 'Created'],
          rows: o.roles.map((r) => html`<tr data-testid="role-row" data-name="${r.RoleName}"><td><a href="/console/roles/detail${query({ name: r.RoleName })}">${r.RoleName}</a><br><span class="muted arn">${r.Arn}</span></td><td>${r.Description ?? ''}</td><td class="nowrap">${dateText(r.CreateDate)}</td></tr>`),
          empty: 'No roles.',
          testId: 'roles',
        });
  return listPage({
    title: 'Roles',
    list,
    next: o.next ? `/console/roles${query({ marker: o.next })}` : undefined,
    summary: 'Create a role',
    open: o.create !== undefined,
    form: html`<form method="post" action="/console/roles/create" aria-label="Create a role">${csrfInput(o.csrf)}
${errorBox(o.create && !o.create.trust ? o.create.error : undefined, 'create-error')}
${textField({ id: 'rolename', name: 'name', label: 'Role name', value: o.create?.name, required: true, maxlength: 64 })}
${textField({ id: 'description', label: 'Description', value: o.create?.description, maxlength: 1000 })}
${policyTextarea('trust', 'Trust policy (who may assume the role)', o.create?.trust || EXAMPLE_TRUST(o.accountId), o.create?.trust ? o.create.error : undefined)}
<button type="submit" data-testid="create-role">Create role</button></form>`,
  });
}

export function roleContent(o: { role: RoleRow & { RoleId?: string | undefined; Path?: string | undefined }; trust: string; trustError?: string | undefined; panel: SafeHtml; csrf: string }): SafeHtml {
  const r = o.role;
  return html`<h1>Role <code data-testid="role-name">${r.RoleName}</code></h1>
<dl class="facts"><dt>ARN</dt><dd>${r.Arn}</dd><dt>Unique id</dt><dd>${r.RoleId ?? ''}</dd><dt>Description</dt><dd>${r.Description ?? '—'}</dd><dt>Created</dt><dd>${dateText(r.CreateDate)}</dd><dt>Max session</dt><dd>${String(r.MaxSessionDuration ?? 3600)} s</dd></dl>
<h2>Trust policy</h2>
<form method="post" action="/console/roles/trust" aria-label="Update the trust policy">${csrfInput(o.csrf)}<input type="hidden" name="name" value="${r.RoleName}">
${policyTextarea('trust', 'Who may assume this role', o.trust, o.trustError)}
<button type="submit" data-testid="save-trust">Save trust policy</button></form>
<h2>Settings</h2>
<form method="post" action="/console/roles/update" aria-label="Update the role">${csrfInput(o.csrf)}<input type="hidden" name="name" value="${r.RoleName}">
${textField({ id: 'description', label: 'Description', value: r.Description, maxlength: 1000 })}
${textField({ id: 'max', name: 'max', label: 'Maximum session duration (seconds, 3600–43200)', value: String(r.MaxSessionDuration ?? 3600), maxlength: 5 })}
<button type="submit" class="secondary">Save settings</button></form>
${o.panel}
<h2>Delete</h2>
${postButton({ action: '/console/roles/delete', csrf: o.csrf, fields: { name: r.RoleName }, label: 'Delete role', danger: true, testId: 'delete-role' })}
<p><a href="/console/roles">Back to roles</a></p>`;
}

// ── managed policies ─────────────────────────────────────────────────────────────────────────
export interface PolicyRow {
  PolicyName?: string | undefined;
  Arn?: string | undefined;
  AttachmentCount?: number | undefined;
  DefaultVersionId?: string | undefined;
  Description?: string | undefined;
  UpdateDate?: Date | undefined;
}

export function policiesContent(o: { policies: readonly PolicyRow[] | string; scope: string; next?: string | undefined; csrf: string; create?: { name: string; description: string; document: string; error?: string | undefined } | undefined }): SafeHtml {
  const list =
    typeof o.policies === 'string'
      ? errorBox(o.policies)
      : table({
          label: 'Managed policies',
          head: ['Policy', 'Attachments', 'Default version', 'Updated'],
          rows: o.policies.map(
            (p) => html`<tr data-testid="policy-row" data-name="${p.PolicyName ?? ''}"><td><a href="/console/policies/detail${query({ arn: p.Arn })}">${p.PolicyName ?? ''}</a><br><span class="muted arn">${p.Arn ?? ''}</span></td><td>${String(p.AttachmentCount ?? 0)}</td><td>${p.DefaultVersionId ?? ''}</td><td class="nowrap">${dateText(p.UpdateDate)}</td></tr>`,
          ),
          empty: 'No policies.',
          testId: 'policies',
        });
  const scopes = [
    ['Local', 'This account'],
    ['AWS', 'AWS managed'],
    ['All', 'All'],
  ] as const;
  const filter = html`<form method="get" action="/console/policies" class="filters" aria-label="Filter">
<label for="scope">Show</label>
<select id="scope" name="scope">${scopes.map(([v, t]) => html`<option value="${v}"${v === o.scope ? html` selected` : html``}>${t}</option>`)}</select>
<button type="submit" class="secondary small">Show</button></form>`;
  return listPage({
    title: 'Managed policies',
    list: html`${filter}${list}`,
    next: o.next ? `/console/policies${query({ scope: o.scope, marker: o.next })}` : undefined,
    summary: 'Create a policy',
    open: o.create !== undefined,
    form: html`<form method="post" action="/console/policies/create" aria-label="Create a policy">${csrfInput(o.csrf)}
${errorBox(o.create && !o.create.document ? o.create.error : undefined, 'create-error')}
${textField({ id: 'policyname', name: 'name', label: 'Policy name', value: o.create?.name, required: true, maxlength: 128 })}
${textField({ id: 'description', label: 'Description', value: o.create?.description, maxlength: 1000 })}
${policyTextarea('document', 'Policy document (JSON)', o.create?.document || EXAMPLE_POLICY, o.create?.document ? o.create.error : undefined)}
<button type="submit" data-testid="create-policy">Create policy</button></form>`,
  });
}

export function policyContent(o: {
  policy: PolicyRow & { Path?: string | undefined };
  document: string;
  versions: readonly { VersionId?: string | undefined; IsDefaultVersion?: boolean | undefined; CreateDate?: Date | undefined }[] | string;
  editor?: { document: string; error?: string | undefined } | undefined;
  csrf: string;
}): SafeHtml {
  const p = o.policy;
  const arn = p.Arn ?? '';
  const aws = arn.includes(':iam::aws:policy/');
  const versions =
    typeof o.versions === 'string'
      ? errorBox(o.versions)
      : table({
          label: 'Versions',
          head: ['Version', 'Created', ''],
          rows: o.versions.map(
            (v) => html`<tr><td>${v.VersionId ?? ''}${v.IsDefaultVersion ? html` <span class="badge active">default</span>` : html``}</td><td class="nowrap">${dateText(v.CreateDate)}</td>
<td class="actions">${v.IsDefaultVersion || aws ? html`` : html`${postButton({ action: '/console/policies/default', csrf: o.csrf, fields: { arn, version: v.VersionId }, label: 'Make default' })}${postButton({ action: '/console/policies/delete-version', csrf: o.csrf, fields: { arn, version: v.VersionId }, label: 'Delete', danger: true })}`}</td></tr>`,
          ),
          empty: 'No versions.',
        });
  return html`<h1>Policy <code data-testid="policy-name">${p.PolicyName ?? ''}</code></h1>
<dl class="facts"><dt>ARN</dt><dd>${arn}</dd><dt>Description</dt><dd>${p.Description ?? '—'}</dd><dt>Attachments</dt><dd>${String(p.AttachmentCount ?? 0)}</dd><dt>Default version</dt><dd>${p.DefaultVersionId ?? ''}</dd></dl>
<h2>Document (${p.DefaultVersionId ?? ''})</h2>
<pre class="json" data-testid="policy-document">${o.document}</pre>
${aws
  ? html``
  : html`<h2>New version</h2>
<form method="post" action="/console/policies/version" aria-label="Create a new version">${csrfInput(o.csrf)}<input type="hidden" name="arn" value="${arn}">
${policyTextarea('document', 'Policy document (JSON): saved as a new default version', o.editor?.document ?? o.document, o.editor?.error)}
<button type="submit" data-testid="save-version">Save as new default version</button></form>`}
<h2>Versions</h2>
${versions}
${aws ? html`` : html`<h2>Delete</h2>${postButton({ action: '/console/policies/delete', csrf: o.csrf, fields: { arn }, label: 'Delete policy', danger: true, testId: 'delete-policy' })}`}
<p><a href="/console/policies">Back to policies</a></p>`;
}

export function inlinePolicyContent(o: { kind: string; base: string; owner: string; policy: string; document: string; error?: string | undefined; csrf: string }): SafeHtml {
  return html`<h1>Inline policy <code>${o.policy}</code> of ${o.kind} <code>${o.owner}</code></h1>
<form method="post" action="${o.base}/inline/put" aria-label="Save the inline policy">${csrfInput(o.csrf)}<input type="hidden" name="name" value="${o.owner}"><input type="hidden" name="policy" value="${o.policy}">
${policyTextarea('document', 'Policy document (JSON)', o.document, o.error)}
<button type="submit" data-testid="put-inline">Save inline policy</button></form>
<p><a href="${o.base}/detail${query({ name: o.owner })}">Back to ${o.kind} ${o.owner}</a></p>`;
}

export { textArea };
