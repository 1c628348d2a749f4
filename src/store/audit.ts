import type { Sql } from './db.js';

/** Storage of audit events (audit/log.ts group commit). */
export interface AuditRepository {}

export class PgAuditRepository implements AuditRepository {
  constructor(protected readonly q: Sql) {}
}
