import { compilePolicy, type CompiledPolicy, type PolicyKind } from '../policy/index.js';
import { Lru } from '../cache/lru.js';
import type { Db } from '../store/db.js';
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

interface PolicyRow {
  src: string;
  id: string;
  document: string;
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

const compileAs = (kind: PolicyKind, rows: PolicyRow[]): CompiledPolicy[] =>
  rows.map((r) => compilePolicy(r.document, { kind, id: r.id, sourceType: r.src }));

const MANAGED_SQL = (table: string, col: string) => `
  SELECT CASE WHEN p.account_id IS NULL THEN 'aws-managed' ELSE 'user-managed' END AS src, p.arn AS id, v.document
    FROM ${table} a JOIN policies p ON p.arn = a.policy_arn
    JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default
   WHERE a.${col} = $1`;

export class PolicyCache {
  private readonly principals: Lru<string, Promise<PrincipalPolicies>>;
  private readonly managed: Lru<string, Promise<CompiledPolicy | null>>;

  constructor(
    private readonly db: Db,
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
      p = this.db
        .query<{ document: string; account_id: string | null }>(
          `SELECT v.document, p.account_id FROM policies p JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default WHERE p.arn = $1`,
          [arn],
        )
        .then((r) => {
          const row = r.rows[0];
          return row ? compilePolicy(row.document, { kind, id: arn, sourceType: row.account_id === null ? 'aws-managed' : 'user-managed' }) : null;
        });
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
    const u = await this.db.query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(u) AS row FROM users u WHERE user_id = $1`, [userId]);
    const user = u.rows[0]?.row;
    if (!user) return EMPTY;
    // The root user holds every permission of its account; sessions it creates (GetFederationToken)
    // are then limited by their session policies alone.
    if (user.is_root === true) return { exists: true, identity: [compilePolicy(ALLOW_ALL, { kind: 'identity', id: 'root', sourceType: 'root' })], boundary: [], tags: {} };
    // Group membership lives in part A's group_members (migration 0002).
    const r = await this.db.query<PolicyRow>(
      `SELECT 'user' AS src, 'user/' || user_id || '/' || policy_name AS id, document FROM user_policies WHERE user_id = $1
       UNION ALL ${MANAGED_SQL('user_policy_attachments', 'user_id')}
       UNION ALL
       SELECT 'group', 'group/' || gp.group_id || '/' || gp.policy_name, gp.document
         FROM group_members m JOIN group_policies gp ON gp.group_id = m.group_id WHERE m.user_id = $1
       UNION ALL
       SELECT CASE WHEN p.account_id IS NULL THEN 'aws-managed' ELSE 'user-managed' END, p.arn, v.document
         FROM group_members m JOIN group_policy_attachments a ON a.group_id = m.group_id
         JOIN policies p ON p.arn = a.policy_arn
         JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default
        WHERE m.user_id = $1`,
      [userId],
    );
    return {
      exists: true,
      identity: compileAs('identity', dedupe(r.rows)),
      boundary: await this.boundaryOf(user.permissions_boundary as string | null),
      tags: tagsOf(user.tags),
    };
  }

  private async loadRole(roleId: string): Promise<PrincipalPolicies> {
    const role = await this.db.query<{ permissions_boundary: string | null; tags: unknown }>(
      `SELECT permissions_boundary, tags FROM roles WHERE role_id = $1`,
      [roleId],
    );
    const row = role.rows[0];
    if (!row) return EMPTY;
    const r = await this.db.query<PolicyRow>(
      `SELECT 'role' AS src, 'role/' || role_id || '/' || policy_name AS id, document FROM role_policies WHERE role_id = $1
       UNION ALL ${MANAGED_SQL('role_policy_attachments', 'role_id')}`,
      [roleId],
    );
    return { exists: true, identity: compileAs('identity', r.rows), boundary: await this.boundaryOf(row.permissions_boundary), tags: tagsOf(row.tags) };
  }
}

/** A managed policy attached both to the user and one of its groups counts once. */
function dedupe(rows: PolicyRow[]): PolicyRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}
