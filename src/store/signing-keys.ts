import type { Sql } from './db.js';

/** Storage of rotating signing/encryption keys (sts_keys) and the master-key check. */
export interface SigningKeyRepository {}

export class PgSigningKeyRepository implements SigningKeyRepository {
  constructor(protected readonly q: Sql) {}
}
