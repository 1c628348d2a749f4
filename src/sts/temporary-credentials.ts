import { Errors } from '../errors/index.js';
import { Lru } from '../cache/lru.js';
import type { ResolvedCredential, TemporaryCredentialResolver } from '../iam/credentials.js';
import type { KeyRing } from '../keys/ring.js';
import { callerFromPayload, deriveSecret, openSessionToken, sessionTokenKeyId, type SessionTokenPayload } from '../tokens/session-token.js';
import type { RevocationStore } from './revocation.js';

/**
 * Resolves ASIA access keys for SigV4 verification from their session token alone: no database
 * row. Outcomes (the adapter turns `null` into InvalidClientTokenId):
 * - no token, a token that is not ours, tampered, or bound to another access key id → null;
 * - expired → ExpiredToken (400) "The security token included in the request is expired";
 * - revoked (RevokeSession / RevokeRoleSessions), itself or a session it was chained from →
 *   InvalidClientTokenId;
 * - its role (AssumeRole*) or parent user (GetSessionToken, GetFederationToken), or the owner of
 *   a session it was chained from (SessionInfo.lineage), no longer exists → InvalidClientTokenId.
 *   By unique id: a user or role recreated under the same name is another principal. Answered
 *   from the per-replica principal cache (PolicyCache), which every replica drops for a
 *   principal when it is deleted (services.invalidate), so warm it reads no row.
 * Opened tokens are memoised per access key id (the token must match byte for byte).
 */
interface Memo {
  token: string;
  payload: SessionTokenPayload;
  secret: string;
}

/** Whether the IAM user (AIDA…, or an account's root user id) or role (AROA…) with this unique id exists. */
export interface PrincipalExistence {
  exists(uniqueId: string): Promise<boolean>;
}

export class TemporaryCredentials implements TemporaryCredentialResolver {
  private readonly memo = new Lru<string, Memo>({ max: 50_000, ttlMs: 10 * 60_000 });

  constructor(
    private readonly ring: KeyRing,
    private readonly revocations: RevocationStore,
    private readonly principals: PrincipalExistence,
  ) {}

  async resolve(accessKeyId: string, sessionToken: string | undefined, now: Date): Promise<ResolvedCredential | null> {
    if (!sessionToken || !/^ASIA[A-Z2-7]{16}$/.test(accessKeyId)) return null;
    let m = this.memo.get(accessKeyId);
    if (!m || m.token !== sessionToken) {
      const opened = await this.open(accessKeyId, sessionToken, now);
      if (!opened) return null;
      m = opened;
      this.memo.set(accessKeyId, m);
    }
    const s = m.payload.session;
    if (now.getTime() >= s.expiresAt.getTime()) throw Errors.expiredToken();
    if (await this.revocations.isRevoked({ sessionId: s.sessionId, accessKeyId, roleId: s.roleId, issuedAt: s.issuedAt, lineage: s.lineage })) {
      throw Errors.invalidClientTokenId();
    }
    const owner = s.roleId ?? s.parentUserId ?? m.payload.identity.principalId;
    if (!(await this.principals.exists(owner))) throw Errors.invalidClientTokenId();
    for (const a of s.lineage ?? []) if (!(await this.principals.exists(a.ownerId))) throw Errors.invalidClientTokenId();
    return { secret: m.secret, caller: callerFromPayload(m.payload, accessKeyId) };
  }

  private async open(accessKeyId: string, token: string, now: Date): Promise<Memo | null> {
    const keyId = sessionTokenKeyId(token);
    if (keyId === null) return null;
    const key = this.ring.peek(keyId) ?? (await this.ring.byId(keyId, now));
    if (!key || key.purpose !== 'session') return null;
    const payload = openSessionToken(this.ring.subkey(key, 'token'), token, accessKeyId);
    if (!payload) return null;
    return { token, payload, secret: deriveSecret(this.ring.subkey(key, 'secret'), accessKeyId, payload.session.sessionId) };
  }
}
