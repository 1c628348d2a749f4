import { html, type SafeHtml } from '../../web/html.js';
import {
  groupContent,
  groupsContent,
  inlinePolicyContent,
  policiesContent,
  policiesPanel,
  policyContent,
  prettyDocument,
  roleContent,
  rolesContent,
  userContent,
  usersContent,
  type Attached,
  type PolicyRow,
  type RoleRow,
  type UserRow,
} from '../../web/console/iam.js';
import { mutate, page, redirect, refusal, statusOf, type Section, type SectionCx, type SectionResult, type SectionRoute } from './kit.js';

/**
 * /console/users, /console/groups, /console/roles, /console/policies: the IAM entities, every
 * read and change an IAM operation called as the person's console role session (so IAM policies
 * decide what each person sees and changes; a refusal shows AWS's code and message). Documents
 * are edited as text; their validation is the operations' own (MalformedPolicyDocument with the
 * policy engine's message), shown beside the kept text.
 */
type Kind = 'user' | 'group' | 'role';
const FIELD: Record<Kind, string> = { user: 'UserName', group: 'GroupName', role: 'RoleName' };
const ACTION: Record<Kind, { attached: string; inline: string; attach: string; detach: string; put: string; get: string; del: string }> = {
  user: { attached: 'ListAttachedUserPolicies', inline: 'ListUserPolicies', attach: 'AttachUserPolicy', detach: 'DetachUserPolicy', put: 'PutUserPolicy', get: 'GetUserPolicy', del: 'DeleteUserPolicy' },
  group: { attached: 'ListAttachedGroupPolicies', inline: 'ListGroupPolicies', attach: 'AttachGroupPolicy', detach: 'DetachGroupPolicy', put: 'PutGroupPolicy', get: 'GetGroupPolicy', del: 'DeleteGroupPolicy' },
  role: { attached: 'ListAttachedRolePolicies', inline: 'ListRolePolicies', attach: 'AttachRolePolicy', detach: 'DetachRolePolicy', put: 'PutRolePolicy', get: 'GetRolePolicy', del: 'DeleteRolePolicy' },
};
const BASE: Record<Kind, string> = { user: '/console/users', group: '/console/groups', role: '/console/roles' };
const detail = (k: Kind, name: string | undefined) => `${BASE[k]}/detail?name=${encodeURIComponent(name ?? '')}`;

/** A read that may be refused on its own: the value, or AWS's refusal text for the page. */
async function orRefusal<T>(p: Promise<T>): Promise<T | string> {
  try {
    return await p;
  } catch (e) {
    return refusal(e);
  }
}

const failPage = (title: string, e: unknown, back: string): SectionResult => {
  const msg = refusal(e);
  return page(title, errorContent(title, msg, back), statusOf(msg));
};
const errorContent = (title: string, msg: string, back: string): SafeHtml => html`<h1>${title}</h1><div class="alert" role="alert" data-testid="error">${msg}</div><p><a href="${back}">Back</a></p>`;

async function panel(cx: SectionCx, kind: Kind, name: string, editor?: { name: string; document: string; error?: string | undefined }): Promise<SafeHtml> {
  const a = ACTION[kind];
  const [attached, inline] = await Promise.all([
    orRefusal(cx.call<{ AttachedPolicies?: Attached[] }>(a.attached, { [FIELD[kind]]: name }).then((r) => r.AttachedPolicies ?? [])),
    orRefusal(cx.call<{ PolicyNames?: string[] }>(a.inline, { [FIELD[kind]]: name }).then((r) => r.PolicyNames ?? [])),
  ]);
  return policiesPanel({ kind, name, base: BASE[kind], csrf: cx.csrf, attached, inline, editor });
}

