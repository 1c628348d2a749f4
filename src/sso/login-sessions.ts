import { createHash } from 'node:crypto';
import type { Services } from '../services.js';
import type { LoginSession, MfaState, SignedInPrincipal } from './types.js';

/**
 * Login sessions (people signed in in a browser).
 *
 * The cookie carries a 32-byte random secret (base64url); the cache holds the LoginSession under
 * `sso:session:<sha256(secret)>`, so neither a cache dump nor the registry reveals a usable
 * cookie. The record's `id` is a separate PUBLIC id (`ls-…`) for listing and revocation, with a
 * cache index `sso:session-id:<id>` → digest so an administrator can end a session they only
 * know by id. Postgres (login_sessions) is the durable registry: listing, revocation marks.
 *
 * Every request reads the cache entry together with its "ended" tombstone in one atomic MGET:
 * sign-out or revocation on any replica deletes the entry and writes the tombstone, so the
 * session ends everywhere at once — and a request that read the session just before and writes
 * its `lastSeenAt` back afterwards cannot resurrect it (the tombstone still refuses it).
 *
 * Timeouts: idle (config.signIn.idleSeconds since lastSeenAt) and absolute (maxSeconds since
 * sign-in, `expiresAt`). The cache TTL is the sooner of the two; the read checks both as well.
 */
export const sessionKey = (digest: string) => `sso:session:${digest}`;
const endedKey = (digest: string) => `sso:session-ended:${digest}`;
const idKey = (id: string) => `sso:session-id:${id}`;
export const digestOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** lastSeenAt is written back at most this often (a write per request buys nothing). */
const TOUCH_EVERY_MS = 30_000;
/** Registry rows past their absolute end are deleted at most this often per process, a batch at a time, a day after they ended. */
const PURGE_EVERY_MS = 60_000;
const PURGE_AFTER_MS = 86_400_000;

type Deps = Pick<Services, 'cache' | 'store' | 'config' | 'random' | 'revocations'>;

export interface RequestFacts {
  now: Date;
  sourceIp: string;
  userAgent: string;
}

/** Who a principal is, for the registry and the sign-in MFA tables. */
export function principalKeyOf(p: SignedInPrincipal): string {
  return p.kind === 'iam-user' ? userPrincipalKey(p.userId) : `${p.identity.providerArn}#${p.identity.subject}`;
}

/** The principal key of an IAM user's login sessions (by unique id, so a re-created name is another person). */
export const userPrincipalKey = (userId: string): string => `user:${userId}`;

/** The ARN a principal is listed under: the IAM user's ARN, or the identity provider's ARN. */
export function principalArnOf(p: SignedInPrincipal): string {
  return p.kind === 'iam-user' ? p.arn : p.identity.providerArn;
}

export function accountOf(p: SignedInPrincipal): string {
  if (p.kind === 'iam-user') return p.accountId;
  return p.identity.providerArn.split(':')[4] ?? '';
}

export const isSessionSecret = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_-]{43}$/.test(s);

export class LoginSessions {
  private lastPurge = 0;
  constructor(private readonly s: Deps) {}

  /**
   * A new session (a NEW secret and id every time: no fixation). `previousSecret`, the session
   * cookie the browser presented, is ended first.
   */
  async create(principal: SignedInPrincipal, mfa: MfaState, req: RequestFacts, previousSecret?: string, opts: { client?: 'cli'; expiresAt?: Date } = {}): Promise<{ secret: string; session: LoginSession }> {
    if (isSessionSecret(previousSecret)) await this.endBySecret(previousSecret, req.now);
    const secret = this.s.random.bytes(32).toString('base64url');
    const id = `ls-${this.s.random.bytes(18).toString('base64url')}`;
    const max = req.now.getTime() + this.s.config.signIn.maxSeconds * 1000;
    const expiresAt = new Date(opts.expiresAt ? Math.min(max, opts.expiresAt.getTime()) : max);
    const session: LoginSession = {
      id,
      principal,
      mfa,
      createdAt: req.now.toISOString(),
      lastSeenAt: req.now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      sourceIp: req.sourceIp,
      userAgent: req.userAgent.slice(0, 512),
      ...(opts.client ? { client: opts.client } : {}),
    };
    // The registry row first: a session an administrator cannot see must not exist.
    await this.s.store.loginSessions.insert({
      id,
      accountId: accountOf(principal),
      principalKey: principalKeyOf(principal),
      principalArn: principalArnOf(principal),
      connectorId: principal.kind === 'federated' ? principal.connectorId : undefined,
      subject: principal.kind === 'federated' ? principal.identity.subject : undefined,
      createdAt: req.now,
      expiresAt,
      sourceIp: req.sourceIp,
      userAgent: session.userAgent,
    });
    const digest = digestOf(secret);
    const ttl = this.ttl(session, req.now);
    await this.s.cache.set(idKey(id), digest, this.s.config.signIn.maxSeconds);
    await this.s.cache.set(sessionKey(digest), JSON.stringify(session), ttl);
    this.purge(req.now);
    return { secret, session };
  }

