import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { callerFromPayload, deriveSecret, openSessionToken, sealSessionToken, sessionTokenKeyId, type SessionTokenPayload } from '../../src/tokens/session-token.js';
import { newAccessKeyId } from '../../src/tokens/ids.js';

const key = randomBytes(32);
const akid = newAccessKeyId('ASIA', '123456789012');
const payload: SessionTokenPayload = {
  identity: {
    type: 'AssumedRole',
    accountId: '123456789012',
    arn: 'arn:aws:sts::123456789012:assumed-role/Dev/s1',
    userId: 'AROAAAAAAAAAAAAAAAAAA:s1',
    principalId: 'AROAAAAAAAAAAAAAAAAAA',
    principalArn: 'arn:aws:iam::123456789012:role/Dev',
    isRoot: false,
  },
  session: {
    issuedBy: 'AssumeRole',
    roleId: 'AROAAAAAAAAAAAAAAAAAA',
    roleName: 'Dev',
    roleArn: 'arn:aws:iam::123456789012:role/Dev',
    sessionName: 's1',
    tags: { Project: 'x' },
    transitiveTagKeys: ['Project'],
    sourceIdentity: 'alice',
    mfaAuthenticated: true,
    mfaAuthTime: new Date(1_700_000_000_000),
    issuedAt: new Date(1_700_000_000_000),
    expiresAt: new Date(1_700_003_600_000),
    sessionId: 'sess-1',
  },
};

describe('session tokens', () => {
  it('round-trips the caller and session, bound to the access key id', () => {
    const t = sealSessionToken(7, key, akid, payload);
    expect(sessionTokenKeyId(t)).toBe(7);
    const back = openSessionToken(key, t, akid);
    expect(back).toEqual({ identity: { ...payload.identity, userName: undefined }, session: expect.objectContaining(payload.session) });
    const c = callerFromPayload(back!, akid);
    expect(c).toMatchObject({ type: 'AssumedRole', credential: 'temporary', accessKeyId: akid, mfaAuthenticated: true });
    expect(openSessionToken(key, t, newAccessKeyId('ASIA', '123456789012'))).toBeNull();
    expect(openSessionToken(randomBytes(32), t, akid)).toBeNull();
  });

  it('any flipped byte makes it invalid', () => {
    const raw = Buffer.from(sealSessionToken(1, key, akid, payload), 'base64');
    for (const i of [0, 3, 10, 20, 30, raw.length - 1]) {
      const b = Buffer.from(raw);
      b[i] = b[i]! ^ 1;
      expect(openSessionToken(key, b.toString('base64'), akid)).toBeNull();
    }
    expect(sessionTokenKeyId('not a token!')).toBeNull();
  });

  it('is compact and opaque', () => {
    const t = sealSessionToken(1, key, akid, payload);
    expect(t.length).toBeLessThan(800);
    expect(Buffer.from(t, 'base64').toString('latin1')).not.toContain('alice');
  });

  it('stores small payloads uncompressed (version 2) and deflates large ones (version 1); both open', () => {
    const small = Buffer.from(sealSessionToken(3, key, akid, payload), 'base64');
    expect(small[0]).toBe(2);
    const large: SessionTokenPayload = { ...payload, session: { ...payload.session, sessionPolicy: JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 20 }, (_, i) => ({ Effect: 'Allow', Action: `s3:GetObject`, Resource: `arn:aws:s3:::bucket-${i}/*` })) }) } };
    const t = sealSessionToken(3, key, akid, large);
    expect(Buffer.from(t, 'base64')[0]).toBe(1);
    expect(sessionTokenKeyId(t)).toBe(3);
    expect(openSessionToken(key, t, akid)?.session.sessionPolicy).toBe(large.session.sessionPolicy);
    // The version byte is authenticated: relabelling a token's encoding breaks it.
    const relabelled = Buffer.from(small);
    relabelled[0] = 1;
    expect(openSessionToken(key, relabelled.toString('base64'), akid)).toBeNull();
  });

  it('derives a stable 40-character secret per access key and session', () => {
    const s = deriveSecret(key, akid, 'sess-1');
    expect(s).toHaveLength(40);
    expect(deriveSecret(key, akid, 'sess-1')).toBe(s);
    expect(deriveSecret(key, akid, 'sess-2')).not.toBe(s);
  });
});

describe('session token lineage', () => {
  const ancestor = (i: number) => ({ sessionId: `anc-${i}`, accessKeyId: newAccessKeyId('ASIA', '123456789012'), roleId: i % 2 ? 'AROABBBBBBBBBBBBBBBBB' : undefined, issuedAt: new Date(1_700_000_000_000 + i), ownerId: i % 2 ? 'AROABBBBBBBBBBBBBBBBB' : 'AIDACCCCCCCCCCCCCCCCC' });

  it('carries the ancestors, root first, and a token without them has none (tokens issued before lineage still open)', () => {
    const lineage = [ancestor(0), ancestor(1), ancestor(2)];
    const t = sealSessionToken(1, key, akid, { ...payload, session: { ...payload.session, lineage } });
    expect(openSessionToken(key, t, akid)!.session.lineage).toEqual(lineage);
    expect(openSessionToken(key, sealSessionToken(1, key, akid, payload), akid)!.session.lineage).toBeUndefined();
  });

  it('a full lineage (MAX_LINEAGE) still fits a token; lineageOf refuses to chain past it', async () => {
    const { MAX_LINEAGE } = await import('../../src/tokens/session-token.js');
    const { lineageOf } = await import('../../src/sts/issue.js');
    const lineage = Array.from({ length: MAX_LINEAGE }, (_, i) => ancestor(i));
    const t = sealSessionToken(1, key, akid, { ...payload, session: { ...payload.session, lineage } });
    const opened = openSessionToken(key, t, akid)!;
    expect(opened.session.lineage).toHaveLength(MAX_LINEAGE);
    expect(t.length).toBeLessThan(4096);
    const parent = callerFromPayload(opened, akid);
    let err: any;
    try {
      lineageOf(parent);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'ValidationError', status: 400, message: `Role chaining is limited to ${MAX_LINEAGE + 1} sessions: the calling session is already ${MAX_LINEAGE + 1} sessions deep.` });
    const short = callerFromPayload(openSessionToken(key, sealSessionToken(1, key, akid, { ...payload, session: { ...payload.session, lineage: lineage.slice(0, 2) } }), akid)!, akid);
    expect(lineageOf(short)).toEqual([...lineage.slice(0, 2), { sessionId: 'sess-1', accessKeyId: akid, roleId: payload.session.roleId, issuedAt: payload.session.issuedAt, ownerId: payload.session.roleId }]);
  });
});
