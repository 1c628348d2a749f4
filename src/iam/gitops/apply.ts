/**
 * Declarative IAM (GitOps): `tessera apply -f file.json` converges an account to a JSON
 * description by calling the same IAM operations the API serves (parse → validate → authorize
 * → run), as the account's root user. Running it twice changes nothing the second time.
 *
 * File format (every list optional; documents are JSON objects or strings):
 *   {
 *     "policies":  [{ "name", "path"?, "description"?, "document" }],
 *     "groups":    [{ "name", "path"?, "policies"?: [nameOrArn], "inlinePolicies"?: { name: document } }],
 *     "roles":     [{ "name", "path"?, "description"?, "maxSessionDuration"?, "trustPolicy",
 *                     "permissionsBoundary"?, "policies"?, "inlinePolicies"?, "tags"?: { k: v } }],
 *     "users":     [{ "name", "path"?, "groups"?: [name], "permissionsBoundary"?, "policies"?,
 *                     "inlinePolicies"?, "tags"?: { k: v } }],
 *     "oidcProviders": [{ "url", "clientIds"?: [..], "thumbprints"?: [..] }],
 *     "samlProviders": [{ "name", "metadata" }],
 *     "signInConnectors": [{ "id", "type", "provider", "displayName"?, "requireMfa"?,
 *                     "allowIdpInitiated"?, "enabled"?, "settings"?: {..},
 *                     "secrets"?: { name: { "env": "VAR" } | { "file": "path" } } }]
 *   }
 * A policy reference is a full ARN or the name of a policy in "policies" (or already in the
 * account). Attached and inline policies are converged: ones not listed are detached/deleted.
 * Users, groups, roles, policies, providers and sign-in connectors not listed are left alone
 * (never deleted; DeleteSignInConnector removes a connector).
 *
 * Sign-in connectors (README "Sign-in connectors"): `provider` is the IAM provider's ARN, or the
 * name of a SAML provider (type saml) / the URL of an OIDC provider (other types) of the account
 * or this document. Secrets are never written in the document: each is a reference, resolved
 * by the command (`env`: an environment variable; `file`: a file's content, one trailing
 * newline dropped) and sealed by CreateSignInConnector/UpdateSignInConnector. The listed secrets
 * are the connector's whole set (others are removed); members not given are left as they are.
 * A second run with the same document and secret values changes nothing.
 *
 * Every change is audited as the API's are (service iam, the action, the account's root,
 * user agent `tessera apply`; detail without secrets).
 */
import { runTyped } from '../../protocols/operation.js';
import type { AuthedContext, OperationInput, OperationName, OperationOutput } from '../../protocols/operation.js';
import type { AnyModelOperation } from '../../protocols/operation.js';
import { AwsError } from '../../errors/index.js';
import type { Services } from '../../services.js';
import type { Caller } from '../../tokens/caller.js';
import { iamArn } from '../common.js';
import { iamOperations } from '../index.js';
import { normalizeIssuer } from '../providers/oidc-repo.js';
import { openConnectorSecrets } from '../../federation/registry.js';
import type { ConnectorType } from '../../federation/connector.js';

type Doc = string | Record<string, unknown>;

export interface ApplySpec {
  policies?: { name: string; path?: string; description?: string; document: Doc }[];
  groups?: { name: string; path?: string; policies?: string[]; inlinePolicies?: Record<string, Doc> }[];
  roles?: {
    name: string;
    path?: string;
    description?: string;
    maxSessionDuration?: number;
    trustPolicy: Doc;
    permissionsBoundary?: string;
    policies?: string[];
    inlinePolicies?: Record<string, Doc>;
    tags?: Record<string, string>;
  }[];
  users?: {
    name: string;
    path?: string;
    groups?: string[];
    permissionsBoundary?: string;
    policies?: string[];
    inlinePolicies?: Record<string, Doc>;
    tags?: Record<string, string>;
  }[];
  oidcProviders?: { url: string; clientIds?: string[]; thumbprints?: string[] }[];
  samlProviders?: { name: string; metadata: string }[];
  signInConnectors?: SignInConnectorSpec[];
}

/** A secret in an apply document: a reference, never the value. */
export type SecretRef = { env: string } | { file: string };

