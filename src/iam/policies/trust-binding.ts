import { Errors } from '../../errors/index.js';
import { parsePolicy, rewriteAwsPrincipals } from '../../policy/index.js';
import type { Queryable } from './shared.js';

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
 */
export type PrincipalBindings = Record<string, string>;

/** The columns that store a binding: trust_principals (ARN → id) and trust_principal_ids. */
export const bindingColumns = (b: PrincipalBindings): [string, string[]] => [JSON.stringify(b), [...new Set(Object.values(b).filter((id) => id !== ''))]];

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

/** Run inside the transaction that stores `document`. */
export async function bindTrustPrincipals(c: Queryable, partition: string, document: string): Promise<PrincipalBindings> {
  const named = awsPrincipals(document)
    .map((arn) => ({ arn, m: ENTITY_ARN.exec(arn) }))
    .filter((x): x is { arn: string; m: RegExpExecArray } => x.m !== null && x.m[1] === partition);
  if (named.length === 0) return {};
  const accounts = await c.query<{ account_id: string }>(`SELECT account_id FROM accounts WHERE account_id = ANY($1::text[])`, [[...new Set(named.map((x) => x.m[2]!))]]);
  const ours = new Set(accounts.rows.map((r) => r.account_id));
  const out: PrincipalBindings = {};
  // Sorted, so concurrent savers lock principal rows in one order.
  for (const { arn, m } of named.sort((a, b) => (a.arn < b.arn ? -1 : 1))) {
    const [, , accountId, kind, path, name] = m as unknown as [string, string, string, 'user' | 'role', string, string];
    if (!ours.has(accountId)) continue;
    const r =
      kind === 'user'
        ? await c.query<{ id: string; path: string }>(
            `SELECT user_id AS id, path FROM users WHERE account_id = $1 AND NOT is_root AND lower(user_name) = lower($2) FOR KEY SHARE`,
            [accountId, name],
          )
        : await c.query<{ id: string; path: string }>(`SELECT role_id AS id, path FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2) FOR KEY SHARE`, [
            accountId,
            name,
          ]);
    const row = r.rows[0];
    // An ARN without a path names the entity whatever its path; one with a path must be its path.
    if (!row || (path !== '/' && path !== row.path)) throw Errors.malformedPolicyDocument(`Invalid principal in policy: "AWS":"${arn}"`);
    out[arn] = row.id;
  }
  return out;
}

/**
 * In the transaction deleting user or role `uniqueId`: every trust policy bound to it now shows
 * the id in place of the ARN, and loses the binding. Returns the ids of the roles changed.
 */
export async function unbindPrincipal(c: Queryable, uniqueId: string): Promise<string[]> {
  const r = await c.query<{ role_id: string; assume_role_policy: string; trust_principals: PrincipalBindings }>(
    `SELECT role_id, assume_role_policy, trust_principals FROM roles
      WHERE trust_principal_ids @> ARRAY[$1]::text[] ORDER BY role_id FOR UPDATE`,
    [uniqueId],
  );
  for (const row of r.rows) {
    const gone = new Set(Object.entries(row.trust_principals).filter(([, id]) => id === uniqueId).map(([arn]) => arn));
    const document = rewriteAwsPrincipals(row.assume_role_policy, (v) => (gone.has(v) ? uniqueId : undefined));
    const kept = Object.fromEntries(Object.entries(row.trust_principals).filter(([arn]) => !gone.has(arn)));
    await c.query(
      `UPDATE roles SET assume_role_policy = $2, trust_principals = $3, trust_principal_ids = array_remove(trust_principal_ids, $4) WHERE role_id = $1`,
      [row.role_id, document, JSON.stringify(kept), uniqueId],
    );
  }
  return r.rows.map((x) => x.role_id);
}
