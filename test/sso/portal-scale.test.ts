import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { Jar, csrfOf, makeLocalUser, testId, type LocalUser } from './helpers.js';

/**
 * The portal of a person offered 10,000 roles (one account, each role its own trust policy
 * naming the account; the user's identity policy allows sts:AssumeRole on all of them): the first
 * GET /portal computes the offers (rolesFor), later ones within ROLE_CACHE_SECONDS read the
 * session's cache entry; the page shows at most SHOWN_ROLES with a filter, and issuing a role
 * from the list works. The figures are printed.
 */
const N = 10_000;
let t: TestTessera;
let u: LocalUser;

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const roleId = (i: number) => `AROA${Array.from({ length: 17 }, (_, k) => B32[Math.floor(i / 32 ** k) % 32]).join('')}`;

beforeAll(async () => {
  t = await startTestTessera();
  u = await makeLocalUser(t, 'many');
  await iamClient(t, t.root).send(
    new PutUserPolicyCommand({ UserName: 'many', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${t.accountId}:role/r-*` }] }) }),
  );
  const ids: string[] = [];
  const names: string[] = [];
  const docs: string[] = [];
  for (let i = 0; i < N; i++) {
    ids.push(roleId(i));
    names.push(`r-${i}`);
    docs.push(JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: `acct${i}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:root` }, Action: 'sts:AssumeRole' }] }));
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

const rows = (page: string) => [...page.matchAll(/data-role-arn="arn:aws:iam::\d{12}:role\/([^"]+)"/g)].map((m) => m[1]!);

describe('the portal over 10,000 offered roles', () => {
  it('computes once per login session, then reads the cache; at most 100 rows; the filter narrows; issuing works', async () => {
    const j = new Jar(t.url);
    const form = await j.get('/signin/local');
    await j.post('/signin/local', { csrf: csrfOf(form.text), account: '', username: u.name, password: u.password });
    const t0 = performance.now();
    const first = await j.get('/portal');
    const firstMs = performance.now() - t0;
    const t1 = performance.now();
    const second = await j.get('/portal');
    const cachedMs = performance.now() - t1;
    expect(first.status).toBe(200);
    expect(rows(first.text)).toHaveLength(100);
    expect(testId(first.text, 'role-count')).toMatch(/^10000 roles/);
    expect(testId(first.text, 'shown-count')).toBe('100');
    // Sorted by name within the account, numbers as numbers: r-0, r-1, r-2, …, r-99.
    expect(rows(first.text).slice(0, 4)).toEqual(['r-0', 'r-1', 'r-2', 'r-3']);
    expect(rows(first.text).at(-1)).toBe('r-99');
    expect(second.text.length).toBe(first.text.length);

    const t2 = performance.now();
    const filtered = await j.get('/portal?q=R-999');
    const filterMs = performance.now() - t2;
    expect(rows(filtered.text)).toEqual(['r-999', 'r-9990', 'r-9991', 'r-9992', 'r-9993', 'r-9994', 'r-9995', 'r-9996', 'r-9997', 'r-9998', 'r-9999']);
    expect(testId(filtered.text, 'role-count')).toBe('11 of 10000 roles match');
    const none = await j.get(`/portal?q=${encodeURIComponent('<img src=x>')}`);
    expect(none.status).toBe(200);
    expect(none.text).toContain('data-testid="no-match"');
    expect(none.text).not.toContain('<img src=x>');
    expect(none.text).toContain('&lt;img src=x&gt;');

    const r = await j.post('/portal/credentials', { role_arn: `arn:aws:iam::${t.accountId}:role/r-9999`, csrf: csrfOf(filtered.text) });
    expect(r.status).toBe(200);
    expect(testId(r.text, 'cred-assumed-arn')).toBe(`arn:aws:sts::${t.accountId}:assumed-role/r-9999/many`);
    console.log(
      `portal over ${N} roles: first GET ${firstMs.toFixed(0)} ms (rolesFor), cached GET ${cachedMs.toFixed(0)} ms, filtered GET ${filterMs.toFixed(0)} ms, page ${(first.text.length / 1024).toFixed(0)} KiB`,
    );
    expect(cachedMs).toBeLessThan(firstMs);
  }, 60_000);
});
