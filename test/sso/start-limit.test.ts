import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { signinAudit, testId } from './helpers.js';
import { setUpConnectors, startUpstream, testFactories, type Upstream } from './test-connector.js';

/**
 * Starting a sign-in is unauthenticated and writes flow state: one source address may start
 * TESSERA_SIGNIN_STARTS_PER_MINUTE per minute (shared by the replicas), then gets a clear 429
 * page, audited; other addresses are unaffected.
 */
let t: TestTessera;
let up: Upstream;

beforeAll(async () => {
  t = await startTestTessera({ connectorFactories: testFactories, env: { TESSERA_SIGNIN_STARTS_PER_MINUTE: '3', TESSERA_TRUST_PROXY_HOPS: '1' } });
  up = await startUpstream();
  await setUpConnectors(t, up, [{ id: 'corp', type: 'oidc' }]);
});
afterAll(async () => {
  await up?.close();
  await t?.stop();
});

describe('sign-in start limit', () => {
  it('the fourth start in a minute from one address is refused on either replica; another address still starts', async () => {
    const r2 = await t.replica();
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${i % 2 ? r2.url : t.url}/signin/corp`, { redirect: 'manual', headers: from('203.0.113.7') });
      expect(r.status).toBe(302);
    }
    const refused = await fetch(`${r2.url}/signin/corp`, { redirect: 'manual', headers: from('203.0.113.7') });
    expect(refused.status).toBe(429);
    const page = await refused.text();
    expect(testId(page, 'reason')).toBe('too_many_starts');
    expect((await signinAudit(t)).at(-1)).toMatchObject({ outcome: 'failure', error_code: 'too_many_starts' });
    const other = await fetch(`${t.url}/signin/corp`, { redirect: 'manual', headers: from('198.51.100.9') });
    expect(other.status).toBe(302);
  });
});