/** The policy routes every user / group / role page has: attach, detach, inline get / put / delete. */
function policyRoutes(kind: Kind, render: (cx: SectionCx, name: string, editor?: { name: string; document: string; error?: string | undefined }) => Promise<SectionResult>): SectionRoute[] {
  const a = ACTION[kind];
  const base = BASE[kind];
  return [
    { method: 'POST', path: `${base}/attach`, handle: (cx) => mutate(detail(kind, cx.field('name')), `Policy ${cx.field('arn') ?? ''} attached.`, () => cx.call(a.attach, { [FIELD[kind]]: cx.field('name'), PolicyArn: cx.field('arn')?.trim() })) },
    { method: 'POST', path: `${base}/detach`, handle: (cx) => mutate(detail(kind, cx.field('name')), `Policy ${cx.field('arn') ?? ''} detached.`, () => cx.call(a.detach, { [FIELD[kind]]: cx.field('name'), PolicyArn: cx.field('arn') })) },
    { method: 'POST', path: `${base}/inline/delete`, handle: (cx) => mutate(detail(kind, cx.field('name')), `Inline policy ${cx.field('policy') ?? ''} deleted.`, () => cx.call(a.del, { [FIELD[kind]]: cx.field('name'), PolicyName: cx.field('policy') })) },
    {
      method: 'GET',
      path: `${base}/inline`,
      async handle(cx) {
        const owner = cx.field('name') ?? '';
        const policy = cx.field('policy') ?? '';
        try {
          const r = await cx.call<{ PolicyDocument?: string }>(a.get, { [FIELD[kind]]: owner, PolicyName: policy });
          return page('Inline policy', inlinePolicyContent({ kind, base, owner, policy, document: prettyDocument(r.PolicyDocument), csrf: cx.csrf }));
        } catch (e) {
          return failPage('Inline policy', e, detail(kind, owner));
        }
      },
    },
    {
      method: 'POST',
      path: `${base}/inline/put`,
      async handle(cx) {
        const owner = cx.field('name') ?? '';
        const policy = (cx.field('policy') ?? '').trim();
        const document = cx.field('document') ?? '';
        try {
          await cx.call(a.put, { [FIELD[kind]]: owner, PolicyName: policy, PolicyDocument: document });
          return redirect(detail(kind, owner), `Inline policy ${policy} saved.`);
        } catch (e) {
          // The text stays, with the operation's message beside it.
          const r = await render(cx, owner, { name: policy, document, error: refusal(e) });
          return r.kind === 'page' ? { ...r, status: statusOf(refusal(e)) } : r;
        }
      },
    },
  ];
}

// ── users ────────────────────────────────────────────────────────────────────────────────────
async function userPage(cx: SectionCx, name: string, editor?: { name: string; document: string; error?: string | undefined }): Promise<SectionResult> {
  let user: UserRow & { Path?: string; UserId?: string };
  try {
    user = (await cx.call<{ User: UserRow & { Path?: string; UserId?: string } }>('GetUser', { UserName: name })).User;
  } catch (e) {
    return failPage('User', e, '/console/users');
  }
  const [groups, keys, mfa, loginProfile, p] = await Promise.all([
    orRefusal(cx.call<{ Groups?: { GroupName: string }[] }>('ListGroupsForUser', { UserName: name }).then((r) => (r.Groups ?? []).map((g) => g.GroupName))),
    orRefusal(cx.call<{ AccessKeyMetadata?: { AccessKeyId?: string; Status?: string; CreateDate?: Date }[] }>('ListAccessKeys', { UserName: name }).then((r) => r.AccessKeyMetadata ?? [])),
    orRefusal(cx.call<{ MFADevices?: { SerialNumber?: string; EnableDate?: Date }[] }>('ListMFADevices', { UserName: name }).then((r) => r.MFADevices ?? [])),
    cx.call<{ LoginProfile?: { CreateDate?: Date } }>('GetLoginProfile', { UserName: name }).then(
      (r) => ({ exists: true, created: r.LoginProfile?.CreateDate }),
      (e: unknown) => (refusal(e).startsWith('NoSuchEntity') ? { exists: false } : refusal(e)),
    ),
    panel(cx, 'user', name, editor),
  ]);
  return page(`User ${name}`, userContent({ user, groups, keys, mfa, loginProfile, panel: p, csrf: cx.csrf }));
}

async function usersPage(cx: SectionCx, create?: { name: string; path: string; error?: string }): Promise<SectionResult> {
  const marker = cx.field('marker');
  const r = await orRefusal(cx.call<{ Users?: UserRow[]; Marker?: string; IsTruncated?: boolean }>('ListUsers', { MaxItems: '100', ...(marker ? { Marker: marker } : {}) }));
  const users = typeof r === 'string' ? r : r.Users ?? [];
  const next = typeof r === 'string' ? undefined : r.IsTruncated ? r.Marker : undefined;
  return page('Users', usersContent({ users, next, csrf: cx.csrf, create }), typeof r === 'string' ? statusOf(r) : create?.error ? statusOf(create.error) : 200);
}

