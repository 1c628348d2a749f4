import { compilePolicy, type CompiledPolicy, type PolicyKind } from '../policy/index.js';
import { Lru } from '../cache/lru.js';
import type { AuthorizationPolicySource, PrincipalPolicy } from '../store/policies.js';
import type { InvalidationMessage } from '../store/invalidation.js';

/**
 * A principal's compiled policies, as authorization needs them:
 * - IAM user: its inline + attached managed policies (default versions), and those of each of
 *   its groups; its permissions boundary.
 * - IAM role: its inline + attached managed policies; its permissions boundary.
 * Loaded from Postgres once, compiled once, kept per replica in an LRU (bounded, with a TTL as a
 * safety net) and dropped by invalidation messages: `{kind:'principal', principalId}` (a user id
 * AIDA… or role id AROA…) drops that principal, `{kind:'all'}` drops everything. Managed policies
 * used as session policies (PolicyArns) are cached by ARN and dropped on `all`.
 */
export interface PrincipalPolicies {
  /** False when the user/role no longer exists (its credentials then grant nothing). */
  exists: boolean;
  identity: CompiledPolicy[];
  /** Zero or one permissions boundary. */
  boundary: CompiledPolicy[];
  /** The user's or role's tags (aws:PrincipalTag/*), keys as written. */
  tags: Record<string, string>;
}

export interface PolicyCacheOptions {
  max?: number;
  /** Safety-net lifetime of a cached entry (ms); invalidation is the primary mechanism. */
  ttlMs?: number;
}

const ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
const EMPTY: PrincipalPolicies = { exists: false, identity: [], boundary: [], tags: {} };


function tagsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const t of v) if (t && typeof t === 'object' && 'Key' in t) out[String(t.Key)] = String((t as { Value?: unknown }).Value ?? '');
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) out[k] = String(x);
  }
  return out;
}

const compileAs = (kind: PolicyKind, rows: PrincipalPolicy[]): CompiledPolicy[] =>
  rows.map((r) => compilePolicy(r.document, { kind, id: r.id, sourceType: r.src }));

export class PolicyCache {
  private readonly principals: Lru<string, Promise<PrincipalPolicies>>;
  private readonly managed: Lru<string, Promise<CompiledPolicy | null>>;

  constructor(
    /** The policy repository's authorization reads (store/policies.ts): one round trip per principal. */
    private readonly source: AuthorizationPolicySource,
    opts: PolicyCacheOptions = {},
  ) {
    this.principals = new Lru({ max: opts.max ?? 10_000, ttlMs: opts.ttlMs ?? 5 * 60_000 });
    this.managed = new Lru({ max: opts.max ?? 10_000, ttlMs: opts.ttlMs ?? 5 * 60_000 });
  }

  /** The policies of an IAM user (AIDA…) or role (AROA…). */
  forPrincipal(principalId: string): Promise<PrincipalPolicies> {
    let p = this.principals.get(principalId);
    if (!p) {
      p = principalId.startsWith('AROA') ? this.loadRole(principalId) : this.loadUser(principalId);
      this.principals.set(principalId, p);
      // A failed load is not cached.
      p.catch(() => {
        if (this.principals.peek(principalId) === p) this.principals.delete(principalId);
      });
    }
    return p;
  }

  /** A managed policy's default version compiled as `kind` (session policies), or null when it does not exist. */
  managedPolicy(arn: string, kind: PolicyKind = 'session'): Promise<CompiledPolicy | null> {
    const key = `${kind}|${arn}`;
    let p = this.managed.get(key);
    if (!p) {
      p = this.source
        .defaultVersion(arn)
        .then((v) => (v ? compilePolicy(v.document, { kind, id: arn, sourceType: v.awsManaged ? 'aws-managed' : 'user-managed' }) : null));
      this.managed.set(key, p);
      p.catch(() => {
        if (this.managed.peek(key) === p) this.managed.delete(key);
      });
    }
    return p;
  }

  invalidate(m: InvalidationMessage): void {
    if (m.kind === 'principal') this.principals.delete(m.principalId);
    else if (m.kind === 'all') {
      this.principals.clear();
      this.managed.clear();
    }
  }

  private async boundaryOf(arn: string | null | undefined): Promise<CompiledPolicy[]> {
    if (!arn) return [];
    const p = await this.managedPolicy(arn, 'boundary');
    // A boundary naming a policy that no longer exists allows nothing.
    return [p ?? compilePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"*","Resource":"*"}]}', { kind: 'boundary', id: arn })];
  }

  private async loadUser(userId: string): Promise<PrincipalPolicies> {
    // One round trip: the user, its policies and its groups' (store/policies.ts).
    const user = await this.source.userPolicies(userId);
    if (!user) return EMPTY;
    // The root user holds every permission of its account; sessions it creates (GetFederationToken)
    // are then limited by their session policies alone.
    if (user.isRoot) return { exists: true, identity: [compilePolicy(ALLOW_ALL, { kind: 'identity', id: 'root', sourceType: 'root' })], boundary: [], tags: {} };
    return {
      exists: true,
      identity: compileAs('identity', dedupe(user.policies)),
      boundary: await this.boundaryOf(user.permissionsBoundary),
      tags: tagsOf(user.tags),
    };
  }

  private async loadRole(roleId: string): Promise<PrincipalPolicies> {
    // One round trip: the role and its policies (store/policies.ts).
    const role = await this.source.rolePolicies(roleId);
    if (!role) return EMPTY;
    return { exists: true, identity: compileAs('identity', role.policies), boundary: await this.boundaryOf(role.permissionsBoundary), tags: tagsOf(role.tags) };
  }
}

/** A managed policy attached both to the user and one of its groups counts once. */
function dedupe(rows: PrincipalPolicy[]): PrincipalPolicy[] {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}
