import { Errors } from '../../errors/index.js';
import { parsePolicy, rewriteAwsPrincipals } from '../../policy/index.js';
import type { Sql } from '../../store/db.js';
import { PgRoleRepository, type RoleRepository } from '../../store/roles.js';

/**
 * Principals in stored trust policies are bound by identity, not by name, as in IAM:
 * "When you save the policy, AWS transforms the ARN to a unique principal ID … if you delete the
 * role or user, then the relationship is broken. The policy no longer applies, even if you
 * recreate the user or role because it does not match the principal ID stored in the trust
 * policy. When this happens, the principal ID shows up in the console because AWS can no longer
 * map it back to an ARN." (IAM User Guide, Principal element / role trust policy examples)
 *
 * - Saving (CreateRole, UpdateAssumeRolePolicy, and `tessera apply`, which calls them):
 *   `bindTrustPrincipals` maps every AWS principal ARN that names an IAM user or role of an
 *   account of this installation to that principal's unique id (AIDA…/AROA…), stored beside the
 *   document (roles.trust_principals, migration 0007). A name that does not exist is refused:
 *   MalformedPolicyDocument `Invalid principal in policy: "AWS":"<arn>"`. The principal's row is
 *   locked (FOR KEY SHARE) until the policy is saved, so it cannot be deleted in between.
 * - Evaluating: the binding is handed to the policy engine (CompileOptions.principalIds), which
 *   matches such an entry only by the caller's unique id.
 * - Deleting a user or role (`unbindPrincipal`, in the deleting transaction): every trust policy
 *   bound to it is rewritten to show the unique id in place of the ARN (what GetRole, ListRoles
 *   and GetAccountAuthorizationDetails then return) and the binding is dropped. An id never
 *   matches a newcomer, so the entry admits no one; saving the policy again with the ARN binds
 *   the new principal.
 * Lock order (store/roles.ts): the principals named or deleted first, then the roles bound to them.
 */
export type PrincipalBindings = Record<string, string>;

/** arn:P:iam::ACCT:user|role[/path/]name — exact, no wildcards. */
const ENTITY_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):(user|role)(\/(?:[\u0021-\u007E]*\/)?)([\w+=,.@-]{1,128})$/;

/** The AWS principal values of a (valid) trust policy's Principal and NotPrincipal elements. */
function awsPrincipals(document: string): string[] {
  const out = new Set<string>();
  for (const s of parsePolicy(document, { kind: 'trust' }).statements) {
    for (const v of s.principal?.aws ?? []) out.add(v);
    for (const v of s.notPrincipal?.aws ?? []) out.add(v);
  }
  return [...out];
}

/**
 * Run inside the transaction that stores `document` (`roles`: that transaction's repository),
 * before locking the role whose policy it is. Every principal named is held FOR KEY SHARE
 * until commit, so it cannot be deleted in between.
 */
export async function bindTrustPrincipals(roles: RoleRepository, partition: string, document: string): Promise<PrincipalBindings> {
  const named = awsPrincipals(document)
    .map((arn) => ({ arn, m: ENTITY_ARN.exec(arn) }))
    .filter((x): x is { arn: string; m: RegExpExecArray } => x.m !== null && x.m[1] === partition);
  if (named.length === 0) return {};
  const ours = await roles.installationAccounts([...new Set(named.map((x) => x.m[2]!))]);
  const out: PrincipalBindings = {};
  // Sorted, so concurrent savers lock principal rows in one order.
  for (const { arn, m } of named.sort((a, b) => (a.arn < b.arn ? -1 : 1))) {
    const [, , accountId, kind, path, name] = m as unknown as [string, string, string, 'user' | 'role', string, string];
    if (!ours.has(accountId)) continue;
    const row = await roles.keyShareTrustPrincipal(accountId, kind, name);
    // An ARN without a path names the entity whatever its path; one with a path must be its path.
    if (!row || (path !== '/' && path !== row.path)) throw Errors.malformedPolicyDocument(`Invalid principal in policy: "AWS":"${arn}"`);
    out[arn] = row.id;
  }
  return out;
}

/**
 * In the transaction deleting user or role `uniqueId`, after locking and deleting it: every
 * trust policy bound to it now shows the id in place of the ARN, and loses the binding. Returns
 * the ids of the roles changed. `roles` is the transaction's repository (a caller not yet on
 * the store contract may pass its transaction's client).
 */
export async function unbindPrincipal(roles: RoleRepository | Sql, uniqueId: string): Promise<string[]> {
  const repo = 'boundTo' in roles ? roles : new PgRoleRepository(roles);
  const bound = await repo.boundTo(uniqueId);
  for (const b of bound) {
    const gone = new Set(Object.entries(b.trustPrincipals).filter(([, id]) => id === uniqueId).map(([arn]) => arn));
    const document = rewriteAwsPrincipals(b.trustPolicy, (v) => (gone.has(v) ? uniqueId : undefined));
    const kept = Object.fromEntries(Object.entries(b.trustPrincipals).filter(([arn]) => !gone.has(arn)));
    await repo.setTrustPolicy(b.roleId, document, kept);
  }
  return bound.map((x) => x.roleId);
}
