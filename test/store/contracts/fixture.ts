import type { Db } from '../../../src/store/db.js';
import type { Store } from '../../../src/store/store.js';

/**
 * What a repository contract gets: a store over a freshly migrated database with one account
 * (`accountId`) in it, on the PostgreSQL under test. Each call is a new account in the same
 * database, so contracts do not see each other's rows.
 */
export interface ContractFixture {
  store: Store;
  db: Db;
  accountId: string;
}

/** A contract module's default export: registers its `it(...)` cases. */
export type Contract = (fixture: () => Promise<ContractFixture>) => void;
