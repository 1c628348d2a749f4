import type { Sql } from './db.js';

/** Storage of accounts: account rows, aliases, the password policy, account-wide counts (GetAccountSummary). */
export interface AccountRepository {}

export class PgAccountRepository implements AccountRepository {
  constructor(protected readonly q: Sql) {}
}
