import { createHash, timingSafeEqual } from 'node:crypto';
import type { Services } from '../services.js';
import { LoginSessions, digestOf } from './login-sessions.js';
import type { LoginSession } from './types.js';

/**
 * The `tessera` command's sign-in (issue 12): Tessera as the OAuth 2.0 authorization server of
 * one public client, `tessera-cli`.
 *
 * - Device authorization grant (RFC 8628): `startDevice` → device_code (32 random bytes) and a
 *   user_code of 8 letters from a 20-letter alphabet without vowels (XXXX-XXXX, ~2^34.6), valid
 *   10 minutes; the person approves it at /device in a browser where they are signed in (with the
 *   MFA the sign-in required). Polling faster than `interval` is `slow_down` (and the interval
 *   grows by 5 s); before approval `authorization_pending`; denied `access_denied`; past its life
 *   `expired_token`. A device code is exchanged once (Postgres-backed one-time record).
 * - Authorization code + PKCE S256 over a loopback redirect (RFC 8252 §7.3): the redirect URI must
 *   be http://127.0.0.1:PORT/… or http://[::1]:PORT/… (any port; `localhost` is refused, as the RFC
 *   recommends); the code lives 60 s and is exchanged once, with the verifier.
 * - Approval (either way) creates a NEW login session for the same person and MFA state
 *   (client 'cli'): listed and revoked like any (ListLoginSessions, RevokeLoginSession(s), sign out
 *   everywhere), and the first ancestor of every credential issued through it. Its secret is
 *   never handed out: tokens refer to its digest.
 * - Tokens: access token 1 h; refresh token for the login session's life, rotated on every use;
 *   presenting a spent refresh token again (a copy was stolen, or replayed) revokes the login
 *   session and everything issued from it (RFC 6819 §5.2.2.3). Only SHA-256 digests of tokens
 *   and codes are stored (cache), the one-time records in Postgres, so a cache restart loses
 *   live tokens (the person signs in again) but never lets a spent one be used.
 */
export const CLI_CLIENT_ID = 'tessera-cli';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const DEVICE_TTL_SECONDS = 600;
export const DEVICE_INTERVAL_SECONDS = 5;
export const CODE_TTL_SECONDS = 60;
export const ACCESS_TTL_SECONDS = 3600;
const USER_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
/** Wrong user codes per source address per 10 minutes before /device refuses to look up more. */
export const USER_CODE_ATTEMPTS = 10;

type Deps = Pick<Services, 'cache' | 'store' | 'config' | 'random' | 'revocations' | 'oneTimeUses'>;

const h = (s: string) => createHash('sha256').update(s).digest('base64url');
const deviceKey = (deviceCode: string) => `cli:device:${h(deviceCode)}`;
const userKey = (userCode: string) => `cli:user:${userCode}`;
const codeKey = (code: string) => `cli:code:${h(code)}`;
const accessKey = (t: string) => `cli:at:${h(t)}`;
const refreshKey = (t: string) => `cli:rt:${h(t)}`;

export class CliGrantError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'authorization_pending' | 'slow_down' | 'access_denied' | 'expired_token',
    readonly description: string,
    readonly status = 400,
    /** Set when the refusal ended a sign-in (a spent refresh token presented again). */
    readonly revokedSessionId?: string,
  ) {
    super(description);
  }
}

interface DeviceRecord {
  userCode: string;
  createdAt: number;
  expiresAt: number;
  interval: number;
  lastPollAt: number;
  status: 'pending' | 'approved' | 'denied';
  /** Set on approval: the CLI login session. */
  sessionId?: string;
  digest?: string;
  expiresAtSession?: number;
}

interface CodeRecord {
  challenge: string;
  redirectUri: string;
  sessionId: string;
  digest: string;
  sessionExpiresAt: number;
}

interface TokenRecord {
  sessionId: string;
  digest: string;
}

export interface TokenSet {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  /** Not standard: when the sign-in itself ends (the login session's absolute end). */
  refresh_expires_in: number;
}

