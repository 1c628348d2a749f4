import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CreateOpenIDConnectProviderCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { rolesFor } from '../../src/sso/roles.js';
import type { LoginSession, SignedInPrincipal } from '../../src/sso/types.js';

/**
 * An account with 10,000 roles, each with its own trust policy (so neither the compiled-policy
 * cache nor anything else can share work between them): rolesFor reads them once (keyset pages)
 * and must not stall the event loop. Measured with the event-loop delay histogram while it runs;
 * the figures are printed. (Each call compiles the 10,000 distinct policies again: the compiled
 * policy cache holds 1,024, and a compiled trust policy weighs ~13 KB, so caching them all per
 * replica was judged not worth ~130 MB; accounts whose roles share trust policies hit the cache.)
 */
const N = 10_000;
let t: TestTessera;
let prov: string;
let prefix: string;
let user: SignedInPrincipal;
const facts = () => ({ now: new Date(), sourceIp: '127.0.0.1', userAgent: 'scale', secureTransport: true, region: 'us-east-1' });
const session = (principal: SignedInPrincipal): LoginSession => ({
  id: 'ls-scale',
  principal,
  mfa: { present: false },
  createdAt: new Date().toISOString(),
  lastSeenAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  sourceIp: '127.0.0.1',
  userAgent: 'scale',
});

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const roleId = (i: number) => `AROA${Array.from({ length: 17 }, (_, k) => B32[Math.floor(i / 32 ** k) % 32]).join('')}`;

beforeAll(async () => {
  t = await startTestTessera();
  const iam = iamClient(t, t.root);
  prov = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.scale.test/r', ClientIDList: ['app'], ThumbprintList: ['a'.repeat(40)] }))).OpenIDConnectProviderArn!;
  prefix = 'idp.scale.test/r';
  const u = (await iam.send(new CreateUserCommand({ UserName: 'many' }))).User!;
  await iam.send(new PutUserPolicyCommand({ UserName: 'many', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${t.accountId}:role/r-1*` }] }) }));
  user = { kind: 'iam-user', accountId: t.accountId, userId: u.UserId!, userName: 'many', arn: u.Arn! };
  // Role i trusts federated subject `user-i` and the account (the user's policy then decides).
  const ids: string[] = [];
  const names: string[] = [];
  const docs: string[] = [];
  for (let i = 0; i < N; i++) {
    ids.push(roleId(i));
    names.push(`r-${i}`);
    docs.push(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Federated: prov }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${prefix}:sub`]: `user-${i}`, [`${prefix}:aud`]: 'app' } } },
          { Sid: `acct${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:root` }, Action: 'sts:AssumeRole' },
        ],
      }),
    );
  }
  await t.database.db.query(
    `INSERT INTO roles (role_id, account_id, role_name, path, arn, assume_role_policy, max_session_duration, tags, created_at, trust_principals, trust_principal_ids)
     SELECT id, $1, name, '/', 'arn:aws:iam::' || $1 || ':role/' || name, doc, 3600, '[]'::jsonb, now(), '{}'::jsonb, '{}'::text[]
       FROM unnest($2::text[], $3::text[], $4::text[]) AS u(id, name, doc)`,
    [t.accountId, ids, names, docs],
  );
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; maxLagMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  h.disable();
  return { value, ms, maxLagMs: h.max / 1e6 };
}

describe(`rolesFor over an account of ${N} roles`, () => {
  it('federated: one role offered, the event loop never blocked for long', async () => {
    const principal: SignedInPrincipal = {
      kind: 'federated',
      connectorId: 'scale',
      connectorType: 'oidc',
      identity: {
        providerArn: prov,
        kind: 'oidc',
        keyPrefix: prefix,
        issuer: `https://${prefix}`,
        subject: 'user-4242',
        audience: 'app',
        conditionKeys: { [`${prefix}:sub`]: 'user-4242', [`${prefix}:aud`]: 'app' },
        persistentKeys: {},
        session: {},
        groups: [],
      },
    };
    const figures: string[] = [];
    for (const run of ['cold', 'warm', 'warm']) {
      const r = await measured(() => rolesFor(t.services, session(principal), facts()));
      expect(r.value.map((o) => o.roleName)).toEqual(['r-4242']);
      figures.push(`${run} ${r.ms.toFixed(0)} ms (max event-loop delay ${r.maxLagMs.toFixed(1)} ms)`);
      expect(r.maxLagMs).toBeLessThan(250);
    }
    console.log(`rolesFor federated, ${N} roles: ${figures.join('; ')}`);
  }, 120_000);

  it('IAM user: the trust policy names the account, the identity policy picks r-1*', async () => {
    const r = await measured(() => rolesFor(t.services, session(user), facts()));
    // r-1, r-10..r-19, r-100..r-199, r-1000..r-1999
    expect(r.value).toHaveLength(1 + 10 + 100 + 1000);
    expect(r.value.every((o) => o.roleName.startsWith('r-1'))).toBe(true);
    console.log(`rolesFor iam-user, ${N} roles: ${r.ms.toFixed(0)} ms (max event-loop delay ${r.maxLagMs.toFixed(1)} ms)`);
    expect(r.maxLagMs).toBeLessThan(250);
  }, 120_000);
});
