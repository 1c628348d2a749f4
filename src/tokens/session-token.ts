import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Caller, PrincipalType, SessionAncestor, SessionInfo } from './caller.js';
import { pooledRandomBytes } from '../keys/entropy.js';

/**
 * Session tokens of temporary (ASIA) credentials: opaque to their holder, verifiable by any
 * replica without a database row. Pure functions; the keys come from the key ring.
 *
 * Layout (then standard base64):  version(1) | keyId(uint32 BE) | iv(12) | tag(16) | ciphertext
 * ciphertext = AES-256-GCM(plaintext), AAD = version|keyId|accessKeyId, so a token only opens for
 * the access key id it was issued with and under the key it names. The version byte says how the
 * plaintext encodes the JSON payload:
 *   1 = deflateRaw(JSON)  — payloads of COMPRESS_OVER bytes or more (session policies, many tags)
 *   2 = JSON as is        — the common small payload: compressing it would cost more CPU than the
 *                           few hundred bytes it saves (the issuance hot path)
 * Both are opened.
 *
 * Lineage (`s.an`, optional, added without a version change: a token without it is a chain of
 * one): the sessions this one was chained from, root first, each as
 * [sessionId, accessKeyId, roleId or 0, issuedAt ms]; at most MAX_LINEAGE entries. A token whose
 * lineage is malformed does not open.
 *
 * The secret access key is not in the token: it is HMAC-SHA256(secret-derivation key,
 * accessKeyId "\n" sessionId), 30 bytes in base64 = 40 characters (`deriveSecret`).
 */
const DEFLATED = 1;
const PLAIN = 2;
/** JSON payloads this long or longer are deflated (version 1). */
export const COMPRESS_OVER = 1024;
const HEADER = 5;
const MIN_LEN = HEADER + 12 + 16 + 1;
/** Tokens longer than this are not even decoded (AWS session tokens are a few KB at most). */
export const MAX_TOKEN_CHARS = 16_384;
/** Most ancestors a session token carries (role chaining deeper than this is refused). */
export const MAX_LINEAGE = 16;

/** The identity fields of a Caller that a token carries (accessKeyId and credential are implied). */
export interface TokenIdentity {
  type: PrincipalType;
  accountId: string;
  arn: string;
  userId: string;
  userName?: string | undefined;
  principalId: string;
  principalArn: string;
  isRoot: boolean;
}

export interface SessionTokenPayload {
  identity: TokenIdentity;
  session: SessionInfo;
}

type Json = Record<string, unknown>;
const ms = (d: Date | undefined) => (d === undefined ? undefined : d.getTime());
const date = (n: unknown) => (typeof n === 'number' ? new Date(n) : undefined);

function encode(p: SessionTokenPayload): { version: number; plain: Buffer | string } {
  const { identity: i, session: s } = p;
  const o: Json = {
    t: i.type,
    a: i.accountId,
    n: i.arn,
    u: i.userId,
    un: i.userName,
    pi: i.principalId,
    pa: i.principalArn,
    r: i.isRoot ? 1 : undefined,
    s: {
      ib: s.issuedBy,
      ri: s.roleId,
      rn: s.roleName,
      ra: s.roleArn,
      sn: s.sessionName,
      pu: s.parentUserId,
      sp: s.sessionPolicy,
      pl: s.policyArns,
      tg: s.tags,
      tt: s.transitiveTagKeys,
      si: s.sourceIdentity,
      mf: s.mfaAuthenticated ? 1 : undefined,
      mt: ms(s.mfaAuthTime),
      fp: s.federatedProvider,
      fc: s.federatedContext,
      ch: s.chained ? 1 : undefined,
      an: s.lineage?.length ? s.lineage.map((a) => [a.sessionId, a.accessKeyId, a.roleId ?? 0, a.issuedAt.getTime(), a.ownerId]) : undefined,
      ia: ms(s.issuedAt),
      ea: ms(s.expiresAt),
      id: s.sessionId,
    },
  };
  const json = JSON.stringify(o);
  // Byte length ≥ string length: only payloads that may be long are measured exactly.
  if (json.length * 3 < COMPRESS_OVER || Buffer.byteLength(json, 'utf8') < COMPRESS_OVER) return { version: PLAIN, plain: json };
  return { version: DEFLATED, plain: deflateRawSync(json) };
}

