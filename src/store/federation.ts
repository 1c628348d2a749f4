import type { Sql } from './db.js';
import type { KeysetQuery } from './types.js';

/**
 * What STS reads to let a principal into a role — the role with its trust policy and its
 * identity binding, and the OIDC and SAML providers that vouch for federated principals — in
 * the shapes the hot path keeps cached (src/federation/directory.ts).
 */
export interface AssumableRole {
  roleId: string;
  accountId: string;
  roleName: string;
  path: string;
  roleArn: string;
  trustPolicy: string;
  /** The trust policy's identity binding: principal ARN → unique id (roles.trust_principals). */
  trustPrincipals: Record<string, string>;
  maxSessionDuration: number;
}

/** A role as the sign-in role chooser lists it: what STS reads, plus the description it shows. */
export interface ListedAssumableRole extends AssumableRole {
  description?: string | undefined;
}

/** The sort key `assumableRoles` pages by (the roles' listing key: the name, case-folded, byte order). */
export const assumableRoleKey = (r: Pick<AssumableRole, 'roleName'>) => r.roleName.toLowerCase();

export interface FederationOidcProvider {
  arn: string;
  /** The issuer, `https://host[:port][/path]`. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
}

export interface FederationSamlProvider {
  arn: string;
  name: string;
  entityId: string;
  signingCertificates: string[];
  validUntil: Date | null;
}

export interface FederationRepository {
  /** The role of the account named `roleName` (case-insensitively), or null. */
  assumableRole(accountId: string, roleName: string): Promise<AssumableRole | null>;
  /** The account's roles in `assumableRoleKey` order, after `q.after`, at most `q.limit` (keyset paging). */
  assumableRoles(accountId: string, q: KeysetQuery): Promise<ListedAssumableRole[]>;
  /** The account's OIDC provider whose resource (`host[:port][/path]`) is `resource`, or null. */
  oidcProviderByResource(accountId: string, resource: string): Promise<FederationOidcProvider | null>;
  /** The account's SAML provider named `name` (case-insensitively), or null. */
  samlProvider(accountId: string, name: string): Promise<FederationSamlProvider | null>;
}

const ASSUMABLE_ROLE_COLUMNS = 'role_id, account_id, role_name, path, arn, assume_role_policy, trust_principals, max_session_duration';

interface AssumableRoleRow {
  role_id: string;
  account_id: string;
  role_name: string;
  path: string;
  arn: string;
  assume_role_policy: string;
  trust_principals: Record<string, string>;
  max_session_duration: number;
}

const toAssumableRole = (row: AssumableRoleRow): AssumableRole => ({
  roleId: row.role_id,
  accountId: row.account_id,
  roleName: row.role_name,
  path: row.path,
  roleArn: row.arn,
  trustPolicy: row.assume_role_policy,
  trustPrincipals: row.trust_principals,
  maxSessionDuration: row.max_session_duration,
});

export class PgFederationRepository implements FederationRepository {
  constructor(protected readonly q: Sql) {}

  async assumableRole(accountId: string, roleName: string): Promise<AssumableRole | null> {
    const r = await this.q.query<AssumableRoleRow>(`SELECT ${ASSUMABLE_ROLE_COLUMNS} FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2)`, [accountId, roleName]);
    const row = r.rows[0];
    return row ? toAssumableRole(row) : null;
  }

  async assumableRoles(accountId: string, q: KeysetQuery): Promise<ListedAssumableRole[]> {
    const r = await this.q.query<AssumableRoleRow & { description: string | null }>(
      `SELECT ${ASSUMABLE_ROLE_COLUMNS}, description
         FROM roles WHERE account_id = $1 AND lower(role_name) COLLATE "C" > $2
        ORDER BY lower(role_name) COLLATE "C" LIMIT $3`,
      [accountId, q.after ?? '', q.limit],
    );
    return r.rows.map((row) => ({ ...toAssumableRole(row), ...(row.description !== null ? { description: row.description } : {}) }));
  }

  async oidcProviderByResource(accountId: string, resource: string): Promise<FederationOidcProvider | null> {
    const r = await this.q.query<{ arn: string; issuer_url: string; client_ids: string[] | null; thumbprints: string[] | null }>(
      'SELECT arn, issuer_url, client_ids, thumbprints FROM oidc_providers WHERE account_id = $1 AND resource = $2',
      [accountId, resource],
    );
    const row = r.rows[0];
    return row ? { arn: row.arn, url: row.issuer_url, clientIds: row.client_ids ?? [], thumbprints: row.thumbprints ?? [] } : null;
  }

  async samlProvider(accountId: string, name: string): Promise<FederationSamlProvider | null> {
    const r = await this.q.query<{ arn: string; name: string; entity_id: string; signing_certificates: string[] | null; valid_until: Date | null }>(
      'SELECT arn, name, entity_id, signing_certificates, valid_until FROM saml_providers WHERE account_id = $1 AND lower(name) = lower($2)',
      [accountId, name],
    );
    const row = r.rows[0];
    return row ? { arn: row.arn, name: row.name, entityId: row.entity_id, signingCertificates: row.signing_certificates ?? [], validUntil: row.valid_until } : null;
  }
}
