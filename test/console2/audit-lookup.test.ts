import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStringPromise } from 'xml2js';
import { CreateAccessKeyCommand, CreateLoginProfileCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient, stsClient, type Credentials } from '../support/clients.js';
import { iamQuery } from '../sso/test-connector.js';

/**
 * LookupAuditEvents (Tessera extension, IAM namespace): the caller's account's audit log, newest
 * first, filtered and keyset-paged; authorized as tessera:LookupAuditEvents on
 * arn:aws:iam::ACCOUNT:audit-log; never another account's event; never a secret.
 */
let t: TestTessera;
const OTHER = '999988887777';

interface Ev {
  EventId: string;
  EventTime: string;
  RequestId: string;
  Service: string;
  EventName: string;
  Outcome: string;
  ErrorCode?: string;
  PrincipalArn?: string;
  AccessKeyId?: string;
  Detail: string;
}

type Params = Record<string, string | boolean | undefined>;

async function lookup(creds: Credentials, params: Params = {}): Promise<{ status: number; text: string; events: Ev[]; truncated: boolean; marker?: string; code?: string; message?: string }> {
  // The signer adds X-Amz-Security-Token when the credentials carry a session token.
  const r = await iamQuery(t.url, creds, 'LookupAuditEvents', params);
  const x = await parseStringPromise(r.text, { explicitArray: false });
  if (r.status !== 200) return { ...r, events: [], truncated: false, code: x.ErrorResponse?.Error?.Code, message: x.ErrorResponse?.Error?.Message };
  const res = x.LookupAuditEventsResponse.LookupAuditEventsResult;
  const m = res.AuditEvents?.member;
  const events: Ev[] = m === undefined ? [] : Array.isArray(m) ? m : [m];
  return { ...r, events, truncated: res.IsTruncated === 'true', ...(res.Marker ? { marker: res.Marker } : {}) };
}

/** Every page of a lookup, following Marker. */
async function all(creds: Credentials, params: Params, maxItems: number): Promise<{ events: Ev[]; pages: number }> {
  const events: Ev[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const r = await lookup(creds, { ...params, MaxItems: String(maxItems), Marker: marker });
    expect(r.status, r.text).toBe(200);
    expect(r.events.length).toBeLessThanOrEqual(maxItems);
    events.push(...r.events);
    marker = r.marker;
    expect(r.truncated).toBe(marker !== undefined);
    pages++;
  } while (marker);
  return { events, pages };
}

async function userWithPolicy(name: string, statements: unknown[] | null): Promise<Credentials> {
  const iam = iamClient(t, t.root);
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (statements) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
}

const allowAudit = (resource: string) => ({ Effect: 'Allow', Action: 'tessera:LookupAuditEvents', Resource: resource });

/** Rows of another account and of none, written as the audit log would (same table, same columns). */
async function seedForeign(times: Date[]): Promise<void> {
  for (const [i, time] of times.entries()) {
    await t.database.db.query(
      `INSERT INTO audit_events (event_time, request_id, service, action, account_id, principal_arn, access_key_id, outcome, detail)
       VALUES ($1, $2, 'iam', 'CreateUser', $3, $4, $5, 'success', '{"foreign": true}')`,
      [time, `foreign-${i}`, i % 2 === 0 ? OTHER : null, `arn:aws:iam::${OTHER}:user/mallory`, t.root.accessKeyId],
    );
  }
}

beforeAll(async () => {
  t = await startTestTessera();
});
afterAll(async () => {
  await t?.stop();
});