  /** The live session of a cookie secret, or null (absent, ended, idle or past its end). Touches lastSeenAt. */
  async read(secret: unknown, now: Date): Promise<LoginSession | null> {
    if (!isSessionSecret(secret)) return null;
    const digest = digestOf(secret);
    const [raw, ended] = await this.s.cache.getMany([sessionKey(digest), endedKey(digest)]);
    if (raw === null || raw === undefined || ended !== null) return null;
    let session: LoginSession;
    try {
      session = JSON.parse(raw) as LoginSession;
    } catch {
      return null;
    }
    const last = Date.parse(session.lastSeenAt);
    if (now.getTime() >= Date.parse(session.expiresAt)) return null;
    if (now.getTime() - last >= this.idleMs(session)) return null;
    if (now.getTime() - last >= TOUCH_EVERY_MS) {
      session.lastSeenAt = now.toISOString();
      await this.s.cache.set(sessionKey(digest), JSON.stringify(session), this.ttl(session, now));
    }
    return session;
  }

  /** Sign-out: ends the session of this cookie secret (on every replica at once). */
  async endBySecret(secret: string, now: Date): Promise<LoginSession | null> {
    if (!isSessionSecret(secret)) return null;
    const digest = digestOf(secret);
    const raw = await this.s.cache.get(sessionKey(digest));
    let session: LoginSession | null = null;
    try {
      session = raw ? (JSON.parse(raw) as LoginSession) : null;
    } catch {
      session = null;
    }
    await this.endDigest(digest, now);
    if (session) {
      await this.s.store.loginSessions.revoke(session.id, now);
      await this.s.cache.del(idKey(session.id));
    }
    return session;
  }

  /**
   * Administrator's revocation by public id: marks the row, revokes every credential issued from
   * the session (its id is the first ancestor of their lineage, src/sso/issue.ts), and ends the
   * live session. True when it was live.
   */
  async revoke(id: string, now: Date): Promise<boolean> {
    await this.s.revocations.revokeSession(this.s.store, id);
    const live = await this.s.store.loginSessions.revoke(id, now);
    const digest = await this.s.cache.get(idKey(id));
    if (digest !== null) {
      await this.endDigest(digest, now);
      await this.s.cache.del(idKey(id));
    }
    return live;
  }

  /**
   * Every live session of a principal ("sign out everywhere", RevokeLoginSessions), and every
   * credential issued from them. Returns their ids.
   */
  async revokeAllOf(principalKey: string, now: Date): Promise<string[]> {
    const ids = await this.s.store.loginSessions.revokeAllOf(principalKey, now);
    for (const id of ids) await this.s.revocations.revokeSession(this.s.store, id);
    for (const id of ids) {
      const digest = await this.s.cache.get(idKey(id));
      if (digest !== null) {
        await this.endDigest(digest, now);
        await this.s.cache.del(idKey(id));
      }
    }
    return ids;
  }

  private async endDigest(digest: string, _now: Date): Promise<void> {
    // The tombstone outlives any session (maxSeconds), so a late write-back cannot revive it.
    await this.s.cache.set(endedKey(digest), '1', this.s.config.signIn.maxSeconds);
    await this.s.cache.del(sessionKey(digest));
  }

  /** Housekeeping, best effort: a failed purge is retried by a later sign-in. */
  private purge(now: Date): void {
    if (now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    this.s.store.loginSessions.purge(new Date(now.getTime() - PURGE_AFTER_MS), 1000).catch(() => {});
  }

  private idleMs(session: LoginSession): number {
    return (session.client === 'cli' ? this.s.config.signIn.maxSeconds : this.s.config.signIn.idleSeconds) * 1000;
  }

  private ttl(session: LoginSession, now: Date): number {
    const absolute = Date.parse(session.expiresAt) - now.getTime();
    const idle = this.idleMs(session);
    return Math.max(1, Math.ceil(Math.min(absolute, idle) / 1000));
  }
}