export const usersSection: Section = {
  id: 'users',
  title: 'Users',
  path: '/console/users',
  routes: [
    { method: 'GET', path: '/console/users', handle: (cx) => usersPage(cx) },
    { method: 'GET', path: '/console/users/detail', handle: (cx) => userPage(cx, cx.field('name') ?? '') },
    {
      method: 'POST',
      path: '/console/users/create',
      async handle(cx) {
        const name = (cx.field('name') ?? '').trim();
        const path = (cx.field('path') ?? '/').trim() || '/';
        try {
          await cx.call('CreateUser', { UserName: name, Path: path });
          return redirect(detail('user', name), `User ${name} created.`);
        } catch (e) {
          return usersPage(cx, { name, path, error: refusal(e) });
        }
      },
    },
    { method: 'POST', path: '/console/users/delete', handle: (cx) => mutateOr(cx, '/console/users', detail('user', cx.field('name')), `User ${cx.field('name') ?? ''} deleted.`, () => cx.call('DeleteUser', { UserName: cx.field('name') })) },
    ...policyRoutes('user', userPage),
  ],
};

/** A deletion: to `ok` when done, else back to the entity's page with AWS's refusal. */
async function mutateOr(_cx: SectionCx, ok: string, back: string, done: string, run: () => Promise<unknown>): Promise<SectionResult> {
  try {
    await run();
    return redirect(ok, done);
  } catch (e) {
    return redirect(back, refusal(e), true);
  }
}

// ── groups ───────────────────────────────────────────────────────────────────────────────────
async function groupPage(cx: SectionCx, name: string, editor?: { name: string; document: string; error?: string | undefined }): Promise<SectionResult> {
  try {
    const g = await cx.call<{ Group: { GroupName: string; Arn: string; CreateDate?: Date }; Users?: { UserName: string }[] }>('GetGroup', { GroupName: name });
    return page(`Group ${name}`, groupContent({ group: g.Group, members: (g.Users ?? []).map((u) => u.UserName), panel: await panel(cx, 'group', name, editor), csrf: cx.csrf }));
  } catch (e) {
    return failPage('Group', e, '/console/groups');
  }
}

async function groupsPage(cx: SectionCx, create?: { name: string; error?: string }): Promise<SectionResult> {
  const marker = cx.field('marker');
  const r = await orRefusal(cx.call<{ Groups?: { GroupName: string; Arn: string; CreateDate?: Date }[]; Marker?: string; IsTruncated?: boolean }>('ListGroups', { MaxItems: '100', ...(marker ? { Marker: marker } : {}) }));
  const groups = typeof r === 'string' ? r : r.Groups ?? [];
  return page('Groups', groupsContent({ groups, next: typeof r === 'string' ? undefined : r.IsTruncated ? r.Marker : undefined, csrf: cx.csrf, create }), typeof r === 'string' ? statusOf(r) : create?.error ? statusOf(create.error) : 200);
}

export const groupsSection: Section = {
  id: 'groups',
  title: 'Groups',
  path: '/console/groups',
  routes: [
    { method: 'GET', path: '/console/groups', handle: (cx) => groupsPage(cx) },
    { method: 'GET', path: '/console/groups/detail', handle: (cx) => groupPage(cx, cx.field('name') ?? '') },
    {
      method: 'POST',
      path: '/console/groups/create',
      async handle(cx) {
        const name = (cx.field('name') ?? '').trim();
        try {
          await cx.call('CreateGroup', { GroupName: name });
          return redirect(detail('group', name), `Group ${name} created.`);
        } catch (e) {
          return groupsPage(cx, { name, error: refusal(e) });
        }
      },
    },
    { method: 'POST', path: '/console/groups/add-user', handle: (cx) => mutate(detail('group', cx.field('name')), `${cx.field('user') ?? ''} added.`, () => cx.call('AddUserToGroup', { GroupName: cx.field('name'), UserName: cx.field('user')?.trim() })) },
    { method: 'POST', path: '/console/groups/remove-user', handle: (cx) => mutate(detail('group', cx.field('name')), `${cx.field('user') ?? ''} removed.`, () => cx.call('RemoveUserFromGroup', { GroupName: cx.field('name'), UserName: cx.field('user') })) },
    { method: 'POST', path: '/console/groups/delete', handle: (cx) => mutateOr(cx, '/console/groups', detail('group', cx.field('name')), `Group ${cx.field('name') ?? ''} deleted.`, () => cx.call('DeleteGroup', { GroupName: cx.field('name') })) },
    ...policyRoutes('group', groupPage),
  ],
};

