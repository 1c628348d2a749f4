/**
 * Matching a request principal against a statement's Principal / NotPrincipal.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 *
 * The strength of a match matters to evaluation (evaluate.ts):
 * - 'direct'   the statement names this exact principal (user ARN, role-session ARN, federated
 *              user ARN, root ARN, the Federated provider, the Service);
 * - 'role'     it names the IAM role whose session is calling;
 * - 'wildcard' `"*"` / `{"AWS": "*"}`, or a NotPrincipal that excludes someone else;
 * - 'account'  it names the caller's account (`"123456789012"` or `arn:aws:iam::123456789012:root`),
 *              which delegates to that account's identity policies.
 *
 * Identity, not name: an entry bound to a unique id (`principalIds`, given by the caller that
 * stored the policy), and an entry that is itself a unique id (AIDA…/AROA…, as AWS shows a
 * deleted principal), match only the caller whose user id / role id is that id — an IAM user
 * (or its GetSessionToken session) for a user id, a role session for a role id. A user or role
 * deleted and recreated under the same name has a new id and is not matched.
 */
import type { ParsedPrincipal, PrincipalType, RequestPrincipal } from './types.js';

export type PrincipalMatch = 'direct' | 'role' | 'wildcard' | 'account';

export interface PreparedPrincipal {
  readonly type: PrincipalType;
  readonly arn: string | undefined;
  readonly accountId: string | undefined;
  /** `account|rolename` of the role behind a role session (path-insensitive). */
  readonly roleKey: string | undefined;
  /** The user's unique id (type 'user'), or the role's (types 'role-session' / 'role'). */
  readonly userId: string | undefined;
  readonly roleId: string | undefined;
  readonly federatedProvider: string | undefined;
  readonly service: string | undefined;
  readonly canonicalUser: string | undefined;
}

const SESSION = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;
const ROLE = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const ACCOUNT_OF = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/;
const ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;

export function principalType(p: RequestPrincipal): PrincipalType {
  if (p.type) return p.type;
  if (p.service) return 'service';
  if (p.federatedProvider) return 'web-identity';
  const arn = p.arn ?? '';
  if (arn.endsWith(':root')) return 'root';
  if (arn.includes(':assumed-role/')) return 'role-session';
  if (arn.includes(':federated-user/')) return 'federated-user';
  if (/:iam::\d{12}:role\//.test(arn)) return 'role';
  if (arn.includes(':user/')) return 'user';
  return arn ? 'user' : 'anonymous';
}

const roleKeyOf = (arn: string | undefined): string | undefined => {
  if (!arn) return undefined;
  const m = ROLE.exec(arn) ?? SESSION.exec(arn);
  return m ? `${m[1]}|${m[2]}` : undefined;
};

export function preparePrincipal(p: RequestPrincipal): PreparedPrincipal {
  const type = principalType(p);
  const accountId = p.accountId ?? (p.arn ? ACCOUNT_OF.exec(p.arn)?.[1] : undefined);
  const roleKey = type === 'role-session' || type === 'role' ? roleKeyOf(p.roleArn) ?? roleKeyOf(p.arn) : undefined;
  return {
    type,
    arn: p.arn,
    accountId,
    roleKey,
    userId: type === 'user' ? p.principalId : undefined,
    roleId: type === 'role-session' || type === 'role' ? p.principalId : undefined,
    federatedProvider: p.federatedProvider,
    service: p.service?.toLowerCase(),
    canonicalUser: p.canonicalUser,
  };
}

export interface CompiledPrincipal {
  match(p: PreparedPrincipal): PrincipalMatch | null;
}

const RANK: Record<PrincipalMatch, number> = { direct: 4, role: 3, wildcard: 2, account: 1 };
const better = (a: PrincipalMatch | null, b: PrincipalMatch): PrincipalMatch => (a === null || RANK[b] > RANK[a] ? b : a);

const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/;

export function compilePrincipal(pp: ParsedPrincipal, principalIds?: Readonly<Record<string, string>>): CompiledPrincipal {
  const exact = new Set<string>();
  const accounts = new Set<string>();
  const roles = new Set<string>();
  /** Unique ids an entry is bound to (or is): matched by id, never by name. */
  const ids = new Set<string>();
  let awsAny = false;
  for (const v of pp.aws) {
    const bound = principalIds !== undefined && Object.hasOwn(principalIds, v) ? principalIds[v] : undefined;
    if (bound !== undefined) {
      // '' binds the entry to nobody.
      if (bound !== '') ids.add(bound);
    } else if (UNIQUE_ID.test(v)) ids.add(v);
    else if (v === '*') awsAny = true;
    else if (/^\d{12}$/.test(v)) accounts.add(v);
    else {
      const root = ROOT.exec(v);
      if (root) accounts.add(root[1] as string);
      const rk = ROLE.exec(v);
      if (rk) roles.add(`${rk[1]}|${rk[2]}`);
      exact.add(v);
    }
  }
  const federated = new Set(pp.federated);
  const service = new Set(pp.service.map((s) => s.toLowerCase()));
  const canonical = new Set(pp.canonicalUser);
  const anyFederated = federated.has('*');
  const anyService = service.has('*');
  return {
    match: (p) => {
      if (pp.wildcard) return 'wildcard';
      let m: PrincipalMatch | null = null;
      const isAwsPrincipal = p.type !== 'web-identity' && p.type !== 'saml' && p.type !== 'service' && p.type !== 'anonymous';
      if (isAwsPrincipal) {
        if (p.arn !== undefined && exact.has(p.arn)) return 'direct';
        if (p.userId !== undefined && ids.has(p.userId)) return 'direct';
        if (p.roleId !== undefined && ids.has(p.roleId)) m = better(m, p.type === 'role' ? 'direct' : 'role');
        if (p.roleKey !== undefined && roles.has(p.roleKey)) m = better(m, 'role');
        if (awsAny) m = better(m, 'wildcard');
        if (p.accountId !== undefined && accounts.has(p.accountId)) m = better(m, p.type === 'root' ? 'direct' : 'account');
      }
      if (p.federatedProvider !== undefined && (federated.has(p.federatedProvider) || anyFederated)) m = better(m, anyFederated && !federated.has(p.federatedProvider) ? 'wildcard' : 'direct');
      if (p.service !== undefined && (service.has(p.service) || anyService)) m = better(m, service.has(p.service) ? 'direct' : 'wildcard');
      if (p.canonicalUser !== undefined && canonical.has(p.canonicalUser)) m = better(m, 'direct');
      return m;
    },
  };
}

/** NotPrincipal: the statement applies to every principal the list does not match. */
export function compileNotPrincipal(pp: ParsedPrincipal, principalIds?: Readonly<Record<string, string>>): CompiledPrincipal {
  const inner = compilePrincipal(pp, principalIds);
  return { match: (p) => (inner.match(p) === null ? 'wildcard' : null) };
}
