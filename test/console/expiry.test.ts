import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { Jar, csrfOf, makeLocalUser, type LocalUser } from '../sso/helpers.js';
import { consoleRole } from '../console2/helpers.js';

/** The console role session's expiry with Tessera's clock moved: the console stops when its credentials expire. */
describe('console role session expiry', () => {
  let t: TestTessera;
  let ada: LocalUser;
  let role: string;
  let offset = 0;

  beforeAll(async () => {
    t = await startTestTessera({ now: () => new Date(Date.now() + offset) });
    ada = await makeLocalUser(t, 'ada');
    role = await consoleRole(t, 'ExpAdmin', [{ Effect: 'Allow', Action: '*', Resource: '*' }], ['ada']);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('works until the credentials expire (1 h), then never again — no IAM call runs after expiry', async () => {
    const j = new Jar(t.url);
    const f = await j.get('/signin/local');
    expect((await j.post('/signin/local', { csrf: csrfOf(f.text), account: '', username: ada.name, password: ada.password })).location).toBe('/session');
    const open = await j.post('/console/role', { role_arn: role, csrf: csrfOf((await j.get('/session')).text) });
    expect(open.location).toBe('/console');
    offset = 3500_000;
    expect((await j.get('/console/mfa')).status).toBe(200);
    const calls = async () => Number((await t.database.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE service = 'iam' AND detail->>'via' = 'console'`)).rows[0]!.n);
    const before = await calls();
    offset = 3700_000;
    const after = await j.get('/console/mfa');
    expect(after.status).toBe(401);
    expect(await calls()).toBe(before);
  });
});