// ── roles ────────────────────────────────────────────────────────────────────────────────────
type RoleOut = RoleRow & { RoleId?: string; Path?: string; AssumeRolePolicyDocument?: string };

async function rolePage(cx: SectionCx, name: string, editor?: { name: string; document: string; error?: string | undefined }, trustEdit?: { document: string; error: string }): Promise<SectionResult> {
  let role: RoleOut;
  try {
    role = (await cx.call<{ Role: RoleOut }>('GetRole', { RoleName: name })).Role;
  } catch (e) {
    return failPage('Role', e, '/console/roles');
  }
  return page(
    `Role ${name}`,
    roleContent({ role, trust: trustEdit?.document ?? prettyDocument(role.AssumeRolePolicyDocument), trustError: trustEdit?.error, panel: await panel(cx, 'role', name, editor), csrf: cx.csrf }),
    trustEdit ? statusOf(trustEdit.error) : 200,
  );
}

async function rolesPage(cx: SectionCx, create?: { name: string; description: string; trust: string; error?: string }): Promise<SectionResult> {
  const marker = cx.field('marker');
  const r = await orRefusal(cx.call<{ Roles?: RoleRow[]; Marker?: string; IsTruncated?: boolean }>('ListRoles', { MaxItems: '100', ...(marker ? { Marker: marker } : {}) }));
  const roles = typeof r === 'string' ? r : r.Roles ?? [];
  return page('Roles', rolesContent({ roles, next: typeof r === 'string' ? undefined : r.IsTruncated ? r.Marker : undefined, csrf: cx.csrf, accountId: cx.accountId, create }), typeof r === 'string' ? statusOf(r) : create?.error ? statusOf(create.error) : 200);
}

export const rolesSection: Section = {
  id: 'roles',
  title: 'Roles',
  path: '/console/roles',
  routes: [
    { method: 'GET', path: '/console/roles', handle: (cx) => rolesPage(cx) },
    { method: 'GET', path: '/console/roles/detail', handle: (cx) => rolePage(cx, cx.field('name') ?? '') },
    {
      method: 'POST',
      path: '/console/roles/create',
      async handle(cx) {
        const name = (cx.field('name') ?? '').trim();
        const description = cx.field('description') ?? '';
        const trust = cx.field('trust') ?? '';
        try {
          await cx.call('CreateRole', { RoleName: name, AssumeRolePolicyDocument: trust, ...(description.trim() ? { Description: description } : {}) });
          return redirect(detail('role', name), `Role ${name} created.`);
        } catch (e) {
          const msg = refusal(e);
          // A document the engine refused keeps its text beside the message; other refusals go above the form.
          return rolesPage(cx, { name, description, trust: /^MalformedPolicyDocument/.test(msg) ? trust : '', error: msg });
        }
      },
    },
    {
      method: 'POST',
      path: '/console/roles/trust',
      async handle(cx) {
        const name = cx.field('name') ?? '';
        const document = cx.field('trust') ?? '';
        try {
          await cx.call('UpdateAssumeRolePolicy', { RoleName: name, PolicyDocument: document });
          return redirect(detail('role', name), 'Trust policy saved.');
        } catch (e) {
          return rolePage(cx, name, undefined, { document, error: refusal(e) });
        }
      },
    },
    {
      method: 'POST',
      path: '/console/roles/update',
      handle: (cx) =>
        mutate(detail('role', cx.field('name')), 'Role settings saved.', () =>
          cx.call('UpdateRole', { RoleName: cx.field('name'), Description: cx.field('description') ?? '', MaxSessionDuration: (cx.field('max') ?? '').trim() || undefined }),
        ),
    },
    { method: 'POST', path: '/console/roles/delete', handle: (cx) => mutateOr(cx, '/console/roles', detail('role', cx.field('name')), `Role ${cx.field('name') ?? ''} deleted.`, () => cx.call('DeleteRole', { RoleName: cx.field('name') })) },
    ...policyRoutes('role', (cx, name, editor) => rolePage(cx, name, editor)),
  ],
};

// ── managed policies ─────────────────────────────────────────────────────────────────────────
const SCOPES = new Set(['Local', 'AWS', 'All']);
const policyDetail = (arn: string | undefined) => `/console/policies/detail?arn=${encodeURIComponent(arn ?? '')}`;

