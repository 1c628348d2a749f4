import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { accountOfAccessKeyId, newAccessKeyId } from '../../src/tokens/ids.js';
import { openSessionToken, sealSessionToken, type SessionTokenPayload } from '../../src/tokens/session-token.js';
import { awsDate } from '../../src/protocols/query-xml.js';
import { federatedPrincipal, federatedTrustContext } from '../../src/trust/federated.js';
import type { FederatedIdentity } from '../../src/federation/connector.js';

describe('issuance hot path helpers', () => {
  it('access key ids from pooled entropy are distinct and carry their account', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = newAccessKeyId('ASIA', '123456789012');
      expect(id).toMatch(/^ASIA[A-Z2-7]{16}$/);
      expect(accountOfAccessKeyId(id)).toBe('123456789012');
      ids.add(id);
    }
    expect(ids.size).toBe(2000);
    expect(accountOfAccessKeyId(newAccessKeyId('AKIA', '000000000001'))).toBe('000000000001');
  });

  it('sealed tokens open for any payload size and non-ASCII text', () => {
    const key = randomBytes(32);
    const payload = (sessionName: string, policy?: string): SessionTokenPayload => ({
      identity: { type: 'AssumedRole', accountId: '123456789012', arn: `arn:aws:sts::123456789012:assumed-role/r/${sessionName}`, userId: `AROAEXAMPLE:${sessionName}`, principalId: 'AROAEXAMPLE', principalArn: 'arn:aws:iam::123456789012:role/r', isRoot: false },
      session: { issuedBy: 'AssumeRoleWithWebIdentity', roleName: 'r', sessionName, sessionPolicy: policy, federatedContext: { 'idp.example:sub': 'ü✓' }, issuedAt: new Date(1_800_000_000_000), expiresAt: new Date(1_800_003_600_000), sessionId: 's1' },
    });
    for (const p of [payload('a'), payload('b', 'x'.repeat(5000)), payload('c', '✓'.repeat(300))]) {
      const token = sealSessionToken(7, key, 'ASIAEXAMPLEEXAMPLE23', p);
      expect(token).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      const opened = openSessionToken(key, token, 'ASIAEXAMPLEEXAMPLE23');
      expect(opened?.session.sessionPolicy).toBe(p.session.sessionPolicy);
      expect(opened?.session.federatedContext).toEqual({ 'idp.example:sub': 'ü✓' });
      expect(openSessionToken(key, token, 'ASIAEXAMPLEEXAMPLE24')).toBeNull();
    }
  });

  it('awsDate formats whole seconds, the same across the cache', () => {
    const ref = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const t of [0, 999, 1000, 1_800_000_000_123, 1_800_000_000_999, 1_800_000_064_000, -1, -86_400_001, 253_402_300_799_000]) {
      expect(awsDate(new Date(t))).toBe(ref(new Date(t)));
      expect(awsDate(new Date(t))).toBe(ref(new Date(t)));
    }
    expect(() => awsDate(new Date(NaN))).toThrow(RangeError);
  });

  it('trust context: request keys win over provider keys; principal reused per provider', () => {
    const identity = {
      kind: 'oidc',
      providerArn: 'arn:aws:iam::123456789012:oidc-provider/idp.example',
      conditionKeys: { 'idp.example:sub': 'w-1', 'aws:SourceIp': 'spoofed' },
    } as unknown as FederatedIdentity;
    const now = new Date(1_800_000_000_500);
    const ctx = federatedTrustContext(identity, { roleArn: 'arn:aws:iam::123456789012:role/r', sessionName: 's', now, sourceIp: '10.0.0.1', userAgent: 'ua', secureTransport: true, region: 'us-east-1', tags: { k: 'v' } });
    expect(ctx).toMatchObject({ 'idp.example:sub': 'w-1', 'aws:SourceIp': '10.0.0.1', 'aws:CurrentTime': '2027-01-15T08:00:00Z', 'aws:EpochTime': '1800000000', 'aws:RequestTag/k': 'v', 'aws:TagKeys': ['k'] });
    const p = federatedPrincipal(identity);
    expect(p).toEqual({ type: 'web-identity', federatedProvider: identity.providerArn, accountId: '123456789012' });
    expect(federatedPrincipal(identity)).toBe(p);
  });
});
