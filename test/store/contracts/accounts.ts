import { expect, it } from 'vitest';
import type { ContractFixture } from './fixture.js';

/** The account repository's contract (src/store/accounts.ts): password policy and aliases. */
export default function accounts(fixture: () => Promise<ContractFixture>): void {
  it('accounts: the password policy is absent, set, replaced whole, deleted', async () => {
    const { store, accountId } = await fixture();
    expect(await store.accounts.passwordPolicy(accountId)).toBeNull();
    const base = {
      minimumPasswordLength: 12,
      requireSymbols: true,
      requireNumbers: false,
      requireUppercaseCharacters: true,
      requireLowercaseCharacters: false,
      allowUsersToChangePassword: true,
      hardExpiry: false,
    };
    await store.accounts.putPasswordPolicy(accountId, { ...base, maxPasswordAge: 90, passwordReusePrevention: 5 }, new Date());
    expect(await store.accounts.passwordPolicy(accountId)).toEqual({ ...base, maxPasswordAge: 90, passwordReusePrevention: 5 });
    await store.accounts.putPasswordPolicy(accountId, base, new Date());
    expect(await store.accounts.passwordPolicy(accountId)).toEqual(base);
    expect(await store.accounts.deletePasswordPolicy(accountId)).toBe(true);
    expect(await store.accounts.deletePasswordPolicy(accountId)).toBe(false);
  });

  it('accounts: one alias per account, replaced by a new one, unique across accounts', async () => {
    const a = await fixture();
    const b = await fixture();
    const alias = `alias-${a.accountId}`;
    expect(await a.store.accounts.aliases(a.accountId)).toEqual([]);
    await a.store.accounts.putAlias(a.accountId, `${alias}-old`, new Date());
    await a.store.accounts.putAlias(a.accountId, alias, new Date());
    expect(await a.store.accounts.aliases(a.accountId)).toEqual([alias]);
    expect(await b.store.accounts.putAlias(b.accountId, alias, new Date())).toBe('exists');
    expect(await b.store.accounts.aliases(b.accountId)).toEqual([]);
    expect(await a.store.accounts.deleteAlias(a.accountId, 'not-it')).toBe(false);
    expect(await a.store.accounts.deleteAlias(a.accountId, alias)).toBe(true);
    expect(await a.store.accounts.aliases(a.accountId)).toEqual([]);
  });
}