async function policiesPage(cx: SectionCx, create?: { name: string; description: string; document: string; error?: string }): Promise<SectionResult> {
  const raw = cx.field('scope') ?? 'Local';
  const scope = SCOPES.has(raw) ? raw : 'Local';
  const marker = cx.field('marker');
  const r = await orRefusal(cx.call<{ Policies?: PolicyRow[]; Marker?: string; IsTruncated?: boolean }>('ListPolicies', { Scope: scope, MaxItems: '100', ...(marker ? { Marker: marker } : {}) }));
  const policies = typeof r === 'string' ? r : r.Policies ?? [];
  return page('Managed policies', policiesContent({ policies, scope, next: typeof r === 'string' ? undefined : r.IsTruncated ? r.Marker : undefined, csrf: cx.csrf, create }), typeof r === 'string' ? statusOf(r) : create?.error ? statusOf(create.error) : 200);
}

async function policyPage(cx: SectionCx, arn: string, editor?: { document: string; error?: string }): Promise<SectionResult> {
  try {
    const p = (await cx.call<{ Policy: PolicyRow & { Path?: string } }>('GetPolicy', { PolicyArn: arn })).Policy;
    const [doc, versions] = await Promise.all([
      orRefusal(cx.call<{ PolicyVersion?: { Document?: string } }>('GetPolicyVersion', { PolicyArn: arn, VersionId: p.DefaultVersionId }).then((v) => prettyDocument(v.PolicyVersion?.Document))),
      orRefusal(cx.call<{ Versions?: { VersionId?: string; IsDefaultVersion?: boolean; CreateDate?: Date }[] }>('ListPolicyVersions', { PolicyArn: arn }).then((v) => v.Versions ?? [])),
    ]);
    return page(`Policy ${p.PolicyName ?? ''}`, policyContent({ policy: p, document: doc, versions, editor, csrf: cx.csrf }), editor?.error ? statusOf(editor.error) : 200);
  } catch (e) {
    return failPage('Policy', e, '/console/policies');
  }
}

export const policiesSection: Section = {
  id: 'policies',
  title: 'Policies',
  path: '/console/policies',
  routes: [
    { method: 'GET', path: '/console/policies', handle: (cx) => policiesPage(cx) },
    { method: 'GET', path: '/console/policies/detail', handle: (cx) => policyPage(cx, cx.field('arn') ?? '') },
    {
      method: 'POST',
      path: '/console/policies/create',
      async handle(cx) {
        const name = (cx.field('name') ?? '').trim();
        const description = cx.field('description') ?? '';
        const document = cx.field('document') ?? '';
        try {
          const out = await cx.call<{ Policy?: { Arn?: string } }>('CreatePolicy', { PolicyName: name, PolicyDocument: document, ...(description.trim() ? { Description: description } : {}) });
          return redirect(policyDetail(out.Policy?.Arn), `Policy ${name} created.`);
        } catch (e) {
          const msg = refusal(e);
          return policiesPage(cx, { name, description, document: /^MalformedPolicyDocument/.test(msg) ? document : '', error: msg });
        }
      },
    },
    {
      method: 'POST',
      path: '/console/policies/version',
      async handle(cx) {
        const arn = cx.field('arn') ?? '';
        const document = cx.field('document') ?? '';
        try {
          await cx.call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: document, SetAsDefault: 'true' });
          return redirect(policyDetail(arn), 'New default version saved.');
        } catch (e) {
          return policyPage(cx, arn, { document, error: refusal(e) });
        }
      },
    },
    { method: 'POST', path: '/console/policies/default', handle: (cx) => mutate(policyDetail(cx.field('arn')), `Version ${cx.field('version') ?? ''} is the default.`, () => cx.call('SetDefaultPolicyVersion', { PolicyArn: cx.field('arn'), VersionId: cx.field('version') })) },
    { method: 'POST', path: '/console/policies/delete-version', handle: (cx) => mutate(policyDetail(cx.field('arn')), `Version ${cx.field('version') ?? ''} deleted.`, () => cx.call('DeletePolicyVersion', { PolicyArn: cx.field('arn'), VersionId: cx.field('version') })) },
    { method: 'POST', path: '/console/policies/delete', handle: (cx) => mutateOr(cx, '/console/policies', policyDetail(cx.field('arn')), 'Policy deleted.', () => cx.call('DeletePolicy', { PolicyArn: cx.field('arn') })) },
  ],
};
