import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, GetSessionTokenCommand, GetFederationTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

let now = new Date();
let t: TestTessera;
beforeAll(async () => {
  t = await startTestTessera({ now: () => now });
});
afterAll(async () => {
  await t?.stop();
});

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const sts = (c: Creds, url = t.url) =>
  new STSClient({ endpoint: url, region: 'us-east-1', credentials: c, maxAttempts: 1, systemClockOffset: now.getTime() - Date.now() });
const asCreds = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }): Creds => ({
  accessKeyId: c.AccessKeyId!,
  secretAccessKey: c.SecretAccessKey!,
  sessionToken: c.SessionToken!,
});

describe('temporary credentials (GetSessionToken)', () => {
  it('issues ASIA credentials that sign calls as the same identity', async () => {
    now = new Date();
    const out = await sts(t.root).send(new GetSessionTokenCommand({ DurationSeconds: 7200 }));
    const c = out.Credentials!;
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c.SecretAccessKey).toHaveLength(40);
    // Root sessions are capped at one hour.
    expect(Math.round((c.Expiration!.getTime() - now.getTime()) / 1000)).toBeGreaterThan(3590);
    expect(c.Expiration!.getTime() - now.getTime()).toBeLessThanOrEqual(3600_000);
    const id = await sts(asCreds(c)).send(new GetCallerIdentityCommand({}));
    expect(id).toMatchObject({ Account: t.accountId, Arn: `arn:aws:iam::${t.accountId}:root`, UserId: t.accountId });
    const audit = await t.database.db.query(`SELECT * FROM audit_events WHERE request_id = $1`, [out.$metadata.requestId]);
    expect(audit.rows[0]!.detail).toMatchObject({ issuedBy: 'GetSessionToken', issuedAccessKeyId: c.AccessKeyId });
    expect(JSON.stringify(audit.rows[0])).not.toContain(c.SecretAccessKey);
    expect(JSON.stringify(audit.rows[0])).not.toContain(c.SessionToken);
  });

  it('session credentials cannot call GetSessionToken or GetFederationToken', async () => {
    now = new Date();
    const c = asCreds((await sts(t.root).send(new GetSessionTokenCommand({}))).Credentials!);
    const e1 = await sts(c).send(new GetSessionTokenCommand({})).catch((e) => e);
    expect(e1.name).toBe('AccessDenied');
    expect(e1.message).toBe('Cannot call GetSessionToken with session credentials');
    expect(e1.$metadata.httpStatusCode).toBe(403);
    const e2 = await sts(c).send(new GetFederationTokenCommand({ Name: 'bob' })).catch((e) => e);
    expect(e2.name).toBe('AccessDenied');
  });

  it('a missing or tampered session token is InvalidClientTokenId', async () => {
    now = new Date();
    const c = asCreds((await sts(t.root).send(new GetSessionTokenCommand({}))).Credentials!);
    const noToken = await sts({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }).send(new GetCallerIdentityCommand({})).catch((e) => e);
    expect(noToken.name).toBe('InvalidClientTokenId');
    const raw = Buffer.from(c.sessionToken!, 'base64');
    raw[raw.length - 3] = raw[raw.length - 3]! ^ 0x40;
    const tampered = await sts({ ...c, sessionToken: raw.toString('base64') }).send(new GetCallerIdentityCommand({})).catch((e) => e);
    expect(tampered.name).toBe('InvalidClientTokenId');
    expect(tampered.message).toBe('The security token included in the request is invalid.');
    expect(tampered.$metadata.httpStatusCode).toBe(403);
    const wrongSecret = await sts({ ...c, secretAccessKey: 'A'.repeat(40) }).send(new GetCallerIdentityCommand({})).catch((e) => e);
    expect(wrongSecret.name).toBe('SignatureDoesNotMatch');
  });

  it('expired credentials are ExpiredToken', async () => {
    now = new Date();
    const c = asCreds((await sts(t.root).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!);
    now = new Date(now.getTime() + 901_000);
    const e = await sts(c).send(new GetCallerIdentityCommand({}), {}).catch((x) => x);
    expect(e.name).toBe('ExpiredToken');
    expect(e.message).toBe('The security token included in the request is expired');
    expect(e.$metadata.httpStatusCode).toBe(400);
    now = new Date();
  });
});