describe('LookupAuditEvents', () => {
  it('returns the account events newest first, each filter narrowing, and pages by keyset without gaps or repeats', async () => {
    const iam = iamClient(t, t.root);
    for (let i = 0; i < 7; i++) await iam.send(new CreateUserCommand({ UserName: `u${i}` }));
    await iam.send(new CreateUserCommand({ UserName: 'u0' })).catch(() => undefined); // EntityAlreadyExists: a failure event
    // Ties on event_time are broken by id: several events at one instant.
    const tie = new Date(Date.now() - 60_000);
    for (let i = 0; i < 5; i++) {
      await t.database.db.query(
        `INSERT INTO audit_events (event_time, request_id, service, action, account_id, outcome, detail) VALUES ($1, $2, 'iam', 'TieEvent', $3, 'success', '{}')`,
        [tie, `tie-${i}`, t.accountId],
      );
    }
    await seedForeign([new Date(), tie, new Date(Date.now() - 30_000)]);

    const first = await lookup(t.root, { MaxItems: '3' });
    expect(first.status, first.text).toBe(200);
    expect(first.events).toHaveLength(3);
    expect(first.truncated).toBe(true);
    expect(first.marker).toBeDefined();

    const { events, pages } = await all(t.root, {}, 2);
    expect(pages).toBeGreaterThan(5);
    const ids = events.map((e) => e.EventId);
    expect(new Set(ids).size).toBe(ids.length);
    // Newest first: (time, id) strictly descending.
    for (let i = 1; i < events.length; i++) {
      const a = events[i - 1]!;
      const b = events[i]!;
      const order = Date.parse(a.EventTime) - Date.parse(b.EventTime) || Number(BigInt(a.EventId) - BigInt(b.EventId));
      expect(order, `${a.EventId} before ${b.EventId}`).toBeGreaterThan(0);
    }
    // Exactly the account's rows, as the table has them.
    const db = await t.database.db.query<{ id: string }>(`SELECT id::text AS id FROM audit_events WHERE account_id = $1 AND id <= $2 ORDER BY event_time DESC, audit_events.id DESC`, [t.accountId, ids[0]]);
    expect(ids.filter((id) => BigInt(id) <= BigInt(ids[0]!))).toEqual(db.rows.map((r) => r.id));
    expect(events.filter((e) => e.EventName === 'TieEvent')).toHaveLength(5);
    expect(events.some((e) => e.RequestId.startsWith('foreign-'))).toBe(false);

    const created = await all(t.root, { EventName: 'CreateUser', Outcome: 'success', Service: 'iam' }, 3);
    expect(created.events).toHaveLength(7);
    expect(created.events.every((e) => e.EventName === 'CreateUser' && e.Outcome === 'success')).toBe(true);
    expect(JSON.parse(created.events[0]!.Detail)).toMatchObject({ userName: 'u6' });
    const failed = await lookup(t.root, { EventName: 'CreateUser', Outcome: 'failure' });
    expect(failed.events).toHaveLength(1);
    expect(failed.events[0]!.ErrorCode).toBe('EntityAlreadyExists');
    const byKey = await lookup(t.root, { AccessKeyId: t.root.accessKeyId, EventName: 'CreateUser' });
    expect(byKey.events).toHaveLength(8);
    expect(byKey.events.every((e) => e.PrincipalArn === `arn:aws:iam::${t.accountId}:root`)).toBe(true);
    const byPrincipal = await lookup(t.root, { PrincipalArn: `arn:aws:iam::${t.accountId}:root`, EventName: 'CreateUser' });
    expect(byPrincipal.events).toHaveLength(8);
    const byRequest = await lookup(t.root, { RequestId: failed.events[0]!.RequestId });
    expect(byRequest.events.map((e) => e.EventId)).toEqual([failed.events[0]!.EventId]);
    // Time bounds are inclusive.
    const atTie = await lookup(t.root, { StartTime: tie.toISOString(), EndTime: tie.toISOString() });
    expect(atTie.events.map((e) => e.RequestId).sort()).toEqual(['tie-0', 'tie-1', 'tie-2', 'tie-3', 'tie-4']);
    const before = await lookup(t.root, { EndTime: new Date(tie.getTime() - 1).toISOString() });
    expect(before.events.every((e) => Date.parse(e.EventTime) < tie.getTime())).toBe(true);
    // The lookups themselves are audited.
    const reads = await lookup(t.root, { EventName: 'LookupAuditEvents', MaxItems: '1' });
    expect(reads.events[0]).toMatchObject({ Service: 'iam', EventName: 'LookupAuditEvents', Outcome: 'success' });
  });

  it('never shows another account or an account-less event: not by filter, not through a forged Marker', async () => {
    const foreign = await t.database.db.query<{ id: string; t: string }>(
      `SELECT id::text AS id, to_char(event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t FROM audit_events WHERE request_id LIKE 'foreign-%' ORDER BY id`,
    );
    expect(foreign.rows.length).toBe(3);
    for (const params of [{ PrincipalArn: `arn:aws:iam::${OTHER}:user/mallory` }, { RequestId: 'foreign-0' }, { RequestId: 'foreign-1' }, { AccessKeyId: t.root.accessKeyId, EventName: 'CreateUser' }]) {
      const r = await lookup(t.root, { ...params, MaxItems: '1000' });
      expect(r.status, r.text).toBe(200);
      expect(r.events.some((e) => e.RequestId.startsWith('foreign-') || e.Detail.includes('foreign')), JSON.stringify(params)).toBe(false);
    }
    // A Marker pointing just past a foreign event only positions the walk in this account's events.
    for (const row of foreign.rows) {
      const later = `${new Date(Date.parse(row.t) + 1).toISOString().replace('Z', '000Z')}|${BigInt(row.id) + 1n}`;
      const r = await lookup(t.root, { Marker: Buffer.from(later).toString('base64url'), MaxItems: '1000' });
      expect(r.status, r.text).toBe(200);
      expect(r.events.some((e) => e.RequestId.startsWith('foreign-'))).toBe(false);
    }
    // A policy naming the other account's audit log grants nothing here, nor there.
    const c = await userWithPolicy('cross-reader', [allowAudit(`arn:aws:iam::${OTHER}:audit-log`)]);
    const r = await lookup(c);
    expect(r.status).toBe(403);
    expect(r.code).toBe('AccessDenied');
  });

  it('is authorized as tessera:LookupAuditEvents on the account audit-log ARN, with AWS messages', async () => {
    const arn = `arn:aws:iam::${t.accountId}:audit-log`;
    const none = await userWithPolicy('no-policy', null);
    const r0 = await lookup(none);
    expect(r0.status).toBe(403);
    expect(r0.message).toMatch(
      new RegExp(`^User: arn:aws:iam::${t.accountId}:user/no-policy is not authorized to perform: tessera:LookupAuditEvents on resource: ${arn} because no identity-based policy allows the tessera:LookupAuditEvents action(\\. Encoded authorization failure message: [\\w-]+)?$`),
    );
    // iam:* is not tessera:*.
    const iamStar = await userWithPolicy('iam-star', [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
    expect((await lookup(iamStar)).code).toBe('AccessDenied');
    // A List*/Get*-only role cannot read the audit log either.
    const listGet = await userWithPolicy('list-get', [{ Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' }]);
    expect((await lookup(listGet)).code).toBe('AccessDenied');
    const wrongResource = await userWithPolicy('wrong-resource', [allowAudit(`arn:aws:iam::${t.accountId}:login-session/*`)]);
    expect((await lookup(wrongResource)).code).toBe('AccessDenied');
    const denied = await userWithPolicy('denied', [allowAudit('*'), { Effect: 'Deny', Action: 'tessera:LookupAuditEvents', Resource: arn }]);
    const rd = await lookup(denied);
    expect(rd.code).toBe('AccessDenied');
    expect(rd.message).toContain('with an explicit deny in an identity-based policy');
    const reader = await userWithPolicy('reader', [allowAudit(arn)]);
    const ok = await lookup(reader, { EventName: 'LookupAuditEvents' });
    expect(ok.status, ok.text).toBe(200);
    // The denied attempts are in the log, as failures with AccessDenied.
    const refusals = await lookup(t.root, { EventName: 'LookupAuditEvents', Outcome: 'failure', PrincipalArn: `arn:aws:iam::${t.accountId}:user/no-policy` });
    expect(refusals.events[0]).toMatchObject({ ErrorCode: 'AccessDenied' });
    const wildcard = await userWithPolicy('wildcard', [{ Effect: 'Allow', Action: 'tessera:*', Resource: `arn:aws:iam::${t.accountId}:*` }]);
    expect((await lookup(wildcard)).status).toBe(200);
  });

  it('an assumed-role session reads it when its role allows, and its own calls show its session ARN', async () => {
    const iam = iamClient(t, t.root);
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:root` }, Action: 'sts:AssumeRole' }] };
    await iam.send(new CreateRoleCommand({ RoleName: 'Auditor', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Auditor', PolicyName: 'a', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [allowAudit(`arn:aws:iam::${t.accountId}:audit-log`)] }) }));
    const assumer = await userWithPolicy('assumer', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${t.accountId}:role/Auditor` }]);
    const c = (await stsClient(t, assumer).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${t.accountId}:role/Auditor`, RoleSessionName: 'ann' }))).Credentials!;
    const creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const r0 = await lookup(creds, { AccessKeyId: c.AccessKeyId!, MaxItems: '5' });
    expect(r0.status, r0.text).toBe(200);
    // A call's own event is written after its answer: the second call sees the first.
    expect(r0.events).toEqual([]);
    const r = await lookup(creds, { AccessKeyId: c.AccessKeyId!, MaxItems: '5' });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ EventName: 'LookupAuditEvents', PrincipalArn: `arn:aws:sts::${t.accountId}:assumed-role/Auditor/ann`, AccessKeyId: c.AccessKeyId });
    const assumed = await lookup(t.root, { Service: 'sts', EventName: 'AssumeRole', MaxItems: '1' });
    expect(JSON.parse(assumed.events[0]!.Detail)).toMatchObject({ roleArn: `arn:aws:iam::${t.accountId}:role/Auditor`, roleSessionName: 'ann' });
  });

  it('holds no secret: access key secrets, session tokens, passwords and MFA seeds never appear', async () => {
    const iam = iamClient(t, t.root);
    await iam.send(new CreateUserCommand({ UserName: 'secretive' }));
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: 'secretive' }))).AccessKey!;
    const password = 'Correct-Horse-Battery-9';
    await iam.send(new CreateLoginProfileCommand({ UserName: 'secretive', Password: password }));
    const mfa = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'secretive' }))).VirtualMFADevice!;
    const seed = Buffer.from(mfa.Base32StringSeed!).toString();
    const st = (await stsClient(t, { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! }).send(new GetSessionTokenCommand({}))).Credentials!;
    const secrets = [k.SecretAccessKey!, password, seed, st.SecretAccessKey!, st.SessionToken!, t.root.secretAccessKey];
    const pages = await all(t.root, {}, 1000);
    expect(pages.events.map((e) => e.EventName)).toEqual(expect.arrayContaining(['CreateAccessKey', 'CreateLoginProfile', 'CreateVirtualMFADevice']));
    const text = JSON.stringify(pages.events);
    for (const s of secrets) expect(text.includes(s), 'a secret in the audit log').toBe(false);
    // The key id is recorded (it is an identifier, not a secret).
    expect(text).toContain(k.AccessKeyId!);
  });

  it('refuses bad input with a 400, never a 500', async () => {
    const bad: [Params, string][] = [
      [{ Marker: 'not base64!' }, 'InvalidInput'],
      [{ Marker: Buffer.from('2026-01-01T00:00:00.000000Z|abc').toString('base64url') }, 'InvalidInput'],
      [{ Marker: Buffer.from('2026-13-45T00:00:00.000000Z|1').toString('base64url') }, 'InvalidInput'],
      [{ Marker: Buffer.from('2026-01-01T00:00:00.000000Z|99999999999999999999').toString('base64url') }, 'InvalidInput'],
      [{ Marker: Buffer.from("x' OR 1=1 --").toString('base64url') }, 'InvalidInput'],
      [{ StartTime: '2026-02-01T00:00:00Z', EndTime: '2026-01-01T00:00:00Z' }, 'InvalidInput'],
      [{ StartTime: 'yesterday' }, 'ValidationError'],
      [{ Outcome: 'maybe' }, 'ValidationError'],
      [{ MaxItems: '0' }, 'ValidationError'],
      [{ MaxItems: '1001' }, 'ValidationError'],
      [{ EventName: "CreateUser' OR '1'='1" }, 'ValidationError'],
      [{ Service: 'I AM' }, 'ValidationError'],
    ];
    for (const [params, code] of bad) {
      const r = await lookup(t.root, params);
      expect(r.status, `${JSON.stringify(params)}: ${r.text}`).toBe(400);
      expect(r.code, JSON.stringify(params)).toBe(code);
    }
    const unsigned = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=LookupAuditEvents&Version=2010-05-08' });
    expect(unsigned.status).toBe(403);
  });
});
