import type { Sql } from './db.js';

/** Storage of access keys (long-term) and their last use; the credential resolver's lookups. */
export interface AccessKeyRepository {}

export class PgAccessKeyRepository implements AccessKeyRepository {
  constructor(protected readonly q: Sql) {}
}
