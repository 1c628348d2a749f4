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
 *     "samlProviders": [{ "name", "metadata" }]
 *   }
 * A policy reference is a full ARN or the name of a policy in "policies" (or already in the
 * account). Attached and inline policies are converged: ones not listed are detached/deleted.
 * Users, groups, roles, policies and providers not listed are left alone (never deleted).
 */
import { randomUUID } from 'node:crypto';
import { Input } from '../../awsquery/input.js';
import type { AuthedContext, LegacyOperation } from '../../awsquery/operation.js';
import type { XmlObject, XmlValue } from '../../awsquery/xml.js';
import { AwsError } from '../../errors/index.js';
import type { Services } from '../../services.js';
import type { Caller } from '../caller.js';
import { iamArn } from '../common.js';
import { iamOperations } from '../index.js';
import { normalizeIssuer } from '../providers/oidc-repo.js';

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
}

export interface ApplyChange {
  kind: 'policy' | 'group' | 'role' | 'user' | 'oidc-provider' | 'saml-provider';
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

type Params = Record<string, string | number | boolean | undefined>;

/** Flatten lists/maps the way the SDKs send them. */
const list = (name: string, values: string[] | undefined): Params => {
  if (values === undefined) return {};
  if (values.length === 0) return { [name]: '' };
  return Object.fromEntries(values.map((v, i) => [`${name}.member.${i + 1}`, v]));
};
const tagParams = (tags: Record<string, string> | undefined): Params =>
  Object.fromEntries(Object.entries(tags ?? {}).flatMap(([k, v], i) => [[`Tags.member.${i + 1}.Key`, k], [`Tags.member.${i + 1}.Value`, v]]));

const members = (v: XmlValue): XmlObject[] => (Array.isArray(v) ? (v as XmlObject[]) : []);
const str = (v: XmlValue): string => (typeof v === 'string' ? v : '');

export async function applySpec(services: Services, spec: ApplySpec, opts: { accountId?: string; now?: Date } = {}): Promise<ApplyChange[]> {
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
  const ops = new Map<string, LegacyOperation<any, any>>((iamOperations as LegacyOperation<any, any>[]).map((o) => [o.name, o]));

  /** One IAM action through its operation, as the API runs it; returns the rendered result. */
  async function call(action: string, params: Params): Promise<XmlObject> {
    const op = ops.get(action);
    if (!op) throw new ApplyError(`IAM action ${action} is not available`);
    const map = new Map<string, string>();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) map.set(k, String(v));
    const input = new Input(map);
    const parsed = op.parse(input);
    input.done();
    const ctx: AuthedContext = {
      req: { requestId: randomUUID(), now: opts.now ?? services.now(), sourceIp: '127.0.0.1', userAgent: 'tessera-apply', region: 'us-east-1', secureTransport: true },
      caller,
      services,
      audit: { via: 'tessera apply' },
    };
    const out = await op.run(ctx, parsed);
    return op.render ? op.render(out) : {};
  }
  /** The call's result, or undefined on NoSuchEntity. */
  async function find(action: string, params: Params): Promise<XmlObject | undefined> {
    try {
      return await call(action, params);
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

  /** Converge attached managed policies and inline policies of a user, group or role. */
  async function convergePolicies(entity: 'User' | 'Group' | 'Role', name: string, attachedRefs: string[] | undefined, inlineDocs: Record<string, Doc> | undefined, details: string[]) {
    const key = `${entity}Name`;
    if (attachedRefs !== undefined) {
      const want = new Set(attachedRefs.map(resolve));
      const have = new Set(members((await call(`ListAttached${entity}Policies`, { [key]: name, MaxItems: 1000 })).AttachedPolicies).map((p) => str(p.PolicyArn)));
      for (const arn of want) if (!have.has(arn)) (await call(`Attach${entity}Policy`, { [key]: name, PolicyArn: arn }), details.push(`attached ${arn}`));
      for (const arn of have) if (!want.has(arn)) (await call(`Detach${entity}Policy`, { [key]: name, PolicyArn: arn }), details.push(`detached ${arn}`));
    }
    if (inlineDocs !== undefined) {
      const have = members((await call(`List${entity}Policies`, { [key]: name, MaxItems: 1000 })).PolicyNames).map(String);
      for (const [pname, d] of Object.entries(inlineDocs)) {
        const cur = have.includes(pname) ? await call(`Get${entity}Policy`, { [key]: name, PolicyName: pname }) : undefined;
        if (cur && sameDoc(decodeURIComponent(str(cur.PolicyDocument)), docText(d))) continue;
        await call(`Put${entity}Policy`, { [key]: name, PolicyName: pname, PolicyDocument: docText(d) });
        details.push(`${cur ? 'updated' : 'put'} inline policy ${pname}`);
      }
      for (const pname of have) if (!(pname in inlineDocs)) (await call(`Delete${entity}Policy`, { [key]: name, PolicyName: pname }), details.push(`deleted inline policy ${pname}`));
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
      const policy = got.Policy as XmlObject;
      const current = await call('GetPolicyVersion', { PolicyArn: arn, VersionId: str(policy.DefaultVersionId) });
      if (!sameDoc(decodeURIComponent(str((current.PolicyVersion as XmlObject).Document)), docText(p.document))) {
        const versions = members((await call('ListPolicyVersions', { PolicyArn: arn })).Versions);
        if (versions.length >= 5) {
          const oldest = versions.filter((v) => v.IsDefaultVersion !== true).sort((a, b) => String(a.CreateDate instanceof Date ? a.CreateDate.toISOString() : a.CreateDate).localeCompare(String(b.CreateDate instanceof Date ? b.CreateDate.toISOString() : b.CreateDate)))[0];
          if (oldest) await call('DeletePolicyVersion', { PolicyArn: arn, VersionId: str(oldest.VersionId) });
        }
        const v = await call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: docText(p.document), SetAsDefault: true });
        details.push(`new default version ${str((v.PolicyVersion as XmlObject).VersionId)}`);
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
        await call('CreateUser', { UserName: u.name, Path: u.path, PermissionsBoundary: u.permissionsBoundary ? resolve(u.permissionsBoundary) : undefined, ...tagParams(u.tags) });
      } else {
        const boundary = ((got.User as XmlObject).PermissionsBoundary as XmlObject | undefined)?.PermissionsBoundaryArn;
        if (u.permissionsBoundary !== undefined && resolve(u.permissionsBoundary) !== boundary) {
          await call('PutUserPermissionsBoundary', { UserName: u.name, PermissionsBoundary: resolve(u.permissionsBoundary) });
          details.push('set permissions boundary');
        }
      }
      if (u.groups !== undefined) {
        const have = new Set(members((await call('ListGroupsForUser', { UserName: u.name, MaxItems: 1000 })).Groups).map((g) => str(g.GroupName)));
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
          ...tagParams(r.tags),
        });
      } else {
        const role = got.Role as XmlObject;
        if (!sameDoc(decodeURIComponent(str(role.AssumeRolePolicyDocument)), trust)) {
          await call('UpdateAssumeRolePolicy', { RoleName: r.name, PolicyDocument: trust });
          details.push('updated trust policy');
        }
        const descChanged = r.description !== undefined && r.description !== str(role.Description);
        const durChanged = r.maxSessionDuration !== undefined && r.maxSessionDuration !== Number(role.MaxSessionDuration);
        if (descChanged || durChanged) {
          await call('UpdateRole', { RoleName: r.name, Description: r.description, MaxSessionDuration: r.maxSessionDuration });
          details.push('updated role settings');
        }
        const boundary = (role.PermissionsBoundary as XmlObject | undefined)?.PermissionsBoundaryArn;
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
        await call('CreateOpenIDConnectProvider', { Url: o.url, ...list('ClientIDList', o.clientIds), ...list('ThumbprintList', o.thumbprints) });
        return record('oidc-provider', o.url, true, details);
      }
      if (o.clientIds !== undefined) {
        const have = members(got.ClientIDList).map(String);
        for (const c of o.clientIds) if (!have.includes(c)) (await call('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, ClientID: c }), details.push(`added client id ${c}`));
        for (const c of have) if (!o.clientIds.includes(c)) (await call('RemoveClientIDFromOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, ClientID: c }), details.push(`removed client id ${c}`));
      }
      if (o.thumbprints !== undefined) {
        const have = members(got.ThumbprintList).map(String);
        const want = o.thumbprints.map((x) => x.toLowerCase());
        if (have.join() !== want.join()) {
          await call('UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: arn, ...list('ThumbprintList', o.thumbprints) });
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
      if (str(got.SAMLMetadataDocument) === s.metadata) return record('saml-provider', s.name, false, []);
      await call('UpdateSAMLProvider', { SAMLProviderArn: arn, SAMLMetadataDocument: s.metadata });
      record('saml-provider', s.name, false, ['updated metadata']);
    });
  }
  return changes;
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
  const known = new Set(['policies', 'groups', 'roles', 'users', 'oidcProviders', 'samlProviders']);
  for (const [k, x] of Object.entries(v)) {
    if (!known.has(k)) throw new ApplyError(`unknown top-level key "${k}" (expected ${[...known].join(', ')})`);
    if (!Array.isArray(x)) throw new ApplyError(`"${k}" must be a list`);
    for (const [i, item] of x.entries()) {
      if (!item || typeof item !== 'object') throw new ApplyError(`${k}[${i}] must be an object`);
      const need = k === 'oidcProviders' ? 'url' : 'name';
      if (typeof (item as Record<string, unknown>)[need] !== 'string') throw new ApplyError(`${k}[${i}].${need} is required`);
    }
  }
  return v as ApplySpec;
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
