import type { Sql } from './db.js';

/** Storage of temporary-credential sessions: revocations, one-time-use records. */
export interface SessionRepository {}

export class PgSessionRepository implements SessionRepository {
  constructor(protected readonly q: Sql) {}
}
