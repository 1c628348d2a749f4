import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Services } from '../services.js';
import { open, seal } from '../keys/envelope.js';
import { addressKey } from './address.js';
import { auditSignIn, type SignInAuditFacts } from './audit.js';
import { accountOf, LoginSessions, principalArnOf } from './login-sessions.js';
import type { LoginSession, MfaState, SignedInPrincipal } from './types.js';

/**
 * The sign-in of the `tessera` CLI (issue 12): the OAuth 2.0 device authorization grant
 * (RFC 8628) and the authorization code grant with PKCE S256 for a loopback redirect (RFC 8252),
 * both for the one public client `tessera-cli`, and the tokens they end in.
 *
 * A CLI sign-in IS a login session: approving a device code (or the loopback consent) creates a
 * NEW login session for the same principal and MFA state as the browser's (LoginSessions.create),
 * so it is listed, revocable on its own and by RevokeLoginSessions / sign-out everywhere, obeys
 * the same absolute timeout (no idle timeout: client 'cli'), and every credential issued through it carries it as
 * lineage ancestor (issueForSession). The tokens hold no state of their own worth revoking:
 *
 * - access token `tsa_…` and refresh token `tsr_…` are sealed (AES-256-GCM under a key derived
 *   from the master key, kind as associated data) and carry the login session's secret, its id,
 *   their expiry and a random nonce. Nothing is stored for them but one-time-use digests. Every
 *   use reads the login session (LoginSessions.read): ended, revoked, idle or expired → refused.
 * - access tokens live 1 h (never past the session); refresh tokens until the session's end and
 *   rotate on every use: each is accepted once (services.oneTimeUses, Postgres decides, on any
 *   replica). A refresh token presented again is a stolen-token signal (RFC 6819 §5.2.2.3): the
 *   login session is revoked, and with it every credential issued from it.
 * - device codes, user codes and authorization codes are random, stored by SHA-256 digest only
 *   (the cache), and each is used once through services.oneTimeUses. The approved session's
 *   secret waits for the client sealed, never in the clear.
 * - user codes: 8 letters of BCDFGHJKLMNPQRSTVWXZ (20^8 ≈ 2^34.6), shown XXXX-XXXX, valid 600 s;
 *   wrong entries are counted per source address (/64 for IPv6) and per login session in a
 *   fixed 15-minute window (RFC 8628 §5.1): past USER_CODE_FAILURES the page refuses with 429.
 */
export const CLI_CLIENT_ID = 'tessera-cli';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const DEVICE_EXPIRES_SECONDS = 600;
export const DEVICE_INTERVAL_SECONDS = 5;
export const ACCESS_TOKEN_SECONDS = 3600;
export const AUTH_CODE_SECONDS = 60;
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_FAILURES = 10;
const FAILURE_WINDOW_SECONDS = 900;
/** Device records outlive the code by this much, so a late poll hears expired_token rather than invalid_grant. */
const DEVICE_RECORD_GRACE_SECONDS = 600;
const HEX64 = /^[0-9a-f]{64}$/;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** An OAuth error answer (RFC 6749 §5.2, RFC 8628 §3.5). */
export class CliGrantError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export interface TokenSet {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  /** Tessera extension: the login session these tokens stand for (public id). */
  login_session_id: string;
  /** Tessera extension: when the sign-in ends at the latest (ISO-8601). */
  session_expires_at: string;
}

/** What an approval carries to the token endpoint (sealed in the cache). */
interface Approved {
  /** The new login session's secret. */
  s: string;
  /** Its public id. */
  l: string;
  /** Its absolute end, ms. */
  e: number;
}

interface TokenClaims extends Approved {
  /** Kind. */
  k: 'a' | 'r';
  /** This token's expiry, ms. */
  x: number;
  /** Nonce: the one-time-use id of a refresh token. */
  n: string;
}

interface DeviceRecord {
  userCode: string;
  createdAt: number;
  expiresAt: number;
  /** The CLI's request (listed on the new login session, shown on the approval page). */
  sourceIp: string;
  userAgent: string;
}

interface DeviceResult {
  status: 'approved' | 'denied' | 'used';
  sealed?: string;
}

interface AuthCodeRecord {
  sealed: string;
  redirectUri: string;
  challenge: string;
  expiresAt: number;
}

export interface RequestFacts extends SignInAuditFacts {}

const digest = (s: string) => createHash('sha256').update(s).digest('base64url');
const deviceKey = (h: string) => `cli:device:${h}`;
const deviceResultKey = (h: string) => `cli:device-result:${h}`;
const devicePollKey = (h: string) => `cli:device-poll:${h}`;
const deviceSlowKey = (h: string) => `cli:device-slow:${h}`;
const userCodeKey = (code: string) => `cli:user-code:${digest(code)}`;
const authCodeKey = (h: string) => `cli:auth-code:${h}`;