export interface SignInConnectorSpec {
  id: string;
  type: ConnectorType;
  /** An IAM provider ARN, a SAML provider name (type saml) or an OIDC provider URL (other types). */
  provider: string;
  displayName?: string;
  requireMfa?: boolean;
  allowIdpInitiated?: boolean;
  enabled?: boolean;
  settings?: Record<string, unknown>;
  secrets?: Record<string, SecretRef>;
}

export interface ApplyOptions {
  accountId?: string;
  now?: Date;
  /** Resolves a secret reference to its value (the command reads the environment and files). */
  resolveSecret?: (ref: SecretRef, name: string) => Promise<string>;
}

export interface ApplyChange {
  kind: 'policy' | 'group' | 'role' | 'user' | 'oidc-provider' | 'saml-provider' | 'sign-in-connector';
  name: string;
  action: 'created' | 'updated' | 'unchanged';
  details?: string[];
}

export class ApplyError extends Error {
  override readonly name = 'ApplyError';
}

const docText = (d: Doc) => (typeof d === 'string' ? d : JSON.stringify(d));
/** Documents compare by their JSON value, not their formatting. */
const sameDoc = (a: string, b: string) => {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
};

/** Tags as the model's Tag list. */
const tagList = (tags: Record<string, string> | undefined) => Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));

