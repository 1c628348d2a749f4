import type { Sql } from './db.js';

/** Storage of failed-attempt counters and lockouts (throttle/attempts.ts). */
export interface AttemptRepository {}

export class PgAttemptRepository implements AttemptRepository {
  constructor(protected readonly q: Sql) {}
}
