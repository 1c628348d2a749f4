import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { Jar } from './helpers.js';
import { setUpConnectors, startUpstream, testFactories, type Upstream } from './test-connector.js';

/**
 * TESSERA_SIGNIN_REQUIRE_MFA: every federated sign-in needs a second factor, also through a
 * connector without requireMfa — a person whose IdP asserted none is sent to Tessera's TOTP
 * enrolment instead of getting a session.
 */
let t: TestTessera;
let up: Upstream;

beforeAll(async () => {
  t = await startTestTessera({ connectorFactories: testFactories, env: { TESSERA_SIGNIN_REQUIRE_MFA: 'true' } });
  up = await startUpstream();
  await setUpConnectors(t, up, [{ id: 'corp', type: 'oidc' }]);
});
afterAll(async () => {
  await up?.close();
  await t?.stop();
});

describe('installation-wide MFA requirement', () => {
  it('a federated sign-in without upstream MFA goes to enrolment, not to a session', async () => {
    const jar = new Jar(t.url);
    const start = await jar.get('/signin/corp');
    const authorize = new URL(start.location!);
    authorize.searchParams.set('login', 'p-mfa');
    const r = await fetch(authorize, { redirect: 'manual' });
    const done = await jar.get(r.headers.get('location')!);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/signin/mfa/enrol');
    const s = await jar.get('/session');
    expect(s.status).toBe(303);
    expect(s.location).toBe('/signin');
  });
});
