import type { Sql } from './db.js';

/** Storage of virtual MFA devices, their enablement and TOTP replay counters. */
export interface MfaRepository {}

export class PgMfaRepository implements MfaRepository {
  constructor(protected readonly q: Sql) {}
}