/** A user code as typed: case, spaces and dashes do not matter; null when it cannot be one. */
export function normalizeUserCode(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 64) return null;
  const c = raw.toUpperCase().replace(/[\s-]/g, '');
  if (c.length !== 8) return null;
  for (const ch of c) if (!USER_CODE_ALPHABET.includes(ch)) return null;
  return c;
}
export const formatUserCode = (c: string) => `${c.slice(0, 4)}-${c.slice(4)}`;

/** http://127.0.0.1:PORT/… or http://[::1]:PORT/… (RFC 8252 §7.3), nothing else; the parsed URL or null. */
export function loopbackRedirect(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length > 512) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:') return null;
  if (u.hostname !== '127.0.0.1' && u.hostname !== '[::1]') return null;
  if (u.username !== '' || u.password !== '' || u.hash !== '' || raw.includes('#')) return null;
  return u;
}

/** PKCE S256 (RFC 7636 §4.6), in constant time. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier) || !CHALLENGE.test(challenge)) return false;
  const want = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const got = Buffer.from(challenge);
  return want.length === got.length && timingSafeEqual(want, got);
}
export const isChallenge = (c: unknown): c is string => typeof c === 'string' && CHALLENGE.test(c);

export class CliGrants {
  readonly sessions: LoginSessions;
  private readonly key: Buffer;

  constructor(private readonly services: Services) {
    this.sessions = new LoginSessions(services);
    this.key = createHmac('sha256', services.masterKey).update('tessera/cli/tokens/v1').digest();
  }

  // ── sealing ───────────────────────────────────────────────────────────────────────────────
  private sealJson(aad: string, v: unknown): string {
    return seal(this.key, JSON.stringify(v), aad).toString('base64url');
  }
  private openJson<T>(aad: string, s: string): T | null {
    if (!/^[A-Za-z0-9_-]{40,4096}$/.test(s)) return null;
    try {
      return JSON.parse(open(this.key, Buffer.from(s, 'base64url'), aad).toString('utf8')) as T;
    } catch {
      return null;
    }
  }

  /** Access + refresh token for an approved login session. */
  mint(a: Approved, now: Date): TokenSet {
    const t = now.getTime();
    const accessExp = Math.min(a.e, t + ACCESS_TOKEN_SECONDS * 1000);
    const nonce = () => this.services.random.bytes(16).toString('base64url');
    const access: TokenClaims = { ...a, k: 'a', x: accessExp, n: nonce() };
    const refresh: TokenClaims = { ...a, k: 'r', x: a.e, n: nonce() };
    return {
      access_token: `tsa_${this.sealJson('tessera-cli/access', access)}`,
      token_type: 'Bearer',
      expires_in: Math.max(0, Math.floor((accessExp - t) / 1000)),
      refresh_token: `tsr_${this.sealJson('tessera-cli/refresh', refresh)}`,
      login_session_id: a.l,
      session_expires_at: new Date(a.e).toISOString(),
    };
  }

  private claims(token: unknown, kind: 'a' | 'r'): TokenClaims | null {
    if (typeof token !== 'string') return null;
    const prefix = kind === 'a' ? 'tsa_' : 'tsr_';
    if (!token.startsWith(prefix)) return null;
    const c = this.openJson<TokenClaims>(kind === 'a' ? 'tessera-cli/access' : 'tessera-cli/refresh', token.slice(4));
    if (!c || c.k !== kind || typeof c.s !== 'string' || typeof c.l !== 'string' || typeof c.x !== 'number' || typeof c.n !== 'string') return null;
    return c;
  }

  /** The live login session of a Bearer access token, or null (bad, expired, or its sign-in ended). */
  async sessionOf(accessToken: unknown, now: Date): Promise<LoginSession | null> {
    const c = this.claims(accessToken, 'a');
    if (!c || c.x <= now.getTime()) return null;
    const session = await this.sessions.read(c.s, now);
    return session && session.id === c.l ? session : null;
  }

  /** The new login session of an approval: same principal and MFA state, the CLI's address and agent. */
  private async newSession(principal: SignedInPrincipal, mfa: MfaState, cli: { sourceIp: string; userAgent: string }, now: Date): Promise<Approved> {
    const ua = `tessera-cli${cli.userAgent ? ` (${cli.userAgent})` : ''}`;
    // client 'cli': no idle timeout (credential_process calls come when the person works), the same absolute end.
    const { secret, session } = await this.sessions.create(principal, mfa, { now, sourceIp: cli.sourceIp, userAgent: ua }, undefined, { client: 'cli' });
    return { s: secret, l: session.id, e: Date.parse(session.expiresAt) };
  }

  // ── device authorization (RFC 8628) ───────────────────────────────────────────────────────
  async startDevice(f: RequestFacts, base: string): Promise<Record<string, unknown>> {
    const deviceCode = this.services.random.bytes(32).toString('hex');
    let userCode = '';
    // Retry the (astronomically rare) collision with a live code.
    for (let i = 0; i < 5; i++) {
      userCode = '';
      // Rejection sampling: bytes ≥ 240 would bias the first 16 letters.
      while (userCode.length < 8) for (const b of this.services.random.bytes(16)) if (b < 240 && userCode.length < 8) userCode += USER_CODE_ALPHABET[b % 20];
      if (await this.services.cache.setIfAbsent(userCodeKey(userCode), digest(deviceCode), DEVICE_EXPIRES_SECONDS)) break;
      if (i === 4) throw new CliGrantError('temporarily_unavailable', 'Could not allocate a user code; try again', 503);
    }
    const now = f.now.getTime();
    const rec: DeviceRecord = { userCode, createdAt: now, expiresAt: now + DEVICE_EXPIRES_SECONDS * 1000, sourceIp: f.sourceIp, userAgent: f.userAgent.slice(0, 200) };
    await this.services.cache.set(deviceKey(digest(deviceCode)), JSON.stringify(rec), DEVICE_EXPIRES_SECONDS + DEVICE_RECORD_GRACE_SECONDS);
    const shown = formatUserCode(userCode);
    return {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: `${base}/device`,
      verification_uri_complete: `${base}/device?user_code=${shown}`,
      expires_in: DEVICE_EXPIRES_SECONDS,
      interval: DEVICE_INTERVAL_SECONDS,
    };
  }

  /** Counts one wrong user code; throws 429 past the limit. `check` only reads. */
  private async failures(f: RequestFacts, session: LoginSession, add: boolean): Promise<void> {
    const keys = [`cli:user-code-fail:addr:${addressKey(f.sourceIp)}`, `cli:user-code-fail:ls:${session.id}`];
    let worst = 0;
    if (add) for (const k of keys) worst = Math.max(worst, await this.services.cache.incr(k, FAILURE_WINDOW_SECONDS));
    else for (const v of await this.services.cache.getMany(keys)) worst = Math.max(worst, Number(v ?? 0));
    if (add ? worst > USER_CODE_FAILURES : worst >= USER_CODE_FAILURES) {
      throw new CliGrantError('slow_down', 'Too many wrong codes were entered. Wait 15 minutes, then try again.', 429);
    }
  }

  /**
   * The pending device request of a user code as typed (for the approval page), or null (wrong,
   * expired or already decided; counted against the guessing limit). Throws 429 past the limit.
   */
  async lookupUserCode(raw: unknown, session: LoginSession, f: RequestFacts): Promise<{ userCode: string; deviceHash: string; device: DeviceRecord } | null> {
    await this.failures(f, session, false);
    const code = normalizeUserCode(raw);
    const found = code === null ? null : await this.pending(code, f.now);
    if (!found) {
      await this.failures(f, session, true);
      await auditSignIn(this.services, f, { action: 'CliDeviceCode', outcome: 'failure', reason: 'unknown_user_code', ...who(session.principal) });
      return null;
    }
    return found;
  }

  private async pending(code: string, now: Date): Promise<{ userCode: string; deviceHash: string; device: DeviceRecord } | null> {
    const deviceHash = await this.services.cache.get(userCodeKey(code));
    if (deviceHash === null) return null;
    const [raw, decided] = await this.services.cache.getMany([deviceKey(deviceHash), deviceResultKey(deviceHash)]);
    if (!raw || decided !== null) return null;
    const device = JSON.parse(raw) as DeviceRecord;
    if (device.userCode !== code || device.expiresAt <= now.getTime()) return null;
    return { userCode: code, deviceHash, device };
  }

  /**
   * The person's decision on a device request. Approve: a NEW login session (same principal and
   * MFA as `session`), sealed for the token endpoint. The user code is used once (any replica).
   */
  async decideDevice(raw: unknown, approve: boolean, session: LoginSession, f: RequestFacts): Promise<'approved' | 'denied' | null> {
    const found = await this.lookupUserCode(raw, session, f);
    if (!found) return null;
    const { deviceHash, device } = found;
    if (!(await this.services.oneTimeUses.consume('cli-user-code', deviceHash, new Date(device.expiresAt), f.now))) return null;
    const ttl = Math.max(1, Math.ceil((device.expiresAt - f.now.getTime()) / 1000) + DEVICE_RECORD_GRACE_SECONDS);
    let result: DeviceResult;
    let loginSessionId: string | undefined;
    if (approve) {
      const a = await this.newSession(session.principal, session.mfa, device, f.now);
      loginSessionId = a.l;
      result = { status: 'approved', sealed: this.sealJson(`tessera-cli/device/${deviceHash}`, a) };
    } else result = { status: 'denied' };
    await this.services.cache.set(deviceResultKey(deviceHash), JSON.stringify(result), ttl);
    await this.services.cache.del(userCodeKey(found.userCode));
    await auditSignIn(this.services, f, {
      action: approve ? 'CliDeviceApproval' : 'CliDeviceDenial',
      outcome: 'success',
      ...who(session.principal),
      detail: { approvingLoginSessionId: session.id, ...(loginSessionId ? { loginSessionId } : {}), clientId: CLI_CLIENT_ID, cliSourceIp: device.sourceIp },
    });
    return approve ? 'approved' : 'denied';
  }

  /** grant_type=…:device_code: pending / slow_down / expired / denied, or the tokens once (any replica). */
  async pollDevice(deviceCode: unknown, f: RequestFacts): Promise<TokenSet> {
    if (typeof deviceCode !== 'string' || !HEX64.test(deviceCode)) throw new CliGrantError('invalid_grant', 'Unknown device_code');
    const h = digest(deviceCode);
    const [raw, res] = await this.services.cache.getMany([deviceKey(h), deviceResultKey(h)]);
    if (!raw) throw new CliGrantError('invalid_grant', 'Unknown device_code');
    const device = JSON.parse(raw) as DeviceRecord;
    const result = res ? (JSON.parse(res) as DeviceResult) : null;
    if (result?.status === 'used') throw new CliGrantError('invalid_grant', 'This device code was already used');
    const now = f.now.getTime();
    if (device.expiresAt <= now) throw new CliGrantError('expired_token', 'The device code has expired. Run tessera login again.');
    // Polling faster than the interval (RFC 8628 §3.5): slow_down, and 5 s more from then on.
    const slow = Number((await this.services.cache.get(deviceSlowKey(h))) ?? 0);
    const interval = DEVICE_INTERVAL_SECONDS + 5 * slow;
    if (!(await this.services.cache.setIfAbsent(devicePollKey(h), '1', Math.max(1, interval - 1)))) {
      await this.services.cache.incr(deviceSlowKey(h), DEVICE_EXPIRES_SECONDS + DEVICE_RECORD_GRACE_SECONDS);
      throw new CliGrantError('slow_down', `Polling too fast: wait ${interval + 5} seconds between requests`);
    }
    if (!result) throw new CliGrantError('authorization_pending', 'The code has not been approved yet');
    if (result.status === 'denied') throw new CliGrantError('access_denied', 'The sign-in request was denied in the browser');
    if (!(await this.services.oneTimeUses.consume('cli-device-code', h, new Date(device.expiresAt + DEVICE_RECORD_GRACE_SECONDS * 1000), f.now))) {
      throw new CliGrantError('invalid_grant', 'This device code was already used');
    }
    const a = this.openJson<Approved>(`tessera-cli/device/${h}`, result.sealed ?? '');
    // The sealed secret is dropped; what stays says "used" (Postgres above is what decides).
    await this.services.cache.set(deviceResultKey(h), JSON.stringify({ status: 'used' } satisfies DeviceResult), DEVICE_EXPIRES_SECONDS + DEVICE_RECORD_GRACE_SECONDS);
    if (!a) throw new CliGrantError('invalid_grant', 'Unknown device_code');
    return this.tokensFor(a, f.now);
  }

  /** Tokens for an approved session, unless it has ended meanwhile. */
  private async tokensFor(a: Approved, now: Date): Promise<TokenSet> {
    if (!(await this.sessions.read(a.s, now))) throw ended();
    return this.mint(a, now);
  }

  // ── loopback authorization code + PKCE (RFC 8252, RFC 7636) ────────────────────────────────
  /** The person approved the loopback sign-in: a NEW login session and a one-time code for it (60 s). */
  async issueAuthCode(session: LoginSession, redirectUri: string, challenge: string, f: RequestFacts): Promise<string> {
    const a = await this.newSession(session.principal, session.mfa, f, f.now);
    const code = this.services.random.bytes(32).toString('hex');
    const h = digest(code);
    const rec: AuthCodeRecord = { sealed: this.sealJson(`tessera-cli/code/${h}`, a), redirectUri, challenge, expiresAt: f.now.getTime() + AUTH_CODE_SECONDS * 1000 };
    // Kept past its use, so a replay can be recognised (and the sign-in it made revoked).
    await this.services.cache.set(authCodeKey(h), JSON.stringify(rec), AUTH_CODE_SECONDS * 5);
    await auditSignIn(this.services, f, {
      action: 'CliAuthorize',
      outcome: 'success',
      ...who(session.principal),
      detail: { approvingLoginSessionId: session.id, loginSessionId: a.l, clientId: CLI_CLIENT_ID, redirectUri },
    });
    return code;
  }

  async redeemAuthCode(code: unknown, redirectUri: unknown, verifier: unknown, f: RequestFacts): Promise<TokenSet> {
    if (typeof code !== 'string' || !HEX64.test(code)) throw new CliGrantError('invalid_grant', 'Unknown authorization code');
    const h = digest(code);
    const raw = await this.services.cache.get(authCodeKey(h));
    if (!raw) throw new CliGrantError('invalid_grant', 'Unknown or expired authorization code');
    const rec = JSON.parse(raw) as AuthCodeRecord;
    const a = this.openJson<Approved>(`tessera-cli/code/${h}`, rec.sealed);
    if (!a) throw new CliGrantError('invalid_grant', 'Unknown authorization code');
    if (!(await this.services.oneTimeUses.consume('cli-auth-code', h, new Date(rec.expiresAt + AUTH_CODE_SECONDS * 4000), f.now))) {
      // RFC 6749 §4.1.2: a code used twice revokes what it gave.
      await this.sessions.revoke(a.l, f.now);
      await auditSignIn(this.services, f, { action: 'CliAuthCodeReplay', outcome: 'failure', reason: 'code_replayed', detail: { loginSessionId: a.l } });
      throw new CliGrantError('invalid_grant', 'This authorization code was already used; the sign-in it gave has been revoked');
    }
    if (rec.expiresAt <= f.now.getTime()) throw new CliGrantError('invalid_grant', 'The authorization code has expired');
    if (typeof redirectUri !== 'string' || redirectUri !== rec.redirectUri) throw new CliGrantError('invalid_grant', 'redirect_uri does not match the authorization request');
    if (typeof verifier !== 'string' || !pkceMatches(verifier, rec.challenge)) throw new CliGrantError('invalid_grant', 'code_verifier does not match the code_challenge (PKCE S256)');
    return this.tokensFor(a, f.now);
  }

  // ── refresh (rotating, reuse revokes) ─────────────────────────────────────────────────────
  async refresh(token: unknown, f: RequestFacts): Promise<TokenSet> {
    const c = this.claims(token, 'r');
    if (!c) throw new CliGrantError('invalid_grant', 'Unknown refresh token');
    if (c.x <= f.now.getTime()) throw ended();
    if (!(await this.services.oneTimeUses.consume('cli-refresh', c.n, new Date(c.x), f.now))) {
      await this.sessions.revoke(c.l, f.now);
      await auditSignIn(this.services, f, { action: 'CliRefreshReuse', outcome: 'failure', reason: 'refresh_token_reused', detail: { loginSessionId: c.l } });
      throw new CliGrantError('invalid_grant', 'This refresh token was already used, so it may have been stolen: the sign-in has been revoked. Run tessera login again.');
    }
    return this.tokensFor(c, f.now);
  }

  // ── revocation (RFC 7009) ─────────────────────────────────────────────────────────────────
  /** Either token ends the whole sign-in (its login session, and the credentials issued from it). Unknown tokens are fine. */
  async revoke(token: unknown, f: RequestFacts): Promise<void> {
    const c = this.claims(token, 'r') ?? this.claims(token, 'a');
    if (!c) return;
    const session = await this.sessions.read(c.s, f.now);
    await this.sessions.revoke(c.l, f.now);
    if (session) await auditSignIn(this.services, f, { action: 'CliSignOut', outcome: 'success', ...who(session.principal), detail: { loginSessionId: c.l } });
  }
}

const ended = () => new CliGrantError('invalid_grant', 'The sign-in has ended (revoked or expired). Run tessera login again.');

/** The audit facts of a principal. */
export function who(p: SignedInPrincipal) {
  return p.kind === 'iam-user'
    ? { accountId: p.accountId, principalArn: p.arn, subject: p.userName, principalId: p.userId }
    : { accountId: accountOf(p), principalArn: principalArnOf(p), connectorId: p.connectorId, subject: p.identity.subject };
}
