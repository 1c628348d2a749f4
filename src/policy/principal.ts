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
 */
import type { ParsedPrincipal, PrincipalType, RequestPrincipal } from './types.js';

export type PrincipalMatch = 'direct' | 'role' | 'wildcard' | 'account';

export interface PreparedPrincipal {
  readonly type: PrincipalType;
  readonly arn: string | undefined;
  readonly accountId: string | undefined;
  /** `account|rolename` of the role behind a role session (path-insensitive). */
  readonly roleKey: string | undefined;
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

export function compilePrincipal(pp: ParsedPrincipal): CompiledPrincipal {
  const exact = new Set<string>();
  const accounts = new Set<string>();
  const roles = new Set<string>();
  let awsAny = false;
  for (const v of pp.aws) {
    if (v === '*') awsAny = true;
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
export function compileNotPrincipal(pp: ParsedPrincipal): CompiledPrincipal {
  const inner = compilePrincipal(pp);
  return { match: (p) => (inner.match(p) === null ? 'wildcard' : null) };
}
