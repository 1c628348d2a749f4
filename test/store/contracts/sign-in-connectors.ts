import { expect, it } from 'vitest';
import type { StoredSignInConnector } from '../../../src/store/sign-in-connectors.js';
import type { ContractFixture } from './fixture.js';

/** The sign-in connector repository's contract (src/store/sign-in-connectors.ts). */
export default function signInConnectors(fixture: () => Promise<ContractFixture>): void {
  // Ids are unique in the installation, and every fixture account shares one database.
  const connector = (accountId: string, id: string, over: Partial<StoredSignInConnector> = {}): StoredSignInConnector => ({
    id,
    accountId,
    type: 'oidc',
    displayName: `Connector ${id}`,
    providerArn: `arn:aws:iam::${accountId}:oidc-provider/idp.example.com`,
    requireMfa: false,
    allowIdpInitiated: false,
    enabled: true,
    settings: { issuer: 'https://idp.example.com', scopes: ['openid', 'email'], nested: { a: 1 } },
    secretsSealed: Buffer.from([1, 2, 3, 4]),
    createdAt: new Date('2026-01-02T03:04:05Z'),
    updatedAt: new Date('2026-01-02T03:04:05Z'),
    ...over,
  });

  it('sign-in connectors: insert (in a transaction), get, page in id order, update, delete; scoped to the account', async () => {
    const { store, accountId } = await fixture();
    const sfx = accountId.slice(-6);
    const [b, a, c] = [`b-${sfx}`, `a-${sfx}`, `c-${sfx}`];
    const made = await store.tx((t) => t.signInConnectors.insert(connector(accountId, b), 100));
    expect(made).toEqual(connector(accountId, b));
    await store.tx((t) => t.signInConnectors.insert(connector(accountId, a, { type: 'saml', allowIdpInitiated: true, providerArn: `arn:aws:iam::${accountId}:saml-provider/corp` }), 100));
    await store.tx((t) => t.signInConnectors.insert(connector(accountId, c, { enabled: false }), 100));
    expect((await store.signInConnectors.page(accountId, { limit: 10 })).map((x) => x.id)).toEqual([a, b, c]);
    expect((await store.signInConnectors.page(accountId, { after: a, limit: 1 })).map((x) => x.id)).toEqual([b]);
    expect(await store.signInConnectors.get(accountId, a)).toMatchObject({ type: 'saml', allowIdpInitiated: true });
    expect(await store.signInConnectors.get('999999999999', a)).toBeNull();
    // Secrets come back byte for byte.
    expect((await store.signInConnectors.get(accountId, b))!.secretsSealed.equals(Buffer.from([1, 2, 3, 4]))).toBe(true);

    const later = new Date('2026-02-03T04:05:06Z');
    const upd = await store.signInConnectors.update(accountId, b, {
      displayName: 'Renamed',
      providerArn: `arn:aws:iam::${accountId}:oidc-provider/other.example.com`,
      requireMfa: true,
      allowIdpInitiated: false,
      enabled: false,
      settings: { issuer: 'https://other.example.com' },
      secretsSealed: Buffer.from([9]),
      updatedAt: later,
    });
    expect(upd).toMatchObject({ displayName: 'Renamed', requireMfa: true, enabled: false, settings: { issuer: 'https://other.example.com' }, updatedAt: later, createdAt: new Date('2026-01-02T03:04:05Z') });
    expect(await store.signInConnectors.update('999999999999', b, { ...upd!, updatedAt: later })).toBeNull();
    expect(await store.signInConnectors.delete('999999999999', a)).toBe(false);
    expect(await store.signInConnectors.delete(accountId, a)).toBe(true);
    expect(await store.signInConnectors.delete(accountId, a)).toBe(false);
    expect(await store.signInConnectors.get(accountId, a)).toBeNull();
  });

  it('sign-in connectors: ids are unique across accounts; the per-account quota holds', async () => {
    const one = await fixture();
    const two = await fixture();
    const id = `shared-${one.accountId.slice(-6)}`;
    await one.store.tx((t) => t.signInConnectors.insert(connector(one.accountId, id), 100));
    expect(await two.store.tx((t) => t.signInConnectors.insert(connector(two.accountId, id), 100))).toBe('exists');
    expect(await two.store.signInConnectors.get(two.accountId, id)).toBeNull();
    expect(await one.store.tx((t) => t.signInConnectors.insert(connector(one.accountId, `${id}-2`), 1))).toBe('quota');
  });

  it('sign-in connectors: listEnabled is every account\'s enabled connectors; the schema refuses what the code never writes', async () => {
    const { store, db, accountId } = await fixture();
    const sfx = accountId.slice(-6);
    await store.tx((t) => t.signInConnectors.insert(connector(accountId, `on-${sfx}`), 100));
    await store.tx((t) => t.signInConnectors.insert(connector(accountId, `off-${sfx}`, { enabled: false }), 100));
    const ids = (await store.signInConnectors.listEnabled()).map((x) => x.id);
    expect(ids).toContain(`on-${sfx}`);
    expect(ids).not.toContain(`off-${sfx}`);
    // Ids as the URL needs them; IdP-initiated only for SAML.
    await expect(store.tx((t) => t.signInConnectors.insert(connector(accountId, `Upper-${sfx}`), 100))).rejects.toThrow();
    await expect(store.tx((t) => t.signInConnectors.insert(connector(accountId, `x-${sfx}`, { allowIdpInitiated: true }), 100))).rejects.toThrow();
    const r = await db.query(`SELECT count(*)::int AS n FROM sign_in_connectors WHERE account_id = $1`, [accountId]);
    expect(r.rows[0]!.n).toBe(2);
  });
}
