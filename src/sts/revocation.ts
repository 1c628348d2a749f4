import { Lru } from '../cache/lru.js';
import type { Cache } from '../cache/cache.js';

/**
 * Revocation of temporary credentials, shared by every replica through the cache (Redis in
 * production). Three kinds, all checked on every request made with temporary credentials:
 * - one session, by its session id or by its access key id;
 * - every session of a role issued before a time ("revoke older sessions").
 * Entries live as long as any credential they could refer to (REVOCATION_TTL_SECONDS).
 * Each replica remembers a "not revoked" answer for at most MEMO_MS, so a revocation takes
 * effect everywhere within that bound (well under a second) without a cache round trip on
 * every request of a busy session.
 */
export const REVOCATION_TTL_SECONDS = 36 * 3600 + 3600;
const MEMO_MS = 250;

const sessionKey = (id: string) => `sts:revoked:session:${id}`;
const accessKeyKey = (id: string) => `sts:revoked:key:${id}`;
const roleKey = (roleId: string) => `sts:revoked:role:${roleId}`;

export interface RevocationSubject {
  sessionId: string;
  accessKeyId: string;
  roleId?: string | undefined;
  issuedAt: Date;
}

export class RevocationStore {
  private readonly sessions = new Lru<string, boolean>({ max: 100_000, ttlMs: MEMO_MS });
  private readonly roles = new Lru<string, number>({ max: 10_000, ttlMs: MEMO_MS });

  constructor(private readonly cache: Cache) {}

  async revokeSession(sessionId: string): Promise<void> {
    await this.cache.set(sessionKey(sessionId), '1', REVOCATION_TTL_SECONDS);
    // The memo is keyed by access key id and session id; only the session id is known here.
    this.sessions.clear();
  }

  async revokeAccessKey(accessKeyId: string): Promise<void> {
    await this.cache.set(accessKeyKey(accessKeyId), '1', REVOCATION_TTL_SECONDS);
    this.sessions.clear();
  }

  /** Revoke every session of the role issued strictly before `before` (never moves backwards). */
  async revokeRoleSessions(roleId: string, before: Date): Promise<void> {
    await this.cache.setIfGreater(roleKey(roleId), before.getTime(), REVOCATION_TTL_SECONDS);
    this.roles.delete(roleId);
  }

  async isRevoked(s: RevocationSubject): Promise<boolean> {
    const memoKey = `${s.accessKeyId}|${s.sessionId}`;
    let own = this.sessions.get(memoKey);
    let roleBefore = s.roleId === undefined ? 0 : this.roles.get(s.roleId);
    if (own === undefined || roleBefore === undefined) {
      const [a, b, c] = await Promise.all([
        own === undefined ? this.cache.get(sessionKey(s.sessionId)) : null,
        own === undefined ? this.cache.get(accessKeyKey(s.accessKeyId)) : null,
        roleBefore === undefined && s.roleId !== undefined ? this.cache.get(roleKey(s.roleId)) : null,
      ]);
      if (own === undefined) {
        own = a !== null || b !== null;
        this.sessions.set(memoKey, own);
      }
      if (roleBefore === undefined && s.roleId !== undefined) {
        roleBefore = c === null ? 0 : Number(c) || 0;
        this.roles.set(s.roleId, roleBefore);
      }
    }
    return own || (roleBefore ?? 0) > s.issuedAt.getTime();
  }
}