/** The canonical form of a user code as people type it: upper case, no separators. Null when it cannot be one. */
export function normalizeUserCode(raw: string): string | null {
  const s = raw.toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== 8) return null;
  for (const c of s) if (!USER_ALPHABET.includes(c)) return null;
  return s;
}
export const formatUserCode = (c: string) => `${c.slice(0, 4)}-${c.slice(4)}`;

/** Whether a redirect URI is a loopback one RFC 8252 §7.3 allows: http, 127.0.0.1 or [::1], a port, no fragment. */
export function isLoopbackRedirect(raw: string): boolean {
  if (raw.length > 2048) return false;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === '[::1]') && u.port !== '' && u.hash === '' && u.username === '' && u.password === '' && raw.startsWith(`http://${u.host}/`);
}

export class CliGrants {
  private readonly sessions: LoginSessions;
  constructor(private readonly s: Deps) {
    this.sessions = new LoginSessions(s);
  }

  // ── device grant ───────────────────────────────────────────────────────────────────────────
  async startDevice(now: Date): Promise<{ deviceCode: string; userCode: string; expiresIn: number; interval: number }> {
    const deviceCode = this.s.random.bytes(32).toString('base64url');
    let userCode = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const bytes = this.s.random.bytes(8);
      userCode = [...bytes].map((b) => USER_ALPHABET[b % USER_ALPHABET.length]).join('');
      // 256 % 20 = 16: a slight bias towards the first 16 letters; negligible against 10 tries per 10 min.
      if (await this.s.cache.setIfAbsent(userKey(userCode), h(deviceCode), DEVICE_TTL_SECONDS)) break;
      userCode = '';
    }
    if (!userCode) throw new Error('could not allocate a user code');
    const rec: DeviceRecord = {
      userCode,
      createdAt: now.getTime(),
      expiresAt: now.getTime() + DEVICE_TTL_SECONDS * 1000,
      interval: DEVICE_INTERVAL_SECONDS,
      lastPollAt: 0,
      status: 'pending',
    };
    await this.s.cache.set(deviceKey(deviceCode), JSON.stringify(rec), DEVICE_TTL_SECONDS);
    return { deviceCode, userCode: formatUserCode(userCode), expiresIn: DEVICE_TTL_SECONDS, interval: DEVICE_INTERVAL_SECONDS };
  }

  /** The pending request a user code names (for the approval page), or null. */
  async lookupUserCode(userCode: string, now: Date): Promise<{ userCode: string; createdAt: Date } | null> {
    const found = await this.byUserCode(userCode, now);
    return found && found.rec.status === 'pending' ? { userCode: formatUserCode(found.rec.userCode), createdAt: new Date(found.rec.createdAt) } : null;
  }

  /**
   * The person's answer at /device. Approve: a new CLI login session of the browser session's
   * person. False when the code names nothing pending (expired, answered, unknown).
   */
  async answerDevice(userCode: string, approve: boolean, browser: LoginSession, req: { now: Date; sourceIp: string; userAgent: string }): Promise<boolean> {
    const found = await this.byUserCode(userCode, req.now);
    if (!found || found.rec.status !== 'pending') return false;
    // One answer per user code, on every replica.
    if (!(await this.s.oneTimeUses.consume('cli-user-code', found.deviceHash, new Date(found.rec.expiresAt), req.now))) return false;
    const rec = found.rec;
    if (approve) {
      const s = await this.cliSession(browser, req);
      Object.assign(rec, { status: 'approved', sessionId: s.id, digest: s.digest, expiresAtSession: s.expiresAt });
    } else rec.status = 'denied';
    await this.s.cache.set(found.key, JSON.stringify(rec), Math.max(1, Math.ceil((rec.expiresAt - req.now.getTime()) / 1000)));
    await this.s.cache.del(userKey(rec.userCode));
    return true;
  }

  /** The token endpoint's device_code grant. */
  async pollDevice(deviceCode: string, now: Date): Promise<TokenSet> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(deviceCode)) throw new CliGrantError('invalid_grant', 'The device code is not valid.');
    const key = deviceKey(deviceCode);
    const raw = await this.s.cache.get(key);
    const rec = raw ? (JSON.parse(raw) as DeviceRecord) : null;
    if (!rec) throw new CliGrantError('expired_token', 'The device code has expired or was already used. Run `tessera login` again.');
    if (now.getTime() >= rec.expiresAt) throw new CliGrantError('expired_token', 'The device code has expired. Run `tessera login` again.');
    if (rec.status === 'denied') {
      await this.s.cache.del(key);
      throw new CliGrantError('access_denied', 'The sign-in was denied in the browser.');
    }
    if (rec.status === 'pending') {
      const early = now.getTime() - rec.lastPollAt < rec.interval * 1000;
      if (early) rec.interval += 5;
      rec.lastPollAt = now.getTime();
      await this.s.cache.set(key, JSON.stringify(rec), Math.max(1, Math.ceil((rec.expiresAt - now.getTime()) / 1000)));
      throw early ? new CliGrantError('slow_down', `Polling too fast: wait ${rec.interval} seconds between requests.`) : new CliGrantError('authorization_pending', 'Waiting for the code to be approved in the browser.');
    }
    if (!(await this.s.oneTimeUses.consume('cli-device-code', h(deviceCode), new Date(rec.expiresAt), now))) {
      throw new CliGrantError('invalid_grant', 'The device code was already used.');
    }
    await this.s.cache.del(key);
    return this.issueTokens({ sessionId: rec.sessionId!, digest: rec.digest! }, rec.expiresAtSession!, now);
  }

  // ── authorization code + PKCE (loopback) ─────────────────────────────────────────────────────
  /** After the person allowed it: a one-time code for the loopback redirect. */
  async issueCode(browser: LoginSession, o: { challenge: string; redirectUri: string }, req: { now: Date; sourceIp: string; userAgent: string }): Promise<string> {
    const s = await this.cliSession(browser, req);
    const code = this.s.random.bytes(32).toString('base64url');
    const rec: CodeRecord = { challenge: o.challenge, redirectUri: o.redirectUri, sessionId: s.id, digest: s.digest, sessionExpiresAt: s.expiresAt };
    await this.s.cache.set(codeKey(code), JSON.stringify(rec), CODE_TTL_SECONDS);
    return code;
  }

  async redeemCode(code: string, verifier: string, redirectUri: string, now: Date): Promise<TokenSet> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(code)) throw new CliGrantError('invalid_grant', 'The authorization code is not valid.');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) throw new CliGrantError('invalid_request', 'code_verifier must be 43-128 characters of [A-Za-z0-9._~-] (RFC 7636).');
    const key = codeKey(code);
    const raw = await this.s.cache.get(key);
    const rec = raw ? (JSON.parse(raw) as CodeRecord) : null;
    if (!rec) throw new CliGrantError('invalid_grant', 'The authorization code is not valid, has expired or was already used.');
    // Once, whatever the outcome: a code tried with a wrong verifier is spent too.
    if (!(await this.s.oneTimeUses.consume('cli-auth-code', h(code), new Date(now.getTime() + CODE_TTL_SECONDS * 1000), now))) {
      throw new CliGrantError('invalid_grant', 'The authorization code was already used.');
    }
    await this.s.cache.del(key);
    if (rec.redirectUri !== redirectUri) throw new CliGrantError('invalid_grant', 'redirect_uri does not match the authorization request.');
    const want = Buffer.from(rec.challenge);
    const got = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
    if (want.length !== got.length || !timingSafeEqual(want, got)) throw new CliGrantError('invalid_grant', 'The code_verifier does not match the code_challenge.');
    return this.issueTokens({ sessionId: rec.sessionId, digest: rec.digest }, rec.sessionExpiresAt, now);
  }

  // ── tokens ─────────────────────────────────────────────────────────────────────────────────
  async refresh(refreshToken: string, now: Date): Promise<TokenSet> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(refreshToken)) throw new CliGrantError('invalid_grant', 'The refresh token is not valid.');
    const rec = await this.tokenRecord(refreshKey(refreshToken));
    if (!rec) throw new CliGrantError('invalid_grant', 'Your sign-in has ended (revoked or expired). Run `tessera login` again.');
    const session = await this.sessions.readDigest(rec.digest, now);
    if (!session) throw new CliGrantError('invalid_grant', 'Your sign-in has ended (revoked or expired). Run `tessera login` again.');
    if (!(await this.s.oneTimeUses.consume('cli-refresh', h(refreshToken), new Date(session.expiresAt), now))) {
      // A spent refresh token presented again: someone holds a copy. End the sign-in.
      await this.sessions.revoke(rec.sessionId, now);
      throw new CliGrantError('invalid_grant', 'This refresh token was already used; the sign-in has been revoked. Run `tessera login` again.', 400, rec.sessionId);
    }
    await this.s.cache.del(refreshKey(refreshToken));
    return this.issueTokens(rec, Date.parse(session.expiresAt), now);
  }

  /** The live CLI login session of an access token, or null (unknown, expired, session ended). */
  async sessionOfAccessToken(accessToken: string, now: Date): Promise<LoginSession | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(accessToken)) return null;
    const rec = await this.tokenRecord(accessKey(accessToken));
    if (!rec) return null;
    return this.sessions.readDigest(rec.digest, now);
  }

  /** RFC 7009: revoking either token ends the CLI sign-in (and what was issued through it). Unknown tokens are fine. */
  async revokeToken(token: string, now: Date): Promise<void> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return;
    const rec = (await this.tokenRecord(refreshKey(token))) ?? (await this.tokenRecord(accessKey(token)));
    if (!rec) return;
    await this.sessions.revoke(rec.sessionId, now);
    await this.s.cache.del(refreshKey(token));
    await this.s.cache.del(accessKey(token));
  }

  private async issueTokens(rec: TokenRecord, sessionExpiresAt: number, now: Date): Promise<TokenSet> {
    const left = Math.floor((sessionExpiresAt - now.getTime()) / 1000);
    if (left <= 0) throw new CliGrantError('invalid_grant', 'Your sign-in has ended. Run `tessera login` again.');
    const access = this.s.random.bytes(32).toString('base64url');
    const refresh = this.s.random.bytes(32).toString('base64url');
    const value = JSON.stringify({ sessionId: rec.sessionId, digest: rec.digest } satisfies TokenRecord);
    const accessTtl = Math.min(ACCESS_TTL_SECONDS, left);
    await this.s.cache.set(accessKey(access), value, accessTtl);
    await this.s.cache.set(refreshKey(refresh), value, left);
    return { access_token: access, token_type: 'Bearer', expires_in: accessTtl, refresh_token: refresh, refresh_expires_in: left };
  }

  private async tokenRecord(key: string): Promise<TokenRecord | null> {
    const raw = await this.s.cache.get(key);
    if (!raw) return null;
    try {
      const r = JSON.parse(raw) as TokenRecord;
      return typeof r.sessionId === 'string' && typeof r.digest === 'string' ? r : null;
    } catch {
      return null;
    }
  }

  private async byUserCode(raw: string, now: Date): Promise<{ key: string; deviceHash: string; rec: DeviceRecord } | null> {
    const code = normalizeUserCode(raw);
    if (!code) return null;
    const deviceHash = await this.s.cache.get(userKey(code));
    if (!deviceHash) return null;
    const key = `cli:device:${deviceHash}`;
    const rawRec = await this.s.cache.get(key);
    if (!rawRec) return null;
    const rec = JSON.parse(rawRec) as DeviceRecord;
    if (now.getTime() >= rec.expiresAt || rec.userCode !== code) return null;
    return { key, deviceHash, rec };
  }

  private async cliSession(browser: LoginSession, req: { now: Date; sourceIp: string; userAgent: string }): Promise<{ id: string; digest: string; expiresAt: number }> {
    // The CLI sign-in ends no later than the browser sign-in it was approved from.
    const { secret, session } = await this.sessions.create(browser.principal, browser.mfa, { now: req.now, sourceIp: req.sourceIp, userAgent: `tessera-cli (approved in: ${req.userAgent})` }, undefined, {
      client: 'cli',
      expiresAt: new Date(browser.expiresAt),
    });
    return { id: session.id, digest: digestOf(secret), expiresAt: Date.parse(session.expiresAt) };
  }
}