export async function applySpec(services: Services, spec: ApplySpec, opts: ApplyOptions = {}): Promise<ApplyChange[]> {
  const accountId = opts.accountId ?? services.accountId;
  const partition = services.config.partition;
  const rootArn = `arn:${partition}:iam::${accountId}:root`;
  const caller: Caller = {
    type: 'Account',
    accountId,
    arn: rootArn,
    userId: accountId,
    accessKeyId: '',
    credential: 'long-term',
    userName: 'root',
    principalId: accountId,
    principalArn: rootArn,
    isRoot: true,
  };
  const ops = new Map<string, AnyModelOperation>((iamOperations as unknown as AnyModelOperation[]).map((o) => [o.name, o]));

  /**
   * One IAM action through its operation with typed input, as every adapter calls it (validated
   * against the model, authorized, audited by the operation's own rules); returns its typed output.
   */
  async function call<N extends OperationName<'iam'>>(action: N, input: OperationInput<'iam', N>): Promise<OperationOutput<'iam', N>> {
    const op = ops.get(action);
    if (!op) throw new ApplyError(`IAM action ${action} is not available`);
    const clean = Object.fromEntries(Object.entries(input as Record<string, unknown>).filter(([, v]) => v !== undefined));
    const ctx: AuthedContext = {
      req: { requestId: services.random.uuid(), now: opts.now ?? services.now(), sourceIp: '127.0.0.1', userAgent: 'tessera-apply', region: 'us-east-1', secureTransport: true },
      caller,
      services,
      audit: { via: 'tessera apply' },
    };
    if (READ_ONLY.test(action)) return (await runTyped(op as never, ctx, clean as never)) as OperationOutput<'iam', N>;
    // A change is audited as the Query edge audits one (after it, success or failure).
    const event = (error: unknown) => ({
      time: ctx.req.now,
      requestId: ctx.req.requestId,
      service: 'iam',
      action,
      accountId,
      principalArn: rootArn,
      principalId: accountId,
      sourceIp: ctx.req.sourceIp,
      userAgent: ctx.req.userAgent,
      outcome: error === undefined ? ('success' as const) : ('failure' as const),
      errorCode: error instanceof AwsError ? error.code : error === undefined ? undefined : 'InternalFailure',
      detail: ctx.audit,
    });
    let out: OperationOutput<'iam', N>;
    try {
      out = (await runTyped(op as never, ctx, clean as never)) as OperationOutput<'iam', N>;
    } catch (e) {
      await services.audit.record(event(e));
      throw e;
    }
    await services.audit.record(event(undefined));
    return out;
  }
  /** The call's result, or undefined on NoSuchEntity. */
  async function find<N extends OperationName<'iam'>>(action: N, input: OperationInput<'iam', N>): Promise<OperationOutput<'iam', N> | undefined> {
    try {
      return await call(action, input);
    } catch (e) {
      if (e instanceof AwsError && e.code === 'NoSuchEntity') return undefined;
      throw e;
    }
  }
  const wrap = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof AwsError) throw new ApplyError(`${what}: ${e.code}: ${e.message}`);
      throw e;
    }
  };

  const policyArns = new Map<string, string>();
  for (const p of spec.policies ?? []) policyArns.set(p.name, iamArn(partition, accountId, `policy${p.path ?? '/'}${p.name}`));
  const resolve = (ref: string) => (ref.startsWith('arn:') ? ref : (policyArns.get(ref) ?? iamArn(partition, accountId, `policy/${ref}`)));

  const changes: ApplyChange[] = [];
  const record = (kind: ApplyChange['kind'], name: string, created: boolean, details: string[]) =>
    changes.push({ kind, name, action: created ? 'created' : details.length ? 'updated' : 'unchanged', ...(details.length ? { details } : {}) });

  /** The attachment and inline-policy actions of users, groups and roles. */
  const entityOps = {
    User: {
      listAttached: async (n: string) => (await call('ListAttachedUserPolicies', { UserName: n, MaxItems: 1000 })).AttachedPolicies ?? [],
      attach: (n: string, PolicyArn: string) => call('AttachUserPolicy', { UserName: n, PolicyArn }),
      detach: (n: string, PolicyArn: string) => call('DetachUserPolicy', { UserName: n, PolicyArn }),
      listInline: async (n: string) => (await call('ListUserPolicies', { UserName: n, MaxItems: 1000 })).PolicyNames,
      getInline: async (n: string, PolicyName: string) => (await call('GetUserPolicy', { UserName: n, PolicyName })).PolicyDocument,
      putInline: (n: string, PolicyName: string, PolicyDocument: string) => call('PutUserPolicy', { UserName: n, PolicyName, PolicyDocument }),
      deleteInline: (n: string, PolicyName: string) => call('DeleteUserPolicy', { UserName: n, PolicyName }),
    },
    Group: {
      listAttached: async (n: string) => (await call('ListAttachedGroupPolicies', { GroupName: n, MaxItems: 1000 })).AttachedPolicies ?? [],
      attach: (n: string, PolicyArn: string) => call('AttachGroupPolicy', { GroupName: n, PolicyArn }),
      detach: (n: string, PolicyArn: string) => call('DetachGroupPolicy', { GroupName: n, PolicyArn }),
      listInline: async (n: string) => (await call('ListGroupPolicies', { GroupName: n, MaxItems: 1000 })).PolicyNames,
      getInline: async (n: string, PolicyName: string) => (await call('GetGroupPolicy', { GroupName: n, PolicyName })).PolicyDocument,
      putInline: (n: string, PolicyName: string, PolicyDocument: string) => call('PutGroupPolicy', { GroupName: n, PolicyName, PolicyDocument }),
      deleteInline: (n: string, PolicyName: string) => call('DeleteGroupPolicy', { GroupName: n, PolicyName }),
    },
    Role: {
      listAttached: async (n: string) => (await call('ListAttachedRolePolicies', { RoleName: n, MaxItems: 1000 })).AttachedPolicies ?? [],
      attach: (n: string, PolicyArn: string) => call('AttachRolePolicy', { RoleName: n, PolicyArn }),
      detach: (n: string, PolicyArn: string) => call('DetachRolePolicy', { RoleName: n, PolicyArn }),
      listInline: async (n: string) => (await call('ListRolePolicies', { RoleName: n, MaxItems: 1000 })).PolicyNames,
      getInline: async (n: string, PolicyName: string) => (await call('GetRolePolicy', { RoleName: n, PolicyName })).PolicyDocument,
      putInline: (n: string, PolicyName: string, PolicyDocument: string) => call('PutRolePolicy', { RoleName: n, PolicyName, PolicyDocument }),
      deleteInline: (n: string, PolicyName: string) => call('DeleteRolePolicy', { RoleName: n, PolicyName }),
    },
  };

  /** Converge attached managed policies and inline policies of a user, group or role. */
  async function convergePolicies(entity: 'User' | 'Group' | 'Role', name: string, attachedRefs: string[] | undefined, inlineDocs: Record<string, Doc> | undefined, details: string[]) {
    const e = entityOps[entity];
    if (attachedRefs !== undefined) {
      const want = new Set(attachedRefs.map(resolve));
      const have = new Set((await e.listAttached(name)).map((p) => p.PolicyArn ?? ''));
      for (const arn of want) if (!have.has(arn)) (await e.attach(name, arn), details.push(`attached ${arn}`));
      for (const arn of have) if (!want.has(arn)) (await e.detach(name, arn), details.push(`detached ${arn}`));
    }
    if (inlineDocs !== undefined) {
      const have = await e.listInline(name);
      for (const [pname, d] of Object.entries(inlineDocs)) {
        const cur = have.includes(pname) ? await e.getInline(name, pname) : undefined;
        if (cur !== undefined && sameDoc(decodeURIComponent(cur), docText(d))) continue;
        await e.putInline(name, pname, docText(d));
        details.push(`${cur !== undefined ? 'updated' : 'put'} inline policy ${pname}`);
      }
      for (const pname of have) if (!(pname in inlineDocs)) (await e.deleteInline(name, pname), details.push(`deleted inline policy ${pname}`));
    }
  }

  for (const p of spec.policies ?? []) {
    await wrap(`policy ${p.name}`, async () => {
      const arn = policyArns.get(p.name)!;
      const details: string[] = [];
      const got = await find('GetPolicy', { PolicyArn: arn });
      if (!got) {
        await call('CreatePolicy', { PolicyName: p.name, Path: p.path, Description: p.description, PolicyDocument: docText(p.document) });
        return record('policy', p.name, true, details);
      }
      const current = await call('GetPolicyVersion', { PolicyArn: arn, VersionId: got.Policy?.DefaultVersionId ?? 'v1' });
      if (!sameDoc(decodeURIComponent(current.PolicyVersion?.Document ?? ''), docText(p.document))) {
        const versions = (await call('ListPolicyVersions', { PolicyArn: arn })).Versions ?? [];
        if (versions.length >= 5) {
          const oldest = versions.filter((v) => v.IsDefaultVersion !== true).sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0))[0];
          if (oldest?.VersionId) await call('DeletePolicyVersion', { PolicyArn: arn, VersionId: oldest.VersionId });
        }
        const v = await call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: docText(p.document), SetAsDefault: true });
        details.push(`new default version ${v.PolicyVersion?.VersionId ?? ''}`);
      }
      record('policy', p.name, false, details);
    });
  }

  for (const g of spec.groups ?? []) {
    await wrap(`group ${g.name}`, async () => {
      const details: string[] = [];
      const created = !(await find('GetGroup', { GroupName: g.name, MaxItems: 1 }));
      if (created) await call('CreateGroup', { GroupName: g.name, Path: g.path });
      await convergePolicies('Group', g.name, g.policies, g.inlinePolicies, details);
      record('group', g.name, created, details);
    });
  }

  for (const u of spec.users ?? []) {
    await wrap(`user ${u.name}`, async () => {
      const details: string[] = [];
      const got = await find('GetUser', { UserName: u.name });
      if (!got) {
        await call('CreateUser', { UserName: u.name, Path: u.path, PermissionsBoundary: u.permissionsBoundary ? resolve(u.permissionsBoundary) : undefined, Tags: u.tags ? tagList(u.tags) : undefined });
      } else {
        const boundary = got.User.PermissionsBoundary?.PermissionsBoundaryArn;
        if (u.permissionsBoundary !== undefined && resolve(u.permissionsBoundary) !== boundary) {
          await call('PutUserPermissionsBoundary', { UserName: u.name, PermissionsBoundary: resolve(u.permissionsBoundary) });
          details.push('set permissions boundary');
        }
      }
      if (u.groups !== undefined) {
        const have = new Set((await call('ListGroupsForUser', { UserName: u.name, MaxItems: 1000 })).Groups.map((g) => g.GroupName));
        for (const g of u.groups) if (!have.has(g)) (await call('AddUserToGroup', { GroupName: g, UserName: u.name }), details.push(`added to group ${g}`));
        for (const g of have) if (!u.groups.includes(g)) (await call('RemoveUserFromGroup', { GroupName: g, UserName: u.name }), details.push(`removed from group ${g}`));
      }
      await convergePolicies('User', u.name, u.policies, u.inlinePolicies, details);
      record('user', u.name, !got, details);
    });
  }

  // Roles after users, and a role after the roles its trust policy names: a trust policy binds
  // the users and roles it names when it is saved, so they must exist by then.
  for (const r of trustOrder(spec.roles ?? [], (r) => docText(r.trustPolicy))) {
    await wrap(`role ${r.name}`, async () => {
      const details: string[] = [];
      const got = await find('GetRole', { RoleName: r.name });
      const trust = docText(r.trustPolicy);
      if (!got) {
        await call('CreateRole', {
          RoleName: r.name,
          Path: r.path,
          Description: r.description,
          MaxSessionDuration: r.maxSessionDuration,
          AssumeRolePolicyDocument: trust,
          PermissionsBoundary: r.permissionsBoundary ? resolve(r.permissionsBoundary) : undefined,
          Tags: r.tags ? tagList(r.tags) : undefined,
        });
      } else {
        const role = got.Role;
        if (!sameDoc(decodeURIComponent(role.AssumeRolePolicyDocument ?? ''), trust)) {
          await call('UpdateAssumeRolePolicy', { RoleName: r.name, PolicyDocument: trust });
          details.push('updated trust policy');
        }
        const descChanged = r.description !== undefined && r.description !== (role.Description ?? '');
        const durChanged = r.maxSessionDuration !== undefined && r.maxSessionDuration !== Number(role.MaxSessionDuration);
        if (descChanged || durChanged) {
          await call('UpdateRole', { RoleName: r.name, Description: r.description, MaxSessionDuration: r.maxSessionDuration });
          details.push('updated role settings');
        }
        const boundary = role.PermissionsBoundary?.PermissionsBoundaryArn;
        if (r.permissionsBoundary !== undefined && resolve(r.permissionsBoundary) !== boundary) {
          await call('PutRolePermissionsBoundary', { RoleName: r.name, PermissionsBoundary: resolve(r.permissionsBoundary) });
          details.push('set permissions boundary');
        }
      }
      await convergePolicies('Role', r.name, r.policies, r.inlinePolicies, details);
      record('role', r.name, !got, details);
    });
  }

  for (const o of spec.oidcProviders ?? []) {
    await wrap(`OIDC provider ${o.url}`, async () => {
      const n = normalizeIssuer(o.url, services.config.allowInsecureIssuers);
      if (!n) throw new ApplyError(`OIDC provider ${o.url}: not an acceptable issuer URL`);
      const arn = iamArn(partition, accountId, `oidc-provider/${n.resource}`);
      const details: string[] = [];
      const got = await find('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
      if (!got) {
        await call('CreateOpenIDConnectProvider', { Url: o.url, ClientIDList: o.clientIds, ThumbprintList: o.thumbprints });
        return record('oidc-provider', o.url, true, details);
      }
      if (o.clientIds !== undefined) {
        const have = got.ClientIDList ?? [];
        for (const c of o.clientIds) if (!have.includes(c)) (await call('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, ClientID: c }), details.push(`added client id ${c}`));
        for (const c of have) if (!o.clientIds.includes(c)) (await call('RemoveClientIDFromOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, ClientID: c }), details.push(`removed client id ${c}`));
      }
      if (o.thumbprints !== undefined) {
        const have = got.ThumbprintList ?? [];
        const want = o.thumbprints.map((x) => x.toLowerCase());
        if (have.join() !== want.join()) {
          await call('UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: arn, ThumbprintList: o.thumbprints });
          details.push('updated thumbprints');
        }
      }
      record('oidc-provider', o.url, false, details);
    });
  }

  for (const s of spec.samlProviders ?? []) {
    await wrap(`SAML provider ${s.name}`, async () => {
      const arn = iamArn(partition, accountId, `saml-provider/${s.name}`);
      const got = await find('GetSAMLProvider', { SAMLProviderArn: arn });
      if (!got) {
        await call('CreateSAMLProvider', { Name: s.name, SAMLMetadataDocument: s.metadata });
        return record('saml-provider', s.name, true, []);
      }
      if (got.SAMLMetadataDocument === s.metadata) return record('saml-provider', s.name, false, []);
      await call('UpdateSAMLProvider', { SAMLProviderArn: arn, SAMLMetadataDocument: s.metadata });
      record('saml-provider', s.name, false, ['updated metadata']);
    });
  }
  // After the providers: a connector names one.
  for (const c of spec.signInConnectors ?? []) {
    await wrap(`sign-in connector ${c.id}`, async () => {
      const providerArn = connectorProviderArn(c, partition, accountId, services.config.allowInsecureIssuers);
      const secrets: Record<string, string> = {};
      for (const [name, ref] of Object.entries(c.secrets ?? {})) {
        if (!opts.resolveSecret) throw new ApplyError(`sign-in connector ${c.id}: secrets.${name}: no way to resolve secret references here`);
        secrets[name] = await opts.resolveSecret(ref, name);
      }
      // A document's settings nested past what JSON.stringify can recurse through are refused here
      // (CreateSignInConnector/UpdateSignInConnector bound the nesting far below that).
      let settingsText: string | undefined;
      try {
        settingsText = c.settings === undefined ? undefined : JSON.stringify(c.settings);
      } catch {
        throw new ApplyError(`sign-in connector ${c.id}: settings nest too deeply to be written as JSON`);
      }
      const got = await find('GetSignInConnector', { Id: c.id });
      if (!got) {
        await call('CreateSignInConnector', {
          Id: c.id,
          Type: c.type,
          DisplayName: c.displayName,
          ProviderArn: providerArn,
          RequireMfa: c.requireMfa,
          AllowIdpInitiated: c.allowIdpInitiated,
          Enabled: c.enabled,
          Settings: settingsText,
          Secrets: c.secrets === undefined ? undefined : JSON.stringify(secrets),
        });
        return record('sign-in-connector', c.id, true, []);
      }
      const have = got.SignInConnector;
      if (have.Type !== c.type) throw new ApplyError(`sign-in connector ${c.id}: it is of type ${have.Type}; a type never changes (delete it, then apply)`);
      const details: string[] = [];
      const change: Record<string, unknown> = {};
      const differs = (member: string, want: unknown, cur: unknown) => {
        if (want === undefined || want === cur) return;
        change[member] = want;
        details.push(`updated ${member}`);
      };
      differs('DisplayName', c.displayName, have.DisplayName);
      // SAML provider names compare case-insensitively (IAM's rule): the stored ARN is the provider's own spelling.
      if (providerArn.toLowerCase() !== have.ProviderArn.toLowerCase() || (c.type !== 'saml' && providerArn !== have.ProviderArn)) differs('ProviderArn', providerArn, have.ProviderArn);
      differs('RequireMfa', c.requireMfa, have.RequireMfa);
      differs('AllowIdpInitiated', c.allowIdpInitiated, have.AllowIdpInitiated);
      differs('Enabled', c.enabled, have.Enabled);
      if (settingsText !== undefined && !sameDoc(have.Settings, settingsText)) {
        change.Settings = settingsText;
        details.push('updated Settings');
      }
      if (c.secrets !== undefined) {
        // Compared with the stored values in this process (apply runs with the master key); only names leave it.
        const row = await services.store.signInConnectors.get(accountId, c.id);
        let stored: Record<string, string> | null = null;
        try {
          stored = row ? openConnectorSecrets(services.masterKey, row.accountId, row.id, row.secretsSealed) : null;
        } catch {
          stored = null;
        }
        const setSecrets: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(secrets)) if (stored?.[k] !== v) (setSecrets[k] = v), details.push(`set secret ${k}`);
        for (const k of Object.keys(stored ?? {})) if (!(k in secrets)) (setSecrets[k] = null), details.push(`removed secret ${k}`);
        if (Object.keys(setSecrets).length > 0) change.Secrets = JSON.stringify(setSecrets);
      }
      if (details.length > 0) await call('UpdateSignInConnector', { Id: c.id, ...change } as OperationInput<'iam', 'UpdateSignInConnector'>);
      record('sign-in-connector', c.id, false, details);
    });
  }
  return changes;
}

/** Actions that only read (not audited as changes). */
const READ_ONLY = /^(Get|List)/;

/** A connector's `provider` as an ARN: given as one, or a SAML provider name / OIDC provider URL of the account. */
function connectorProviderArn(c: SignInConnectorSpec, partition: string, accountId: string, allowInsecure: boolean): string {
  if (c.provider.startsWith('arn:')) return c.provider;
  if (c.type === 'saml') return iamArn(partition, accountId, `saml-provider/${c.provider}`);
  const n = normalizeIssuer(c.provider, allowInsecure);
  if (!n) throw new ApplyError(`sign-in connector ${c.id}: provider ${c.provider} is neither an ARN nor an acceptable OIDC provider URL`);
  return iamArn(partition, accountId, `oidc-provider/${n.resource}`);
}

/** Parse and shape-check an apply file (JSON). */
export function parseApplyFile(text: string): ApplySpec {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ApplyError(`not valid JSON: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ApplyError('the file must hold a JSON object');
  const known = new Set(['policies', 'groups', 'roles', 'users', 'oidcProviders', 'samlProviders', 'signInConnectors']);
  for (const [k, x] of Object.entries(v)) {
    if (!known.has(k)) throw new ApplyError(`unknown top-level key "${k}" (expected ${[...known].join(', ')})`);
    if (!Array.isArray(x)) throw new ApplyError(`"${k}" must be a list`);
    for (const [i, item] of x.entries()) {
      if (!item || typeof item !== 'object') throw new ApplyError(`${k}[${i}] must be an object`);
      const need = k === 'oidcProviders' ? 'url' : k === 'signInConnectors' ? 'id' : 'name';
      if (typeof (item as Record<string, unknown>)[need] !== 'string') throw new ApplyError(`${k}[${i}].${need} is required`);
      if (k === 'signInConnectors') checkConnectorSpec(item as Record<string, unknown>, `${k}[${i}]`);
    }
  }
  return v as ApplySpec;
}

/** A signInConnectors entry's shape; above all, its secrets are references, never values. */
function checkConnectorSpec(c: Record<string, unknown>, at: string): void {
  const allowed = new Set(['id', 'type', 'provider', 'displayName', 'requireMfa', 'allowIdpInitiated', 'enabled', 'settings', 'secrets']);
  for (const k of Object.keys(c)) if (!allowed.has(k)) throw new ApplyError(`${at}: unknown key "${k}" (expected ${[...allowed].join(', ')})`);
  for (const k of ['type', 'provider']) if (typeof c[k] !== 'string') throw new ApplyError(`${at}.${k} is required`);
  if (c.displayName !== undefined && typeof c.displayName !== 'string') throw new ApplyError(`${at}.displayName must be a string`);
  for (const k of ['requireMfa', 'allowIdpInitiated', 'enabled']) if (c[k] !== undefined && typeof c[k] !== 'boolean') throw new ApplyError(`${at}.${k} must be true or false`);
  const isObject = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v);
  if (c.settings !== undefined && !isObject(c.settings)) throw new ApplyError(`${at}.settings must be an object`);
  if (c.secrets === undefined) return;
  if (!isObject(c.secrets)) throw new ApplyError(`${at}.secrets must be an object of name: { "env": VAR } or { "file": PATH }`);
  for (const [name, ref] of Object.entries(c.secrets as Record<string, unknown>)) {
    const r = ref as Record<string, unknown>;
    const ok = isObject(ref) && Object.keys(r).length === 1 && ((typeof r.env === 'string' && r.env !== '') || (typeof r.file === 'string' && r.file !== ''));
    // The message never repeats the value: a secret written in the document is what this refuses.
    if (!ok) throw new ApplyError(`${at}.secrets.${name} must be a reference, { "env": VAR } or { "file": PATH }; secret values are never written in the document`);
  }
}

/**
 * Roles in an order where each comes after the roles of the same spec its trust policy names
 * (`:role/…/<name>"` in the text); a cycle keeps the spec's order for the roles in it.
 */
function trustOrder<R extends { name: string }>(roles: R[], text: (r: R) => string): R[] {
  const out: R[] = [];
  const state = new Map<R, 'visiting' | 'done'>();
  const visit = (r: R): void => {
    if (state.has(r)) return;
    state.set(r, 'visiting');
    const t = text(r);
    for (const o of roles) if (o !== r && t.includes(`:role/`) && t.includes(`/${o.name}"`)) visit(o);
    state.set(r, 'done');
    out.push(r);
  };
  for (const r of roles) visit(r);
  return out;
}