function decode(version: number, buf: Buffer): SessionTokenPayload | null {
  const json = version === DEFLATED ? inflateRawSync(buf, { maxOutputLength: 1 << 20 }) : buf;
  const o = JSON.parse(json.toString('utf8')) as Json;
  if (typeof o !== 'object' || o === null) return null;
  const s = o.s as Json | undefined;
  if (!s || typeof o.a !== 'string' || typeof s.id !== 'string' || typeof s.ea !== 'number' || typeof s.ia !== 'number') return null;
  let lineage: SessionAncestor[] | undefined;
  if (s.an !== undefined) {
    const an = decodeLineage(s.an);
    if (an === null) return null;
    lineage = an;
  }
  const session: SessionInfo = {
    issuedBy: s.ib as SessionInfo['issuedBy'],
    roleId: s.ri as string | undefined,
    roleName: s.rn as string | undefined,
    roleArn: s.ra as string | undefined,
    sessionName: s.sn as string | undefined,
    parentUserId: s.pu as string | undefined,
    sessionPolicy: s.sp as string | undefined,
    policyArns: s.pl as string[] | undefined,
    tags: s.tg as Record<string, string> | undefined,
    transitiveTagKeys: s.tt as string[] | undefined,
    sourceIdentity: s.si as string | undefined,
    mfaAuthenticated: s.mf === 1 ? true : undefined,
    mfaAuthTime: date(s.mt),
    federatedProvider: s.fp as string | undefined,
    federatedContext: s.fc as Record<string, string | string[]> | undefined,
    chained: s.ch === 1 ? true : undefined,
    lineage,
    issuedAt: new Date(s.ia),
    expiresAt: new Date(s.ea),
    sessionId: s.id,
  };
  return {
    identity: {
      type: o.t as PrincipalType,
      accountId: o.a,
      arn: o.n as string,
      userId: o.u as string,
      userName: o.un as string | undefined,
      principalId: o.pi as string,
      principalArn: o.pa as string,
      isRoot: o.r === 1,
    },
    session,
  };
}

function decodeLineage(an: unknown): SessionAncestor[] | null {
  if (!Array.isArray(an) || an.length === 0 || an.length > MAX_LINEAGE) return null;
  const out: SessionAncestor[] = [];
  for (const e of an as unknown[]) {
    if (!Array.isArray(e) || e.length !== 5) return null;
    const [sid, akid, rid, ia, owner] = e as unknown[];
    if (typeof sid !== 'string' || typeof akid !== 'string' || (typeof rid !== 'string' && rid !== 0) || typeof ia !== 'number' || typeof owner !== 'string') return null;
    out.push({ sessionId: sid, accessKeyId: akid, roleId: rid === 0 ? undefined : rid, issuedAt: new Date(ia), ownerId: owner });
  }
  return out;
}

/** Seal a payload under the token sub-key of ring key `keyId`, bound to `accessKeyId`. */
export function sealSessionToken(keyId: number, tokenKey: Buffer, accessKeyId: string, payload: SessionTokenPayload): string {
  const { version, plain } = encode(payload);
  // head = version | keyId | iv | tag: 33 bytes, a multiple of 3, so its base64 and the
  // ciphertext's concatenate into the base64 of the whole token (no copy of the ciphertext).
  const head = Buffer.allocUnsafe(HEADER + 12 + 16);
  head[0] = version;
  head.writeUInt32BE(keyId, 1);
  pooledRandomBytes(12).copy(head, HEADER);
  const aad = Buffer.allocUnsafe(HEADER + accessKeyId.length);
  head.copy(aad, 0, 0, HEADER);
  aad.write(accessKeyId, HEADER, 'latin1');
  const c = createCipheriv('aes-256-gcm', tokenKey, head.subarray(HEADER, HEADER + 12));
  c.setAAD(aad);
  let ct = typeof plain === 'string' ? c.update(plain, 'utf8') : c.update(plain);
  const tail = c.final(); // GCM is a stream mode: empty
  if (tail.length > 0) ct = Buffer.concat([ct, tail]);
  c.getAuthTag().copy(head, HEADER + 12);
  return head.toString('base64') + ct.toString('base64');
}

/** The ring key id a token names, or null when it is not a Tessera session token at all. */
export function sessionTokenKeyId(token: string): number | null {
  if (token.length < 8 || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return null;
  const raw = Buffer.from(token.slice(0, 8), 'base64');
  if (raw.length < HEADER || (raw[0] !== DEFLATED && raw[0] !== PLAIN)) return null;
  return raw.readUInt32BE(1);
}

/** Open a token; null when it was tampered with, is bound to another key id, or is malformed. */
export function openSessionToken(tokenKey: Buffer, token: string, accessKeyId: string): SessionTokenPayload | null {
  const raw = Buffer.from(token, 'base64');
  const version = raw[0];
  if (raw.length < MIN_LEN || (version !== DEFLATED && version !== PLAIN)) return null;
  try {
    const d = createDecipheriv('aes-256-gcm', tokenKey, raw.subarray(HEADER, HEADER + 12));
    d.setAAD(Buffer.concat([raw.subarray(0, HEADER), Buffer.from(accessKeyId, 'latin1')]));
    d.setAuthTag(raw.subarray(HEADER + 12, HEADER + 28));
    const plain = Buffer.concat([d.update(raw.subarray(HEADER + 28)), d.final()]);
    return decode(version, plain);
  } catch {
    return null;
  }
}

/** The 40-character secret access key of a temporary credential. */
export function deriveSecret(secretKey: Buffer, accessKeyId: string, sessionId: string): string {
  return createHmac('sha256', secretKey).update(`${accessKeyId}\n${sessionId}`).digest().subarray(0, 30).toString('base64');
}

/** The Caller a verified token stands for. */
export function callerFromPayload(p: SessionTokenPayload, accessKeyId: string): Caller {
  const { identity: i, session: s } = p;
  return {
    type: i.type,
    accountId: i.accountId,
    arn: i.arn,
    userId: i.userId,
    accessKeyId,
    credential: 'temporary',
    userName: i.userName,
    principalId: i.principalId,
    principalArn: i.principalArn,
    isRoot: i.isRoot,
    mfaAuthenticated: s.mfaAuthenticated === true,
    tokenIssueTime: s.issuedAt,
    session: s,
  };
}
