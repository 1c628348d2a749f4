import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { Jar, csrfOf, makeLocalUser, type LocalUser } from './helpers.js';

/**
 * Cookies and redirects as Chromium sees them: Chromium accepts `Secure` and the `__Host-` prefix
 * from http://127.0.0.1 (loopback is a secure context), so the dev/test setup uses the same
 * cookie names and flags as production over https. A new session id at every sign-in (a cookie
 * presented before is destroyed), CSRF on every form, and `return_to` only same-origin.
 */
describe.skipIf(!browserAvailable)('sign-in cookies and redirects in Chromium', () => {
  let t: TestTessera;
  let b: TestBrowser;
  let alice: LocalUser;

  beforeAll(async () => {
    t = await startTestTessera();
    alice = await makeLocalUser(t, 'alice');
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.stop();
  });

  const signIn = async (returnTo?: string) => {
    const p = b.page;
    await p.goto(`${t.url}/signin/local${returnTo !== undefined ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`);
    await p.fill('#username', alice.name);
    await p.fill('#password', alice.password);
    await Promise.all([p.waitForLoadState('load'), p.click('button[type=submit]')]);
  };

  it('sets __Host- cookies with Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain on http://127.0.0.1; a new session id at each sign-in', async () => {
    await b.context.clearCookies();
    await signIn();
    expect(new URL(b.page.url()).pathname).toBe('/session');
    const cookies = await b.context.cookies(t.url);
    const session = cookies.find((c) => c.name === '__Host-tessera-session');
    expect(session).toMatchObject({ path: '/', httpOnly: true, secure: true, sameSite: 'Lax', domain: '127.0.0.1' });
    expect(session!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const flow = cookies.find((c) => c.name === '__Host-tessera-flow');
    expect(flow).toMatchObject({ path: '/', httpOnly: true, secure: true, sameSite: 'None' });
    const firstId = await b.page.getByTestId('session-id').textContent();

    // Signing in again while signed in: a different cookie and session, and the old one is dead.
    await signIn();
    const again = (await b.context.cookies(t.url)).find((c) => c.name === '__Host-tessera-session')!;
    expect(again.value).not.toBe(session!.value);
    expect(await b.page.getByTestId('session-id').textContent()).not.toBe(firstId);
    const old = new Jar(t.url);
    old.cookies.set('__Host-tessera-session', session!.value);
    expect((await old.get('/session')).location).toBe('/signin');
    await b.shot('sso-session-local-password');
  });

  it('the raw Set-Cookie has exactly the flags', async () => {
    const j = new Jar(t.url);
    const form = await j.get('/signin/local');
    expect(form.setCookies).toEqual([expect.stringMatching(/^__Host-tessera-flow=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=None; Max-Age=3600$/)]);
    const r = await j.post('/signin/local', { csrf: csrfOf(form.text), account: t.accountId, username: alice.name, password: alice.password });
    expect(r.status).toBe(303);
    expect(r.setCookies).toEqual([expect.stringMatching(/^__Host-tessera-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/)]);
    expect(r.setCookies[0]).not.toMatch(/domain/i);
  });
});
