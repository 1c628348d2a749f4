import type { Sql } from './db.js';

/** Storage of users and their login profiles. */
export interface UserRepository {}

export class PgUserRepository implements UserRepository {
  constructor(protected readonly q: Sql) {}
}
