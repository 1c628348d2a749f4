import { describe, expect, it } from 'vitest';
import { GetAccessKeyInfoCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { newAccessKeyId } from '../../src/tokens/ids.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

const client = (creds: { accessKeyId: string; secretAccessKey: string }, extra: Record<string, unknown> = {}) =>
  new STSClient({ endpoint: t.url, region: 'us-east-1', credentials: creds, maxAttempts: 1, ...extra });

describe('GetCallerIdentity through @aws-sdk/client-sts', () => {
  it('returns the root account, ARN and user id', async () => {
    const out = await client(t.root).send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Account: t.accountId, Arn: `arn:aws:iam::${t.accountId}:root`, UserId: t.accountId });
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts any region in the credential scope', async () => {
    const out = await client(t.root, { region: 'eu-west-3' }).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe(t.accountId);
  });

  it('a wrong secret is SignatureDoesNotMatch', async () => {
    const err = await client({ ...t.root, secretAccessKey: 'x'.repeat(40) }).send(new GetCallerIdentityCommand({})).catch((e) => e);
    expect(err).toBeInstanceOf(STSServiceException);
    expect(err.name).toBe('SignatureDoesNotMatch');
    expect(err.$metadata.httpStatusCode).toBe(403);
  });

  it('an unknown key is InvalidClientTokenId', async () => {
    const err = await client({ accessKeyId: newAccessKeyId('AKIA', t.accountId), secretAccessKey: 'x'.repeat(40) })
      .send(new GetCallerIdentityCommand({}))
      .catch((e) => e);
    expect(err.name).toBe('InvalidClientTokenId');
    expect(err.message).toBe('The security token included in the request is invalid.');
    expect(err.$metadata.httpStatusCode).toBe(403);
  });

  it('a long-term key presented with a session token is InvalidClientTokenId', async () => {
    const err = await client({ ...t.root, sessionToken: 'AQoDYXdzEJr' } as never).send(new GetCallerIdentityCommand({})).catch((e) => e);
    expect(err.name).toBe('InvalidClientTokenId');
  });

  it('a request signed 20 minutes ago is refused as expired', async () => {
    const err = await client(t.root, { systemClockOffset: -20 * 60_000 }).send(new GetCallerIdentityCommand({})).catch((e) => e);
    expect(err.name).toBe('SignatureDoesNotMatch');
    expect(err.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
  });

  it('writes an audit event for each authenticated call, never the secret', async () => {
    const out = await client(t.root).send(new GetCallerIdentityCommand({}));
    const r = await t.database.db.query('SELECT * FROM audit_events WHERE request_id = $1', [out.$metadata.requestId]);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ action: 'GetCallerIdentity', service: 'sts', outcome: 'success', access_key_id: t.root.accessKeyId, principal_arn: `arn:aws:iam::${t.accountId}:root`, source_ip: '127.0.0.1' });
    expect(JSON.stringify(r.rows[0])).not.toContain(t.root.secretAccessKey);
  });
});

describe('GetAccessKeyInfo', () => {
  it('returns the account of our key, and of a key id that was never stored', async () => {
    const c = client(t.root);
    expect((await c.send(new GetAccessKeyInfoCommand({ AccessKeyId: t.root.accessKeyId }))).Account).toBe(t.accountId);
    expect((await c.send(new GetAccessKeyInfoCommand({ AccessKeyId: newAccessKeyId('AKIA', '210987654321') }))).Account).toBe('210987654321');
  });
});
