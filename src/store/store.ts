import type { Db, Sql } from './db.js';
import { translatePgError } from './pg-errors.js';
import { PgRoleRepository, type RoleRepository } from './roles.js';
import { PgAccountRepository, type AccountRepository } from './accounts.js';
import { PgUserRepository, type UserRepository } from './users.js';
import { PgGroupRepository, type GroupRepository } from './groups.js';
import { PgAccessKeyRepository, type AccessKeyRepository } from './access-keys.js';
import { PgMfaRepository, type MfaRepository } from './mfa.js';
import { PgPolicyRepository, type PolicyRepository } from './policies.js';
import { PgProviderRepository, type ProviderRepository } from './providers.js';
import { PgSessionRepository, type SessionRepository } from './sessions.js';
import { PgAttemptRepository, type AttemptRepository } from './attempts.js';
import { PgAuditRepository, type AuditRepository } from './audit.js';
import { PgSigningKeyRepository, type SigningKeyRepository } from './signing-keys.js';
import { PgFederationRepository, type FederationRepository } from './federation.js';
import { writeInvalidations } from './outbox.js';
import type { InvalidationMessage } from './invalidation.js';
import { PgUserRefRepository, type UserRefRepository } from './user-refs.js';
import { PgAuthorizationDetailsRepository, type AuthorizationDetailsRepository } from './authorization-details.js';
import { PgManagedPolicyRepository, type ManagedPolicyRepository } from './managed-policies.js';
import { PgSignInConnectorRepository, type SignInConnectorRepository } from './sign-in-connectors.js';
import { PgLoginSessionRepository, type LoginSessionRepository } from './login-sessions.js';

/** The invalidation outbox (store/outbox.ts): written inside the change's transaction. */
export interface OutboxRepository {
  write(messages: readonly InvalidationMessage[]): Promise<void>;
}

/**
 * The storage contract: one repository per aggregate, each an interface that speaks domain types
 * (src/store/<aggregate>.ts) with one Postgres implementation. Operations reach storage only
 * through `services.store`: `store.roles.get(...)` on the pool, or `store.tx(async (t) => …)` for
 * work that must be one transaction (`t` has the same repositories, bound to the transaction).
 * No SQL and no pg client leave src/store; pg errors are translated once, here and in db.ts.
 * Expected outcomes are values (`null` for not found, `'exists'` for a name taken), not errors.
 */
export interface Repositories {
  roles: RoleRepository;
  outbox: OutboxRepository;
  accounts: AccountRepository;
  users: UserRepository;
  groups: GroupRepository;
  accessKeys: AccessKeyRepository;
  mfa: MfaRepository;
  policies: PolicyRepository;
  providers: ProviderRepository;
  sessions: SessionRepository;
  attempts: AttemptRepository;
  audit: AuditRepository;
  signingKeys: SigningKeyRepository;
  /** Read-only user lookups of the key, group and MFA actions (store/user-refs.ts). */
  userRefs: UserRefRepository;
  authorizationDetails: AuthorizationDetailsRepository;
  managedPolicies: ManagedPolicyRepository;
  /** Roles and identity providers as STS reads them to admit a principal (store/federation.ts). */
  federation: FederationRepository;
  /** Sign-in connectors, their secrets sealed (store/sign-in-connectors.ts). */
  signInConnectors: SignInConnectorRepository;
  /** Login sessions' durable registry and the sign-in MFA of federated people (store/login-sessions.ts). */
  loginSessions: LoginSessionRepository;
}

export interface Store extends Repositories {
  /** Runs fn in one transaction (READ COMMITTED): commit when it returns, rollback when it throws. */
  tx<T>(fn: (t: Repositories) => Promise<T>): Promise<T>;
}

/** The repositories over one connection (the pool, or a transaction's client). */
export function repositories(q: Sql): Repositories {
  return {
    roles: new PgRoleRepository(q),
    outbox: { write: (messages) => writeInvalidations(q, messages) },
    accounts: new PgAccountRepository(q),
    users: new PgUserRepository(q),
    groups: new PgGroupRepository(q),
    accessKeys: new PgAccessKeyRepository(q),
    mfa: new PgMfaRepository(q),
    policies: new PgPolicyRepository(q),
    providers: new PgProviderRepository(q),
    sessions: new PgSessionRepository(q),
    attempts: new PgAttemptRepository(q),
    audit: new PgAuditRepository(q),
    signingKeys: new PgSigningKeyRepository(q),
    userRefs: new PgUserRefRepository(q),
    authorizationDetails: new PgAuthorizationDetailsRepository(q),
    managedPolicies: new PgManagedPolicyRepository(q),
    federation: new PgFederationRepository(q),
    signInConnectors: new PgSignInConnectorRepository(q),
    loginSessions: new PgLoginSessionRepository(q),
  };
}

/** Errors of statements run inside a transaction are translated as they happen, like the pool's. */
const translating = (c: Sql): Sql => ({
  query: (async (sql: string, params?: unknown[]) => {
    try {
      return await c.query(sql, params);
    } catch (e) {
      throw translatePgError(e);
    }
  }) as Sql['query'],
});

/**
 * What a caller may add to every transaction of a store: the HTTP edge writes the call's audit
 * event and an invalidation inside each IAM change's transaction (http/awsquery.ts).
 */
export interface TxHooks {
  /** Runs after the work, before COMMIT, on the same transaction; a throw rolls it back. */
  beforeCommit?(t: Repositories): Promise<void>;
  /** After COMMIT succeeded. */
  committed?(): void;
  /** After a rollback, or a COMMIT whose outcome is unknown. */
  failed?(): void;
}

/** The store over `db`: repositories on the pool, and `tx` (with `hooks` around each transaction). */
export function createStore(db: Pick<Db, 'query' | 'tx'>, hooks: TxHooks = {}): Store {
  return {
    ...repositories(db),
    async tx(fn) {
      let out: Awaited<ReturnType<typeof fn>>;
      try {
        out = await db.tx(async (c) => {
          const t = repositories(translating(c));
          const r = await fn(t);
          await hooks.beforeCommit?.(t);
          return r;
        });
      } catch (e) {
        hooks.failed?.();
        throw e;
      }
      hooks.committed?.();
      return out;
    },
  };
}
